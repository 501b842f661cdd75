"""The instant, scripted model behind rows 1-5: it answers the weather agent's two turns
with no I/O and no waiting, so what the benchmark times is the machinery around the model
(the Runner, Temporal, the plugin), not a model.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from agents import (
    AgentOutputSchemaBase,
    Handoff,
    Model,
    ModelProvider,
    ModelResponse,
    ModelSettings,
    ModelTracing,
    Tool,
    TResponseInputItem,
    Usage,
)
from agents.items import TResponseStreamEvent
from openai.types.responses import ResponseFunctionToolCall
from temporalio.openai_agents.testing import ResponseBuilders

CITY = "Tokyo"
PROMPT = f"What's the weather in {CITY}?"
MODEL_NAME = "gpt-oss:20b"  # What the workflow asks for; this provider serves any name.


def _tool_output(input: str | list[TResponseInputItem]) -> str | None:
    """The weather tool's result, if this call's input already holds it (turn 2)."""
    if isinstance(input, str):
        return None
    for item in input:
        # Inside a workflow the items arrive as dicts (they crossed the activity boundary);
        # the direct Runner passes dicts too.
        if isinstance(item, dict) and item.get("type") == "function_call_output":
            return str(item.get("output"))
    return None


class InstantWeatherModel(Model):
    """Turn 1: call `get_weather`. Turn 2: answer with the tool's output in the text.

    It decides from the input alone, keeping no state, so one instance serves every run
    and many concurrent workflows. Quoting the tool's output lets the benchmark check
    that the tool really ran (a sync tool fails silently inside a workflow).
    """

    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None = None,
        conversation_id: str | None = None,
        prompt: Any | None = None,
    ) -> ModelResponse:
        seen = _tool_output(input)
        if seen is None:
            call = ResponseFunctionToolCall(
                type="function_call",
                # Unique within the run, which is all the Agents SDK requires.
                call_id="call_weather_1",
                name="get_weather",
                arguments=json.dumps({"city": CITY}),
                status="completed",
            )
            return ModelResponse(output=[call], usage=Usage(requests=1), response_id=None)
        return ResponseBuilders.output_message(f"Sun over {CITY}\n{seen}\nthe haiku ends")

    def stream_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None = None,
        conversation_id: str | None = None,
        prompt: Any | None = None,
    ) -> AsyncIterator[TResponseStreamEvent]:
        raise NotImplementedError("the benchmark has no streaming sample yet")


class InstantWeatherProvider(ModelProvider):
    """Serves the one shared `InstantWeatherModel` for every model name."""

    def __init__(self) -> None:
        self.model = InstantWeatherModel()

    def get_model(self, model_name: str | None) -> Model:
        return self.model


def tool_output_reached_the_model(final_output: str) -> bool:
    """Whether `get_weather`'s own text is in the final answer (see the model's doc)."""
    return f"The weather in {CITY} is sunny." in final_output
