"""Ollama's streamed `/api/chat` chunks as the Responses-style events the Agents SDK expects.

Ollama streams thinking and text as deltas and sends each tool call whole, in the chunk
that completes it; counts arrive on the final `done` chunk. The events follow the
Responses API's order: created; per output item added, its deltas, done; completed
with the full output and usage. Sequence numbers increase by one per event.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Literal

import ollama
from agents.items import TResponseOutputItem, TResponseStreamEvent
from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseContentPartAddedEvent,
    ResponseContentPartDoneEvent,
    ResponseCreatedEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseOutputText,
    ResponseReasoningTextDeltaEvent,
    ResponseReasoningTextDoneEvent,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
    ResponseUsage,
)
from temporalio.exceptions import ApplicationError

from .._library_internals import FAKE_RESPONSES_ID
from ..errors.classification import retry_note
from ..errors.types import FailureType
from .converter import (
    function_call_item,
    message_item,
    raise_if_truncated,
    reasoning_item,
    usage_of,
)


class _StreamAssembler:
    """Turns chunks into events while building the final response's output list."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.output: list[TResponseOutputItem] = []
        self._sequence_number = 0
        self._open: Literal["reasoning", "message"] | None = None
        self._open_text = ""

    def _next(self) -> int:
        number = self._sequence_number
        self._sequence_number += 1
        return number

    def response(self, usage: ResponseUsage | None = None) -> Response:
        return Response(
            id=FAKE_RESPONSES_ID,
            created_at=time.time(),
            model=self.model,
            object="response",
            output=list(self.output),
            tool_choice="auto",
            tools=[],
            parallel_tool_calls=True,
            usage=usage,
        )

    def created(self) -> TResponseStreamEvent:
        return ResponseCreatedEvent(
            response=self.response(), type="response.created", sequence_number=self._next()
        )

    def thinking(self, delta: str) -> list[TResponseStreamEvent]:
        events = self._open_item("reasoning")
        self._open_text += delta
        events.append(
            ResponseReasoningTextDeltaEvent(
                delta=delta,
                item_id=FAKE_RESPONSES_ID,
                output_index=len(self.output) - 1,
                content_index=0,
                type="response.reasoning_text.delta",
                sequence_number=self._next(),
            )
        )
        return events

    def text(self, delta: str) -> list[TResponseStreamEvent]:
        events = self._open_item("message")
        self._open_text += delta
        events.append(
            ResponseTextDeltaEvent(
                delta=delta,
                item_id=FAKE_RESPONSES_ID,
                output_index=len(self.output) - 1,
                content_index=0,
                logprobs=[],
                type="response.output_text.delta",
                sequence_number=self._next(),
            )
        )
        return events

    def tool_call(self, call: ollama.Message.ToolCall) -> list[TResponseStreamEvent]:
        events = self.close_open_item()
        item = function_call_item(call)
        self.output.append(item)
        index = len(self.output) - 1
        events += [
            ResponseOutputItemAddedEvent(
                item=item,
                output_index=index,
                type="response.output_item.added",
                sequence_number=self._next(),
            ),
            ResponseFunctionCallArgumentsDeltaEvent(
                delta=item.arguments,
                item_id=FAKE_RESPONSES_ID,
                output_index=index,
                type="response.function_call_arguments.delta",
                sequence_number=self._next(),
            ),
            ResponseFunctionCallArgumentsDoneEvent(
                arguments=item.arguments,
                item_id=FAKE_RESPONSES_ID,
                output_index=index,
                type="response.function_call_arguments.done",
                sequence_number=self._next(),
            ),
            ResponseOutputItemDoneEvent(
                item=item,
                output_index=index,
                type="response.output_item.done",
                sequence_number=self._next(),
            ),
        ]
        return events

    def _open_item(self, kind: Literal["reasoning", "message"]) -> list[TResponseStreamEvent]:
        if self._open == kind:
            return []
        events = self.close_open_item()
        self._open, self._open_text = kind, ""
        item = reasoning_item("") if kind == "reasoning" else message_item("")
        self.output.append(item)
        index = len(self.output) - 1
        events.append(
            ResponseOutputItemAddedEvent(
                item=item,
                output_index=index,
                type="response.output_item.added",
                sequence_number=self._next(),
            )
        )
        if kind == "message":
            events.append(
                ResponseContentPartAddedEvent(
                    part=ResponseOutputText(
                        text="", annotations=[], type="output_text", logprobs=[]
                    ),
                    content_index=0,
                    item_id=FAKE_RESPONSES_ID,
                    output_index=index,
                    type="response.content_part.added",
                    sequence_number=self._next(),
                )
            )
        return events

    def close_open_item(self) -> list[TResponseStreamEvent]:
        if self._open is None:
            return []
        index = len(self.output) - 1
        events: list[TResponseStreamEvent] = []
        if self._open == "reasoning":
            item: TResponseOutputItem = reasoning_item(self._open_text)
            events.append(
                ResponseReasoningTextDoneEvent(
                    text=self._open_text,
                    item_id=FAKE_RESPONSES_ID,
                    output_index=index,
                    content_index=0,
                    type="response.reasoning_text.done",
                    sequence_number=self._next(),
                )
            )
        else:
            message = message_item(self._open_text)
            item = message
            events += [
                ResponseTextDoneEvent(
                    text=self._open_text,
                    item_id=FAKE_RESPONSES_ID,
                    output_index=index,
                    content_index=0,
                    logprobs=[],
                    type="response.output_text.done",
                    sequence_number=self._next(),
                ),
                ResponseContentPartDoneEvent(
                    part=message.content[0],
                    content_index=0,
                    item_id=FAKE_RESPONSES_ID,
                    output_index=index,
                    type="response.content_part.done",
                    sequence_number=self._next(),
                ),
            ]
        self.output[index] = item
        events.append(
            ResponseOutputItemDoneEvent(
                item=item,
                output_index=index,
                type="response.output_item.done",
                sequence_number=self._next(),
            )
        )
        self._open, self._open_text = None, ""
        return events

    def completed(self, last: ollama.ChatResponse) -> TResponseStreamEvent:
        usage = usage_of(last)
        return ResponseCompletedEvent(
            response=self.response(
                ResponseUsage(
                    input_tokens=usage.input_tokens,
                    input_tokens_details=usage.input_tokens_details,
                    output_tokens=usage.output_tokens,
                    output_tokens_details=usage.output_tokens_details,
                    total_tokens=usage.total_tokens,
                )
            ),
            type="response.completed",
            sequence_number=self._next(),
        )


async def stream_events(
    chunks: AsyncIterator[ollama.ChatResponse], model: str, limit: int | None
) -> AsyncGenerator[TResponseStreamEvent, None]:
    """The events for one streamed reply; raises if it was cut off (at `limit`, its token
    limit) or never finished."""
    assembler = _StreamAssembler(model)
    started = False
    async for chunk in chunks:
        if not started:
            started = True
            yield assembler.created()
        events: list[TResponseStreamEvent] = []
        if chunk.message.thinking:
            events += assembler.thinking(chunk.message.thinking)
        if chunk.message.content:
            events += assembler.text(chunk.message.content)
        for call in chunk.message.tool_calls or []:
            events += assembler.tool_call(call)
        for event in events:
            yield event
        if chunk.done:
            for event in assembler.close_open_item():
                yield event
            raise_if_truncated(chunk, limit)
            yield assembler.completed(chunk)
            return
    raise ApplicationError(
        f"Ollama's streamed reply from model '{model}' ended before it was done{retry_note()}",
        type=FailureType.ProviderConnectionLost,
    )
