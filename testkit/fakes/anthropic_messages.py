"""Anthropic's Messages API (`POST /v1/messages`), as LiteLLM calls it when
ANTHROPIC_BASE_URL points here. Bodies are built from the `anthropic` SDK's own types.

A step describes one whole reply (its content blocks); the fake sends it as one JSON
`Message`, or, when the request has `"stream": true`, as Server-Sent Events in the order
Anthropic sends them: `message_start`; for each block `content_block_start`, its deltas
(text in small `text_delta` pieces, a tool call's input in `input_json_delta` pieces) and
`content_block_stop`; then `message_delta` (stop reason, output tokens) and
`message_stop`.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from typing import Any

from anthropic.types import (
    InputJSONDelta,
    Message,
    MessageDeltaUsage,
    RawContentBlockDeltaEvent,
    RawContentBlockStartEvent,
    RawContentBlockStopEvent,
    RawMessageDeltaEvent,
    RawMessageStartEvent,
    RawMessageStopEvent,
    RawMessageStreamEvent,
    TextBlock,
    TextDelta,
    ToolUseBlock,
    Usage,
)
from anthropic.types.raw_message_delta_event import Delta
from anthropic.types.shared import (
    APIErrorObject,
    AuthenticationError,
    ErrorResponse,
    InvalidRequestError,
    NotFoundError,
    OverloadedError,
    RateLimitError,
)

from testkit.fakes.http_server import (
    FakeHTTPServer,
    RecordedRequest,
    Reply,
    Route,
    Script,
    StreamedReply,
    broken,
    outside_schema,
    sent_key,
)

_ids = itertools.count(1)
INPUT_TOKENS = 40
OUTPUT_TOKENS = 9

Block = TextBlock | ToolUseBlock
"""A content block a step can reply with."""


class FakeAnthropic(FakeHTTPServer):
    def __init__(self, steps: list[Route], port: int = 0) -> None:
        super().__init__({("POST", "/v1/messages"): Script(steps)}, port)

    @property
    def message_requests(self) -> list[RecordedRequest]:
        return self.requests_to("/v1/messages")


def _stop_reason(content: list[Block]) -> Any:
    return "tool_use" if any(isinstance(b, ToolUseBlock) for b in content) else "end_turn"


def _message(request: RecordedRequest, content: list[Block]) -> Reply:
    message = Message(
        id=f"msg_{next(_ids)}",
        type="message",
        role="assistant",
        model=request.body["model"],
        content=list(content),
        stop_reason=_stop_reason(content),
        stop_sequence=None,
        usage=Usage(input_tokens=INPUT_TOKENS, output_tokens=OUTPUT_TOKENS),
    )
    return Reply(200, message.model_dump(mode="json", exclude_none=True))


def _pieces(text: str, size: int) -> list[str]:
    """`text` split into the few-character pieces a model streams."""
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def stream_events(model: str, content: list[Block]) -> list[RawMessageStreamEvent]:
    """The events Anthropic streams for a reply of `content`, in its order."""
    start = Message(
        id=f"msg_{next(_ids)}",
        type="message",
        role="assistant",
        model=model,
        content=[],
        stop_reason=None,
        stop_sequence=None,
        usage=Usage(input_tokens=INPUT_TOKENS, output_tokens=1),
    )
    events: list[RawMessageStreamEvent] = [
        RawMessageStartEvent(type="message_start", message=start)
    ]
    for index, block in enumerate(content):
        deltas: list[TextDelta | InputJSONDelta]
        if isinstance(block, TextBlock):
            # The block opens empty; its text follows in deltas.
            opened: Block = TextBlock(type="text", text="")
            deltas = [TextDelta(type="text_delta", text=t) for t in _pieces(block.text, 4)]
        else:
            # The block opens with an empty input; the input follows as JSON text in pieces.
            opened = ToolUseBlock(id=block.id, type="tool_use", name=block.name, input={})
            deltas = [
                InputJSONDelta(type="input_json_delta", partial_json=j)
                for j in _pieces(json.dumps(block.input), 8)
            ]
        events.append(
            RawContentBlockStartEvent(type="content_block_start", index=index, content_block=opened)
        )
        events += [
            RawContentBlockDeltaEvent(type="content_block_delta", index=index, delta=delta)
            for delta in deltas
        ]
        events.append(RawContentBlockStopEvent(type="content_block_stop", index=index))
    events.append(
        RawMessageDeltaEvent(
            type="message_delta",
            delta=Delta(stop_reason=_stop_reason(content), stop_sequence=None),
            usage=MessageDeltaUsage(output_tokens=OUTPUT_TOKENS),
        )
    )
    events.append(RawMessageStopEvent(type="message_stop"))
    return events


def _sse(events: list[RawMessageStreamEvent]) -> list[bytes]:
    # Only the fields set, so explicit nulls (`"stop_reason": null` in message_start)
    # are sent as Anthropic sends them, and the SDK's many unset optional fields are not.
    return [
        f"event: {e.type}\ndata: {e.model_dump_json(exclude_unset=True)}\n\n".encode()
        for e in events
    ]


def replying(content: Callable[[RecordedRequest], list[Block]], delay: float = 0.0) -> Route:
    """A step that answers with the blocks `content(request)`: streamed as SSE, `delay`
    seconds between events, if the request asked for it; else whole, after `delay`."""

    def step(request: RecordedRequest) -> Reply | StreamedReply:
        blocks = content(request)
        # Structured outputs: Anthropic constrains the text to `output_format`'s schema.
        schema = (request.body.get("output_format") or {}).get("schema")
        written = "".join(block.text for block in blocks if isinstance(block, TextBlock))
        calls_a_tool = any(isinstance(block, ToolUseBlock) for block in blocks)
        if not calls_a_tool and (refusal := outside_schema(schema, written)):
            return refusal
        if request.body.get("stream"):
            events = stream_events(request.body["model"], blocks)
            return StreamedReply(_sse(events), content_type="text/event-stream", delay=delay)
        time.sleep(delay)
        return _message(request, blocks)

    return step


def text(content: str) -> TextBlock:
    return TextBlock(type="text", text=content)


def tool_use(name: str, arguments: dict[str, Any]) -> ToolUseBlock:
    return ToolUseBlock(id=f"toolu_{next(_ids)}", type="tool_use", name=name, input=arguments)


def answer(content: str, delay: float = 0.0) -> Route:
    return replying(lambda _request: [text(content)], delay)


def call_tools(*calls: tuple[str, dict[str, Any]], content: str = "", delay: float = 0.0) -> Route:
    """A step in which the model calls the tools (in parallel if several), after saying
    `content` if given."""
    return replying(
        lambda _request: [
            *([text(content)] if content else []),
            *(tool_use(name, arguments) for name, arguments in calls),
        ],
        delay,
    )


def call_tool(name: str, **arguments: Any) -> Route:
    return call_tools((name, arguments))


def runaway(tokens_per_second: float = 100.0) -> Route:
    """A model that repeats itself until its token limit, at `tokens_per_second`: cut at the
    request's `max_tokens` (which Anthropic requires; LiteLLM sends its own default when the
    call sets none), `stop_reason: max_tokens`."""

    def step(request: RecordedRequest) -> Reply:
        tokens = int(request.body["max_tokens"])
        time.sleep(tokens / tokens_per_second)
        message = Message(
            id=f"msg_{next(_ids)}",
            type="message",
            role="assistant",
            model=request.body["model"],
            content=[text("la " * tokens)],
            stop_reason="max_tokens",
            stop_sequence=None,
            usage=Usage(input_tokens=INPUT_TOKENS, output_tokens=tokens),
        )
        return Reply(200, message.model_dump(mode="json", exclude_none=True))

    return step


def hang(seconds: float) -> Route:
    """A step in which the model takes `seconds` to think, then answers."""

    def step(request: RecordedRequest) -> Reply | StreamedReply:
        time.sleep(seconds)
        return answer("Late")(request)

    return step


def slow_stream(pieces: int, delay: float) -> Route:
    """A long answer, streamed in `pieces` text deltas, `delay` seconds between events."""
    return answer("word" * pieces, delay)


def tool_results(body: dict[str, Any]) -> list[str]:
    """Every tool_result the request carries, as text."""
    found = []
    for message in body["messages"]:
        content = message.get("content")
        for block in content if isinstance(content, list) else []:
            if block.get("type") == "tool_result":
                inner = block.get("content")
                if isinstance(inner, list):
                    inner = "".join(part.get("text", "") for part in inner)
                found.append(str(inner))
    return found


def answer_quoting_tool_result(delay: float = 0.0) -> Route:
    """A step in which the model answers with the last tool result it was sent, so a test
    can see the tool's real output travel through the model into the workflow result."""

    def content(request: RecordedRequest) -> list[Block]:
        results = tool_results(request.body)
        seen = results[-1] if results else "(no tool result reached the model)"
        return [text(f"Skies over the town\n{seen}\nso the haiku ends")]

    return replying(content, delay)


