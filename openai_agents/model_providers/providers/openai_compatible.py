"""The start-up check of an OpenAI-compatible server (Ollama's `/v1`, llama.cpp's, vLLM's):
what the GPT-OSS sample's worker calls before it serves, with the `AsyncOpenAI` client it
built itself.
"""

from __future__ import annotations

import openai
from openai import AsyncOpenAI

from .errors.classification import ProviderDescription, raise_start_up_failure
from .errors.types import ConfigurationError


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
