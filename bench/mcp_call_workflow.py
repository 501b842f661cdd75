"""Row 12's workflow: one call of the weather MCP server's `get_weather`, as the MCP sample
makes it (an activity through `temporal_mcp_server`), and nothing else. Sandboxed code."""

from __future__ import annotations

from temporalio import workflow
from temporalio.openai_agents.workflow import temporal_mcp_server

from openai_agents.model_providers.workflows.mcp_workflow import MCP_OPERATION
from openai_agents.model_providers.workflows.shared import WEATHER_MCP_SERVER


@workflow.defn
class OneMcpToolCall:
    @workflow.run
    async def run(self, city: str) -> str:
        weather = temporal_mcp_server(WEATHER_MCP_SERVER, activity_config=MCP_OPERATION)
        result = await weather.call_tool("get_weather", {"city": city})
        return "".join(getattr(part, "text", "") for part in result.content)
