"""The router sample's backend: `MultiModelProvider`, plus start-up checks for a model.

Worker-side only. Importing it imports the `ollama` client, which reads OLLAMA_HOST at
import time: scripts import it inside the code that reports configuration errors.
"""

from __future__ import annotations

import os

from openai_agents.model_providers.configuration import ConfigurationError, ModelCallPolicy
from openai_agents.model_providers.providers import MultiModelProvider, OllamaModelProvider
from openai_agents.model_providers.providers.ollama_model import DEFAULT_REQUEST_TIMEOUT_SECONDS
from openai_agents.model_providers.router_names import check_router_model_name, split_model_name


def create_router_provider(
    policy: ModelCallPolicy, default_prefix: str = "ollama"
) -> MultiModelProvider:
    """The provider a router worker hands to the Temporal plugin."""
    return MultiModelProvider(
        default_prefix=default_prefix,
        request_timeout_seconds=policy.request_timeout_seconds,
    )


async def check_router_model_ready(
    model: str,
    default_prefix: str = "ollama",
    *,
    request_timeout_seconds: float = DEFAULT_REQUEST_TIMEOUT_SECONDS,
) -> None:
    """Fail fast, at worker start, when the backend `model` routes to cannot serve it.

    `request_timeout_seconds` bounds the check's request to Ollama, connecting included.
    """
    check_router_model_name(model)
    prefix, rest = split_model_name(model)
    prefix = prefix or default_prefix
    if prefix == "ollama":
        ollama = OllamaModelProvider(request_timeout_seconds=request_timeout_seconds)
        try:
            await ollama.check_model_available(rest)
        finally:
            await ollama.aclose()
    elif prefix == "litellm":
        from openai_agents.model_providers.litellm_backend import check_litellm_credentials

        check_litellm_credentials(rest)
    elif not os.environ.get("OPENAI_API_KEY"):
        raise ConfigurationError(
            f"{model} routes to OpenAI, which needs OPENAI_API_KEY: export it before "
            "starting the worker, or choose an ollama/ or litellm/ model"
        )
