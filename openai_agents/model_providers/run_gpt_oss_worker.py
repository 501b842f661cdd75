"""Worker for the GPT-OSS sample: serves `gpt-oss:20b` from a local Ollama server.

Ollama speaks the OpenAI Chat Completions API under /v1, so the Agents SDK's own
`OpenAIChatCompletionsModel` talks to it through an `AsyncOpenAI` client.
"""

from __future__ import annotations

import argparse
import logging

from openai_agents.model_providers.cli import (
    add_model_call_arguments,
    add_verbose_argument,
    model_call_policy,
    prepare_worker_process,
    run_script,
)
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
    add_model_call_arguments(parser)
    add_verbose_argument(parser)
    return parser.parse_args()


async def serve(args: argparse.Namespace) -> int:
    policy = model_call_policy(args)
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
