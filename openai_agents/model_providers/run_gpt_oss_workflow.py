"""Starts the GPT-OSS sample workflow and prints its result.

Start `run_gpt_oss_worker.py` first, in another terminal. Its --model decides the model:
give this one the same --model (the worker refuses a run on any other).
"""

from __future__ import annotations

import argparse

from temporalio.client import Client
from temporalio.openai_agents import OpenAIAgentsPlugin

from openai_agents.model_providers.providers import check_ollama_model_name
from openai_agents.model_providers.support import arguments, script, temporal, tracing, usage
from openai_agents.model_providers.workflows.gpt_oss_workflow import (
    DEFAULT_GPT_OSS_MODEL,
    WORKFLOW_ID_PREFIX,
    GptOssWorkflow,
)
from openai_agents.model_providers.workflows.shared import TASK_QUEUE


async def main(args: argparse.Namespace) -> int:
    check_ollama_model_name(args.model)  # Refused before anything starts.
    prompt = arguments.checked_prompt(args)
    # The plugin gives this client the Agents SDK's data converter, as on the worker.
    # OTEL_EXPORTER_OTLP_ENDPOINT set: this client's calls join the run's trace.
    plugin = OpenAIAgentsPlugin(use_otel_instrumentation=tracing.from_environment())
    client = await Client.connect(**temporal.connect_config(), plugins=[plugin])
    await temporal.check_namespace(client)
    workflow_id = args.workflow_id or arguments.unique_workflow_id(WORKFLOW_ID_PREFIX)
    print(f"Running workflow {workflow_id} on task queue {TASK_QUEUE}...")
    answer = await client.execute_workflow(
        GptOssWorkflow.run, args=[prompt, args.model], id=workflow_id, task_queue=TASK_QUEUE
    )
    print(f"Result: {answer.text}")
    usage.print_usage(answer.usage, self_hosted=True)  # Calls, tokens and cost.
    return 0


if __name__ == "__main__":
    parser = arguments.argument_parser(__doc__)
    arguments.add_workflow_arguments(parser, DEFAULT_GPT_OSS_MODEL)
    args = parser.parse_args()
    script.run_script(lambda: main(args), verbose=args.verbose)
