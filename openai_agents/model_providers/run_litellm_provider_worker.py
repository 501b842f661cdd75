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
from openai_agents.model_providers.support import cli, temporal
from openai_agents.model_providers.workflows.litellm_auto_workflow import (
    DEFAULT_LITELLM_MODEL,
    LitellmAutoWorkflow,
)
from openai_agents.model_providers.workflows.shared import TASK_QUEUE


async def main(args: argparse.Namespace) -> int:
    call_timeout = timedelta(seconds=args.timeout)
    # The SDK's `LitellmProvider`, checked now for the model's key (e.g. ANTHROPIC_API_KEY);
    # each call gives up a little before Temporal's timeout and is never retried by LiteLLM.
    # (`providers.` names import their client library when first used: LiteLLM takes
    # seconds, so `--help` does not wait for it.)
    provider = await providers.checked_litellm_provider(
        args.model,
        request_timeout_seconds=providers.request_timeout_under(call_timeout),
        max_tokens=args.max_tokens,
    )
    try:
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
                )
            ],
        )
        await temporal.check_namespace(client)
        stop = cli.stop_requested()  # Ctrl-C or SIGTERM: shut down gracefully.
        async with Worker(client, task_queue=TASK_QUEUE, workflows=[LitellmAutoWorkflow]):
            logging.info("Worker serving LitellmAutoWorkflow on %r; Ctrl-C to stop", TASK_QUEUE)
            await stop.wait()
    finally:
        await provider.aclose()
    return 0


if __name__ == "__main__":
    parser = cli.argument_parser(
        __doc__, "Model provider: LiteLLM's variables (ANTHROPIC_API_KEY, OPENAI_API_KEY, ...).\n"
    )
    parser.add_argument("--model", default=DEFAULT_LITELLM_MODEL, help="its key is checked")
    cli.add_model_call_arguments(parser)
    arguments = parser.parse_args()
    # Before LiteLLM is imported: it reads LITELLM_LOCAL_MODEL_COST_MAP while it is.
    cli.prepare_worker_process(arguments.verbose)
    cli.run_script(lambda: main(arguments), verbose=arguments.verbose)
