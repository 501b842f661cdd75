"""`OllamaModelProvider` and `OllamaModel`: local and Ollama Cloud models, through Ollama's
native `/api/chat` and the `ollama` client.

Worker-side only. The provider chooses the host per model name: `…-cloud` models go to
Ollama Cloud with the API key, every other model to the local server. Each host has one
shared client, reused across calls and turns, and the cloud key is sent to the cloud only.

`OllamaChatModel` is the transport: one request, built by the conversions in `converter.py`
(and `stream.py` for streamed replies), sent by the client. `OllamaModel` is that transport
in the wrapper every backend has (`errors.wrapper.ActionableErrorsModel`: bounds, deadline,
schema refusals, typed-answer check, error translation); what only Ollama knows about its
failures reaches the wrapper through `ollama_failure`, its hook.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from collections.abc import AsyncGenerator, AsyncIterator, Generator
from contextlib import AbstractContextManager
from typing import Any, cast

import httpx
import ollama
import pydantic
from agents import Model, ModelProvider, ModelResponse, ModelSettings, ModelTracing, UserError
from agents.items import TResponseStreamEvent
from agents.tracing import GenerationSpanData, Span
from temporalio.exceptions import ApplicationError

from .._library_internals import ollama_client_base_url, ollama_client_key
from ..errors.classification import (
    ProviderDescription,
    describe_ollama,
    describe_ollama_cloud,
    raise_start_up_failure,
    truncated_reply,
)
from ..errors.types import ConfigurationError, FailureType
from ..errors.wrapper import (
    DEFAULT_MAX_TOKENS,
    DEFAULT_REQUEST_TIMEOUT_SECONDS,
    MODEL_CALL,
    ActionableErrorsModel,
    CallBounds,
)
from ..ollama_hosts import (
    CLOUD_MODEL_SUFFIX,
    OLLAMA_CLOUD_HOST,
    is_cloud_model,
    normalized_ollama_url,
    not_ollama,
    ollama_host,
)
from .converter import (
    ReplyTruncated,
    build_chat_request,
    output_items,
    raise_if_truncated,
    usage_of,
)
from .spans import model_call_span, record_response, usage_of_stream
from .stream import stream_events

DEFAULT_OLLAMA_MODEL = "gpt-oss:20b"


class _WithoutCredentials(httpx.Auth):
    """Removes the Authorization header the `ollama` client adds from OLLAMA_API_KEY.

    The client sends that key to whichever host it talks to; a local server needs no
    key and must never receive the cloud one.
    """

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers.pop("Authorization", None)
        yield request


class OllamaModelProvider(ModelProvider):
    """Serves Ollama models by name, locally or from Ollama Cloud.

    Args:
        api_key: Ollama Cloud API key; defaults to OLLAMA_API_KEY. Sent only to the cloud,
            and masked wherever the cloud's errors quote it back.
        base_url: the local Ollama server; defaults to OLLAMA_HOST, else localhost:11434.
            Pointing it at https://ollama.com sends every model to the cloud.
        ollama_client: a client to use for every model instead (then give neither of
            the above: the client already has its host and headers). It stays yours:
            `aclose()` closes only the clients this provider created.
        cloud_base_url: where `…-cloud` models go (tests point it at a fake server).
        max_tokens: the cap on every reply (`num_predict`, or the agent's lower limit); a
            reply that reaches it fails at once (`ModelOutputTruncated`).
        request_timeout_seconds: each call's timeout; keep it under the Temporal model
            activity's start-to-close timeout so a slow model fails with a clear error.
    """

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        ollama_client: ollama.AsyncClient | None = None,
        *,
        cloud_base_url: str = OLLAMA_CLOUD_HOST,
        request_timeout_seconds: float = DEFAULT_REQUEST_TIMEOUT_SECONDS,
        max_tokens: int | None = DEFAULT_MAX_TOKENS,
    ) -> None:
        if ollama_client is not None and (api_key is not None or base_url is not None):
            raise UserError(
                "OllamaModelProvider takes either ollama_client or api_key/base_url, not "
                "both: configure the host and key on the client you pass"
            )
        self._given_client = ollama_client
        self._api_key = api_key or os.environ.get("OLLAMA_API_KEY") or None
        self._cloud_host = normalized_ollama_url(cloud_base_url, "cloud_base_url")
        self._local_host = (
            ollama_host() if base_url is None else normalized_ollama_url(base_url, "base_url")
        )
        self._request_timeout_seconds = request_timeout_seconds
        self._max_tokens = max_tokens
        self._clients: dict[str, ollama.AsyncClient] = {}

    def get_model(self, model_name: str | None) -> Model:
        model = model_name or DEFAULT_OLLAMA_MODEL
        if self._given_client is not None:
            return OllamaModel(
                model,
                self._given_client,
                request_timeout_seconds=self._request_timeout_seconds,
                max_tokens=self._max_tokens,
            )
        host, model_id, description = self._route(model)
        return OllamaModel(
            model_id,
            self._client_for(host),
            description=description,
            request_timeout_seconds=self._request_timeout_seconds,
            max_tokens=self._max_tokens,
        )

    def _route(self, model: str) -> tuple[str, str, ProviderDescription]:
        """Host, the model's name on that host, and how to describe the host."""
        if is_cloud_model(model) or self._local_host == self._cloud_host:
            # Ollama Cloud's own API names its models without the local `-cloud` suffix.
            return self._cloud_host, model.removesuffix(CLOUD_MODEL_SUFFIX), self._cloud()
        return self._local_host, model, describe_ollama(self._local_host)

    def _cloud(self) -> ProviderDescription:
        if not self._api_key:
            # Raised inside the model activity: non-retryable, as no retry can fix it.
            raise ApplicationError(
                "Ollama Cloud models (names ending in -cloud) need an API key: create one at "
                "https://ollama.com/settings/keys and export OLLAMA_API_KEY before starting "
                "the worker",
                type=FailureType.ProviderAuthenticationFailed,
                non_retryable=True,
            )
        # The key is named as a secret of the cloud's description, so that its errors
        # mask it even when it was an argument rather than OLLAMA_API_KEY.
        return dataclasses.replace(
            describe_ollama_cloud(self._cloud_host), secrets=(self._api_key,)
        )

    def _client_for(self, host: str) -> ollama.AsyncClient:
        client = self._clients.get(host)
        if client is None:
            if host == self._cloud_host:
                client = ollama.AsyncClient(
                    host,
                    headers={"Authorization": f"Bearer {self._api_key}"},
                    timeout=self._request_timeout_seconds,
                )
            else:
                client = ollama.AsyncClient(
                    host, auth=_WithoutCredentials(), timeout=self._request_timeout_seconds
                )
            self._clients[host] = client
        return client

    async def check_model_available(self, model_name: str) -> None:
        """Fail fast, at worker start, when the model's host is down, rejects the key or
        does not have the model. Raises ConfigurationError."""
        try:
            model = self.get_model(model_name)
        except ApplicationError as error:  # A cloud model without a key.
            raise ConfigurationError(error.message) from error
        assert isinstance(model, OllamaModel)
        try:
            await model.client.show(model.model)
        except pydantic.ValidationError as error:
            # Any 2xx reply with a JSON object says the model exists, and nothing in it is
            # needed here. But the client parses the reply into its `ShowResponse`, which
            # requires fields (`model_info`) that some servers leave out; versions and Ollama
            # Cloud differ. A validation error *of that model* comes only after a 2xx whose
            # body was a JSON object (an error status, non-JSON or a non-object fails before
            # validating), so it is accepted. This keeps to the client's public API rather
            # than reaching for its private raw request.
            if error.title != ollama.ShowResponse.__name__:
                raise
        except json.JSONDecodeError as error:  # A 2xx from some other web server.
            raise ConfigurationError(
                f"{model.description.where} did not answer in JSON when asked for model "
                f"'{model.model}'; check that it is an Ollama server"
            ) from error
        except Exception as error:
            wrong_server = not_ollama(error, model.model, model.description.location, "/api/show")
            if wrong_server is not None:
                raise ConfigurationError(wrong_server) from error
            # Down, no such model, a rejected key: in the words a model call would use.
            raise_start_up_failure(
                error, model.model, model.description, self._request_timeout_seconds
            )

    async def context_window(self, model_name: str) -> int | None:
        """The context window, in tokens, Ollama says it runs `model_name` with: the model's
        `num_ctx` parameter, else its trained context length; None if it says neither, or
        cannot be asked. (Without `num_ctx`, Ollama runs a model with its server default,
        often smaller than the trained length.)"""
        model = self.get_model(model_name)
        assert isinstance(model, OllamaModel)
        try:
            shown = await model.client.show(model.model)
        except Exception:  # Down, not pulled, not Ollama: the caller keeps its default.
            return None
        for line in (shown.parameters or "").splitlines():
            name, _, value = line.strip().partition(" ")
            if name == "num_ctx" and value.strip().isdigit():
                return int(value)
        lengths = [v for k, v in (shown.modelinfo or {}).items() if k.endswith(".context_length")]
        return int(lengths[0]) if lengths and isinstance(lengths[0], int) else None

    async def aclose(self) -> None:
        """Close the clients this provider created (a given client stays the caller's)."""
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.close()  # type: ignore[no-untyped-call]


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
        call = self._call(args, kwargs)
        with self._span(call) as span:
            reply = await self.client.chat(self.model, stream=False, **call.request)
            raise_if_truncated(reply, call.limit)
            response = ModelResponse(
                output=output_items(reply.message), usage=usage_of(reply), response_id=None
            )
            record_response(span, response.output, response.usage, call.tracing)
        return response

    async def stream_response(
        self, *args: Any, **kwargs: Any
    ) -> AsyncIterator[TResponseStreamEvent]:
        call = self._call(args, kwargs)
        with self._span(call) as span:
            # The client types its stream as an iterator; it is an async generator.
            chunks = cast(
                AsyncGenerator[ollama.ChatResponse, None],
                await self.client.chat(self.model, stream=True, **call.request),
            )
            # `aclosing`: when the consumer stops early, the HTTP stream is closed now, not
            # whenever the garbage collector finalises the client's generator.
            async with contextlib.aclosing(chunks):
                events = stream_events(chunks, self.model, call.limit)
                async with contextlib.aclosing(events):
                    async for event in events:
                        if event.type == "response.completed":
                            completed = event.response
                            usage = usage_of_stream(completed.usage)
                            record_response(span, completed.output, usage, call.tracing)
                        yield event

    def _span(self, call: _Call) -> AbstractContextManager[Span[GenerationSpanData]]:
        base_url = ollama_client_base_url(self.client)
        messages = call.request["messages"]
        return model_call_span(self.model, call.settings, messages, base_url, call.tracing)

    def _call(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> _Call:
        """The `chat` arguments (all but `stream`) for a model call's arguments, with what
        its span and its truncation check need."""
        call = MODEL_CALL.bind(self, *args, **kwargs).arguments
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
        return _Call(request.chat_arguments(), settings.max_tokens, settings, call["tracing"])


@dataclasses.dataclass(frozen=True)
class _Call:
    request: dict[str, Any]
    limit: int | None  # The reply's token limit.
    settings: ModelSettings
    tracing: ModelTracing
