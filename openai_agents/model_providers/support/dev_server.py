"""The bundled Temporal dev server, for the one-command demo and the tests: started from the
`temporal` CLI that `uv sync` installs, so nothing is downloaded, with its output in a log
file instead of among the demo's own lines."""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from datetime import timedelta
from pathlib import Path

from temporalio.client import Client, Plugin
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers.providers import ConfigurationError

SERVER_STARTUP_TIMEOUT = timedelta(seconds=60)
"""How long a Temporal server started here may take to answer: seconds when the machine is
quiet, longer on a loaded one."""


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
                # Returns once the server answers; the SDK's 5 s is too short on a busy machine.
                dev_server_startup_timeout=SERVER_STARTUP_TIMEOUT,
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
