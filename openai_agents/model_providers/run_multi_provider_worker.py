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

from openai_agents.model_providers.cli import (
    add_model_call_arguments,
    add_verbose_argument,
    model_call_policy,
    prepare_worker_process,
    run_script,
)
from openai_agents.model_providers.router_names import BUILT_IN_PREFIXES
from openai_agents.model_providers.worker import serve_until_stopped
from openai_agents.model_providers.workflows.gpt_oss_workflow import GptOssWorkflow
from openai_agents.model_providers.workflows.litellm_auto_workflow import LitellmAutoWorkflow
from openai_agents.model_providers.workflows.multi_provider_workflow import (
    MultiProviderWorkflow,
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Environment: OLLAMA_HOST, OLLAMA_API_KEY (Ollama Cloud), OPENAI_API_KEY, "
        "the LiteLLM provider's variables (ANTHROPIC_API_KEY, ...); TEMPORAL_ADDRESS, "
        "TEMPORAL_NAMESPACE, TEMPORAL_API_KEY or a TEMPORAL_PROFILE.",
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
    add_model_call_arguments(parser)
    add_verbose_argument(parser)
    return parser.parse_args()


async def serve(args: argparse.Namespace) -> int:
    # Imported here: the `ollama` client reads OLLAMA_HOST at import, and a malformed value
    # must be reported as one line, like every other configuration error.
    from openai_agents.model_providers.router_backend import (
        check_router_model_ready,
        create_router_provider,
    )

    policy = model_call_policy(args)
    if args.check_model:
        await check_router_model_ready(args.check_model, args.default_prefix)
    provider = create_router_provider(policy, args.default_prefix)
    return await serve_until_stopped(
        provider, policy, [MultiProviderWorkflow, GptOssWorkflow, LitellmAutoWorkflow]
    )


def main() -> None:
    args = parse_args()
    prepare_worker_process(args.verbose)
    # Show the workflows' `workflow.logger.debug(...)` lines, e.g. each weather lookup.
    logging.getLogger("temporalio.workflow").setLevel(logging.DEBUG)
    run_script(lambda: serve(args), verbose=args.verbose)


if __name__ == "__main__":
    main()
