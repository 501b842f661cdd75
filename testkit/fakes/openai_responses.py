"""OpenAI's Responses API (`POST /v1/responses`), as the Agents SDK's `OpenAIProvider`
calls it for `openai/...` models. Bodies are built from `openai`'s own types."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from openai.types import ErrorObject
from openai.types.responses import (
    Response,
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseOutputText,
    ResponseUsage,
)
from openai.types.responses.response_usage import InputTokensDetails, OutputTokensDetails

from testkit.fakes.http_server import (
    FakeHTTPServer,
    RecordedRequest,
    Reply,
    Route,
    Script,
    outside_schema,
    sent_key,
)

_ids = itertools.count(1)


class FakeOpenAIResponses(FakeHTTPServer):
    def __init__(self, steps: list[Route], port: int = 0) -> None:
        super().__init__({("POST", "/v1/responses"): Script(steps)}, port)

    @property
    def response_requests(self) -> list[RecordedRequest]:
        return self.requests_to("/v1/responses")


def _response(request: RecordedRequest, output: list[Any]) -> Reply:
    response = Response(
        id=f"resp_{next(_ids)}",
        created_at=time.time(),
        model=request.body["model"],
        object="response",
        output=output,
        parallel_tool_calls=True,
        tool_choice="auto",
        tools=[],
        status="completed",
        usage=ResponseUsage(
            input_tokens=42,
            input_tokens_details=InputTokensDetails(cached_tokens=0, cache_write_tokens=0),
            output_tokens=7,
            output_tokens_details=OutputTokensDetails(reasoning_tokens=0),
            total_tokens=49,
        ),
    )
    return Reply(200, response.model_dump(mode="json", exclude_none=True))


def call_tool(name: str, **arguments: Any) -> Route:
    def step(request: RecordedRequest) -> Reply:
        call = ResponseFunctionToolCall(
            id=f"fc_{next(_ids)}",
            call_id=f"call_{next(_ids)}",
            type="function_call",
            name=name,
            arguments=json.dumps(arguments),
            status="completed",
        )
        return _response(request, [call])

    return step


def answer_quoting_tool_result() -> Route:
    def step(request: RecordedRequest) -> Reply:
        items = request.body["input"] if isinstance(request.body["input"], list) else []
        results = [i["output"] for i in items if i.get("type") == "function_call_output"]
        seen = results[-1] if results else "(no tool result reached the model)"
        return _response(request, [_message(f"Skies over the town\n{seen}\nso the haiku ends")])

    return step


def answer(content: str) -> Route:
    def step(request: RecordedRequest) -> Reply:
        # OpenAI constrains the text to a requested JSON schema (`text.format`).
        text_format = (request.body.get("text") or {}).get("format") or {}
        if refusal := outside_schema(text_format.get("schema"), content):
            return refusal
        return _response(request, [_message(content)])

    return step


def _message(content: str) -> ResponseOutputMessage:
    text = ResponseOutputText(type="output_text", text=content, annotations=[])
    return ResponseOutputMessage(
        id=f"msg_{next(_ids)}", type="message", role="assistant", status="completed", content=[text]
    )


def invalid_api_key(echoed_key: str | None = None) -> Route:
    """OpenAI's 401, which quotes the rejected key: `echoed_key`, by default the key the
    request carried, whole (OpenAI masks part of it; some proxies don't)."""

    def step(request: RecordedRequest) -> Reply:
        key = sent_key(request) if echoed_key is None else echoed_key
        error = ErrorObject(
            message=f"Incorrect API key provided: {key}.",
            type="invalid_request_error",
            param=None,
            code="invalid_api_key",
        )
        return Reply(401, {"error": error.model_dump()})

    return step


def schema_refused() -> Route:
    """OpenAI's 400 for a `text.format` schema it cannot take (its text and fields)."""

    def step(request: RecordedRequest) -> Reply:
        error = ErrorObject(
            message="Invalid schema for response_format 'final_output': In context=(), "
            "'additionalProperties' is required to be supplied and to be false.",
            type="invalid_request_error",
            param="text.format.schema",
            code="invalid_json_schema",
        )
        return Reply(400, {"error": error.model_dump()})

    return step
