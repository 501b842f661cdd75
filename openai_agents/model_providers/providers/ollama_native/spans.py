"""Each Ollama call's `generation_span`, as the Agents SDK's own models make theirs (model,
settings, input, output, usage): without it, a traced run shows no model call on this
backend, and none of its tokens."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import ollama
from agents import ModelSettings, ModelTracing, Usage
from agents.tracing import GenerationSpanData, Span, SpanError, generation_span
from openai.types.responses import (
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseUsage,
)

# What the span's model_config names as the implementation, as the SDK's models do.
MODEL_IMPL = "ollama_native"


@contextlib.contextmanager
def model_call_span(
    model: str,
    settings: ModelSettings,
    messages: list[ollama.Message],
    base_url: str,
    tracing: ModelTracing,
) -> Iterator[Span[GenerationSpanData]]:
    """The span of one call; an error raised inside is recorded on it, then re-raised."""
    config = {
        **settings.to_traceable_dict(),
        "base_url": _without_credentials(base_url),
        "model_impl": MODEL_IMPL,
    }
    with generation_span(model=model, model_config=config, disabled=tracing.is_disabled()) as span:
        if tracing.include_data():
            span.span_data.input = [_message_dict(m) for m in messages]
        try:
            yield span
        except Exception as error:
            # The message only: the request's data may be sensitive (include_data decides).
            span.set_error(
                SpanError(message=f"Error getting response: {type(error).__name__}", data=None)
            )
            raise


def record_response(
    span: Span[GenerationSpanData], output: list[Any], usage: Usage, tracing: ModelTracing
) -> None:
    """The reply (its output items) and its token counts, on the call's span."""
    if tracing.include_data():
        span.span_data.output = [_assistant_message(output)]
    span.span_data.usage = _span_usage(usage)


def usage_of_stream(usage: ResponseUsage | None) -> Usage:
    """A streamed reply's final usage event as the SDK's `Usage`."""
    if usage is None:
        return Usage(requests=1)
    return Usage(
        requests=1,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        total_tokens=usage.total_tokens,
        input_tokens_details=usage.input_tokens_details,
        output_tokens_details=usage.output_tokens_details,
    )


def _without_credentials(url: str) -> str:
    """`url` without a user:password part or a query, which a host setting may carry."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[-1], parts.path, "", ""))


def _message_dict(message: ollama.Message) -> dict[str, Any]:
    """A message as the Chat Completions dict the SDK's spans carry (tool arguments as JSON)."""
    data = message.model_dump(exclude_none=True)
    for call in data.get("tool_calls", []):
        call["type"] = "function"
        call["function"]["arguments"] = json.dumps(call["function"].get("arguments", {}))
    return data


def _assistant_message(output: list[Any]) -> dict[str, Any]:
    text = "".join(
        part.text
        for item in output
        if isinstance(item, ResponseOutputMessage)
        for part in item.content
        if part.type == "output_text"
    )
    message: dict[str, Any] = {"role": "assistant", "content": text}
    calls = [item for item in output if isinstance(item, ResponseFunctionToolCall)]
    if calls:
        message["tool_calls"] = [
            {
                "id": call.call_id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
            for call in calls
        ]
    return message


def _span_usage(usage: Usage) -> dict[str, Any]:
    return {
        "requests": usage.requests,
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
        "input_tokens_details": usage.input_tokens_details.model_dump(),
        "output_tokens_details": usage.output_tokens_details.model_dump(),
    }
