"""Ollama's native API (`/api/chat`, `/api/show`), as `ollama.AsyncClient` sees it.

Bodies are built from the `ollama` library's own types. A step describes one whole
reply; the fake sends it as one JSON body, or, when the request asks to stream, as
NDJSON chunks the way Ollama does: thinking and text in pieces, each tool call whole in
its own chunk, and the token counts on the final `done` chunk.

Like a real server, the fake refuses `think` or `tools` for a model without that
capability (HTTP 400, in Ollama's words), and it will not send a scripted reply that a
model held to the request's `format` could not have written.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Installed with openai-agents (through mcp); it ships no type information.
import ollama

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

PROMPT_TOKENS = 42
REPLY_TOKENS = 7
GPT_OSS_CAPABILITIES = ("completion", "tools", "thinking")
"""What a real Ollama's `/api/show` reports for gpt-oss."""


class FakeOllama(FakeHTTPServer):
    """Serves the `pulled` models; any other model gets Ollama's 404, as a real server does."""

    def __init__(
        self,
        steps: list[Route],
        pulled: tuple[str, ...] = ("gpt-oss:20b",),
        port: int = 0,
        *,
        show_body: dict[str, Any] | bytes | None = None,
        capabilities: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.pulled = pulled
        # Per model, what it can do, as `/api/show` reports it and `/api/chat` enforces it;
        # a model not listed can do what gpt-oss can.
        self.capabilities = {model: tuple(can) for model, can in (capabilities or {}).items()}
        # What `/api/show` sends for a pulled model instead of a current Ollama's reply (a
        # dict as JSON, bytes as they are): servers differ in the fields they return.
        self.show_body = show_body
        self._script = Script(steps)
        super().__init__(
            {("POST", "/api/chat"): self._chat, ("POST", "/api/show"): self._show}, port
        )

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        return [r.body for r in self.requests_to("/api/chat")]

    def capabilities_of(self, model: str) -> tuple[str, ...]:
        return self.capabilities.get(model, GPT_OSS_CAPABILITIES)

    def _show(self, request: RecordedRequest) -> Reply | StreamedReply:
        if request.body["model"] not in self.pulled:
            return model_not_found(request.body["model"])
        if self.show_body is not None:
            return Reply(200, self.show_body)
        show = ollama.ShowResponse(
            model_info={}, capabilities=list(self.capabilities_of(request.body["model"]))
        )
        return Reply(200, show.model_dump(mode="json", by_alias=True, exclude_none=True))

    def _chat(self, request: RecordedRequest) -> Reply | StreamedReply:
        if request.body["model"] not in self.pulled:
            return model_not_found(request.body["model"])
        return self._refusal(request.body) or self._script(request)

    def _refusal(self, body: dict[str, Any]) -> Reply | None:
        """Ollama's 400 for what the model cannot do, checked before it runs (the texts
        are those of Ollama's `server/routes.go` and `server/images.go`)."""
        model, can = body["model"], self.capabilities_of(body["model"])
        # Any level ("low" too) asks for thinking; `false` is accepted by every model.
        if body.get("think") and "thinking" not in can:
            return error(400, f"{json.dumps(model)} does not support thinking")
        if body.get("tools") and "tools" not in can:
            return error(400, f"registry.ollama.ai/library/{model} does not support tools")
        return None


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, {"error": message}, headers or {})


def model_not_found(model: str) -> Reply:
    return error(404, f'model "{model}" not found, try pulling it first')


