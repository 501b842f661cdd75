"""Starts the router sample's workflow on the model you name, and prints its result.

Start `run_multi_provider_worker.py` first, in another terminal. Examples:
  --model ollama/gpt-oss:20b
  --model ollama/gpt-oss:120b-cloud          (Ollama Cloud; the worker needs OLLAMA_API_KEY)
  --model litellm/anthropic/claude-sonnet-4-5
  --model openai/gpt-4.1
  --model ollama/gpt-oss:20b --fallback-model litellm/anthropic/claude-sonnet-4-5
"""

from __future__ import annotations

import argparse

from temporalio.client import Client
from temporalio.openai_agents import OpenAIAgentsPlugin

from openai_agents.model_providers.providers import check_models_and_fallbacks
from openai_agents.model_providers.support import arguments, script, temporal, tracing, usage
from openai_agents.model_providers.workflows.multi_provider_workflow import (
    WORKFLOW_ID_PREFIX,
    MultiProviderWorkflow,
)
from openai_agents.model_providers.workflows.shared import DEFAULT_ROUTER_MODEL, TASK_QUEUE


async def main(args: argparse.Namespace) -> int:
    check_models_and_fallbacks([args.model], args.fallback_model)  # Refused before anything starts.
    prompt = arguments.checked_prompt(args)
    # The plugin gives this client the Agents SDK's data converter, as on the worker.
    # OTEL_EXPORTER_OTLP_ENDPOINT set: this client's calls join the run's trace.
    plugin = OpenAIAgentsPlugin(use_otel_instrumentation=tracing.from_environment())
    client = await Client.connect(**temporal.connect_config(), plugins=[plugin])
    await temporal.check_namespace(client)
    workflow_id = args.workflow_id or arguments.unique_workflow_id(WORKFLOW_ID_PREFIX)
    print(f"Running workflow {workflow_id} on task queue {TASK_QUEUE}...")
    answer = await client.execute_workflow(
        MultiProviderWorkflow.run,
        args=[prompt, args.model, args.fallback_model],
        id=workflow_id,
        task_queue=TASK_QUEUE,
    )
    print(f"Result: {answer.text}")
    if args.fallback_model:  # Which model answered each call, in order.
        print(f"Answered by: {', '.join(answer.models)}")
    usage.print_usage(answer.usage)  # Calls, tokens and cost, per model.
    return 0


if __name__ == "__main__":
    parser = arguments.argument_parser(__doc__)
    arguments.add_workflow_arguments(parser, DEFAULT_ROUTER_MODEL)
    arguments.add_fallback_arguments(parser)
    args = parser.parse_args()
    script.run_script(lambda: main(args), verbose=args.verbose)
