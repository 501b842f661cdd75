"""Where the router worker finds the MCP sample's two servers, and a check at its start that
says, in one line each, which of them cannot be started or reached."""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from agents.mcp import MCPServer, MCPServerStdio

DEFAULT_WEATHER_MCP_URL = "http://127.0.0.1:8765/mcp"
# Bounds of one MCP request from the worker; the activity's own timeout (the workflow's
# `MCP_OPERATION`) is longer, so a slow server fails the attempt here first, clearly.
MCP_REQUEST_TIMEOUT_SECONDS = 10.0
# A fixed zone, so the time server answers the same on every machine.
TIME_SERVER_ARGS = ["--local-timezone", "UTC"]


def weather_mcp_url() -> str:
    """The weather MCP server's address: WEATHER_MCP_URL, or the local default."""
    return os.environ.get("WEATHER_MCP_URL") or DEFAULT_WEATHER_MCP_URL


def time_server_command() -> str:
    """The `mcp-server-time` console script of this environment (a dependency), or the name
    alone (then the check at worker start says it is missing)."""
    beside_python = Path(sys.executable).with_name("mcp-server-time")
    if beside_python.is_file():
        return str(beside_python)
    return shutil.which("mcp-server-time") or "mcp-server-time"


async def warn_about_unavailable_mcp_servers(
    factories: Mapping[str, Callable[[], MCPServer]], fixes: Mapping[str, str]
) -> list[str]:
    """Log one warning line for each MCP server that cannot be started (its command is
    missing) or reached (connecting and listing its tools fails), and return them. The
    worker still starts (it serves every sample): the MCP sample's runs then retry within
    their bounds and fail, saying the same."""
    warnings = []
    for name, factory in factories.items():
        reason = await _unavailable(factory())
        if reason is not None:
            warnings.append(f"MCP server {name!r} is unavailable ({reason}): {fixes[name]}")
            logging.warning(warnings[-1])
    return warnings


async def _unavailable(server: MCPServer) -> str | None:
    if isinstance(server, MCPServerStdio):
        # Only looked up: starting it would cost every worker start a second or two.
        command = server.params.command
        return None if shutil.which(command) else f"no command {command!r}"
    try:
        await server.connect()  # type: ignore[no-untyped-call]
        await server.list_tools()
        return None
    except Exception as error:
        return _reason(error)
    finally:
        await server.cleanup()  # type: ignore[no-untyped-call]


def _reason(error: BaseException) -> str:
    # anyio wraps a transport's failure in exception groups; the innermost says what failed.
    while getattr(error, "exceptions", None):
        error = error.exceptions[0]  # type: ignore[attr-defined]
    while error.__cause__ is not None:
        error = error.__cause__
    return str(error) or type(error).__name__
