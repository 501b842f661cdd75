"""`python -m bench`: what the samples cost at run time and at start-up.

Rows, each a median with its p10-p90 spread over n samples:

1. the two-turn weather agent through plain `Runner.run` (the floor),
2. the same agent as the sample's `GptOssWorkflow`, model calls as activities,
3. ... as local activities,
4. ... as local activities with eager workflow start,
5. throughput of many concurrent workflows for 2 and 4,
6. the native `OllamaModel` against `OpenAIChatCompletionsModel`: CPU and wall per call,
7. worker start-up (launch to polling) and peak memory, against `import agents, temporalio`,
8. streaming: from the fake model's first chunk to the first text delta at a subscriber.

Modules: `timing` (summaries), `models` (the instant model), `workflows` (rows 1-5),
`fake_ollama` and `model_calls` (row 6), `workers` (row 7), `streaming` (row 8), `report`
(table, targets, JSON), `options`, `environment` (switches set before the Agents SDK is
imported), `suite` (the order of it all). The fake servers and the samples' wiring come from
`testkit/`, which the tests use too; nothing here imports the tests.
"""
