"""Starts the handoffs sample: a triage agent on one model hands off to a weather specialist
on another, in one workflow run; prints the answer, which agent gave it, and which model
answered each model call.

Start `run_multi_provider_worker.py` first, in another terminal. Examples:
  (defaults) triage on ollama/gpt-oss:20b, specialist on litellm/anthropic/claude-sonnet-4-5
  --specialist-model openai/gpt-4.1
  --triage-model ollama/gpt-oss:20b --specialist-model ollama/gpt-oss:120b-cloud
  --fallback-model openai/gpt-4.1      (for either agent's calls, when its model fails)
"""

from __future__ import annotations

import argparse

from temporalio.client import Client
from temporalio.openai_agents import OpenAIAgentsPlugin

from openai_agents.model_providers.providers import check_models_and_fallbacks
from openai_agents.model_providers.support import arguments, script, temporal, tracing, usage
from openai_agents.model_providers.workflows.handoffs_workflow import (
    DEFAULT_SPECIALIST_MODEL,
    WORKFLOW_ID_PREFIX,
    HandoffsWorkflow,
)
from openai_agents.model_providers.workflows.shared import DEFAULT_ROUTER_MODEL, TASK_QUEUE


async def main(args: argparse.Namespace) -> int:
    # Refused before anything starts.
    check_models_and_fallbacks([args.triage_model, args.specialist_model], args.fallback_model)
    prompt = arguments.checked_prompt(args)
    # The plugin gives this client the Agents SDK's data converter, as on the worker.
    # OTEL_EXPORTER_OTLP_ENDPOINT set: this client's calls join the run's trace.
    plugin = OpenAIAgentsPlugin(use_otel_instrumentation=tracing.from_environment())
    client = await Client.connect(**temporal.connect_config(), plugins=[plugin])
    await temporal.check_namespace(client)
    workflow_id = args.workflow_id or arguments.unique_workflow_id(WORKFLOW_ID_PREFIX)
    print(f"Running workflow {workflow_id} on task queue {TASK_QUEUE}...")
    answer = await client.execute_workflow(
        HandoffsWorkflow.run,
        args=[prompt, args.triage_model, args.specialist_model, args.fallback_model],
        id=workflow_id,
        task_queue=TASK_QUEUE,
    )
    print(f"Result: {answer.text}")
    print(f"Answered by: {answer.agent} ({answer.models[-1]})")
    print(f"Model calls: {', '.join(answer.models)}")
    usage.print_usage(answer.usage)  # Calls, tokens and cost, per agent's model.
    return 0


if __name__ == "__main__":
    parser = arguments.argument_parser(__doc__)
    arguments.add_prompt_arguments(parser)
    parser.add_argument(
        "--triage-model",
        default=DEFAULT_ROUTER_MODEL,
        help="the triage agent's model (default: %(default)s)",
    )
    parser.add_argument(
        "--specialist-model",
        default=DEFAULT_SPECIALIST_MODEL,
        help="the weather specialist's model (default: %(default)s)",
    )
    arguments.add_fallback_arguments(parser)
    args = parser.parse_args()
    script.run_script(lambda: main(args), verbose=args.verbose)
