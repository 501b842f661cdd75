"""Starts the GPT-OSS sample workflow and prints its result.

Start `run_gpt_oss_worker.py` first, in another terminal.
"""

from __future__ import annotations

import argparse

from openai_agents.model_providers.cli import add_verbose_argument, run_script
from openai_agents.model_providers.model_names import check_ollama_model_name
from openai_agents.model_providers.temporal_client import connect_to_temporal
from openai_agents.model_providers.workflow_starter import (
    add_workflow_arguments,
    checked_prompt,
    execute_and_report,
    unique_workflow_id,
)
from openai_agents.model_providers.workflows.gpt_oss_workflow import (
    DEFAULT_GPT_OSS_MODEL,
    WORKFLOW_ID_PREFIX,
    GptOssWorkflow,
)


async def start(args: argparse.Namespace) -> int:
    check_ollama_model_name(args.model)
    prompt = checked_prompt(args)
    client = await connect_to_temporal()
    return await execute_and_report(
        client,
        GptOssWorkflow.run,
        [prompt, args.model],
        args.workflow_id or unique_workflow_id(WORKFLOW_ID_PREFIX),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_workflow_arguments(parser, DEFAULT_GPT_OSS_MODEL)
    add_verbose_argument(parser)
    args = parser.parse_args()
    run_script(lambda: start(args), verbose=args.verbose)


if __name__ == "__main__":
    main()
