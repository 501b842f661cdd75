"""Starts the router sample's workflow on the model you name, and prints its result.

Start `run_multi_provider_worker.py` first, in another terminal. Examples:
  --model ollama/gpt-oss:20b
  --model ollama/gpt-oss:120b-cloud          (Ollama Cloud; the worker needs OLLAMA_API_KEY)
  --model litellm/anthropic/claude-sonnet-4-5
  --model openai/gpt-4.1
"""

from __future__ import annotations

import argparse

from openai_agents.model_providers.cli import add_verbose_argument, run_script
from openai_agents.model_providers.router_names import check_router_model_name
from openai_agents.model_providers.temporal_client import connect_to_temporal
from openai_agents.model_providers.workflow_starter import (
    add_workflow_arguments,
    checked_prompt,
    execute_and_report,
    unique_workflow_id,
)
from openai_agents.model_providers.workflows.multi_provider_workflow import (
    DEFAULT_ROUTER_MODEL,
    WORKFLOW_ID_PREFIX,
    MultiProviderWorkflow,
)


async def start(args: argparse.Namespace) -> int:
    check_router_model_name(args.model)
    prompt = checked_prompt(args)
    client = await connect_to_temporal()
    return await execute_and_report(
        client,
        MultiProviderWorkflow.run,
        [prompt, args.model],
        args.workflow_id or unique_workflow_id(WORKFLOW_ID_PREFIX),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_workflow_arguments(parser, DEFAULT_ROUTER_MODEL)
    add_verbose_argument(parser)
    args = parser.parse_args()
    run_script(lambda: start(args), verbose=args.verbose)


if __name__ == "__main__":
    main()
