"""`OllamaModel`: an Agents SDK `Model` on Ollama's native `/api/chat`, via `ollama.AsyncClient`.

Worker-side only. `OllamaChatModel` is the transport: one request, built by the
conversions in `ollama_converter.py` (and `ollama_stream.py` for streamed replies), sent by
the client. `OllamaModel` is that transport in the wrapper every backend has
(`actionable_errors.ActionableErrorsModel`: bounds, deadline, schema refusals, typed-answer
check, error translation); what only Ollama knows about its failures reaches the wrapper
through `ollama_failure`, its hook.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any, cast

from agents import (
    Model,
    ModelResponse,
    ModelSettings,
)
from agents.items import TResponseStreamEvent
from temporalio.exceptions import ApplicationError

from ._library_internals import ollama_client_base_url, ollama_client_key
from ._ollama import ollama
from .actionable_errors import (
    DEFAULT_MAX_TOKENS,
    DEFAULT_REQUEST_TIMEOUT_SECONDS,
    ActionableErrorsModel,
    CallBounds,
)
from .classification import ProviderDescription, describe_ollama, truncated_reply
from .failure_types import FailureType
from .ollama_converter import (
    ReplyTruncated,
    build_chat_request,
    output_items,
    raise_if_truncated,
    usage_of,
)
from .ollama_hosts import not_ollama
from .ollama_stream import stream_events


class OllamaModel(ActionableErrorsModel):
    """One Ollama model, served through the given client, its calls bounded and its
    failures classified as every backend's are.

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
        bounds = CallBounds(
            lambda _model: self.description,
            request_timeout_seconds,
            max_tokens,
            own_failure=ollama_failure,
        )
        super().__init__(OllamaChatModel(model, ollama_client), model, bounds)


def ollama_failure(
    error: Exception, model: str | None, provider: ProviderDescription
) -> ApplicationError | None:
    """What only Ollama's own replies say (the wrapper's hook): a reply cut at its token
    limit, and a 404 from a server that is not Ollama (no model to pull, no retry to wait)."""
    name = model or ""
    if isinstance(error, ReplyTruncated):
        return truncated_reply(name, error.limit, str(error))
    if isinstance(error, ollama.ResponseError):
        wrong_server = not_ollama(error, name, provider.location, "/api/chat")
        if wrong_server is not None:
            return ApplicationError(wrong_server, type=FailureType.NotOllama, non_retryable=True)
    return None


class OllamaChatModel(Model):
    """The transport: each call one `/api/chat` request, its reply converted; failures are
    the client's own (`ollama.ResponseError`, httpx's) and `ReplyTruncated`. Both calls take
    `Model.get_response`'s arguments and build their request in one place (`_request`)."""

    def __init__(self, model: str, ollama_client: ollama.AsyncClient) -> None:
        self.model = model
        self.client = ollama_client

    async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
        request, limit = self._request(args, kwargs)
        reply = await self.client.chat(self.model, stream=False, **request)
        raise_if_truncated(reply, limit)
        return ModelResponse(
            output=output_items(reply.message), usage=usage_of(reply), response_id=None
        )

    async def stream_response(
        self, *args: Any, **kwargs: Any
    ) -> AsyncIterator[TResponseStreamEvent]:
        request, limit = self._request(args, kwargs)
        # The client types its stream as an iterator; it is an async generator.
        chunks = cast(
            AsyncGenerator[ollama.ChatResponse, None],
            await self.client.chat(self.model, stream=True, **request),
        )
        # `aclosing`: when the consumer stops early, the HTTP stream is closed now, not
        # whenever the garbage collector finalises the client's generator.
        async with contextlib.aclosing(chunks):
            events = stream_events(chunks, self.model, limit)
            async with contextlib.aclosing(events):
                async for event in events:
                    yield event

    def _request(
        self, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[dict[str, Any], int | None]:
        """The `chat` arguments (all but `stream`) for a model call's arguments, and its
        token limit."""
        call = _MODEL_CALL.bind(self, *args, **kwargs).arguments
        settings: ModelSettings = call["model_settings"]
        request = build_chat_request(
            self.model,
            call["system_instructions"],
            call["input"],
            settings,
            call["tools"],
            call["output_schema"],
            call["handoffs"],
        )
        return request.chat_arguments(), settings.max_tokens


# What every model call takes, by name or position, as the Runner passes it.
_MODEL_CALL = inspect.signature(Model.get_response)
