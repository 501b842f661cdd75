"""The MCP sample's weather tools, as a team would run a shared tool service: an MCP server
of its own, over streamable HTTP, written with the `mcp` package's `MCPServer` (mcp 1's
`FastMCP`).

Start it before the router worker (run_multi_provider_worker.py), which connects to it at
WEATHER_MCP_URL; it listens there too (default: http://127.0.0.1:8765/mcp).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from mcp import MCPError
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import INVALID_PARAMS
from pydantic import BaseModel, Field

from openai_agents.model_providers.support import logs, script
from openai_agents.model_providers.workflows.shared import DEFAULT_WEATHER_MCP_URL

# Made-up, fixed weather: the sample is about the tool call, not about a forecast service.
WEATHER = {"tokyo": ("sunny", 22), "paris": ("rainy", 14), "new york": ("cloudy", 18)}


class Place(BaseModel):
    """Where a forecast is for (a nested object in the tool's JSON schema)."""

    city: str = Field(description="The city, e.g. 'Tokyo'.")
    country: str | None = Field(default=None, description="The country, if the city is ambiguous.")


def weather_server(call_log: Path | None = None, *, verbose: bool = False) -> MCPServer:
    """The weather MCP server; with `call_log`, each tool call is appended to it as one JSON
    line (tool name and arguments), so a test can check what the server received."""
    # Its HTTP server's (uvicorn's) own level: each request and start-up step only with -v.
    server = MCPServer("weather", log_level="DEBUG" if verbose else "WARNING")

    def record(tool: str, arguments: dict[str, object]) -> None:
        if call_log is not None:
            with call_log.open("a", encoding="utf-8") as log:
                log.write(json.dumps({"tool": tool, "arguments": arguments}) + "\n")

    @server.tool()
    def get_weather(city: str) -> str:
        """Get the current weather for a city.

        Args:
            city: The city to get the weather for.
        """
        record("get_weather", {"city": city})
        return _weather_in(city)

    @server.tool()
    def get_forecast(
        place: Place, days: int = 1, units: Literal["celsius", "fahrenheit"] = "celsius"
    ) -> str:
        """Get the weather forecast for a place, for the next days.

        Args:
            place: Where the forecast is for.
            days: How many days ahead, 1 to 3.
            units: The temperature unit.
        """
        record("get_forecast", {"place": place.model_dump(), "days": days, "units": units})
        if not 1 <= days <= 3:
            # A protocol error (JSON-RPC "invalid params"), not the tool's own: the client
            # sees a refused request, which the worker does not retry.
            raise MCPError(INVALID_PARAMS, f"days must be 1 to 3, not {days}")
        return "; ".join(
            f"day {day}: {_weather_in(place.city, units)}" for day in range(1, days + 1)
        )

    return server


def _weather_in(city: str, units: str = "celsius") -> str:
    known = WEATHER.get(city.strip().lower())
    if known is None:
        # The tool's own error (`isError`), which the model reads: it can name another city.
        raise ToolError(f"no weather for {city!r}: try one of {', '.join(WEATHER)}")
    sky, celsius = known
    temperature = f"{celsius} °C" if units == "celsius" else f"{celsius * 9 / 5 + 32:g} °F"
    return f"The weather in {city} is {sky}, {temperature}."


async def main(args: argparse.Namespace) -> int:
    address = urlsplit(os.environ.get("WEATHER_MCP_URL") or DEFAULT_WEATHER_MCP_URL)
    server = weather_server(args.call_log, verbose=args.verbose)
    logging.info("Weather MCP server on %s; Ctrl-C to stop", address.geturl())
    await server.run_streamable_http_async(
        host=address.hostname or "127.0.0.1",
        port=address.port or 80,
        streamable_http_path=address.path or "/mcp",
    )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"WEATHER_MCP_URL: where it listens (default: {DEFAULT_WEATHER_MCP_URL}).",
    )
    parser.add_argument(
        "--call-log", type=Path, metavar="FILE", help="append each tool call to FILE as JSON"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logs")
    arguments = parser.parse_args()
    level = logging.DEBUG if arguments.verbose else logging.INFO
    logging.basicConfig(level=level, format=logs.LOG_FORMAT)  # As the workers' lines read.
    if not arguments.verbose:  # The MCP session manager's start and stop lines.
        logging.getLogger("mcp").setLevel(logging.WARNING)
    # Ctrl-C or SIGTERM: "Interrupted." and exit code 130, as every script ends.
    script.run_script(lambda: main(arguments), verbose=arguments.verbose)
