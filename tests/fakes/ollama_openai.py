"""Ollama's OpenAI-compatible API (`/v1/chat/completions`, `/v1/models/{model}`), as the
GPT-OSS sample's `AsyncOpenAI` client sees it. Bodies are built from `openai`'s own types."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from openai.types import ErrorObject, Model
from openai.types.chat import ChatCompletion, ChatCompletionMessage
from openai.types.chat.chat_completion import Choice
from openai.types.chat.chat_completion_message_function_tool_call import (
    ChatCompletionMessageFunctionToolCall,
    Function,
)
from openai.types.completion_usage import CompletionUsage

from tests.fakes.http_server import (
    FakeHTTPServer,
    RecordedRequest,
    Reply,
    Route,
    Script,
    StreamedReply,
    broken,
)

_call_ids = itertools.count(1)


class FakeOllamaOpenAI(FakeHTTPServer):
    """Serves the `pulled` models; any other model gets Ollama's 404, as a real server does."""

    def __init__(
        self, steps: list[Route], pulled: tuple[str, ...] = ("gpt-oss:20b",), port: int = 0
    ) -> None:
        self.pulled = pulled
        self._script = Script(steps)
        super().__init__(
            {("GET", "/v1/models/"): self._model, ("POST", "/v1/chat/completions"): self._chat},
            port,
        )

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        return [r.body for r in self.requests_to("/v1/chat/completions")]

    def _model(self, request: RecordedRequest) -> Reply:
        name = request.path.removeprefix("/v1/models/")
        if name not in self.pulled:
            return model_not_found(name)
        return Reply(
            200, Model(id=name, created=0, object="model", owned_by="library").model_dump()
        )

    def _chat(self, request: RecordedRequest) -> Reply | StreamedReply:
        if request.body["model"] not in self.pulled:
            return model_not_found(request.body["model"])
        return self._script(request)


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    body = ErrorObject(message=message, type="api_error", param=None, code=None)
    return Reply(status, {"error": body.model_dump()}, headers or {})


def model_not_found(model: str) -> Reply:
    return error(404, f'model "{model}" not found, try pulling it first')


def _completion(request: RecordedRequest, message: ChatCompletionMessage, finish: Any) -> Reply:
    completion = ChatCompletion(
        id=f"chatcmpl-{next(_call_ids)}",
        object="chat.completion",
        created=int(time.time()),
        model=request.body["model"],
        system_fingerprint="fp_ollama",
        choices=[Choice(index=0, message=message, finish_reason=finish)],
        usage=CompletionUsage(prompt_tokens=42, completion_tokens=7, total_tokens=49),
    )
    return Reply(200, completion.model_dump(exclude_none=True))


def call_tool(name: str, **arguments: Any) -> Route:
    """A step in which the model calls one tool."""

    def step(request: RecordedRequest) -> Reply:
        call = ChatCompletionMessageFunctionToolCall(
            id=f"call_{next(_call_ids)}",
            type="function",
            function=Function(name=name, arguments=json.dumps(arguments)),
        )
        message = ChatCompletionMessage(role="assistant", content="", tool_calls=[call])
        return _completion(request, message, "tool_calls")

    return step


def answer_quoting_tool_result() -> Route:
    """A step in which the model answers with the last tool result it was sent, so a test
    can see the tool's real output travel through the model into the workflow result."""

    def step(request: RecordedRequest) -> Reply:
        tool_results = [m["content"] for m in request.body["messages"] if m["role"] == "tool"]
        seen = tool_results[-1] if tool_results else "(no tool result reached the model)"
        text = f"Skies over the town\n{seen}\nso the haiku ends"
        return _completion(request, ChatCompletionMessage(role="assistant", content=text), "stop")

    return step


def hang(seconds: float) -> Route:
    """A step in which the model takes `seconds` to think, then answers."""

    def step(request: RecordedRequest) -> Reply:
        time.sleep(seconds)
        return _completion(request, ChatCompletionMessage(role="assistant", content="Late"), "stop")

    return step


def fail(status: int, message: str, headers: dict[str, str] | None = None) -> Route:
    return lambda _request: error(status, message, headers)


def rate_limited(retry_after_seconds: int) -> Route:
    return fail(429, "too many requests", {"retry-after": str(retry_after_seconds)})


def server_error() -> Route:
    return fail(500, "model runner crashed")


def broken_reply() -> Route:
    return broken(answer_quoting_tool_result())
