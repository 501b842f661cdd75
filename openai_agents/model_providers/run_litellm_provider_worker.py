"""Worker for the LiteLLM sample: serves any LiteLLM model string, e.g. `anthropic/...`.

The Agents SDK's `LitellmProvider` turns the agent's model name into a LiteLLM call;
LiteLLM reads the provider's own variables (ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, ...).
"""

from __future__ import annotations

import argparse

from openai_agents.model_providers.cli import (
    add_model_call_arguments,
    add_verbose_argument,
    model_call_policy,
    prepare_worker_process,
    run_script,
)
from openai_agents.model_providers.model_names import check_litellm_model_name
from openai_agents.model_providers.worker import serve_until_stopped
from openai_agents.model_providers.workflows.litellm_auto_workflow import (
    DEFAULT_LITELLM_MODEL,
    LitellmAutoWorkflow,
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Environment: the provider's LiteLLM variables (ANTHROPIC_API_KEY, "
        "ANTHROPIC_BASE_URL, OPENAI_API_KEY, ...); TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, "
        "TEMPORAL_API_KEY or a TEMPORAL_PROFILE.",
    )
    parser.add_argument(
        "--model",
        default=DEFAULT_LITELLM_MODEL,
        help="model whose credentials are checked at start (default: %(default)s)",
    )
    add_model_call_arguments(parser)
    add_verbose_argument(parser)
    return parser.parse_args()


async def serve(args: argparse.Namespace) -> int:
    check_litellm_model_name(args.model)
    # Imported here, not at the top: LiteLLM takes seconds to import, and `--help` or a
    # configuration error should not wait for it.
    from openai_agents.model_providers.litellm_backend import create_litellm_provider

    policy = model_call_policy(args)
    provider = create_litellm_provider(args.model, policy)
    return await serve_until_stopped(provider, policy, [LitellmAutoWorkflow])


def main() -> None:
    args = parse_args()
    prepare_worker_process(args.verbose)
    run_script(lambda: serve(args), verbose=args.verbose)


if __name__ == "__main__":
    main()
