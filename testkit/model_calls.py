"""One model call as the Temporal model activity makes it, outside any workflow.

The activity calls `get_response` and `stream_response` by keyword, with every argument;
`model_call_arguments` builds them so that each test names only what it varies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agents import (
    AgentOutputSchemaBase,
    Handoff,
    Model,
    ModelResponse,
    ModelSettings,
    ModelTracing,
    Tool,
    TResponseInputItem,
)


def model_call_arguments(
    input: str | list[TResponseInputItem] = "What's the weather in Tokyo?",
    *,
    system: str | None = None,
    settings: ModelSettings | None = None,
    tools: Sequence[Tool] = (),
    output_schema: AgentOutputSchemaBase | None = None,
    handoffs: Sequence[Handoff] = (),
) -> dict[str, Any]:
    """The keyword arguments of `Model.get_response` / `Model.stream_response`."""
    return {
        "system_instructions": system,
        "input": input,
        "model_settings": settings or ModelSettings(),
        "tools": list(tools),
        "output_schema": output_schema,
        "handoffs": list(handoffs),
        "tracing": ModelTracing.DISABLED,
        "previous_response_id": None,
        "conversation_id": None,
        "prompt": None,
    }


async def call_model_once(
    model: Model, prompt: str = "What's the weather in Tokyo?"
) -> ModelResponse:
    """One model call with a plain prompt: no instructions, no tools."""
    return await model.get_response(**model_call_arguments(prompt))
