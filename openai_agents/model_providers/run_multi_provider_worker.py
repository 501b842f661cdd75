"""Worker for every sample in this folder, on any model, through one `MultiModelProvider`.

The model name's prefix picks the backend, per model call:
  ollama/gpt-oss:20b            Ollama's native API (`-cloud` models: Ollama Cloud)
  litellm/anthropic/claude-...  LiteLLM (imported only when first needed)
  openai/gpt-4.1                OpenAI
Names without a prefix (e.g. the GPT-OSS sample's `gpt-oss:20b`) go to --default-prefix.

It also serves the MCP sample's tools (run_mcp_workflow.py): it starts the MCP project's time
server over stdio, and connects to the weather server (run_weather_mcp_server.py) at
WEATHER_MCP_URL (default: http://127.0.0.1:8765/mcp).

With --model-task-queue NAME it runs the workflows only, and puts their model calls on that
queue for `run_model_call_worker.py` to serve: see "A fleet" in the README.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.openai_agents import ModelActivityParameters, OpenAIAgentsPlugin
from temporalio.worker import Worker

from openai_agents.model_providers import providers
from openai_agents.model_providers.chat_budgets import ConversationBudgets
from openai_agents.model_providers.mcp_servers import (
    mcp_server_factories,
    note_unavailable_mcp_servers,
)
from openai_agents.model_providers.support import (
    arguments,
    logs,
    script,
    temporal,
    tracing,
    worker_environment,
)
from openai_agents.model_providers.workflows.approval_workflow import (
    ApprovalWorkflow,
    deliver_weather_alert,
)
from openai_agents.model_providers.workflows.chat_workflow import ChatWorkflow
from openai_agents.model_providers.workflows.gpt_oss_workflow import GptOssWorkflow
from openai_agents.model_providers.workflows.handoffs_workflow import HandoffsWorkflow
from openai_agents.model_providers.workflows.litellm_auto_workflow import LitellmAutoWorkflow
from openai_agents.model_providers.workflows.mcp_workflow import McpWorkflow
from openai_agents.model_providers.workflows.multi_provider_workflow import (
    MultiProviderWorkflow,
)
from openai_agents.model_providers.workflows.shared import MODEL_EVENTS_TOPIC, TASK_QUEUE
from openai_agents.model_providers.workflows.streaming_workflow import StreamingWorkflow
from openai_agents.model_providers.workflows.structured_output_workflow import (
    StructuredOutputWorkflow,
)

# Every sample's workflow.
WORKFLOWS = [
    MultiProviderWorkflow,
    StreamingWorkflow,
    ChatWorkflow,
    HandoffsWorkflow,
    StructuredOutputWorkflow,
    GptOssWorkflow,
    LitellmAutoWorkflow,
    ApprovalWorkflow,
    McpWorkflow,
]


def model_activity_parameters(args: argparse.Namespace) -> ModelActivityParameters:
    """Each model call's bounds, wherever it runs: here, or on a model-call worker."""
    return ModelActivityParameters(
        # None: the model calls run here, on TASK_QUEUE.
        task_queue=args.model_task_queue,
        start_to_close_timeout=timedelta(seconds=args.timeout),
        # A model call whose worker died or hung is retried after this.
        heartbeat_timeout=timedelta(seconds=args.heartbeat_timeout),
        # Where `Runner.run_streamed`'s model calls publish their events.
        streaming_topic=MODEL_EVENTS_TOPIC,
        use_local_activity=args.fast_path,  # see "The fast path" in docs/design.md
        retry_policy=RetryPolicy(
            maximum_attempts=args.max_attempts, maximum_interval=timedelta(seconds=30)
        ),
    )


