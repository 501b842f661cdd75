"""What every sample workflow shares: the task queue, the MCP servers' names, the weather
tool and its haiku instructions, and how a `Runner.run` is bounded and fails.

Runs in Temporal's workflow sandbox: deterministic code only, no model clients.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from agents import RunContextWrapper, function_tool
from agents.exceptions import MaxTurnsExceeded, ModelBehaviorError
from agents.items import TResponseStreamEvent
from agents.tool_context import ToolContext
from temporalio import workflow
from temporalio.exceptions import ApplicationError

TASK_QUEUE = "openai-agents-model-providers-task-queue"
# Where the model calls go when the workflow workers put them on a queue of their own
# (`--model-task-queue`), for `run_model_call_worker.py`'s rate-limited fleet.
MODEL_CALLS_TASK_QUEUE = "openai-agents-model-calls-task-queue"

# `workflow.logger` (not repeated on replay) without the dict of workflow details it appends
# to every message: a tool's line stays one plain line (the details stay on the record).
tool_logger = workflow.LoggerAdapter(logging.getLogger("temporalio.workflow"), None)
tool_logger.workflow_info_on_message = False

# The router samples' default model: the prefix picks the backend (`providers/`).
DEFAULT_ROUTER_MODEL = "ollama/gpt-oss:20b"

# The router worker's `ModelActivityParameters(streaming_topic=...)`: where a model call of
# `Runner.run_streamed` publishes the model's own stream events (OpenAI Responses events,
# whatever the provider), for the streaming sample's subscribers.
MODEL_EVENTS_TOPIC = "model-events"
# What a subscriber decodes those events as. A union, not a class: the cast lets it pass as
# a payload converter's type argument.
MODEL_EVENT = cast(type, TResponseStreamEvent)

# The MCP sample's servers: the names the router worker registers their clients under
# (`OpenAIAgentsPlugin(mcp_servers=...)`) and the workflow's `temporal_mcp_server` uses.
TIME_MCP_SERVER = "time"
WEATHER_MCP_SERVER = "weather"
# Where the weather server listens and the worker finds it, unless WEATHER_MCP_URL says.
DEFAULT_WEATHER_MCP_URL = "http://127.0.0.1:8765/mcp"
# What to do when a server cannot be started or reached, for the run's failure.
MCP_SERVER_FIXES = {
    TIME_MCP_SERVER: "the worker starts it from the `mcp-server-time` command of its "
    "environment: run `uv sync`, then restart the worker",
    WEATHER_MCP_SERVER: "start run_weather_mcp_server.py where the worker's WEATHER_MCP_URL "
    "points, then run again",
}

WEATHER_HAIKU_INSTRUCTIONS = (
    "You only respond in haikus. When asked about the weather always use "
    "the tool to get the current weather."
)

# Each turn is one model call (one activity). A model that keeps calling a failing tool
# stops here instead of looping until the workflow's history is full.
MAX_TURNS = 10


def report_tool_failure(context: RunContextWrapper[Any], error: Exception) -> str:
    """Log a tool's failure with its name, and tell the model what went wrong.

    The model gets the error as the tool's result, so it can correct its arguments or
    answer without the tool; the workflow goes on. The Agents SDK's default handler
    logs the failure only at debug level, without the error, so operators would not
    see it. `workflow.logger` does not repeat the line when the workflow is replayed.
    """
    tool_name = context.tool_name if isinstance(context, ToolContext) else "unknown"
    workflow.logger.warning("Tool %s failed: %s", tool_name, error)
    return (
        f"Tool {tool_name} failed: {error}. "
        "Call it again with corrected arguments, or answer without it."
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
    tool_logger.info("Getting weather for %s", city)
    return f"The weather in {city} is sunny."


def require_prompt(prompt: str) -> str:
    """Fail the workflow at once on a prompt with nothing to answer, rather than after a
    model call (or several attempts at one) that could not have helped."""
    if not prompt.strip():
        raise ApplicationError("prompt must not be empty", type="InvalidPrompt", non_retryable=True)
    return prompt


@contextmanager
def agent_errors_as_failures() -> Iterator[None]:
    """Turn the agent's own dead ends into a failure that says why: of the run, or, in an
    Update handler, of that Update only.

    `MaxTurnsExceeded` and `ModelBehaviorError` come from what the model answered, which
    is recorded in history. Left alone, they would fail the workflow *task*, which
    Temporal retries forever, replaying the same answers into the same error. An
    `ApplicationError` fails the run (or the Update) instead, with the reason in one line.
    """
    try:
        yield
    except MaxTurnsExceeded as error:
        raise ApplicationError(
            f"the agent did not finish within {MAX_TURNS} model calls (the model kept "
            "calling tools): check the tool errors in the worker's log, or try another model",
            type="MaxTurnsExceeded",
            non_retryable=True,
        ) from error
    except ModelBehaviorError as error:
        raise ApplicationError(
            f"the model's answer could not be used ({error}): try again, or another model",
            type="ModelBehaviorError",
            non_retryable=True,
        ) from error
