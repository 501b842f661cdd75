"""Worker for the GPT-OSS sample: serves `gpt-oss:20b` from a local Ollama server.

Two ways to talk to Ollama (see the README for the trade-offs):
  --api openai-compatible  Ollama's OpenAI Chat Completions API under /v1, through the
                           Agents SDK's own `OpenAIChatCompletionsModel` (the default)
  --api native             Ollama's own /api/chat, through `providers/ollama_provider.py`
"""

from __future__ import annotations

import argparse
import logging
from datetime import timedelta

from agents import Model, ModelProvider, OpenAIChatCompletionsModel
from openai import AsyncOpenAI
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.openai_agents import ModelActivityParameters, OpenAIAgentsPlugin
from temporalio.worker import Worker

from openai_agents.model_providers.providers.errors import ActionableErrorsProvider
from openai_agents.model_providers.providers.ollama_hosts import describe_ollama, ollama_host
from openai_agents.model_providers.providers.timeouts import request_timeout_under
from openai_agents.model_providers.support import checks, cli, temporal
from openai_agents.model_providers.workflows.gpt_oss_workflow import (
    DEFAULT_GPT_OSS_MODEL,
    GptOssWorkflow,
)
from openai_agents.model_providers.workflows.shared import TASK_QUEUE


class OllamaChatCompletionsProvider(ModelProvider):
    """Any model name, from Ollama's OpenAI-compatible API, through one shared client."""

    def __init__(self, client: AsyncOpenAI, default_model: str) -> None:
        self.client, self.default_model = client, default_model

    def get_model(self, model_name: str | None) -> Model:
        return OpenAIChatCompletionsModel(model_name or self.default_model, self.client)

    async def aclose(self) -> None:
        await self.client.close()


async def gpt_oss_provider(api: str, model: str, request_timeout: float) -> ModelProvider:
    """The model provider for `--api`, checked: Ollama is up and has `model`."""
    host = ollama_host()  # OLLAMA_HOST, checked before `import ollama`, which reads it too.
    if api == "native":
        from openai_agents.model_providers.providers import ollama_provider

        native = ollama_provider.OllamaModelProvider(
            base_url=host, request_timeout_seconds=request_timeout
        )
        await native.check_model_available(model)
        return native
    # No client retries: Temporal's retry policy is the only one. Ollama ignores the key.
    client = AsyncOpenAI(
        base_url=f"{host}/v1", api_key="ollama", max_retries=0, timeout=request_timeout
    )
    description = describe_ollama(host)
    await checks.check_openai_compatible_model(client, model, description, request_timeout)
    # The Temporal plugin maps only OpenAI's own errors; this says what to do about each.
    return ActionableErrorsProvider(
        OllamaChatCompletionsProvider(client, model), lambda _: description, request_timeout
    )


async def main(args: argparse.Namespace) -> int:
    checks.check_ollama_model_name(args.model)
    call_timeout = timedelta(seconds=args.timeout)
    # The HTTP client gives up just before Temporal does, with a clearer error.
    provider = await gpt_oss_provider(args.api, args.model, request_timeout_under(call_timeout))
    try:
        client = await Client.connect(
            **temporal.temporal_connect_config(),
            plugins=[
                OpenAIAgentsPlugin(
                    model_params=ModelActivityParameters(
                        start_to_close_timeout=call_timeout,
                        heartbeat_timeout=timedelta(seconds=args.heartbeat_timeout),
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
        async with Worker(client, task_queue=TASK_QUEUE, workflows=[GptOssWorkflow]):
            logging.info("Worker serving GptOssWorkflow on %r; Ctrl-C to stop", TASK_QUEUE)
            await cli.until_stopped()
    finally:
        await provider.aclose()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"Ollama: OLLAMA_HOST (default http://localhost:11434).\n{cli.TEMPORAL_SETTINGS}",
    )
    parser.add_argument("--model", default=DEFAULT_GPT_OSS_MODEL, help="model checked at start")
    parser.add_argument(
        "--api", choices=("openai-compatible", "native"), default="openai-compatible"
    )
    cli.add_model_call_arguments(parser)
    cli.add_verbose_argument(parser)
    arguments = parser.parse_args()
    cli.prepare_worker_process(arguments.verbose)
    cli.run_script(lambda: main(arguments), verbose=arguments.verbose)
