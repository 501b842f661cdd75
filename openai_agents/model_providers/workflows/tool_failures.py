"""What the model and the operator see when a function tool raises.

Runs in Temporal's workflow sandbox, where the tools run.
"""

from __future__ import annotations

from typing import Any

from agents import RunContextWrapper
from agents.tool_context import ToolContext
from temporalio import workflow


def report_tool_failure(context: RunContextWrapper[Any], error: Exception) -> str:
    """Log the failure with the tool's name, and tell the model what went wrong.

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
