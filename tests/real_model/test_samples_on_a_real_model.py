"""The samples' scripts against a real model server: llama.cpp serving SmolLM2, through its
OpenAI-compatible API, by every route that reaches such a server (the GPT-OSS worker's
`/v1` provider, LiteLLM's `openai/`, the router's `openai/` and `litellm/openai/`), and the
MCP sample with its two real MCP servers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from openai_agents.model_providers.support.bundled_model import MODEL_ALIAS
from testkit.otlp_receiver import OtlpReceiver
from testkit.real_model import (
    REPORT_PROMPT,
    RUNAWAY_PROMPT,
    SHORT_ANSWER_PROMPT,
    TOOL_CALL_PROMPT,
)
from testkit.weather_mcp import WeatherMcpServer
from tests.helpers.processes import (
    WEATHER,
    printed_result,
    run_script,
    running_worker,
    script_environment,
)
from tests.helpers.usage import local_usage
from tests.real_model.conftest import RealModelServer

pytestmark = pytest.mark.real_model
# The key is a placeholder: llama-server takes any. Long enough to be masked in messages.
OPENAI_COMPATIBLE_KEY = "sk-real-model-placeholder"


def openai_compatible(url: str, dev_server_address: str) -> dict[str, str]:
    """The environment that points the samples' OpenAI routes at the server."""
    return script_environment(
        TEMPORAL_ADDRESS=dev_server_address,
        OLLAMA_HOST=url,
        OPENAI_BASE_URL=f"{url}/v1",
        OPENAI_API_KEY=OPENAI_COMPATIBLE_KEY,
    )


def test_the_gpt_oss_sample_calls_the_tool_and_the_model_reads_its_result(
    real_model_server: RealModelServer, dev_server_address: str, tmp_path: Path
) -> None:
    """The GPT-OSS worker starts on a server that lists its models but has no
    `GET /v1/models/{id}`; the tool runs in the workflow, and its result reaches the model,
    which quotes it."""
    environment = openai_compatible(real_model_server.url, dev_server_address)
    with running_worker(
        "run_gpt_oss_worker.py", "--model", MODEL_ALIAS, environment=environment, tmp_path=tmp_path
    ) as worker:
        completed = run_script(
            "run_gpt_oss_workflow.py",
            *("--model", MODEL_ALIAS, "--prompt", TOOL_CALL_PROMPT),
            environment=environment,
        )

    assert completed.returncode == 0, completed.stderr
    assert WEATHER in printed_result(completed.stdout)
    assert "Getting weather for Tokyo" in worker.output()
    # llama-server's own counts through `/v1`; a server of your own costs nothing.
    calls, tokens_in, tokens_out = local_usage(completed.stdout, MODEL_ALIAS)
    assert calls >= 2 and tokens_in > 0 and tokens_out > 0  # The tool call, then the answer.


def test_a_traced_run_on_the_real_model_carries_its_model_and_token_counts(
    real_model_server: RealModelServer, dev_server_address: str, tmp_path: Path
) -> None:
    """The GPT-OSS sample traced (OTEL_EXPORTER_OTLP_ENDPOINT) on llama.cpp's `/v1`: each
    model call's span carries the model and the token counts the server reported."""
    with OtlpReceiver() as receiver:
        environment = {
            **openai_compatible(real_model_server.url, dev_server_address),
            "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
        }
        with running_worker(
            "run_gpt_oss_worker.py",
            "--model",
            MODEL_ALIAS,
            environment=environment,
            tmp_path=tmp_path,
        ):
            completed = run_script(
                "run_gpt_oss_workflow.py",
                *("--model", MODEL_ALIAS, "--prompt", TOOL_CALL_PROMPT),
                environment=environment,
            )
            assert completed.returncode == 0, completed.stderr
        # The worker has stopped, and flushed.
        generations = [s for s in receiver.spans if s.name == "generation"]

    assert len(generations) == 2  # The tool call, then the answer.
    assert len({s.trace_id for s in generations}) == 1
    for span in generations:
        assert span.attributes["llm.model_name"] == MODEL_ALIAS
        assert span.attributes["llm.provider"] == "ollama"  # What the worker calls.
        assert span.attributes["llm.token_count.prompt"] > 0
        assert span.attributes["llm.token_count.completion"] > 0


