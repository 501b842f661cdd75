"""Starting a sample workflow and reporting its outcome, shared by the run scripts and the demo."""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from openai_agents.model_providers.cli import (
    DEFAULT_PROMPT,
    EXIT_WORKFLOW_FAILED,
    workflow_failure_message,
)
from openai_agents.model_providers.configuration import ConfigurationError
from openai_agents.model_providers.workflows import TASK_QUEUE


def add_workflow_arguments(parser: argparse.ArgumentParser, default_model: str | None) -> None:
    """--prompt, --model and --workflow-id; a None model means "the sample's default"."""
    parser.add_argument(
        "--prompt", default=DEFAULT_PROMPT, help="what to ask the agent (default: %(default)r)"
    )
    parser.add_argument(
        "--model",
        default=default_model,
        help=f"model the agent asks for (default: {default_model or 'the sample default'})",
    )
    parser.add_argument(
        "--workflow-id",
        help="exact workflow id; by default a fresh id per run, so runs never collide",
    )


def unique_workflow_id(prefix: str) -> str:
    # A fixed id would make a second run fail with "workflow already started" whenever the
    # first is still open (e.g. it waited for a worker that was never started).
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def execute_and_report(
    client: Client,
    workflow_run: Callable[..., Awaitable[str]],
    args: Sequence[Any],
    workflow_id: str,
) -> int:
    """Execute the workflow, print `Result: …` or one line saying why it failed."""
    try:
        handle = await client.start_workflow(
            workflow_run, args=args, id=workflow_id, task_queue=TASK_QUEUE
        )
    except WorkflowAlreadyStartedError as error:
        raise ConfigurationError(
            f"workflow {workflow_id} is already running: choose another --workflow-id, "
            "or leave it out for a fresh one"
        ) from error
    except RPCError as error:
        raise ConfigurationError(
            f"Temporal refused to start workflow {workflow_id}: {error.message}"
        ) from error
    print(f"Started workflow {workflow_id} on task queue {TASK_QUEUE}; waiting for the result...")
    try:
        result = await handle.result()
    except WorkflowFailureError as error:
        print(f"Workflow {workflow_id} failed: {workflow_failure_message(error)}", file=sys.stderr)
        return EXIT_WORKFLOW_FAILED
    print(f"Result: {result}")
    return 0
