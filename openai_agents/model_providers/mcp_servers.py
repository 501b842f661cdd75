"""The MCP sample's servers, as the worker that serves its tool calls connects to them: the
MCP project's time server, which the worker starts over stdio, and this repository's
weather server (`run_weather_mcp_server.py`), reached over streamable HTTP at
WEATHER_MCP_URL. Imported by the router worker and the benchmark.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from agents.mcp import MCPServer, MCPServerStdio, MCPServerStreamableHttp

from openai_agents.model_providers.workflows.shared import (
    DEFAULT_WEATHER_MCP_URL,
    MCP_SERVER_FIXES,
    TIME_MCP_SERVER,
    WEATHER_MCP_SERVER,
)

# The MCP project's time server: the console script its package (a dependency) installs here.
TIME_SERVER_COMMAND = str(Path(sys.executable).with_name("mcp-server-time"))
# One MCP request's bound; the activity's own timeout (the workflow's `MCP_OPERATION`) is
# longer, so a slow server fails the attempt here first, saying so.
MCP_REQUEST_TIMEOUT_SECONDS = 10.0


def mcp_server_factories() -> dict[str, Callable[[], MCPServer]]:
    """The MCP sample's servers, by the names its workflow's `temporal_mcp_server` uses.

    Each `list_tools` and `call_tool` of a run is an activity on this worker, which keeps
    the connections open between them (the plugin's `mcp_connection_idle_timeout`).
    """
    return {
        # The MCP project's time server: this worker starts it, over stdio.
        TIME_MCP_SERVER: lambda: MCPServerStdio(
            name=TIME_MCP_SERVER,
            params={
                "command": TIME_SERVER_COMMAND,
                # A fixed zone: the same answers on every machine.
                "args": ["--local-timezone", "UTC"],
            },
            client_session_timeout_seconds=MCP_REQUEST_TIMEOUT_SECONDS,
        ),
        # This repository's weather server, a service of its own over streamable HTTP.
        WEATHER_MCP_SERVER: lambda: MCPServerStreamableHttp(
            name=WEATHER_MCP_SERVER,
            params={
                "url": os.environ.get("WEATHER_MCP_URL") or DEFAULT_WEATHER_MCP_URL,
                "timeout": MCP_REQUEST_TIMEOUT_SECONDS,
            },
            client_session_timeout_seconds=MCP_REQUEST_TIMEOUT_SECONDS,
        ),
    }


async def note_unavailable_mcp_servers(
    factories: dict[str, Callable[[], MCPServer]],
) -> list[str]:
    """Log one INFO line for each MCP server that cannot be started (its command is
    missing) or reached (connecting and listing its tools fails), and return them. Not a
    warning: the worker serves every sample, and only the MCP sample uses these; its runs
    then retry within their bounds and fail, saying the same."""
    notes = []
    for name, factory in factories.items():
        server = factory()
        reason = None
        if isinstance(server, MCPServerStdio):
            # Only looked up: starting it would cost every worker start a second or two.
            if shutil.which(server.params.command) is None:
                reason = f"no command {server.params.command!r}"
        else:
            try:
                await server.connect()  # type: ignore[no-untyped-call]
                await server.list_tools()
            except Exception as error:
                reason = str(error) or type(error).__name__
            finally:
                await server.cleanup()  # type: ignore[no-untyped-call]
        if reason is not None:
            notes.append(
                f"the MCP sample (McpWorkflow) needs MCP server {name!r}, unavailable now "
                f"({reason}): {MCP_SERVER_FIXES[name]}"
            )
            logging.info(notes[-1])
    return notes
