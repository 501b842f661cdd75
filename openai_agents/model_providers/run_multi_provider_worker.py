"""Worker for every sample in this folder, on any model, through one `MultiModelProvider`.

The model name's prefix picks the backend, per model call:
  ollama/gpt-oss:20b            Ollama's native API (`-cloud` models: Ollama Cloud)
  litellm/anthropic/claude-...  LiteLLM (imported only when first needed)
  openai/gpt-4.1                OpenAI
Names without a prefix (e.g. the GPT-OSS sample's `gpt-oss:20b`) go to --default-prefix.
"""

from __future__ import annotations

import argparse
import logging
from datetime import timedelta

from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.openai_agents import ModelActivityParameters, OpenAIAgentsPlugin
from temporalio.worker import Worker

from openai_agents.model_providers.providers.model_prefixes import BUILT_IN_PREFIXES
from openai_agents.model_providers.providers.multi_provider import MultiModelProvider
from openai_agents.model_providers.providers.ollama_hosts import ollama_host
from openai_agents.model_providers.providers.timeouts import request_timeout_under
from openai_agents.model_providers.support import checks, cli, temporal
from openai_agents.model_providers.workflows.chat_workflow import ChatWorkflow
from openai_agents.model_providers.workflows.gpt_oss_workflow import GptOssWorkflow
from openai_agents.model_providers.workflows.litellm_auto_workflow import LitellmAutoWorkflow
from openai_agents.model_providers.workflows.multi_provider_workflow import (
    MultiProviderWorkflow,
)
from openai_agents.model_providers.workflows.shared import TASK_QUEUE
from openai_agents.model_providers.workflows.streaming_workflow import (
    MODEL_EVENTS_TOPIC,
    StreamingWorkflow,
)

WORKFLOWS = [MultiProviderWorkflow, StreamingWorkflow, ChatWorkflow]
WORKFLOWS += [GptOssWorkflow, LitellmAutoWorkflow]  # The other samples' workflows too.


async def main(args: argparse.Namespace) -> int:
    ollama_host()  # A malformed OLLAMA_HOST is reported now, not at the first Ollama call.
    call_timeout = timedelta(seconds=args.timeout)
    request_timeout = request_timeout_under(call_timeout)
    if args.check_model:
        await checks.check_router_model_ready(
            args.check_model, args.default_prefix, request_timeout_seconds=request_timeout
        )
    # Every backend is created on first use, with each call bounded a little under the
    # activity's timeout and no client retries: Temporal's retry policy is the only one.
    provider = MultiModelProvider(
        default_prefix=args.default_prefix, request_timeout_seconds=request_timeout
    )
    try:
        client = await Client.connect(
            **temporal.temporal_connect_config(),
            plugins=[
                OpenAIAgentsPlugin(
                    model_params=ModelActivityParameters(
                        start_to_close_timeout=call_timeout,
                        # A model call whose worker died or hung is retried after this.
                        heartbeat_timeout=timedelta(seconds=args.heartbeat_timeout),
                        # Where `Runner.run_streamed`'s model calls publish their events.
                        streaming_topic=MODEL_EVENTS_TOPIC,
                        use_local_activity=args.fast_path,  # see "The fast path" in the README
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
        async with Worker(client, task_queue=TASK_QUEUE, workflows=WORKFLOWS):
            names = ", ".join(w.__name__ for w in WORKFLOWS)
            logging.info("Worker serving %s on %r; Ctrl-C to stop", names, TASK_QUEUE)
            await cli.until_stopped()
    finally:
        await provider.aclose()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Model providers: OLLAMA_HOST, OLLAMA_API_KEY (Ollama Cloud), OPENAI_API_KEY,\n"
        f"LiteLLM's variables (ANTHROPIC_API_KEY, ...).\n{cli.TEMPORAL_SETTINGS}",
    )
    parser.add_argument(
        "--default-prefix",
        choices=BUILT_IN_PREFIXES,
        default="ollama",
        help="backend for model names without a prefix (default: %(default)s)",
    )
    parser.add_argument(
        "--check-model",
        metavar="MODEL",
        help="check at start that this model can be served, e.g. ollama/gpt-oss:20b",
    )
    cli.add_model_call_arguments(parser)
    cli.add_verbose_argument(parser)
    arguments = parser.parse_args()
    cli.prepare_worker_process(arguments.verbose)
    cli.run_script(lambda: main(arguments), verbose=arguments.verbose)