def _error_reply(status: int, error: Any, headers: dict[str, str] | None = None) -> Reply:
    body = ErrorResponse(type="error", error=error, request_id="req_fake")
    return Reply(status, body.model_dump(mode="json", exclude_none=True), headers or {})


def _error(status: int, error: Any, headers: dict[str, str] | None = None) -> Route:
    reply = _error_reply(status, error, headers)
    return lambda _request: reply


def model_not_found(model: str) -> Route:
    return _error(404, NotFoundError(type="not_found_error", message=f"model: {model}"))


def invalid_api_key() -> Route:
    """Anthropic's 401, quoting the key the request carried, whole, as some proxies and
    gateways do (Anthropic itself says just "invalid x-api-key")."""

    def step(request: RecordedRequest) -> Reply:
        message = f"invalid x-api-key: {sent_key(request)}"
        error = AuthenticationError(type="authentication_error", message=message)
        return _error_reply(401, error)

    return step


def rate_limited(retry_after_seconds: int) -> Route:
    return _error(
        429,
        RateLimitError(
            type="rate_limit_error", message="Number of requests has exceeded your rate limit"
        ),
        {"retry-after": str(retry_after_seconds)},
    )


def server_error() -> Route:
    return _error(500, APIErrorObject(type="api_error", message="Internal server error"))


def context_too_long() -> Route:
    """Anthropic's refusal of a prompt longer than the model's context window."""
    too_long = "prompt is too long: 210431 tokens > 200000 maximum"
    return _error(400, InvalidRequestError(type="invalid_request_error", message=too_long))


def overloaded_quoting_key() -> Route:
    """A transient 529 that quotes the key the request carried, as some gateways do when
    they report which key's quota ran out: retried, and then the call succeeds."""

    def step(request: RecordedRequest) -> Reply:
        message = f"Overloaded (quota of key {sent_key(request)})"
        return _error_reply(529, OverloadedError(type="overloaded_error", message=message))

    return step


def broken_reply() -> Route:
    return broken(answer_quoting_tool_result())