async def main(args: argparse.Namespace) -> int:
    if args.model_task_queue:
        return await serve_workflows_only(args)
    # Each backend is created on first use, its calls bounded a little under Temporal's
    # timeout and never retried inside the client.
    router = providers.MultiModelProvider(
        default_prefix=args.default_prefix,
        request_timeout_seconds=providers.request_timeout_under(timedelta(seconds=args.timeout)),
        max_tokens=args.max_tokens,
    )
    try:
        await providers.check_models_ready(router, args.check_model)  # --check-model
        mcp = mcp_server_factories()
        await note_unavailable_mcp_servers(mcp)  # One INFO line for each that is down.
        client = await Client.connect(
            **temporal.connect_config(),
            plugins=[
                OpenAIAgentsPlugin(
                    model_params=model_activity_parameters(args),
                    model_provider=router,
                    mcp_servers=mcp,
                    # OTEL_EXPORTER_OTLP_ENDPOINT set: a trace per workflow run.
                    use_otel_instrumentation=tracing.from_environment(),
                )
            ],
        )
        await temporal.check_namespace(client)
        # The chat sample asks how much of a conversation its model reads (Ollama says).
        budgets = ConversationBudgets(
            router, context_tokens=args.context_tokens, reply_tokens=args.max_tokens
        )
        # The approval sample's alert, which a person approves first.
        activities: list[Callable[..., Any]] = [deliver_weather_alert, budgets.budget]
        stop = script.stop_requested()  # Ctrl-C or SIGTERM: shut down gracefully.
        async with Worker(
            client, task_queue=TASK_QUEUE, workflows=WORKFLOWS, activities=activities
        ):
            names = ", ".join(w.__name__ for w in WORKFLOWS)
            logging.info("Worker serving %s on %r; Ctrl-C to stop", names, TASK_QUEUE)
            await stop.wait()
    finally:
        await router.aclose()
    return 0


async def serve_workflows_only(args: argparse.Namespace) -> int:
    """--model-task-queue: the workflows only. Their model calls go on that queue, for the
    model-call workers (run_model_call_worker.py): this worker builds no provider and
    needs no keys."""
    if args.fast_path or args.check_model:
        raise providers.ConfigurationError(
            "with --model-task-queue the model calls run on the model-call workers: check "
            "models there (run_model_call_worker.py --check-model), and drop --fast-path, "
            "which would run them here"
        )
    client = await Client.connect(
        **temporal.connect_config(),
        plugins=[
            OpenAIAgentsPlugin(
                model_params=model_activity_parameters(args),
                # Only the workers that make the model calls register their activities.
                register_activities=False,
                # OTEL_EXPORTER_OTLP_ENDPOINT set: a trace per workflow run.
                use_otel_instrumentation=tracing.from_environment(),
            )
        ],
    )
    await temporal.check_namespace(client)
    await temporal.warn_if_unpolled(client, args.model_task_queue)
    stop = script.stop_requested()  # Ctrl-C or SIGTERM: shut down gracefully.
    # The approval sample's alert runs here, on TASK_QUEUE, wherever the model calls run.
    async with Worker(
        client, task_queue=TASK_QUEUE, workflows=WORKFLOWS, activities=[deliver_weather_alert]
    ):
        # The plugin registers the MCP activities only beside the model calls: the line
        # naming what this worker serves says so where it names the MCP sample.
        served = [w.__name__ for w in WORKFLOWS if w is not McpWorkflow]
        served.append(
            "McpWorkflow (its runs fail here: their MCP tool calls need a router worker "
            "without --model-task-queue)"
        )
        logging.info("Worker serving %s on %r; Ctrl-C to stop", ", ".join(served), TASK_QUEUE)
        await stop.wait()
    return 0


if __name__ == "__main__":
    parser = arguments.argument_parser(__doc__, arguments.ROUTER_PROVIDERS)
    arguments.add_router_arguments(parser)
    arguments.add_model_call_arguments(parser)
    arguments.add_model_task_queue_argument(parser)
    args = parser.parse_args()
    # No traces to OpenAI (OTLP traces only with OTEL_EXPORTER_OTLP_ENDPOINT), LiteLLM offline:
    # before the libraries read them.
    worker_environment.no_traces_to_openai_and_litellm_offline()
    logs.set_up_worker_logging(args.verbose)
    script.run_script(lambda: main(args), verbose=args.verbose)
