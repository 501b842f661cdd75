"""Starting a sample workflow and reporting its outcome, shared by the run scripts and the demo."""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from temporalio.client import Client, WorkflowFailureError
from temporalio.converter import DataConverter
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from openai_agents.model_providers.cli import (
    DEFAULT_PROMPT,
    EXIT_WORKFLOW_FAILED,
    workflow_failure_message,
)
from openai_agents.model_providers.configuration import ConfigurationError
from openai_agents.model_providers.workflows import TASK_QUEUE

# Temporal's default limit for one payload (the server's `limit.blobSize.error`). The
# server rejects a larger workflow input, and the prompt travels again in every model
# call's input, together with the agent's instructions, tool schemas and earlier replies:
# leave them room.
PAYLOAD_LIMIT_BYTES = 2 * 1024 * 1024
ROOM_FOR_THE_REST_OF_A_MODEL_CALL_BYTES = 128 * 1024
MAX_PROMPT_BYTES = PAYLOAD_LIMIT_BYTES - ROOM_FOR_THE_REST_OF_A_MODEL_CALL_BYTES


def add_workflow_arguments(parser: argparse.ArgumentParser, default_model: str | None) -> None:
    """--prompt or --prompt-file, --model and --workflow-id; a None model means "the
    sample's default"."""
    prompt = parser.add_mutually_exclusive_group()
    prompt.add_argument(
        "--prompt", default=DEFAULT_PROMPT, help="what to ask the agent (default: %(default)r)"
    )
    prompt.add_argument(
        "--prompt-file",
        type=Path,
        metavar="FILE",
        help="read the prompt from FILE ('-' for stdin), for prompts too long for a command line",
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


def checked_prompt(args: argparse.Namespace) -> str:
    """The prompt from --prompt or --prompt-file, refused before anything starts if the
    workflow could not take it."""
    prompt: str = args.prompt if args.prompt_file is None else _read_prompt_file(args.prompt_file)
    if not prompt.strip():
        raise ConfigurationError("prompt must not be empty: ask a question with --prompt")
    [payload] = DataConverter.default.payload_converter.to_payloads([prompt])
    size = payload.ByteSize()
    if size > MAX_PROMPT_BYTES:
        raise ConfigurationError(
            f"the prompt is {size / 2**20:.2f} MiB; with the agent's instructions and tools "
            f"it must fit Temporal's {PAYLOAD_LIMIT_BYTES // 2**20} MiB payload limit "
            f"(at most {MAX_PROMPT_BYTES / 2**20:.2f} MiB): shorten it, or store the document "
            "elsewhere (e.g. object storage) and pass a reference to it"
        )
    return prompt


def _read_prompt_file(path: Path) -> str:
    if str(path) == "-":
        return sys.stdin.read()
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise ConfigurationError(f"cannot read --prompt-file {path}: {reason}") from error


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
