"""Worker for the LiteLLM sample: serves any LiteLLM model string, e.g. `anthropic/...`.

The Agents SDK's `LitellmProvider` turns the agent's model name into a LiteLLM call;
LiteLLM reads the provider's own variables (ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, ...).
"""

from __future__ import annotations

import argparse
import logging
from datetime import timedelta

from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.openai_agents import ModelActivityParameters, OpenAIAgentsPlugin
from temporalio.worker import Worker

from openai_agents.model_providers import providers
from openai_agents.model_providers.support import (
    arguments,
    logs,
    script,
    temporal,
    tracing,
    worker_environment,
)
from openai_agents.model_providers.workflows.litellm_auto_workflow import (
    DEFAULT_LITELLM_MODEL,
    LitellmAutoWorkflow,
)
from openai_agents.model_providers.workflows.shared import TASK_QUEUE


async def main(args: argparse.Namespace) -> int:
    # Imported here, not at the top: LiteLLM takes seconds, and `--help` need not wait.
    from agents.extensions.models.litellm_provider import LitellmProvider

    from openai_agents.model_providers.providers import litellm_checks

    call_timeout = timedelta(seconds=args.timeout)
    litellm_checks.check_litellm_model(args.model)  # A LiteLLM model string, its key set.
    litellm_checks.quiet_litellm()  # One line per failure, no banners.
    request_timeout = providers.request_timeout_under(call_timeout)
    # LiteLLM's failures, each one line that says what to do; each call gives up a little
    # before Temporal's timeout and is never retried inside LiteLLM.
    provider = providers.ActionableErrorsProvider(
        LitellmProvider(),
        litellm_checks.describe_litellm,
        request_timeout,
        max_tokens=args.max_tokens,
        settings=litellm_checks.litellm_call_bounds(request_timeout),
        own_failure=litellm_checks.missing_key_named,
    )
    client = await Client.connect(
        **temporal.connect_config(),
        plugins=[
            OpenAIAgentsPlugin(
                model_params=ModelActivityParameters(
                    start_to_close_timeout=call_timeout,
                    heartbeat_timeout=timedelta(seconds=args.heartbeat_timeout),
                    use_local_activity=args.fast_path,  # see "The fast path" in docs/design.md
                    retry_policy=RetryPolicy(
                        maximum_attempts=args.max_attempts,
                        maximum_interval=timedelta(seconds=30),
                    ),
                ),
                model_provider=provider,
                # OTEL_EXPORTER_OTLP_ENDPOINT set: a trace per workflow run.
                use_otel_instrumentation=tracing.from_environment(),
            )
        ],
    )
    await temporal.check_namespace(client)
    stop = script.stop_requested()  # Ctrl-C or SIGTERM: shut down gracefully.
    async with Worker(client, task_queue=TASK_QUEUE, workflows=[LitellmAutoWorkflow]):
        logging.info("Worker serving LitellmAutoWorkflow on %r; Ctrl-C to stop", TASK_QUEUE)
        await stop.wait()
    return 0


if __name__ == "__main__":
    parser = arguments.argument_parser(
        __doc__,
        "Model provider: LiteLLM's variables (ANTHROPIC_API_KEY, OPENAI_API_KEY, ...). An\n"
        "OpenAI-compatible server (llama.cpp, vLLM, ...) for openai/ models:\n"
        "OPENAI_BASE_URL=http://host:port/v1, and OPENAI_API_KEY set to its key, or to anything\n"
        "if it checks none.\n",
    )
    parser.add_argument("--model", default=DEFAULT_LITELLM_MODEL, help="its key is checked")
    arguments.add_model_call_arguments(parser)
    args = parser.parse_args()
    # No traces to OpenAI (OTLP traces only with OTEL_EXPORTER_OTLP_ENDPOINT), LiteLLM offline:
    # before the libraries read them.
    worker_environment.no_traces_to_openai_and_litellm_offline()
    logs.set_up_worker_logging(args.verbose)
    script.run_script(lambda: main(args), verbose=args.verbose)
