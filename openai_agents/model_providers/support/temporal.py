"""Reaching Temporal: connection settings through `temporalio.envconfig` (TEMPORAL_ADDRESS,
TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TLS, profiles; localhost:7233 by default), and each
failure to reach or use it, or a failed workflow, as one line."""

from __future__ import annotations

import logging
import os
import re
from typing import Any

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, DescribeTaskQueueRequest
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.envconfig import ClientConfig
from temporalio.exceptions import (
    ApplicationError,
    FailureError,
    TimeoutError,
    WorkflowAlreadyStartedError,
)
from temporalio.service import RPCError, RPCStatusCode

from openai_agents.model_providers.providers import ConfigurationError

DEFAULT_ADDRESS = "localhost:7233"
# host:port, as the client takes it (`localhost:7233`, `[::1]:7233`): no scheme, no path.
_HOST_AND_PORT = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[\w.\-]+):\d{1,5}")


def connect_config() -> dict[str, Any]:
    """`Client.connect` keyword arguments from the environment or a config profile."""
    try:
        config = dict(ClientConfig.load_client_connect_config())
    except (RuntimeError, OSError, ValueError) as error:  # Bad profile, TOML or TLS file.
        raise ConfigurationError(
            f"cannot load the Temporal connection settings ({error}): check TEMPORAL_PROFILE, "
            "TEMPORAL_CONFIG_FILE and the TEMPORAL_TLS_* paths"
        ) from error
    config.setdefault("target_host", DEFAULT_ADDRESS)
    if not _HOST_AND_PORT.fullmatch(address := str(config["target_host"])):
        raise ConfigurationError(
            f"{_address_source()}={address!r} is not host:port: set it like {DEFAULT_ADDRESS} "
            "(no scheme, no path)"
        )
    return config


def temporal_address_configured() -> bool:
    """Whether the environment or a config profile names a Temporal server."""
    return "target_host" in ClientConfig.load_client_connect_config()


def _address_source() -> str:
    return "TEMPORAL_ADDRESS" if os.environ.get("TEMPORAL_ADDRESS") else "the profile's address"


async def check_namespace(client: Client) -> None:
    """Fail now, in one line, if the namespace is missing or the key may not use it."""
    try:
        request = DescribeNamespaceRequest(namespace=client.namespace)
        await client.workflow_service.describe_namespace(request)
    except RPCError as error:
        raise ConfigurationError(
            f"Temporal at {client.service_client.config.target_host} has no usable namespace "
            f"{client.namespace!r} ({error.message}): check TEMPORAL_NAMESPACE and the API "
            "key's permissions"
        ) from error


async def warn_if_unpolled(client: Client, task_queue: str) -> None:
    """Log one line if no worker polls `task_queue` for activities: calls put there wait
    until one does. Only a warning: the workers that poll it may not have started yet."""
    request = DescribeTaskQueueRequest(
        namespace=client.namespace,
        task_queue=TaskQueue(name=task_queue),
        task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    )
    try:
        described = await client.workflow_service.describe_task_queue(request)
    except RPCError as error:  # E.g. a key that may not describe task queues: not fatal.
        logging.warning("Could not check who polls %r: %s", task_queue, error.message)
        return
    if not described.pollers:
        logging.warning(
            "No worker polls the model-call task queue %r: model calls wait there until one "
            "does (start run_model_call_worker.py --task-queue %s); the Web UI's page for "
            "that task queue lists its pollers",
            task_queue,
            task_queue,
        )


async def check_running(
    handle: WorkflowHandle[Any, Any], what: str, if_missing: str, if_over: str
) -> None:
    """Fail now, in one line, unless the workflow `handle` names is running: `what` names it
    ("conversation"), `if_missing` and `if_over` say what to do instead."""
    try:
        description = await handle.describe()
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise
        raise ConfigurationError(f"there is no {what} {handle.id!r}: {if_missing}") from None
    if description.status != WorkflowExecutionStatus.RUNNING:
        status = description.status.name.lower() if description.status else "closed"
        raise ConfigurationError(f"{what} {handle.id!r} is over ({status}): {if_over}")


