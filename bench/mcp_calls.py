"""Row 12: what one MCP tool call costs as an activity, next to calling the server directly.

Both call `get_weather` on the weather MCP server (run_weather_mcp_server.py, a process of
its own) over one kept-open streamable HTTP session. Direct: the Agents SDK's
`MCPServerStreamableHttp.call_tool`. As an activity: a workflow that makes the one call
through `temporal_mcp_server`, as the MCP sample does, on an in-process worker with the
router worker's MCP servers, start to result.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from pathlib import Path

from agents.mcp import MCPServerStreamableHttp
from temporalio.client import Client
from temporalio.worker import Worker

from bench.mcp_call_workflow import OneMcpToolCall
from bench.models import InstantWeatherProvider
from bench.report import Row
from bench.timing import Summary
from openai_agents.model_providers.mcp_servers import mcp_server_factories
from testkit.weather_mcp import WeatherMcpServer
from testkit.wiring import ModelCallPolicy, client_with_provider

WARM_UP_RUNS = 2
ANSWER = "The weather in Tokyo is sunny, 22 °C."


async def mcp_call_rows(client: Client, runs: int) -> list[Row]:
    with tempfile.TemporaryDirectory() as directory, WeatherMcpServer(Path(directory)) as server:
        direct = await _direct_calls(server.url, runs)
        as_activity = await _workflow_calls(client, server.url, runs)
        assert len(server.calls()) == 2 * (WARM_UP_RUNS + runs)  # Each call reached it once.
    extra = Summary.of(as_activity).median - Summary.of(direct).median
    return [
        Row("mcp_call_direct", "12 MCP tool call, direct", "ms", Summary.of(direct)),
        Row(
            "mcp_call_activity",
            "12 MCP tool call, as a workflow's activity",
            "ms",
            Summary.of(as_activity),
            f"{extra:.1f} ms more than direct (median): workflow start, activity, result",
        ),
    ]


async def _direct_calls(url: str, runs: int) -> list[float]:
    weather = MCPServerStreamableHttp(name="weather", params={"url": url})
    await weather.connect()  # type: ignore[no-untyped-call]
    samples: list[float] = []
    try:
        for index in range(WARM_UP_RUNS + runs):
            started = time.perf_counter()
            result = await weather.call_tool("get_weather", {"city": "Tokyo"})
            elapsed = time.perf_counter() - started
            assert getattr(result.content[0], "text", None) == ANSWER, result
            if index >= WARM_UP_RUNS:
                samples.append(elapsed * 1000)
    finally:
        await weather.cleanup()  # type: ignore[no-untyped-call]
    return samples


async def _workflow_calls(client: Client, url: str, runs: int) -> list[float]:
    saved = os.environ.get("WEATHER_MCP_URL")
    os.environ["WEATHER_MCP_URL"] = url  # Read by the worker's factory, in the activity.
    try:
        mcp_client = client_with_provider(
            client, InstantWeatherProvider(), ModelCallPolicy(), mcp_server_factories()
        )
        task_queue = f"bench-mcp-{uuid.uuid4().hex[:8]}"
        samples: list[float] = []
        async with Worker(mcp_client, task_queue=task_queue, workflows=[OneMcpToolCall]):
            for index in range(WARM_UP_RUNS + runs):
                started = time.perf_counter()
                answer = await mcp_client.execute_workflow(
                    OneMcpToolCall.run, "Tokyo", id=f"{task_queue}-{index}", task_queue=task_queue
                )
                elapsed = time.perf_counter() - started
                assert answer == ANSWER, answer
                if index >= WARM_UP_RUNS:
                    samples.append(elapsed * 1000)
        return samples
    finally:
        if saved is None:
            os.environ.pop("WEATHER_MCP_URL", None)
        else:
            os.environ["WEATHER_MCP_URL"] = saved