@dataclass
class ReplyPlan:
    """One model reply, before it is sent whole or streamed."""

    content: str = ""
    thinking: str = ""
    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    done_reason: str = "stop"
    eval_count: int = REPLY_TOKENS

    def whole(self, model: str) -> ollama.ChatResponse:
        return _chat_response(
            model,
            ollama.Message(
                role="assistant",
                content=self.content,
                thinking=self.thinking or None,
                tool_calls=[_tool_call(name, args) for name, args in self.tool_calls] or None,
            ),
            done=True,
            done_reason=self.done_reason,
            eval_count=self.eval_count,
        )

    def chunks(self, model: str) -> list[ollama.ChatResponse]:
        parts = [
            ollama.Message(role="assistant", content="", thinking=t) for t in _pieces(self.thinking)
        ]
        parts += [ollama.Message(role="assistant", content=c) for c in _pieces(self.content)]
        parts += [
            ollama.Message(role="assistant", content="", tool_calls=[_tool_call(name, args)])
            for name, args in self.tool_calls
        ]
        chunks = [_chat_response(model, message, done=False) for message in parts]
        final = ollama.Message(role="assistant", content="")
        chunks.append(
            _chat_response(
                model, final, done=True, done_reason=self.done_reason, eval_count=self.eval_count
            )
        )
        return chunks


def _pieces(text: str) -> list[str]:
    """`text` split into the few-character pieces a model streams."""
    return [text[i : i + 4] for i in range(0, len(text), 4)]


def _tool_call(name: str, arguments: dict[str, Any]) -> ollama.Message.ToolCall:
    return ollama.Message.ToolCall(
        function=ollama.Message.ToolCall.Function(name=name, arguments=arguments)
    )


def _chat_response(
    model: str,
    message: ollama.Message,
    *,
    done: bool,
    done_reason: str | None = None,
    eval_count: int = REPLY_TOKENS,
) -> ollama.ChatResponse:
    counts: dict[str, Any] = (
        {"prompt_eval_count": PROMPT_TOKENS, "eval_count": eval_count} if done else {}
    )
    return ollama.ChatResponse(
        model=model,
        created_at="2026-11-21T00:00:00Z",
        message=message,
        done=done,
        done_reason=done_reason,
        **counts,
    )


def _ndjson(responses: list[ollama.ChatResponse]) -> list[bytes]:
    return [(r.model_dump_json(exclude_none=True) + "\n").encode() for r in responses]


def replying(
    plan: Callable[[RecordedRequest], ReplyPlan], delay: float = 0.0, follows_format: bool = True
) -> Route:
    """A step that answers with `plan(request)`, streamed if the request asked for it; under
    the request's `format`, as Ollama constrains it, unless the model ignores it (gpt-oss
    has on some Ollama versions)."""

    def step(request: RecordedRequest) -> Reply | StreamedReply:
        model, reply = request.body["model"], plan(request)
        # A tool call is not an answer: only answers are held to the format.
        answers = follows_format and not reply.tool_calls
        if answers and (refusal := outside_schema(request.body.get("format"), reply.content)):
            return refusal
        if request.body.get("stream"):
            return StreamedReply(_ndjson(reply.chunks(model)), delay=delay)
        time.sleep(delay)
        return Reply(200, reply.whole(model).model_dump(mode="json", exclude_none=True))

    return step


def answer(
    content: str = "", thinking: str = "", done_reason: str = "stop", follows_format: bool = True
) -> Route:
    plan = ReplyPlan(content, thinking, done_reason=done_reason)
    return replying(lambda _request: plan, follows_format=follows_format)


def call_tools(*calls: tuple[str, dict[str, Any]], content: str = "", thinking: str = "") -> Route:
    """A step in which the model calls the tools (in parallel if several)."""
    return replying(lambda _request: ReplyPlan(content, thinking, list(calls)))


def call_tool(name: str, **arguments: Any) -> Route:
    return call_tools((name, arguments))


def answer_quoting_tool_result() -> Route:
    """A step in which the model answers with the last tool result it was sent, so a test
    can see the tool's real output travel through the model into the workflow result."""

    def plan(request: RecordedRequest) -> ReplyPlan:
        results = [m["content"] for m in request.body["messages"] if m["role"] == "tool"]
        seen = results[-1] if results else "(no tool result reached the model)"
        return ReplyPlan(f"Skies over the town\n{seen}\nso the haiku ends")

    return replying(plan)


def weather_agent(delay: float = 0.0) -> Route:
    """A step for any call of a weather-haiku run, in any order among many runs: the tool
    call if the request has no tool result yet, else the answer quoting it; after `delay`
    seconds, as a model takes time."""
    call, answer = call_tool("get_weather", city="Tokyo"), answer_quoting_tool_result()

    def step(request: RecordedRequest) -> Reply | StreamedReply:
        time.sleep(delay)
        answered = any(m["role"] == "tool" for m in request.body["messages"])
        return answer(request) if answered else call(request)

    return step


