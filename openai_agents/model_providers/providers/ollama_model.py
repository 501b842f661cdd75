"""`OllamaModel`: an Agents SDK `Model` on Ollama's native `/api/chat`, via `ollama.AsyncClient`.

Worker-side only. Conversions live in `ollama_converter.py` and `ollama_stream.py`;
this module does the calls and turns their failures into Temporal errors that say
whether to retry and what to do (the Temporal plugin maps only OpenAI's errors).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from typing import Any, cast

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
from agents.items import TResponseStreamEvent
from openai.types.responses import ResponseCompletedEvent
from temporalio.exceptions import ApplicationError

from ._library_internals import ollama_client_base_url, ollama_client_key
from ._ollama import ollama
from .actionable_errors import raising_actionable_errors
from .bounds import DEFAULT_MAX_TOKENS, DEFAULT_REQUEST_TIMEOUT_SECONDS, Deadline, capped
from .descriptions import ProviderDescription
from .failure_types import FailureType
from .ollama_converter import (
    OllamaChatRequest,
    build_chat_request,
    output_items,
    raise_if_truncated,
    usage_of,
)
from .ollama_hosts import describe_ollama, not_ollama
from .ollama_stream import stream_events
from .structured_output import check_structured_answer, schema_refusals


class OllamaModel(Model):
    """One Ollama model, served through the given client.

    `description` names the server in error messages; by default it is read from the
    client, with the key the client sends (if any) as a secret to mask in them.
    `request_timeout_seconds` is the client's timeout, quoted when it expires; each call's
    deadline is its activity attempt's. `max_tokens` caps every reply (`num_predict`).
    """

    def __init__(
        self,
        model: str,
        ollama_client: ollama.AsyncClient,
        *,
        description: ProviderDescription | None = None,
        request_timeout_seconds: float = DEFAULT_REQUEST_TIMEOUT_SECONDS,
        max_tokens: int | None = DEFAULT_MAX_TOKENS,
    ) -> None:
        self.model = model
        self.client = ollama_client
        self.description = description or dataclasses.replace(
            describe_ollama(ollama_client_base_url(ollama_client)),
            secrets=tuple(filter(None, [ollama_client_key(ollama_client)])),
        )
        self._request_timeout_seconds = request_timeout_seconds
        self._max_tokens = max_tokens

    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        previous_response_id: str | None = None,
        conversation_id: str | None = None,
        prompt: Any | None = None,
    ) -> ModelResponse:
        deadline = Deadline.for_model_call(self._request_timeout_seconds)
        # Building the request is inside the block too: input Ollama cannot take fails the
        # model activity at once, instead of being retried into the same error.
        with schema_refusals(output_schema, self.model), self._actionable_errors():
            model_settings = capped(model_settings, self._max_tokens)
            request = build_chat_request(
                self.model,
                system_instructions,
                input,
                model_settings,
                tools,
                output_schema,
                handoffs,
            )
            reply = await deadline.run(
                self.client.chat(self.model, stream=False, **_chat_arguments(request))
            )
        raise_if_truncated(reply, self.model, model_settings.max_tokens)
        output = output_items(reply.message)
        check_structured_answer(output, output_schema, self.model)
        return ModelResponse(output=output, usage=usage_of(reply), response_id=None)

    async def stream_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        previous_response_id: str | None = None,
        conversation_id: str | None = None,
        prompt: Any | None = None,
    ) -> AsyncIterator[TResponseStreamEvent]:
        deadline = Deadline.for_model_call(self._request_timeout_seconds)
        with schema_refusals(output_schema, self.model), self._actionable_errors():
            model_settings = capped(model_settings, self._max_tokens)
            request = build_chat_request(
                self.model,
                system_instructions,
                input,
                model_settings,
                tools,
                output_schema,
                handoffs,
            )
            # The client types its stream as an iterator; it is an async generator.
            chunks = cast(
                AsyncGenerator[ollama.ChatResponse, None],
                await deadline.run(
                    self.client.chat(self.model, stream=True, **_chat_arguments(request))
                ),
            )
            # `aclosing`: when the consumer stops early, the HTTP stream is closed now,
            # not whenever the garbage collector finalises the client's generator.
            async with contextlib.aclosing(chunks):
                limit = model_settings.max_tokens
                events = deadline.stream(stream_events(chunks, self.model, limit))
                async with contextlib.aclosing(events):
                    async for event in events:
                        if isinstance(event, ResponseCompletedEvent):
                            check_structured_answer(
                                event.response.output, output_schema, self.model
                            )
                        yield event

    @contextlib.contextmanager
    def _actionable_errors(self) -> Iterator[None]:
        describe = lambda: self.description  # noqa: E731 - described only on failure
        with raising_actionable_errors(self.model, describe, self._request_timeout_seconds):
            try:
                yield
            except ollama.ResponseError as error:
                # A 404 from a server that is not Ollama: no model to pull, no retry to wait.
                location = self.description.location
                wrong_server = not_ollama(error, self.model, location, "/api/chat")
                if wrong_server is None:
                    raise
                raise ApplicationError(
                    wrong_server, type=FailureType.NotOllama, non_retryable=True
                ) from None


def _chat_arguments(request: OllamaChatRequest) -> dict[str, Any]:
    return {
        "messages": request.messages,
        "tools": request.tools or None,
        "think": request.think,
        "format": request.format,
        "options": request.options or None,
        "keep_alive": request.keep_alive,
    }
