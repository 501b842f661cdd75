"""Worker for the GPT-OSS sample: serves `gpt-oss:20b` from a local Ollama server, through
Ollama's OpenAI-compatible API (`/v1`, the Agents SDK's `OpenAIChatCompletionsModel`), or
with `--api native`, Ollama's own `/api/chat` (`providers/ollama_provider.py`).
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
from openai_agents.model_providers.workflows.gpt_oss_workflow import (
    DEFAULT_GPT_OSS_MODEL,
    GptOssWorkflow,
)
from openai_agents.model_providers.workflows.shared import TASK_QUEUE


async def main(args: argparse.Namespace) -> int:
    call_timeout = timedelta(seconds=args.timeout)
    # Checked now: Ollama is up and has the model. Each call gives up a little before
    # Temporal's timeout, with a clearer error, and is never retried inside the client.
    # (`providers.` names import their client library on first use: `ollama` only here.)
    create_provider = (
        providers.checked_ollama_provider
        if args.api == "native"
        else providers.checked_ollama_chat_completions_provider
    )
    provider = await create_provider(
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
        async with Worker(client, task_queue=TASK_QUEUE, workflows=[GptOssWorkflow]):
            logging.info("Worker serving GptOssWorkflow on %r; Ctrl-C to stop", TASK_QUEUE)
            await stop.wait()
    finally:
        await provider.aclose()
    return 0


if __name__ == "__main__":
    parser = cli.argument_parser(__doc__, "Ollama: OLLAMA_HOST (default http://localhost:11434).\n")
    parser.add_argument("--model", default=DEFAULT_GPT_OSS_MODEL, help="checked at start")
    parser.add_argument(
        "--api", choices=("openai-compatible", "native"), default="openai-compatible"
    )
    cli.add_model_call_arguments(parser)
    arguments = parser.parse_args()
    cli.prepare_worker_process(arguments.verbose)
    cli.run_script(lambda: main(arguments), verbose=arguments.verbose)
