"""Ollama's OpenAI-compatible API (`/v1/chat/completions`, `/v1/models/{model}`), as the
GPT-OSS sample's `AsyncOpenAI` client sees it. Bodies are built from `openai`'s own types.

A step describes one whole reply (a `ReplyPlan`). The fake sends it as one
`ChatCompletion`, or, when the request has `"stream": true`, as Server-Sent Events the
way Ollama's `/v1` does (`openai.ToChunk` and `middleware.ChatWriter` in its source):

- one `data: {chat.completion.chunk}` event per piece, then `data: [DONE]`;
- every chunk of a reply has the same id, and every delta has `role: "assistant"` and a
  `content` string, "" when the chunk carries something else;
- reasoning and text come in small pieces; each tool call comes whole, in a chunk of its
  own, with its id, its index among the reply's calls and its arguments as a JSON string;
- the last choice chunk has an empty delta and the `finish_reason` ("tool_calls" once a
  call was sent);
- only when the request has `stream_options: {"include_usage": true}`, one more chunk
  with no choices and the token counts. The Agents SDK asks for that by default only
  from api.openai.com, so unless `ModelSettings(include_usage=True)` a streamed reply
  from Ollama reports no usage.

gpt-oss's chain of thought comes in `reasoning`, a field OpenAI's API does not have (other
servers call theirs `reasoning_content`): on the message of a whole reply and on the
deltas of a streamed one. `openai`'s types keep fields they do not declare, so the fake
adds it to them, and the client parses it back the same way. The Agents SDK reads
`reasoning` from both into a `ResponseReasoningItem` (as `content`, not `summary`).
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from openai.types import ErrorObject, Model
from openai.types.chat import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionMessage,
    ChatCompletionMessageToolCallUnion,
)
from openai.types.chat.chat_completion import Choice
from openai.types.chat.chat_completion_chunk import (
    Choice as ChunkChoice,
)
from openai.types.chat.chat_completion_chunk import (
    ChoiceDelta,
    ChoiceDeltaToolCall,
    ChoiceDeltaToolCallFunction,
)
from openai.types.chat.chat_completion_message_function_tool_call import (
    ChatCompletionMessageFunctionToolCall,
    Function,
)
from openai.types.completion_usage import CompletionUsage

from testkit.fakes.http_server import (
    FakeHTTPServer,
    RecordedRequest,
    Reply,
    Route,
    Script,
    StreamedReply,
    broken,
    outside_schema,
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


class FakeLlamaCpp(FakeOllamaOpenAI):
    """An OpenAI-compatible server that is not Ollama, answering as llama.cpp's `llama-server`
    does: `GET /v1/models` lists its models, but there is no `GET /v1/models/{id}`, and every
    path it does not serve (Ollama's `/api/...` among them) is a 404 in OpenAI's error shape."""

    def __init__(
        self, steps: list[Route], pulled: tuple[str, ...] = ("smollm2:135m",), port: int = 0
    ) -> None:
        super().__init__(steps, pulled, port)
        self.routes = {
            ("POST", "/v1/chat/completions"): self._chat,
            ("GET", "/v1/models"): self._models,
            ("GET", "/"): _file_not_found,
            ("POST", "/"): _file_not_found,
        }

    def _models(self, request: RecordedRequest) -> Reply:
        if request.path != "/v1/models":
            return _file_not_found(request)
        models = [
            Model(id=name, created=0, object="model", owned_by="llamacpp") for name in self.pulled
        ]
        return Reply(200, {"object": "list", "data": [m.model_dump() for m in models]})


def _file_not_found(_request: RecordedRequest) -> Reply:
    body = ErrorObject(message="File Not Found", type="not_found_error", param=None, code="404")
    return Reply(404, {"error": body.model_dump(exclude_none=True)})


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    body = ErrorObject(message=message, type="api_error", param=None, code=None)
    return Reply(status, {"error": body.model_dump()}, headers or {})


def model_not_found(model: str) -> Reply:
    return error(404, f'model "{model}" not found, try pulling it first')


PROMPT_TOKENS = 42
REPLY_TOKENS = 7
RUNAWAY_TOKENS_PER_SECOND = 100.0
UNBOUNDED_TOKENS = 100_000
"""What a runaway writes without a token limit: longer than any test waits."""

_Message = TypeVar("_Message", ChatCompletionMessage, ChoiceDelta)


@dataclass
class ReplyPlan:
    """One model reply, before it is sent whole or streamed."""

    content: str = ""
    reasoning: str = ""
    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    stop_reason: Literal["stop", "length"] = "stop"
    reply_tokens: int = REPLY_TOKENS

    @property
    def finish_reason(self) -> Literal["stop", "length", "tool_calls"]:
        # Ollama reports "tool_calls" whenever the reply called a tool, whatever the model
        # said about why it stopped.
        return "tool_calls" if self.tool_calls else self.stop_reason

    def whole(self, model: str) -> ChatCompletion:
        calls: list[ChatCompletionMessageToolCallUnion] = [
            ChatCompletionMessageFunctionToolCall(
                id=call_id, type="function", function=Function(name=name, arguments=arguments)
            )
            for call_id, name, arguments in self._calls()
        ]
        message = ChatCompletionMessage(
            role="assistant", content=self.content, tool_calls=calls or None
        )
        return ChatCompletion(
            id=f"chatcmpl-{next(_call_ids)}",
            object="chat.completion",
            created=int(time.time()),
            model=model,
            system_fingerprint="fp_ollama",
            choices=[
                Choice(
                    index=0,
                    message=_with_reasoning(message, self.reasoning),
                    finish_reason=self.finish_reason,
                )
            ],
            usage=_usage(self.reply_tokens),
        )

    def chunks(self, model: str, include_usage: bool) -> list[ChatCompletionChunk]:
        reply_id = f"chatcmpl-{next(_call_ids)}"
        created = int(time.time())

        def chunk(
            choices: list[ChunkChoice], usage: CompletionUsage | None = None
        ) -> ChatCompletionChunk:
            return ChatCompletionChunk(
                id=reply_id,
                object="chat.completion.chunk",
                created=created,
                model=model,
                system_fingerprint="fp_ollama",
                choices=choices,
                usage=usage,
            )

        deltas = [
            _with_reasoning(ChoiceDelta(role="assistant", content=""), piece)
            for piece in _pieces(self.reasoning)
        ]
        deltas += [ChoiceDelta(role="assistant", content=piece) for piece in _pieces(self.content)]
        deltas += [
            ChoiceDelta(
                role="assistant",
                content="",
                tool_calls=[
                    ChoiceDeltaToolCall(
                        index=index,
                        id=call_id,
                        type="function",
                        function=ChoiceDeltaToolCallFunction(name=name, arguments=arguments),
                    )
                ],
            )
            for index, (call_id, name, arguments) in enumerate(self._calls())
        ]
        chunks = [chunk([ChunkChoice(index=0, delta=delta)]) for delta in deltas]
        last = ChunkChoice(
            index=0,
            delta=ChoiceDelta(role="assistant", content=""),
            finish_reason=self.finish_reason,
        )
        chunks.append(chunk([last]))
        if include_usage:
            chunks.append(chunk([], _usage(self.reply_tokens)))
        return chunks

    def _calls(self) -> list[tuple[str, str, str]]:
        """(call id, name, arguments as JSON): Ollama gives every call an id of its own."""
        return [(f"call_{next(_call_ids)}", n, json.dumps(a)) for n, a in self.tool_calls]


def _with_reasoning(message: _Message, reasoning: str) -> _Message:
    """`message` with Ollama's non-standard `reasoning` field, if there is any reasoning.
    `openai`'s models keep undeclared fields (pydantic `extra="allow"`) and serialize them
    with the rest, so the field goes out on the wire as Ollama writes it."""
    return message.model_copy(update={"reasoning": reasoning}) if reasoning else message


def _usage(reply_tokens: int) -> CompletionUsage:
    return CompletionUsage(
        prompt_tokens=PROMPT_TOKENS,
        completion_tokens=reply_tokens,
        total_tokens=PROMPT_TOKENS + reply_tokens,
    )


def _pieces(text: str) -> list[str]:
    """`text` split into the few-character pieces a model streams."""
    return [text[i : i + 4] for i in range(0, len(text), 4)]


def _server_sent_events(chunks: list[ChatCompletionChunk]) -> list[bytes]:
    # Unset fields are left out rather than sent as null (Ollama writes
    # `"finish_reason": null`); the client reads a missing field and a null alike.
    events = [f"data: {c.model_dump_json(exclude_none=True)}\n\n".encode() for c in chunks]
    return [*events, b"data: [DONE]\n\n"]


def replying(plan: Callable[[RecordedRequest], ReplyPlan], delay: float = 0.0) -> Route:
    """A step that answers with `plan(request)`, streamed if the request asked for it.

    The model takes `delay` seconds before its first token; Ollama sends the response
    headers only with the first chunk, so a streamed reply is silent until then too.
    """

    def step(request: RecordedRequest) -> Reply | StreamedReply:
        time.sleep(delay)
        model, reply = request.body["model"], plan(request)
        # An answer is constrained to a requested JSON schema (Ollama and llama.cpp apply
        # it with a grammar), or to JSON; a tool call is not an answer.
        response_format = request.body.get("response_format") or {}
        schema = (response_format.get("json_schema") or {}).get("schema") or (
            "json" if response_format.get("type") == "json_object" else None
        )
        if not reply.tool_calls and (refusal := outside_schema(schema, reply.content)):
            return refusal
        if request.body.get("stream"):
            include_usage = bool((request.body.get("stream_options") or {}).get("include_usage"))
            chunks = reply.chunks(model, include_usage)
            return StreamedReply(_server_sent_events(chunks), content_type="text/event-stream")
        return Reply(200, reply.whole(model).model_dump(exclude_none=True))

    return step


def answer(
    content: str = "", reasoning: str = "", stop_reason: Literal["stop", "length"] = "stop"
) -> Route:
    return replying(lambda _request: ReplyPlan(content, reasoning, stop_reason=stop_reason))


def call_tools(*calls: tuple[str, dict[str, Any]], content: str = "", reasoning: str = "") -> Route:
    """A step in which the model calls the tools (in parallel if several)."""
    return replying(lambda _request: ReplyPlan(content, reasoning, list(calls)))


def call_tool(name: str, **arguments: Any) -> Route:
    """A step in which the model calls one tool."""
    return call_tools((name, arguments))


def answer_quoting_tool_result() -> Route:
    """A step in which the model answers with the last tool result it was sent, so a test
    can see the tool's real output travel through the model into the workflow result."""

    def plan(request: RecordedRequest) -> ReplyPlan:
        tool_results = [m["content"] for m in request.body["messages"] if m["role"] == "tool"]
        seen = tool_results[-1] if tool_results else "(no tool result reached the model)"
        return ReplyPlan(f"Skies over the town\n{seen}\nso the haiku ends")

    return replying(plan)


def runaway(tokens_per_second: float = RUNAWAY_TOKENS_PER_SECOND) -> Route:
    """A model that repeats itself until its token limit, at `tokens_per_second`: cut at the
    request's `max_tokens` (`finish_reason: length`), or, without one, still writing when
    any timeout has passed."""

    def step(request: RecordedRequest) -> Reply | StreamedReply:
        cap = request.body.get("max_completion_tokens") or request.body.get("max_tokens")
        tokens = int(cap) if cap else UNBOUNDED_TOKENS
        time.sleep(tokens / tokens_per_second)
        plan = ReplyPlan("la " * tokens, stop_reason="length", reply_tokens=tokens)
        return replying(lambda _request: plan)(request)

    return step


def hang(seconds: float) -> Route:
    """A step in which the model takes `seconds` to think, then answers."""
    return replying(lambda _request: ReplyPlan("Late"), delay=seconds)


def fail(status: int, message: str, headers: dict[str, str] | None = None) -> Route:
    return lambda _request: error(status, message, headers)


def rate_limited(retry_after_seconds: int) -> Route:
    return fail(429, "too many requests", {"retry-after": str(retry_after_seconds)})


def server_error() -> Route:
    return fail(500, "model runner crashed")


def context_too_long() -> Route:
    """OpenAI's refusal of a conversation longer than the model's context window."""
    body = ErrorObject(
        message="This model's maximum context length is 4096 tokens. However, your messages "
        "resulted in 5210 tokens. Please reduce the length of the messages.",
        type="invalid_request_error",
        param="messages",
        code="context_length_exceeded",
    )
    reply = Reply(400, {"error": body.model_dump()})
    return lambda _request: reply


def broken_reply() -> Route:
    return broken(answer_quoting_tool_result())
