"""A chat conversation on a worker of its own, for the chat workflow's tests."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from temporalio.client import WorkflowExecutionStatus, WorkflowHandle
from temporalio.openai_agents.testing import AgentEnvironment
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers.workflows.chat_workflow import ChatWorkflow, Conversation
from openai_agents.model_providers.workflows.shared import TASK_QUEUE
from testkit.wiring import ModelCallPolicy, build_worker
from tests.helpers.scripted_model import RecordingProvider
from tests.helpers.workflow_runs import new_workflow_id

POLICY = ModelCallPolicy(max_attempts=2)


@contextlib.asynccontextmanager
async def conversation(
    env: WorkflowEnvironment,
    provider: RecordingProvider,
    exchanges_per_run: int = 100,
    memory_budget: int | None = None,
) -> AsyncIterator[WorkflowHandle[ChatWorkflow, int]]:
    """A conversation on a worker of its own, ended when the test is done with it."""
    workflow_id = new_workflow_id(ChatWorkflow)
    task_queue = f"{TASK_QUEUE}-{workflow_id}"
    async with AgentEnvironment(
        model_provider=provider, model_params=POLICY.activity_parameters()
    ) as agents:
        client = agents.applied_on_client(env.client)
        async with build_worker(client, [ChatWorkflow], task_queue):
            handle = await client.start_workflow(
                ChatWorkflow.run,
                Conversation(
                    model="ollama/gpt-oss:20b",
                    memory_budget=memory_budget,
                    exchanges_per_run=exchanges_per_run,
                ),
                id=workflow_id,
                task_queue=task_queue,
                # A workflow task that keeps failing would otherwise leave the test waiting.
                execution_timeout=timedelta(minutes=1),
            )
            yield handle
            if (await handle.describe()).status == WorkflowExecutionStatus.RUNNING:
                await handle.execute_update(ChatWorkflow.end)
            await handle.result()


def texts(model_input: Any) -> list[str]:
    """The user and assistant text a model call was given, in order."""
    found = []
    for item in model_input:
        content = item.get("content")
        if isinstance(content, str):
            found.append(content)
        elif content is not None:  # A list of parts, or what the data converter made of one.
            found += [part["text"] for part in content if "text" in part]
    return found
