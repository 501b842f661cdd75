"""A server process for the length of a block, for the bundled model and the trace viewer:
started with its output in a log file, ready once its health URL answers 200, stopped when
the block ends, however it ends."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from openai_agents.model_providers.providers import ConfigurationError


def listening(port: int) -> bool:
    """Whether something accepts connections on loopback `port`."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def running(
    name: str,
    command: Sequence[str],
    *,
    log: Path,
    health_url: str,
    startup_timeout: float,
    stop_timeout: float,
    environment: Mapping[str, str] | None = None,
) -> Iterator[None]:
    """`command` running, its output in `log`, once `health_url` answers 200 within
    `startup_timeout` seconds; else a ConfigurationError naming `name` and its log."""
    with log.open("w") as sink:
        server = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=environment)
    try:
        _wait_until_ready(name, server, health_url, startup_timeout, log)
        yield
    finally:
        server.terminate()
        try:
            server.wait(timeout=stop_timeout)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_ready(
    name: str, server: subprocess.Popen[bytes], health_url: str, timeout: float, log: Path
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ConfigurationError(f"{name} exited with {server.returncode}: see {log}")
        # Not answering yet, or answering 503 while it loads.
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(health_url, timeout=2) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.25)
    raise ConfigurationError(
        f"{name} did not answer {health_url} within {timeout:.0f} s: see {log}"
    )