def test_the_litellm_sample_on_litellms_openai_route(
    real_model_server: RealModelServer, dev_server_address: str, tmp_path: Path
) -> None:
    environment = openai_compatible(real_model_server.url, dev_server_address)
    model = f"openai/{MODEL_ALIAS}"
    with running_worker(
        "run_litellm_provider_worker.py",
        *("--model", model),
        environment=environment,
        tmp_path=tmp_path,
    ):
        completed = run_script(
            "run_litellm_auto_workflow.py",
            *("--model", model, "--prompt", SHORT_ANSWER_PROMPT),
            environment=environment,
        )

    assert completed.returncode == 0, completed.stderr
    assert printed_result(completed.stdout).strip() == "Hello."
    # Through LiteLLM, to an OPENAI_BASE_URL on this machine: local.
    assert min(local_usage(completed.stdout, model)) > 0


def test_the_router_worker_serves_its_openai_routes_a_stream_and_a_chat(
    real_model_server: RealModelServer, dev_server_address: str, tmp_path: Path
) -> None:
    environment = openai_compatible(real_model_server.url, dev_server_address)
    with running_worker("run_multi_provider_worker.py", environment=environment, tmp_path=tmp_path):
        through_litellm = run_script(
            "run_multi_provider_workflow.py",
            *("--model", f"litellm/openai/{MODEL_ALIAS}", "--prompt", TOOL_CALL_PROMPT),
            environment=environment,
        )
        streamed = run_script(
            "run_streaming_workflow.py",
            *("--model", f"openai/{MODEL_ALIAS}", "--prompt", TOOL_CALL_PROMPT),
            environment=environment,
        )
        chat = run_script(
            "run_chat_workflow.py",
            *("--model", f"openai/{MODEL_ALIAS}"),
            environment=environment,
            stdin=f"{SHORT_ANSWER_PROMPT}\n/end\n",
        )
        # llama.cpp holds the answer to the schema with a grammar, whatever the model.
        typed = run_script(
            "run_structured_output_workflow.py",
            *("--model", f"litellm/openai/{MODEL_ALIAS}", "--prompt", REPORT_PROMPT),
            environment=environment,
        )

    assert through_litellm.returncode == 0, through_litellm.stderr
    assert WEATHER in printed_result(through_litellm.stdout)
    assert streamed.returncode == 0, streamed.stderr
    lines = streamed.stdout.splitlines()
    assert any(line.startswith("[tool call] get_weather(") for line in lines), streamed.stdout
    assert f"[tool result] {WEATHER}" in lines
    assert WEATHER in printed_result(streamed.stdout)
    # A real stream's final usage event (`include_usage`), through the router's `openai/`.
    assert min(local_usage(streamed.stdout, f"openai/{MODEL_ALIAS}")) > 0
    assert chat.returncode == 0, chat.stderr
    lines = chat.stdout.splitlines()
    assert "assistant> Hello." in lines
    # The reply's usage, then on /end the conversation's: the same one call.
    *_, reply_usage, typed_end, ended, conversation_usage = lines
    assert typed_end == "you> /end"
    assert ended.endswith("ended after 1 exchanges.")
    assert reply_usage == conversation_usage
    assert local_usage(conversation_usage, f"openai/{MODEL_ALIAS}")[0] == 1
    assert typed.returncode == 0, typed.stderr
    report = json.loads(typed.stdout.split("\n", 1)[1])
    # The usage to stderr: stdout stays the report's JSON.
    assert min(local_usage(typed.stderr, f"litellm/openai/{MODEL_ALIAS}")) > 0
    assert set(report) == {"city", "conditions", "temperature", "haiku"}
    assert report["temperature"]["unit"] in ("celsius", "fahrenheit")


