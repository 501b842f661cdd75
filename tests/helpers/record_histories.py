"""Re-record the workflow histories that `test_replay.py` replays.

    uv run python -m tests.helpers.record_histories [NAME ...]

(NAMEs, e.g. `chat_workflow`, re-record only those; by default, all.)

Run it after a deliberate change to a sample workflow, once you have made sure that
workflows already running can still finish (e.g. with `workflow.patched`), and commit
the new files. Each sample runs once on a fresh local dev server, with a model that calls
the weather tool and then answers, as a real model would: a scripted one, or, for the
streaming sample, the native Ollama model streaming from a fake Ollama, with a subscriber
reading the stream; the handoffs sample's triage agent hands off to its specialist, who
calls the tool and answers; the structured output sample answers with a typed report. The
chat sample has three exchanges on a memory budget small enough that the third summarises
the first, then ends. The approval sample's model asks to send an alert, which is
approved, then answers.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENAI_AGENTS_DISABLE_TRACING", "1")
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # No network fetch.
os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")

from agents import ModelProvider, ModelResponse
from temporalio import activity
from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.workflow_streams import WorkflowStreamClient
from temporalio.openai_agents.testing import AgentEnvironment, ResponseBuilders
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from openai_agents.model_providers.providers.router.provider import MultiModelProvider
from openai_agents.model_providers.support.dev_server import bundled_temporal_cli
from openai_agents.model_providers.workflows.approval_workflow import (
    ApprovalWorkflow,
    deliver_weather_alert,
)
from openai_agents.model_providers.workflows.approvals import Decision
from openai_agents.model_providers.workflows.chat_workflow import ChatWorkflow, Conversation
from openai_agents.model_providers.workflows.gpt_oss_workflow import GptOssWorkflow
from openai_agents.model_providers.workflows.handoffs_workflow import HandoffsWorkflow
from openai_agents.model_providers.workflows.litellm_auto_workflow import LitellmAutoWorkflow
from openai_agents.model_providers.workflows.multi_provider_workflow import (
    MultiProviderWorkflow,
)
from openai_agents.model_providers.workflows.shared import TASK_QUEUE
from openai_agents.model_providers.workflows.streaming_workflow import (
    DONE_TOPIC,
    StreamingWorkflow,
)
from openai_agents.model_providers.workflows.structured_output_workflow import (
    StructuredOutputWorkflow,
)
from testkit.fakes import ollama_native
from testkit.fakes.ollama_native import FakeOllama
from testkit.wiring import ModelCallPolicy
from tests.helpers.scripted_model import RecordingProvider

HISTORIES = Path(__file__).parents[1] / "histories"
SAMPLE_WORKFLOWS: dict[str, type] = {
    "gpt_oss_workflow": GptOssWorkflow,
    "litellm_auto_workflow": LitellmAutoWorkflow,
    "multi_provider_workflow": MultiProviderWorkflow,
    "streaming_workflow": StreamingWorkflow,
    "chat_workflow": ChatWorkflow,
    "handoffs_workflow": HandoffsWorkflow,
    "structured_output_workflow": StructuredOutputWorkflow,
    "approval_workflow": ApprovalWorkflow,
}
PROMPT = "What's the weather in Tokyo?"
# Fixed, so the files carry no host name and re-recording changes only what changed.
IDENTITY = "record-histories"


def weather_conversation() -> RecordingProvider:
    return RecordingProvider(
        [
            *weather_answer(),
            # The chat's second and third messages; the third summarises the first.
            ResponseBuilders.output_message("You are welcome, " * 8),
            ResponseBuilders.output_message("You asked about Tokyo's weather: sunny."),
            ResponseBuilders.output_message("Goodbye, " * 8),
        ]
    )


def weather_answer() -> list[ModelResponse]:
    return [
        ResponseBuilders.tool_call('{"city": "Tokyo"}', "get_weather", call_id="call_tokyo"),
        ResponseBuilders.output_message("Tokyo sun shines bright"),
    ]


def handoff_then_weather() -> RecordingProvider:
    """The triage agent hands off; the specialist calls the tool, then answers."""
    handoff = ResponseBuilders.tool_call("{}", "transfer_to_weather_specialist", call_id="call_h")
    return RecordingProvider([handoff, *weather_answer()])


def alert_then_answer() -> RecordingProvider:
    """The alert asked for, then (once approved) the answer."""
    arguments = '{"city": "Tokyo", "message": "Typhoon tonight: stay indoors"}'
    alert = ResponseBuilders.tool_call(arguments, "send_weather_alert", call_id="call_alert")
    return RecordingProvider([alert, ResponseBuilders.output_message("Tokyo warned in time")])


def weather_report() -> RecordingProvider:
    """The tool call, then a typed report."""
    report = '{"city": "Tokyo", "conditions": "sunny", "temperature": {"value": 21, '
    report += '"unit": "celsius"}, "haiku": "Tokyo sun shines bright"}'
    return RecordingProvider([weather_answer()[0], ResponseBuilders.output_message(report)])


@activity.defn(name="conversation_memory_budget")
async def small_memory_budget(model_name: str) -> int:
    """The router worker's activity, answering a budget that the chat's third message
    passes, so that the recorded history holds a summary call too."""
    return 200


async def record(env: WorkflowEnvironment, name: str, workflow: type) -> str:
    with FakeOllama(
        [
            ollama_native.call_tool("get_weather", city="Tokyo"),
            ollama_native.answer_quoting_tool_result(),
        ]
    ) as ollama:
        provider: ModelProvider = (
            MultiModelProvider(default_prefix="ollama", ollama_base_url=ollama.url)
            if workflow is StreamingWorkflow
            else handoff_then_weather()
            if workflow is HandoffsWorkflow
            else weather_report()
            if workflow is StructuredOutputWorkflow
            else alert_then_answer()
            if workflow is ApprovalWorkflow
            else weather_conversation()
        )
        async with AgentEnvironment(
            model_provider=provider, model_params=ModelCallPolicy().activity_parameters()
        ) as agents:
            client = await Client.connect(
                env.client.service_client.config.target_host,
                identity=IDENTITY,
                plugins=[agents.openai_agents_plugin],
            )
            activities: list[Callable[..., Any]] = (
                [small_memory_budget] if workflow is ChatWorkflow else []
            )
            if workflow is ApprovalWorkflow:
                activities += [deliver_weather_alert]
            async with Worker(
                client, task_queue=TASK_QUEUE, workflows=[workflow], activities=activities
            ):
                handle = await run_sample(client, workflow, f"{name}-history")
                await handle.result()
            return (await handle.fetch_history()).to_json()


async def run_sample(client: Client, workflow: type, workflow_id: str) -> WorkflowHandle[Any, Any]:
    """Start the sample, and do what its starter does, short of printing."""
    if workflow is ChatWorkflow:
        chat = await client.start_workflow(
            ChatWorkflow.run, Conversation(), id=workflow_id, task_queue=TASK_QUEUE
        )
        await chat.execute_update(ChatWorkflow.send, PROMPT)
        await chat.execute_update(ChatWorkflow.send, "Thank you, that is all I needed for today")
        await chat.execute_update(ChatWorkflow.send, "Goodbye, and thanks again for the help")
        await chat.execute_update(ChatWorkflow.end)
        return chat
    handle = await client.start_workflow(
        workflow.run,  # type: ignore[attr-defined]
        PROMPT,
        id=workflow_id,
        task_queue=TASK_QUEUE,
    )
    if workflow is ApprovalWorkflow:
        while not await handle.query(ApprovalWorkflow.pending):
            await asyncio.sleep(0.1)
        await handle.execute_update(
            ApprovalWorkflow.decide, Decision("call_alert", True, "a real typhoon", IDENTITY)
        )
    if workflow is StreamingWorkflow:
        async for _done in WorkflowStreamClient.create(client, workflow_id).subscribe(DONE_TOPIC):
            break
    return handle


async def main(names: list[str]) -> None:
    env = await WorkflowEnvironment.start_local(dev_server_existing_path=bundled_temporal_cli())
    try:
        for name in names or SAMPLE_WORKFLOWS:
            workflow = SAMPLE_WORKFLOWS[name]
            path = HISTORIES / f"{name}.json"
            path.write_text(await record(env, name, workflow) + "\n")
            print(f"recorded {path}")
    finally:
        await env.shutdown()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
