"""Anthropic's Messages API (`POST /v1/messages`), as LiteLLM calls it when
ANTHROPIC_BASE_URL points here. Bodies are built from the `anthropic` SDK's own types."""

from __future__ import annotations

import itertools
import time
from typing import Any

from anthropic.types import Message, TextBlock, ToolUseBlock, Usage
from anthropic.types.shared import (
    APIErrorObject,
    AuthenticationError,
    ErrorResponse,
    NotFoundError,
    OverloadedError,
    RateLimitError,
)

from tests.fakes.http_server import (
    FakeHTTPServer,
    RecordedRequest,
    Reply,
    Route,
    Script,
    broken,
    sent_key,
)

_ids = itertools.count(1)


class FakeAnthropic(FakeHTTPServer):
    def __init__(self, steps: list[Route], port: int = 0) -> None:
        super().__init__({("POST", "/v1/messages"): Script(steps)}, port)

    @property
    def message_requests(self) -> list[RecordedRequest]:
        return self.requests_to("/v1/messages")


def _message(request: RecordedRequest, content: list[Any], stop_reason: Any) -> Reply:
    message = Message(
        id=f"msg_{next(_ids)}",
        type="message",
        role="assistant",
        model=request.body["model"],
        content=content,
        stop_reason=stop_reason,
        stop_sequence=None,
        usage=Usage(input_tokens=40, output_tokens=9),
    )
    return Reply(200, message.model_dump(mode="json", exclude_none=True))


def call_tool(name: str, **arguments: Any) -> Route:
    def step(request: RecordedRequest) -> Reply:
        block = ToolUseBlock(id=f"toolu_{next(_ids)}", type="tool_use", name=name, input=arguments)
        return _message(request, [block], "tool_use")

    return step


def hang(seconds: float) -> Route:
    """A step in which the model takes `seconds` to think, then answers."""

    def step(request: RecordedRequest) -> Reply:
        time.sleep(seconds)
        return _message(request, [TextBlock(type="text", text="Late")], "end_turn")

    return step


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


def answer_quoting_tool_result() -> Route:
    def step(request: RecordedRequest) -> Reply:
        results = tool_results(request.body)
        seen = results[-1] if results else "(no tool result reached the model)"
        text = f"Skies over the town\n{seen}\nso the haiku ends"
        return _message(request, [TextBlock(type="text", text=text)], "end_turn")

    return step


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


def overloaded_quoting_key() -> Route:
    """A transient 529 that quotes the key the request carried, as some gateways do when
    they report which key's quota ran out: retried, and then the call succeeds."""

    def step(request: RecordedRequest) -> Reply:
        message = f"Overloaded (quota of key {sent_key(request)})"
        return _error_reply(529, OverloadedError(type="overloaded_error", message=message))

    return step


def broken_reply() -> Route:
    return broken(answer_quoting_tool_result())
