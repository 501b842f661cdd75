"""Starts the structured output sample: the weather agent answers with a typed report
(city, conditions, temperature, haiku) instead of text, on the model you name; prints it
as JSON.

Start `run_multi_provider_worker.py` first, in another terminal. Examples:
  --model ollama/gpt-oss:20b                   (Ollama's `format`)
  --model litellm/anthropic/claude-sonnet-4-5  (LiteLLM: Anthropic's structured outputs)
  --model openai/gpt-4.1                       (OpenAI's `text.format`)
"""

from __future__ import annotations

import argparse
import sys

from temporalio.client import Client
from temporalio.openai_agents import OpenAIAgentsPlugin

from openai_agents.model_providers.providers import check_models_and_fallbacks
from openai_agents.model_providers.support import arguments, script, temporal, tracing, usage
from openai_agents.model_providers.workflows.shared import DEFAULT_ROUTER_MODEL, TASK_QUEUE
from openai_agents.model_providers.workflows.structured_output_workflow import (
    WORKFLOW_ID_PREFIX,
    StructuredOutputWorkflow,
)


async def main(args: argparse.Namespace) -> int:
    check_models_and_fallbacks([args.model], args.fallback_model)  # Refused before anything starts.
    prompt = arguments.checked_prompt(args)
    # The plugin's data converter turns the workflow's pydantic result back into a
    # `ReportAnswer` (its `WeatherReport` too) here.
    # OTEL_EXPORTER_OTLP_ENDPOINT set: this client's calls join the run's trace.
    plugin = OpenAIAgentsPlugin(use_otel_instrumentation=tracing.from_environment())
    client = await Client.connect(**temporal.connect_config(), plugins=[plugin])
    await temporal.check_namespace(client)
    workflow_id = args.workflow_id or arguments.unique_workflow_id(WORKFLOW_ID_PREFIX)
    print(f"Running workflow {workflow_id} on task queue {TASK_QUEUE}...")
    answer = await client.execute_workflow(
        StructuredOutputWorkflow.run,
        args=[prompt, args.model, args.fallback_model],
        id=workflow_id,
        task_queue=TASK_QUEUE,
    )
    print(answer.report.model_dump_json(indent=2))
    if args.fallback_model:  # Which model answered each call; stdout stays pure JSON.
        print(f"Answered by: {', '.join(answer.models)}", file=sys.stderr)
    usage.print_usage(answer.usage, file=sys.stderr)  # stdout stays the report's JSON.
    return 0


if __name__ == "__main__":
    parser = arguments.argument_parser(__doc__)
    arguments.add_workflow_arguments(parser, DEFAULT_ROUTER_MODEL)
    arguments.add_fallback_arguments(parser)
    args = parser.parse_args()
    script.run_script(lambda: main(args), verbose=args.verbose)
