"""Starts the MCP sample's workflow on the model you name, and prints its answer: an agent
whose tools come from two MCP servers, the MCP project's time server and this repository's
weather server, each of their operations an activity.

Start the weather server (run_weather_mcp_server.py), then the router worker
(run_multi_provider_worker.py, which starts the time server itself), in other terminals.
Examples:
  --model ollama/gpt-oss:20b
  --model litellm/anthropic/claude-sonnet-4-5
  --fallback-model openai/gpt-4.1      (when the model's calls fail, repeatable)
  --require-approval get_weather       (each call of it waits for the `decide` Update)
"""

from __future__ import annotations

import argparse

from temporalio.client import Client
from temporalio.openai_agents import OpenAIAgentsPlugin

from openai_agents.model_providers.providers import check_models_and_fallbacks
from openai_agents.model_providers.support import arguments, script, temporal, tracing, usage
from openai_agents.model_providers.workflows.approvals import DEFAULT_APPROVAL_TIMEOUT
from openai_agents.model_providers.workflows.mcp_workflow import (
    DEFAULT_MCP_PROMPT,
    WORKFLOW_ID_PREFIX,
    McpWorkflow,
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
    if args.require_approval:  # The approval sample's Query and Update, on this run.
        print(
            f"Calls of {', '.join(args.require_approval)} wait for a decision: "
            f"uv run temporal workflow query --workflow-id {workflow_id} --name pending, then "
            f"uv run temporal workflow update execute --workflow-id {workflow_id} --name decide "
            """--input '{"call_id": "CALL_ID", "approve": true, "reason": "checked", """
            """"decided_by": "ops"}'"""
        )
    answer = await client.execute_workflow(
        McpWorkflow.run,
        args=[
            prompt,
            args.model,
            args.require_approval,
            DEFAULT_APPROVAL_TIMEOUT,
            args.fallback_model,
        ],
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
    parser.set_defaults(prompt=DEFAULT_MCP_PROMPT)
    parser.add_argument(
        "--require-approval",
        action="append",
        default=[],
        metavar="TOOL",
        help="an MCP tool whose every call waits for a person's decision (repeatable)",
    )
    args = parser.parse_args()
    script.run_script(lambda: main(args), verbose=args.verbose)
