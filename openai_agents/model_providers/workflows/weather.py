"""The weather function tool every sample agent calls, and the instructions that use it."""

from agents import function_tool
from temporalio import workflow

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
@function_tool
async def get_weather(city: str) -> str:
    """Get the current weather for a city.

    Args:
        city: The city to get the weather for.
    """
    workflow.logger.debug(f"Getting weather for {city}")
    return f"The weather in {city} is sunny."