def one_line_failure(error: BaseException) -> tuple[str | None, bool]:
    """The line a script ends with for `error` (None: unforeseen), and whether it is a
    configuration problem (exit code 2) rather than a failed workflow (1)."""
    if isinstance(error, (WorkflowFailureError, WorkflowUpdateFailedError)):
        return f"Workflow failed: {workflow_failure_message(error)}", False
    if isinstance(error, ConfigurationError):
        return f"error: {error}", True
    if isinstance(error, WorkflowAlreadyStartedError):
        return (
            f"error: workflow {error.workflow_id} is already running: choose another "
            "--workflow-id, or leave it out for a fresh one",
            True,
        )
    text = " ".join(str(error).split())
    if isinstance(error, RPCError) and error.status != RPCStatusCode.UNAVAILABLE:
        return refused_request_line(error), True  # Reached: Temporal answered, and said no.
    # `Client.connect` reports a server it cannot reach as a RuntimeError.
    if not (isinstance(error, RPCError) or text.startswith("Failed client connect")):
        return None, False
    address = connect_config()["target_host"]
    if "Connection refused" not in text:  # TLS or API key trouble: the server says which.
        return (
            f"error: cannot connect to Temporal at {address} ({text[:300]}): check "
            "TEMPORAL_ADDRESS, TEMPORAL_API_KEY and the TLS settings",
            True,
        )
    if not temporal_address_configured():
        advice = "`uv run temporal server start-dev`, or set TEMPORAL_ADDRESS to where one runs"
        return f"error: cannot reach Temporal at {address}: start a dev server with {advice}", True
    port, source = str(address).rsplit(":", 1)[-1], _address_source()
    return (
        f"error: cannot reach Temporal at {address} ({source}): start a dev server there with "
        f"`uv run temporal server start-dev --port {port}`, or correct {source}",
        True,
    )


# What a refusal from a Temporal server that was reached means, and what to do about it.
_REFUSALS = {
    RPCStatusCode.NOT_FOUND: (
        "has nothing by that name to act on",
        "check the workflow id and TEMPORAL_NAMESPACE; a workflow that is over takes no more "
        "decisions, messages or Updates (start a new run)",
    ),
    RPCStatusCode.INVALID_ARGUMENT: (
        "refused the request as invalid",
        "check the ids and values given on the command line",
    ),
    RPCStatusCode.PERMISSION_DENIED: (
        "does not allow this",
        "check the API key's permissions (TEMPORAL_API_KEY) on the namespace (TEMPORAL_NAMESPACE)",
    ),
    RPCStatusCode.UNAUTHENTICATED: (
        "did not accept the credentials",
        "check TEMPORAL_API_KEY and the TLS settings",
    ),
    RPCStatusCode.FAILED_PRECONDITION: (
        "cannot do this to the workflow in its current state",
        "check that it is running and a worker serves its task queue",
    ),
    RPCStatusCode.ALREADY_EXISTS: ("already has this", "choose another id"),
    RPCStatusCode.RESOURCE_EXHAUSTED: (
        "is limiting requests",
        "try again shortly, or raise the namespace's rate limits",
    ),
    RPCStatusCode.DEADLINE_EXCEEDED: (
        "did not answer in time",
        "check that it is up and not overloaded, then try again",
    ),
}


def refused_request_line(error: RPCError) -> str:
    """The one line for a request a reached Temporal server refused: what the refusal
    means, the server's own words, and what to do."""
    what, advice = _REFUSALS.get(
        error.status,
        (f"refused the request ({error.status.name})", "--verbose shows which request"),
    )
    server = connect_config()["target_host"]
    return f"error: Temporal at {server} {what} ({error.message}): {advice}"


def workflow_failure_message(error: WorkflowFailureError | WorkflowUpdateFailedError) -> str:
    """The most useful line of a failed workflow's (or Update's) causes: the first
    application error (what our model wrapper or the workflow wrote), else a timeout,
    else the innermost cause."""
    cause: BaseException | None = error.cause
    innermost: BaseException = error
    while cause is not None:
        if isinstance(cause, ApplicationError):
            return cause.message
        if isinstance(cause, TimeoutError):
            return f"{cause.message} ({cause.type.name if cause.type else 'timeout'})"
        innermost = cause
        cause = cause.cause if isinstance(cause, FailureError) else None
    return str(innermost)
