"""The weather function tool every sample agent calls, and the instructions that use it."""

from agents import function_tool
from temporalio import workflow

from openai_agents.model_providers.workflows.tool_failures import report_tool_failure

WEATHER_HAIKU_INSTRUCTIONS = (
    "You only respond in haikus. When asked about the weather always use "
    "the tool to get the current weather."
)


# `async def` is deliberate. Since openai-agents 0.22 a *synchronous* function tool runs
# through `asyncio.to_thread`, and Temporal's workflow event loop refuses thread
# executors, so inside a workflow a sync tool always fails and the model is silently told
# "An error occurred while running the tool". An async tool runs on the workflow's own
# loop. The tests assert that this tool's output reaches the model, which catches the
# regression if someone makes it sync again.
@function_tool(failure_error_function=report_tool_failure)
async def get_weather(city: str) -> str:
    """Get the current weather for a city.

    Args:
        city: The city to get the weather for.
    """
    if not city.strip():
        # Models do send empty arguments; the error goes back to the model as the
        # tool's result (see `report_tool_failure`), and it can ask again.
        raise ValueError("city must not be empty: name a city, e.g. 'Tokyo'")
    workflow.logger.debug(f"Getting weather for {city}")
    return f"The weather in {city} is sunny."