def test_a_reply_that_runs_on_stops_at_the_token_cap_and_fails_at_once(
    real_model_server: RealModelServer, dev_server_address: str, tmp_path: Path
) -> None:
    """SmolLM2 at temperature 0 answers this prompt with text that runs on: the cap ends
    it in about a second, and the run fails on its first attempt, saying why."""
    environment = openai_compatible(real_model_server.url, dev_server_address)
    with running_worker(
        "run_gpt_oss_worker.py",
        *("--model", MODEL_ALIAS, "--max-tokens", "24"),
        environment=environment,
        tmp_path=tmp_path,
    ):
        completed = run_script(
            "run_gpt_oss_workflow.py",
            *("--model", MODEL_ALIAS, "--prompt", RUNAWAY_PROMPT),
            environment=environment,
        )

    assert completed.returncode == 1
    assert completed.stderr.strip().splitlines() == [
        f"Workflow failed: model '{MODEL_ALIAS}' stopped at its token limit (24 tokens) before "
        "finishing its reply (it wrote 24 tokens): raise --max-tokens on the worker, or "
        "max_tokens in the agent's ModelSettings; a reply that repeats itself needs another "
        "prompt or model"
    ]


def test_a_model_call_longer_than_its_timeout_is_cut_and_retried_a_bounded_number_of_times(
    real_model_server: RealModelServer, dev_server_address: str, tmp_path: Path
) -> None:
    """A 3 s model call on a reply that takes longer: each attempt is cancelled at its
    deadline (and its request with it), and the run fails after the last attempt, saying
    what timed out."""
    environment = openai_compatible(real_model_server.url, dev_server_address)
    cancelled_before = real_model_server.cancelled_requests()
    with running_worker(
        "run_multi_provider_worker.py",
        *("--timeout", "3", "--max-attempts", "2", "--max-tokens", "2000"),
        environment=environment,
        tmp_path=tmp_path,
    ):
        completed = run_script(
            "run_multi_provider_workflow.py",
            *("--model", f"openai/{MODEL_ALIAS}", "--prompt", RUNAWAY_PROMPT),
            environment=environment,
        )

    assert completed.returncode == 1
    assert completed.stderr.strip().splitlines() == [
        f"Workflow failed: OpenAI at {real_model_server.url}/v1 did not answer model "
        f"'{MODEL_ALIAS}' within 2s; the model may be loading or overloaded (raise --timeout, "
        "or use a smaller model)"
    ]
    # Each attempt's request was dropped at its deadline, and the server stopped generating.
    assert real_model_server.cancelled_requests() - cancelled_before == 2


# Each row in a fresh process: row 9's `Runner.run` half needs one where no worker has
# installed the Temporal plugin's runner yet, as this one's may have.
_ROW_9 = """
import asyncio, json, sys
from temporalio.client import Client
from bench import real_model

async def rows(url, address):
    direct = await real_model.direct_row(url, 1)
    workflow = await real_model.workflow_row(await Client.connect(address), url, 1, direct)
    return [direct.as_dict(), workflow.as_dict()]

print(json.dumps(asyncio.run(rows(*sys.argv[1:]))))
"""

_ROW_13 = """
import asyncio, json, sys
from temporalio.client import Client
from bench import tracing_cost

async def rows(url, address):
    found = await tracing_cost.tracing_rows(await Client.connect(address), 1, url)
    return [row.as_dict() for row in found]

print(json.dumps(asyncio.run(rows(*sys.argv[1:]))))
"""


