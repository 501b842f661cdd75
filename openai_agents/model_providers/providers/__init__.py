"""Model providers for Agents SDK agents in Temporal workers. Worker-side only: workflows
name models as plain strings, and the worker's provider turns a name into calls.

    from providers import MultiModelProvider, MultiModelProviderMap
    from providers.ollama_native import OllamaModel, OllamaModelProvider

The public names and constructor arguments are those of the `timestep` package, so its
examples work by changing only these imports. Each unit is read on its own:

    router/             MultiModelProvider: a model name's prefix picks its backend
    ollama_native/      OllamaModelProvider: Ollama's native /api/chat, local and cloud
    errors/             ActionableErrorsProvider: any provider's calls bounded and its
                        failures classified; the failure types (standard library only)
    ollama_hosts.py     OLLAMA_HOST read as Ollama reads it; Ollama Cloud
    openai_compatible.py  the start-up check of an OpenAI-compatible server (`/v1`)
    litellm_checks.py   LiteLLM's key check, failure description and call bounds
    _library_internals.py  every use of another library's private API

This package imports neither the `ollama` library nor LiteLLM: `providers.ollama_native` and
`providers.litellm_checks` do, and the router imports them at its first call that needs
them. It imports nothing from the rest of this repository and refers to itself relatively:
copy the folder into your project under any name.
"""

from .errors.classification import ProviderDescription, describe_ollama, translate_provider_error
from .errors.types import FAILOVER_TYPES, FAILURE_TYPES, ConfigurationError, FailureType
from .errors.wrapper import DEFAULT_MAX_TOKENS, ActionableErrorsProvider, request_timeout_under
from .ollama_hosts import ollama_host
from .openai_compatible import check_openai_compatible_model
from .router.names import (
    BUILT_IN_PREFIXES,
    check_litellm_model_name,
    check_models_and_fallbacks,
    check_ollama_model_name,
    check_routable_model_name,
    split_model_name,
)
from .router.provider import MultiModelProvider, MultiModelProviderMap, check_models_ready

__all__ = [
    "BUILT_IN_PREFIXES",
    "DEFAULT_MAX_TOKENS",
    "FAILOVER_TYPES",
    "FAILURE_TYPES",
    "ActionableErrorsProvider",
    "ConfigurationError",
    "FailureType",
    "MultiModelProvider",
    "MultiModelProviderMap",
    "ProviderDescription",
    "check_litellm_model_name",
    "check_models_and_fallbacks",
    "check_models_ready",
    "check_ollama_model_name",
    "check_openai_compatible_model",
    "check_routable_model_name",
    "describe_ollama",
    "ollama_host",
    "request_timeout_under",
    "split_model_name",
    "translate_provider_error",
]
