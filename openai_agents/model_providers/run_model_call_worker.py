"""Worker for model calls only: it serves the model activities of workflows whose workers
put them on a task queue of their own (`run_multi_provider_worker.py --model-task-queue`),
through the prefix router, at a rate the Temporal server enforces for the whole fleet.

Run several side by side, each with the providers' keys; the workflow workers need none:
  --calls-per-second 5       the fleet's limit on this queue: the server hands out at most
                             this many model calls a second, across every worker polling it
  --max-concurrent-calls 4   this worker's limit on model calls at once
  --check-model litellm/anthropic/claude-sonnet-4-5   checked at start (repeatable)
"""

from __future__ import annotations

import argparse
import logging
import os
from datetime import timedelta

from temporalio.client import Client
from temporalio.openai_agents import OpenAIAgentsPlugin
from temporalio.worker import Worker

from openai_agents.model_providers import providers
from openai_agents.model_providers.chat_budgets import ConversationBudgets
from openai_agents.model_providers.support import (
    arguments,
    logs,
    script,
    temporal,
    tracing,
    worker_environment,
)
from openai_agents.model_providers.workflows.shared import MODEL_CALLS_TASK_QUEUE


async def main(args: argparse.Namespace) -> int:
    # The prefix router: each backend created on first use, its calls bounded a little
    # under the workflow workers' timeout and never retried inside the client.
    provider = providers.MultiModelProvider(
        default_prefix=args.default_prefix,
        request_timeout_seconds=providers.request_timeout_under(timedelta(seconds=args.timeout)),
        max_tokens=args.max_tokens,
    )
    try:
        await providers.check_models_ready(provider, args.check_model)  # --check-model
        # The workflow workers' plugin sets each call's timeouts and retries; this one
        # registers the model activities, which call `provider`.
        plugin = OpenAIAgentsPlugin(
            model_provider=provider,
            # OTEL_EXPORTER_OTLP_ENDPOINT set: its model-call spans join each run's trace.
            use_otel_instrumentation=tracing.from_environment(),
        )
        client = await Client.connect(**temporal.connect_config(), plugins=[plugin])
        await temporal.check_namespace(client)
        # The chat sample's question of how much of a conversation its model reads.
        budgets = ConversationBudgets(
            provider, context_tokens=args.context_tokens, reply_tokens=args.max_tokens
        )
        stop = script.stop_requested()  # Ctrl-C or SIGTERM: shut down gracefully.
        async with Worker(
            client,
            task_queue=args.task_queue,
            activities=[budgets.budget],
            # Fleet-wide, enforced by the server: at most this many of the queue's
            # activities start per second, across all its workers (None: no limit).
            max_task_queue_activities_per_second=args.calls_per_second,
            # This worker: at most this many model calls at once.
            max_concurrent_activities=args.max_concurrent_calls,
        ):
            limit = f"{args.calls_per_second:g}/s" if args.calls_per_second else "no limit"
            logging.info(
                "Worker serving model calls on %r (fleet: %s; this worker: %d at once); "
                "Ctrl-C to stop",
                args.task_queue,
                limit,
                args.max_concurrent_calls,
            )
            await stop.wait()
    finally:
        await provider.aclose()
    return 0


if __name__ == "__main__":
    parser = arguments.argument_parser(__doc__, arguments.ROUTER_PROVIDERS)
    arguments.add_router_arguments(parser)
    parser.add_argument(
        "--task-queue",
        default=os.environ.get("MODEL_TASK_QUEUE") or MODEL_CALLS_TASK_QUEUE,
        metavar="NAME",
        help="the model calls' task queue, as the workflow workers' --model-task-queue "
        "(env: MODEL_TASK_QUEUE; default: %(default)s)",
    )
    parser.add_argument(
        "--calls-per-second",
        type=arguments.positive_number,
        metavar="R",
        help="the whole fleet's limit on model calls a second, enforced by the server; give "
        "every worker on the queue the same value (default: no limit)",
    )
    parser.add_argument(
        "--max-concurrent-calls",
        type=arguments.at_least_one,
        default=arguments.DEFAULT_MAX_CONCURRENT_CALLS,
        metavar="N",
        help="this worker's limit on model calls at once (default: %(default)d)",
    )
    arguments.add_request_arguments(parser, "the workflow workers' --timeout: bounds each request")
    args = parser.parse_args()
    # No traces to OpenAI (OTLP traces only with OTEL_EXPORTER_OTLP_ENDPOINT), LiteLLM offline:
    # before the libraries read them.
    worker_environment.no_traces_to_openai_and_litellm_offline()
    logs.set_up_worker_logging(args.verbose)
    script.run_script(lambda: main(args), verbose=args.verbose)
