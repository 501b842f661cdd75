"""The GPT-OSS sample's backend: Ollama's OpenAI-compatible `/v1` API.

Worker-side only: this module builds HTTP clients, which workflow code must never do.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

import openai
from agents import Model, ModelProvider, OpenAIChatCompletionsModel
from openai import AsyncOpenAI

from openai_agents.model_providers.configuration import ConfigurationError, ModelCallPolicy
from openai_agents.model_providers.provider_errors import (
    ActionableErrorsProvider,
    ProviderDescription,
    without_credentials,
)

DEFAULT_OLLAMA_HOST = "http://localhost:11434"
_DEFAULT_OLLAMA_PORT = 11434


def ollama_host(environ: Mapping[str, str] = os.environ) -> str:
    """The Ollama server's base URL from `OLLAMA_HOST`, as Ollama itself reads it.

    Like the `ollama` CLI and client, a bare `host` or `host:port` means plain HTTP on
    port 11434 by default. Anything that is not an HTTP(S) URL is a configuration error.
    """
    raw = environ.get("OLLAMA_HOST", "").strip()
    if not raw:
        return DEFAULT_OLLAMA_HOST
    if raw.startswith(":"):  # Ollama reads ":11500" as a port on the loopback address.
        raw = f"127.0.0.1{raw}"
    with_scheme = raw if "://" in raw else f"http://{raw}"
    problem = _url_problem(with_scheme)
    if problem:
        shown = without_credentials(with_scheme) if "@" in raw else raw
        raise ConfigurationError(
            f"OLLAMA_HOST={shown!r} is not a valid Ollama URL ({problem}); "
            f"set it like {DEFAULT_OLLAMA_HOST} or unset it"
        )
    parts = urlsplit(with_scheme)
    if parts.port is None and "://" not in raw:
        parts = parts._replace(netloc=f"{parts.netloc}:{_DEFAULT_OLLAMA_PORT}")
    return parts._replace(path=parts.path.rstrip("/"), query="", fragment="").geturl()


def _url_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"scheme must be http or https, not {parts.scheme!r}"
    if not parts.hostname or any(c.isspace() for c in url):
        return "no host name"
    try:
        parts.port  # noqa: B018 - urllib validates the port lazily, on access.
    except ValueError:
        return "the port is not a number from 0 to 65535"
    return None


def describe_ollama(host: str) -> ProviderDescription:
    return ProviderDescription(
        name="Ollama",
        location=without_credentials(host),
        start_hint="start it with `ollama serve`, or point OLLAMA_HOST at a running server",
        missing_model_hint="pull it with `ollama pull {model}`",
        credentials_hint="this Ollama server requires credentials; check its proxy settings",
    )


class OllamaChatCompletionsProvider(ModelProvider):
    """Serves any model name from Ollama's OpenAI-compatible Chat Completions API.

    One `AsyncOpenAI` client is shared by every call. Its own retries are off and its
    timeout sits under the activity's, so Temporal's retry policy alone decides what
    happens after a failure.
    """

    def __init__(self, host: str, default_model: str, request_timeout_seconds: float) -> None:
        self.description = describe_ollama(host)
        self._default_model = default_model
        self._client = AsyncOpenAI(
            base_url=f"{host}/v1",
            api_key="ollama",  # Required by the client, ignored by Ollama.
            max_retries=0,
            timeout=request_timeout_seconds,
        )

    def get_model(self, model_name: str | None) -> Model:
        return OpenAIChatCompletionsModel(
            model=model_name or self._default_model, openai_client=self._client
        )

    async def check_model_available(self, model: str) -> None:
        """Fail fast, at worker start, when Ollama is down or the model is not pulled."""
        try:
            await self._client.models.retrieve(model)
        except openai.APIConnectionError as error:
            raise ConfigurationError(self.description.unreachable()) from error
        except openai.NotFoundError as error:
            raise ConfigurationError(
                f"model '{model}' is not pulled on the Ollama server at "
                f"{self.description.location}: run `ollama pull {model}`"
            ) from error
        except openai.APIStatusError as error:
            raise ConfigurationError(
                f"Ollama at {self.description.location} answered HTTP {error.status_code} when "
                f"asked for model '{model}'; check that OLLAMA_HOST points at an Ollama server"
            ) from error

    async def aclose(self) -> None:
        await self._client.close()


async def create_gpt_oss_provider(default_model: str, policy: ModelCallPolicy) -> ModelProvider:
    """The provider a GPT-OSS worker hands to the Temporal plugin, checked for readiness.

    Raises ConfigurationError when OLLAMA_HOST is malformed, Ollama is down or
    `default_model` is not pulled. Close the returned provider with `aclose()`.
    """
    provider = OllamaChatCompletionsProvider(
        ollama_host(), default_model, policy.request_timeout_seconds
    )
    try:
        await provider.check_model_available(default_model)
    except ConfigurationError:
        await provider.aclose()
        raise
    return ActionableErrorsProvider(
        provider, lambda _model_name: provider.description, policy.request_timeout_seconds
    )