def runaway(tokens_per_second: float = 100.0) -> Route:
    """A model that repeats itself until its token limit, at `tokens_per_second`: cut at the
    request's `num_predict` (`done_reason: length`), or, without one, still writing when any
    timeout has passed."""

    def step(request: RecordedRequest) -> Reply | StreamedReply:
        cap = (request.body.get("options") or {}).get("num_predict")
        tokens = int(cap) if cap else 100_000
        time.sleep(tokens / tokens_per_second)
        plan = ReplyPlan("la " * tokens, done_reason="length", eval_count=tokens)
        return replying(lambda _request: plan)(request)

    return step


def hang(seconds: float) -> Route:
    """A step in which the model takes `seconds` before its answer."""
    return replying(lambda _request: ReplyPlan("Late"), delay=seconds)


def fail(status: int, message: str, headers: dict[str, str] | None = None) -> Route:
    return lambda _request: error(status, message, headers)


def error_mid_stream(message: str) -> Route:
    """A streamed reply that starts, then reports an error in the stream, as Ollama does
    when a model runner crashes after answering has begun."""

    def step(request: RecordedRequest) -> StreamedReply:
        first = ReplyPlan("Skies").chunks(request.body["model"])[0]
        return StreamedReply([*_ndjson([first]), (json.dumps({"error": message}) + "\n").encode()])

    return step


def break_mid_stream() -> Route:
    """A streamed reply whose connection drops after the first chunk."""

    def step(request: RecordedRequest) -> StreamedReply:
        chunks = _ndjson(ReplyPlan("Skies over the town").chunks(request.body["model"]))
        return StreamedReply(chunks, break_after=1)

    return step


def assistant(
    content: str = "",
    thinking: str | None = None,
    tool_calls: Sequence[tuple[str, dict[str, Any]]] = (),
) -> ollama.Message:
    """One streamed chunk's message, for `chunks`."""
    return ollama.Message(
        role="assistant",
        content=content,
        thinking=thinking,
        tool_calls=[_tool_call(name, args) for name, args in tool_calls] or None,
    )


def chunks(*messages: ollama.Message, done: bool = True) -> Route:
    """A streamed reply of exactly these chunks, one message each: the shapes a real
    server sends that `ReplyPlan` does not, such as thinking and text in one chunk,
    several tool calls in one, or text in the final chunk.

    The last message is the `done` chunk, with the token counts. With `done=False` the
    stream ends without one, as when a server stops mid-reply yet closes cleanly.
    """

    def step(request: RecordedRequest) -> Reply | StreamedReply:
        if not request.body.get("stream"):
            return error(500, "fake Ollama: this step only streams; the request did not ask to")
        model = request.body["model"]
        replies = [_chat_response(model, message, done=False) for message in messages]
        if done:
            replies[-1] = _chat_response(model, messages[-1], done=True, done_reason="stop")
        return StreamedReply(_ndjson(replies))

    return step


def slow_stream(pieces: int, delay: float) -> Route:
    """A long streamed answer, `delay` seconds between chunks."""
    return replying(lambda _request: ReplyPlan("word" * pieces), delay=delay)


def invalid_api_key() -> Route:
    """A 401 that quotes the key the request carried, whole, as some proxies in front of
    an Ollama server do (Ollama Cloud itself answers just "unauthorized")."""
    return lambda request: error(401, f"unauthorized: invalid API key '{sent_key(request)}'")


def rate_limited(retry_after_seconds: int) -> Route:
    return fail(429, "too many requests", {"retry-after": str(retry_after_seconds)})


def server_error() -> Route:
    return fail(500, "llama runner process has terminated")


def context_too_long() -> Route:
    """Ollama refusing a prompt longer than the model's context (when told not to cut it)."""
    return fail(400, "the input length exceeds the context length")


def broken_reply() -> Route:
    return broken(answer_quoting_tool_result())
