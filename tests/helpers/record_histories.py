"""Re-record the workflow histories that `test_replay.py` replays.

    uv run python -m tests.helpers.record_histories

Run it after a deliberate change to a sample workflow, once you have made sure that
workflows already running can still finish (e.g. with `workflow.patched`), and commit
the new files. Each sample runs once on a fresh local dev server, with a scripted model
that calls the weather tool and then answers, as a real model would.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

os.environ.setdefault("OPENAI_AGENTS_DISABLE_TRACING", "1")

from temporalio.client import Client
from temporalio.openai_agents.testing import AgentEnvironment, ResponseBuilders
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from openai_agents.model_providers.support.temporal import bundled_temporal_cli
from openai_agents.model_providers.workflows.gpt_oss_workflow import GptOssWorkflow
from openai_agents.model_providers.workflows.litellm_auto_workflow import LitellmAutoWorkflow
from openai_agents.model_providers.workflows.multi_provider_workflow import (
    MultiProviderWorkflow,
)
from openai_agents.model_providers.workflows.shared import TASK_QUEUE
from tests.helpers.policy import ModelCallPolicy
from tests.helpers.scripted_model import RecordingProvider

HISTORIES = Path(__file__).parents[1] / "histories"
SAMPLE_WORKFLOWS: dict[str, type] = {
    "gpt_oss_workflow": GptOssWorkflow,
    "litellm_auto_workflow": LitellmAutoWorkflow,
    "multi_provider_workflow": MultiProviderWorkflow,
}
# Fixed, so the files carry no host name and re-recording changes only what changed.
IDENTITY = "record-histories"


def weather_conversation() -> RecordingProvider:
    return RecordingProvider(
        [
            ResponseBuilders.tool_call('{"city": "Tokyo"}', "get_weather", call_id="call_tokyo"),
            ResponseBuilders.output_message("Tokyo sun shines bright"),
        ]
    )


async def record(env: WorkflowEnvironment, name: str, workflow: type) -> str:
    async with AgentEnvironment(
        model_provider=weather_conversation(),
        model_params=ModelCallPolicy().activity_parameters(),
    ) as agents:
        client = await Client.connect(
            env.client.service_client.config.target_host,
            identity=IDENTITY,
            plugins=[agents.openai_agents_plugin],
        )
        async with Worker(client, task_queue=TASK_QUEUE, workflows=[workflow]):
            handle = await client.start_workflow(
                workflow.run,  # type: ignore[attr-defined]
                "What's the weather in Tokyo?",
                id=f"{name}-history",
                task_queue=TASK_QUEUE,
            )
            await handle.result()
        return (await handle.fetch_history()).to_json()


async def main() -> None:
    env = await WorkflowEnvironment.start_local(dev_server_existing_path=bundled_temporal_cli())
    try:
        for name, workflow in SAMPLE_WORKFLOWS.items():
            path = HISTORIES / f"{name}.json"
            path.write_text(await record(env, name, workflow) + "\n")
            print(f"recorded {path}")
    finally:
        await env.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
