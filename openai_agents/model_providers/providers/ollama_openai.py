"""Ollama's OpenAI-compatible API (`/v1`) as a model provider, through the Agents SDK's own
`OpenAIChatCompletionsModel`: what the GPT-OSS sample's worker serves by default.

Worker-side only. `checked_ollama_chat_completions_provider` is the one call a worker makes:
it builds the client (no client retries, a timeout under the activity's), checks at start
that the server answers and has the model, and wraps the provider so that each failure is
one classified, actionable line.
"""

from __future__ import annotations

import openai
from agents import Model, ModelProvider, OpenAIChatCompletionsModel
from openai import AsyncOpenAI

from .actionable_errors import DEFAULT_MAX_TOKENS, ActionableErrorsProvider
from .classification import ProviderDescription, describe_ollama, raise_start_up_failure
from .failure_types import ConfigurationError
from .ollama_hosts import normalized_ollama_url, ollama_host


class OllamaChatCompletionsProvider(ModelProvider):
    """Any model name, from Ollama's OpenAI-compatible API, through one shared client."""

    def __init__(self, client: AsyncOpenAI, default_model: str) -> None:
        self.client, self.default_model = client, default_model

    def get_model(self, model_name: str | None) -> Model:
        return OpenAIChatCompletionsModel(model_name or self.default_model, self.client)

    async def aclose(self) -> None:
        await self.client.close()


async def checked_ollama_chat_completions_provider(
    model: str,
    *,
    request_timeout_seconds: float,
    max_tokens: int | None = DEFAULT_MAX_TOKENS,
    host: str | None = None,
) -> ModelProvider:
    """The provider for Ollama's `/v1` at `host` (default: OLLAMA_HOST), serving `model` by
    default, checked: the server is up and has `model` (else a `ConfigurationError` that
    says what to do). Any OpenAI-compatible server works the same way."""
    host = ollama_host() if host is None else normalized_ollama_url(host, "host")
    # No client retries: Temporal's retry policy is the only one. Ollama ignores the key.
    client = AsyncOpenAI(
        base_url=f"{host}/v1", api_key="ollama", max_retries=0, timeout=request_timeout_seconds
    )
    description = describe_ollama(host)
    try:
        await check_openai_compatible_model(client, model, description, request_timeout_seconds)
    except BaseException:
        await client.close()
        raise
    # The Temporal plugin maps only OpenAI's own errors; this says what to do about each.
    return ActionableErrorsProvider(
        OllamaChatCompletionsProvider(client, model),
        lambda _model: description,
        request_timeout_seconds,
        max_tokens=max_tokens,
    )


async def check_openai_compatible_model(
    client: AsyncOpenAI,
    model: str,
    description: ProviderDescription,
    request_timeout_seconds: float,
) -> None:
    """Fail fast, at worker start, when the server behind `client` is down or does not
    have `model`, in the words a model call would fail with.

    Ollama answers `GET /v1/models/{id}`; other OpenAI-compatible servers (llama.cpp's
    among them) have only the list, `GET /v1/models`, and 404 the rest: then the model is
    looked up there.
    """
    try:
        await client.models.retrieve(model)
    except openai.NotFoundError as error:
        if model in str(error.message):  # The server knows the route: it lacks the model.
            raise_start_up_failure(error, model, description, request_timeout_seconds)
        served = [listed.id async for listed in client.models.list()]
        if model not in served:
            raise ConfigurationError(
                f"{description.where} does not serve model '{model}' (its /v1/models lists "
                f"{', '.join(served) or 'none'}): name one of those with --model"
            ) from error
    except Exception as error:
        raise_start_up_failure(error, model, description, request_timeout_seconds)
