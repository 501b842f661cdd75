"""Running a sample workflow on an in-process worker, for the workflow tests."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from temporalio.client import Client, WorkflowFailureError, WorkflowHistory
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers.workflows.answers import Answer
from openai_agents.model_providers.workflows.shared import TASK_QUEUE
from testkit.wiring import (
    ModelCallPolicy,
    build_worker,
    client_with_provider,
    create_router_provider,
)


def new_workflow_id(workflow: type) -> str:
    return f"test-{workflow.__name__}-{uuid.uuid4().hex[:8]}"


@dataclass
class Outcome:
    """How a workflow run ended, and its history. `result` is the answer's text (the router
    workflows answer with an `Answer`, which `answer` then holds whole)."""

    result: str | None
    failure: WorkflowFailureError | None
    history: WorkflowHistory
    answer: Answer | None = None

    def workflow_task_failures(self) -> int:
        """Failed workflow tasks: each one is a retry loop a user would see as a hang."""
        return sum(
            1 for e in self.history.events if e.HasField("workflow_task_failed_event_attributes")
        )


async def run_to_end(
    client: Client,
    workflow: type,
    workflow_run: Callable[..., Awaitable[Any]],
    args: Sequence[Any],
    workflow_id: str | None = None,
) -> Outcome:
    """Execute a workflow on a fresh worker until it completes or fails."""
    workflow_id = workflow_id or new_workflow_id(workflow)
    # A queue of its own: no other worker on the same server (a sample worker, or one left
    # by an earlier failed test) can take this run's tasks.
    task_queue = f"{TASK_QUEUE}-{workflow_id}"
    async with build_worker(client, [workflow], task_queue):
        return await run_on_queue(client, workflow_run, args, task_queue, workflow_id)


async def run_on_queue(
    client: Client,
    workflow_run: Callable[..., Awaitable[Any]],
    args: Sequence[Any],
    task_queue: str,
    workflow_id: str,
) -> Outcome:
    """Execute a workflow on the running worker of `task_queue` until it completes or fails."""
    handle = await client.start_workflow(
        workflow_run,
        args=args,
        id=workflow_id,
        task_queue=task_queue,
        # A workflow whose task keeps failing would otherwise wait forever.
        execution_timeout=timedelta(minutes=2),
    )
    result: Any = None
    failure: WorkflowFailureError | None = None
    try:
        result = await handle.result()
    except WorkflowFailureError as error:
        failure = error
    history = await handle.fetch_history()
    if isinstance(result, Answer):
        return Outcome(result.text, failure, history, result)
    return Outcome(result, failure, history)


async def run_on_router(
    env: WorkflowEnvironment, policy: ModelCallPolicy, workflow: Any, args: Sequence[Any]
) -> Outcome:
    """`workflow` to its end on a worker with the router worker's provider, which is closed
    afterwards, whatever happened."""
    router = create_router_provider(policy)
    try:
        client = client_with_provider(env.client, router, policy)
        return await run_to_end(client, workflow, workflow.run, args)
    finally:
        await router.aclose()


async def run_on_worker(
    client: Client,
    workflow: type,
    workflow_run: Callable[..., Awaitable[Any]],
    args: Sequence[Any],
) -> tuple[str, WorkflowHistory]:
    """Execute a workflow on a fresh worker; return its result and its history.

    Raises the workflow's failure (`WorkflowFailureError`) like `execute_workflow`.
    """
    outcome = await run_to_end(client, workflow, workflow_run, args)
    if outcome.failure is not None:
        raise outcome.failure
    assert outcome.result is not None
    return outcome.result, outcome.history


def model_call_attempts(history: WorkflowHistory) -> list[int]:
    """The attempt number each model activity finished (or failed for good) on (other
    activities, such as the chat's budget lookup, left out)."""
    model_calls = {
        event.event_id
        for event in history.events
        if event.activity_task_scheduled_event_attributes.activity_type.name.startswith(
            "invoke_model_activity"
        )
    }
    return [
        event.activity_task_started_event_attributes.attempt
        for event in history.events
        if event.HasField("activity_task_started_event_attributes")
        and event.activity_task_started_event_attributes.scheduled_event_id in model_calls
    ]


def activity_failure(error: WorkflowFailureError) -> tuple[ActivityError, ApplicationError]:
    """The failed model call behind a workflow failure, and the error it raised."""
    activity_error = error.cause
    assert isinstance(activity_error, ActivityError), error
    cause = activity_error.cause
    assert isinstance(cause, ApplicationError), activity_error
    return activity_error, cause
