"""The GPT-OSS sample's backend: Ollama's OpenAI-compatible `/v1` API.

Worker-side only: this module builds HTTP clients, which workflow code must never do.
"""

from __future__ import annotations

import openai
from agents import Model, ModelProvider, OpenAIChatCompletionsModel
from openai import AsyncOpenAI

from openai_agents.model_providers.configuration import ConfigurationError, ModelCallPolicy
from openai_agents.model_providers.ollama_hosts import describe_ollama, ollama_host
from openai_agents.model_providers.provider_errors import ActionableErrorsProvider


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