@pytest.mark.parametrize(
    ("script", "keys", "note"),
    [
        pytest.param(
            _ROW_9,
            ("real_model_direct", "real_model_workflow"),
            "Temporal adds ",
            id="row-9-what-temporal-adds",
        ),
        pytest.param(
            _ROW_13,
            ("tracing_off_real_model", "tracing_on_real_model"),
            "on/off ",
            id="row-13-what-tracing-adds",
        ),
    ],
)
def test_the_benchmark_measures_what_is_added_to_a_real_model_call(
    real_model_server: RealModelServer,
    dev_server_address: str,
    script: str,
    keys: tuple[str, str],
    note: str,
) -> None:
    """Rows 9 and 13 of `python -m bench --real-model`, on the real model: the same two-turn
    run through `Runner.run` and as the GPT-OSS workflow; the workflow with tracing off and
    on, exported to a real receiver (smoke tests: measured, not judged)."""
    completed = subprocess.run(
        [sys.executable, "-c", script, real_model_server.url, dev_server_address],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    rows = {row["key"]: row for row in json.loads(completed.stdout.strip().splitlines()[-1])}
    for key in keys:
        assert rows[key]["measured"] and rows[key]["median"] > 0, rows[key]
    assert rows[keys[1]]["note"].startswith(note)


def test_a_prompt_longer_than_the_models_context_fails_at_once_naming_the_budget(
    real_model_server: RealModelServer, dev_server_address: str, tmp_path: Path
) -> None:
    """llama.cpp refuses a request longer than its context (`exceed_context_size_error`):
    final, on the first attempt, with the settings that make a conversation fit."""
    environment = openai_compatible(real_model_server.url, dev_server_address)
    prompt = tmp_path / "long-prompt.txt"
    prompt.write_text("The weather in Tokyo is sunny today. " * 2500)  # About 20k tokens.
    with running_worker(
        "run_gpt_oss_worker.py", "--model", MODEL_ALIAS, environment=environment, tmp_path=tmp_path
    ):
        completed = run_script(
            "run_gpt_oss_workflow.py",
            *("--model", MODEL_ALIAS, "--prompt-file", str(prompt)),
            environment=environment,
        )

    assert completed.returncode == 1
    [line] = completed.stderr.strip().splitlines()
    assert line.startswith(
        f"Workflow failed: Ollama at {real_model_server.url} rejected the conversation for "
        f"model '{MODEL_ALIAS}' as longer than the model reads (HTTP 400: "
    )
    assert line.endswith("or the worker's --context-tokens), or shorten the prompt")


def test_the_mcp_sample_calls_each_real_mcp_server_and_the_model_reads_its_reply(
    real_model_server: RealModelServer, dev_server_address: str, tmp_path: Path
) -> None:
    """The MCP sample's scripts with both real MCP servers: the weather server as its own
    process, the time server started by the router worker; the model calls a tool of each
    (spelled out in its prompt), and quotes what the server answered."""
    with WeatherMcpServer(tmp_path) as weather:
        environment = {
            **openai_compatible(real_model_server.url, dev_server_address),
            "WEATHER_MCP_URL": weather.url,
        }
        with running_worker(
            "run_multi_provider_worker.py", environment=environment, tmp_path=tmp_path
        ) as worker:
            runs = {
                tool: run_script(
                    "run_mcp_workflow.py",
                    *("--model", f"openai/{MODEL_ALIAS}", "--prompt", tool_call_prompt(tool, args)),
                    environment=environment,
                )
                for tool, args in (
                    ("get_weather", {"city": "Tokyo"}),
                    ("get_current_time", {"timezone": "Asia/Tokyo"}),
                )
            }

    for completed in runs.values():
        assert completed.returncode == 0, completed.stderr
    assert "The weather in Tokyo is sunny, 22 °C." in printed_result(runs["get_weather"].stdout)
    assert weather.calls() == [("get_weather", {"city": "Tokyo"})]
    # The time server's own answer: the current time in Tokyo's zone.
    assert "+09:00" in printed_result(runs["get_current_time"].stdout)
    assert "MCP server" not in worker.output()  # Both servers were up at its start.


def tool_call_prompt(tool: str, arguments: dict[str, str]) -> str:
    """A prompt SmolLM2 answers with this tool call (see `TOOL_CALL_PROMPT`)."""
    call = json.dumps({"name": tool, "arguments": arguments})
    return f"Your answer:\n<tool_call>\n{call}\n</tool_call>"
