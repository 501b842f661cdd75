"""Worker for the GPT-OSS sample: serves `gpt-oss:20b` from a local Ollama server.

Two ways to talk to Ollama (see the README for the trade-offs):
  --api openai-compatible  Ollama's OpenAI Chat Completions API under /v1, through the
                           Agents SDK's own `OpenAIChatCompletionsModel` (the default)
  --api native             Ollama's own /api/chat, through this repo's `OllamaModelProvider`
"""

from __future__ import annotations

import argparse
import logging

from agents import ModelProvider

from openai_agents.model_providers.cli import (
    add_model_call_arguments,
    add_verbose_argument,
    model_call_policy,
    prepare_worker_process,
    run_script,
)
from openai_agents.model_providers.configuration import ConfigurationError, ModelCallPolicy
from openai_agents.model_providers.model_names import check_ollama_model_name
from openai_agents.model_providers.ollama_openai_compat import create_gpt_oss_provider
from openai_agents.model_providers.worker import serve_until_stopped
from openai_agents.model_providers.workflows.gpt_oss_workflow import (
    DEFAULT_GPT_OSS_MODEL,
    GptOssWorkflow,
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Environment: OLLAMA_HOST (default http://localhost:11434); "
        "TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY or a TEMPORAL_PROFILE.",
    )
    parser.add_argument(
        "--model",
        default=DEFAULT_GPT_OSS_MODEL,
        help="model checked at start and served when an agent names none (default: %(default)s)",
    )
    parser.add_argument(
        "--api",
        choices=("openai-compatible", "native"),
        default="openai-compatible",
        help="which Ollama API the model calls use (default: %(default)s)",
    )
    add_model_call_arguments(parser)
    add_verbose_argument(parser)
    return parser.parse_args()


async def create_native_provider(model: str, policy: ModelCallPolicy) -> ModelProvider:
    # Imported here: the `ollama` client reads OLLAMA_HOST at import, and a malformed value
    # must be reported as one line, like every other configuration error.
    from openai_agents.model_providers.providers import OllamaModelProvider

    provider = OllamaModelProvider(request_timeout_seconds=policy.request_timeout_seconds)
    try:
        await provider.check_model_available(model)
    except ConfigurationError:
        await provider.aclose()
        raise
    return provider


async def serve(args: argparse.Namespace) -> int:
    check_ollama_model_name(args.model)
    policy = model_call_policy(args)
    if args.api == "native":
        provider = await create_native_provider(args.model, policy)
    else:
        provider = await create_gpt_oss_provider(args.model, policy)
    return await serve_until_stopped(provider, policy, [GptOssWorkflow])


def main() -> None:
    args = parse_args()
    prepare_worker_process(args.verbose)
    # Show the workflow's `workflow.logger.debug(...)` lines, e.g. each weather lookup.
    logging.getLogger("temporalio.workflow").setLevel(logging.DEBUG)
    run_script(lambda: serve(args), verbose=args.verbose)


if __name__ == "__main__":
    main()
