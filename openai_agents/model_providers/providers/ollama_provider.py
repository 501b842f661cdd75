"""`OllamaModelProvider`: local and Ollama Cloud models from one provider.

Worker-side only. The host is chosen per model name: `…-cloud` models go to Ollama Cloud
with the API key, every other model to the local server. Each host has one shared
client, reused across calls and turns, and the cloud key is sent to the cloud only.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Generator

import httpx
import pydantic
from agents import Model, ModelProvider, UserError
from temporalio.exceptions import ApplicationError

from ._ollama import ollama
from .actionable_errors import DEFAULT_MAX_TOKENS, DEFAULT_REQUEST_TIMEOUT_SECONDS
from .classification import (
    ProviderDescription,
    describe_ollama,
    describe_ollama_cloud,
    raise_start_up_failure,
)
from .failure_types import ConfigurationError, FailureType
from .model_names import check_ollama_model_name
from .ollama_hosts import (
    CLOUD_MODEL_SUFFIX,
    OLLAMA_CLOUD_HOST,
    is_cloud_model,
    normalized_ollama_url,
    not_ollama,
    ollama_host,
)
from .ollama_model import OllamaModel

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


async def checked_ollama_provider(
    model: str, *, request_timeout_seconds: float, max_tokens: int | None = DEFAULT_MAX_TOKENS
) -> OllamaModelProvider:
    """The native provider for OLLAMA_HOST (and Ollama Cloud for `-cloud` names), checked
    at start: the model's host is up, accepts the key and has `model` (else a
    `ConfigurationError` that says what to do)."""
    check_ollama_model_name(model)
    provider = OllamaModelProvider(
        request_timeout_seconds=request_timeout_seconds, max_tokens=max_tokens
    )
    try:
        await provider.check_model_available(model)
    except BaseException:
        await provider.aclose()
        raise
    return provider
