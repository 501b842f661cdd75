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

from openai_agents.model_providers.providers.timeouts import request_timeout_under
from openai_agents.model_providers.support import checks, cli, temporal
from openai_agents.model_providers.workflows.litellm_auto_workflow import (
    DEFAULT_LITELLM_MODEL,
    LitellmAutoWorkflow,
)
from openai_agents.model_providers.workflows.shared import TASK_QUEUE


async def main(args: argparse.Namespace) -> int:
    checks.check_litellm_model_name(args.model)
    # Imported here, not at the top: LiteLLM takes seconds to import (`--help` or a bad
    # name should not wait for it), and it reads LITELLM_LOCAL_MODEL_COST_MAP, set by
    # `prepare_worker_process`, while it is imported.
    from openai_agents.model_providers.providers.litellm_provider import (
        bounded_litellm_provider,
        check_litellm_credentials,
    )

    check_litellm_credentials(args.model)  # e.g. ANTHROPIC_API_KEY is set
    call_timeout = timedelta(seconds=args.timeout)
    # `LitellmProvider`, each call bounded a little under the activity's timeout and never
    # retried inside LiteLLM: Temporal's retry policy is the only one.
    provider = bounded_litellm_provider(request_timeout_under(call_timeout))
    client = await Client.connect(
        **temporal.temporal_connect_config(),
        plugins=[
            OpenAIAgentsPlugin(
                model_params=ModelActivityParameters(
                    start_to_close_timeout=call_timeout,
                    heartbeat_timeout=timedelta(seconds=args.heartbeat_timeout),
                    use_local_activity=args.fast_path,  # see "The fast path" in the README
                    retry_policy=RetryPolicy(
                        maximum_attempts=args.max_attempts, maximum_interval=timedelta(seconds=30)
                    ),
                ),
                model_provider=provider,
            )
        ],
    )
    await temporal.check_namespace(client)
    async with Worker(client, task_queue=TASK_QUEUE, workflows=[LitellmAutoWorkflow]):
        logging.info("Worker serving LitellmAutoWorkflow on %r; Ctrl-C to stop", TASK_QUEUE)
        await cli.until_stopped()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Model provider: LiteLLM's variables (ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL,\n"
        f"OPENAI_API_KEY, ...).\n{cli.TEMPORAL_SETTINGS}",
    )
    parser.add_argument(
        "--model", default=DEFAULT_LITELLM_MODEL, help="model whose credentials are checked"
    )
    cli.add_model_call_arguments(parser)
    cli.add_verbose_argument(parser)
    arguments = parser.parse_args()
    cli.prepare_worker_process(arguments.verbose)
    cli.run_script(lambda: main(arguments), verbose=arguments.verbose)
