"""The MCP sample's weather server as a real process (run_weather_mcp_server.py), for the
tests and the benchmark: started on a free port, recording each tool call it receives."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from openai_agents.model_providers.support.dev_server import free_local_port
from testkit.environment import isolated_environment

SCRIPT = (
    Path(__file__).resolve().parents[1]
    / "openai_agents"
    / "model_providers"
    / "run_weather_mcp_server.py"
)
STARTUP_TIMEOUT_SECONDS = 60.0


class WeatherMcpServer:
    """run_weather_mcp_server.py on `port` (0: a free one); `calls()` is every tool call it
    received, as (tool, arguments), across restarts."""

    def __init__(self, directory: Path, port: int = 0) -> None:
        self.port = port or free_local_port()
        self.url = f"http://127.0.0.1:{self.port}/mcp"
        self.call_log = directory / f"weather-mcp-calls-{self.port}.jsonl"
        self.call_log.touch()
        self._output = directory / f"weather-mcp-{self.port}.log"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self._output.open("ab") as sink:
            self._process = subprocess.Popen(
                [sys.executable, str(SCRIPT), "--call-log", str(self.call_log)],
                env=isolated_environment(WEATHER_MCP_URL=self.url),
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not self._accepts_connections():
            if self._process.poll() is not None:
                raise AssertionError(f"weather MCP server exited:\n{self._output.read_text()}")
            assert time.monotonic() < deadline, "weather MCP server did not start in time"
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL: the server dies as a crashed service would, mid-session."""
        assert self._process is not None
        self._process.kill()
        self._process.wait()

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def calls(self) -> list[tuple[str, dict[str, Any]]]:
        lines = self.call_log.read_text(encoding="utf-8").splitlines()
        return [(call["tool"], call["arguments"]) for call in map(json.loads, lines)]

    def _accepts_connections(self) -> bool:
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", self.port)) == 0

    def __enter__(self) -> WeatherMcpServer:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
