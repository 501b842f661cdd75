"""Model providers for Agents SDK agents in Temporal workers. Worker-side only: workflows
name models as plain strings, and the worker's provider turns a name into calls.

    from openai_agents.model_providers.providers import MultiModelProvider, OllamaModelProvider

The public names and constructor arguments are those of the `timestep` package, so its
examples work by changing only the import. Each backend also has one checked factory, the
call a worker makes at start: it builds the provider, checks that the backend can serve
the model (else a one-line `ConfigurationError`), and wraps it so that every failure is a
classified, actionable Temporal error.

Names are imported on first use, so importing this package imports no client library:
`OllamaModelProvider` imports `ollama`, `checked_litellm_provider` imports LiteLLM (seconds,
~200 MB). The package imports nothing from the rest of this repository and refers to
itself relatively: copy the folder into your project under any name.
"""

from __future__ import annotations

import ast
import functools
import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

# The public names, each imported from the module (in this package) that defines it: written
# once, here. Type checkers read these imports (`X as X`: re-exported); at run time they are
# not run but read, at the first name looked up, and each name is imported on first use.
if TYPE_CHECKING:
    from .actionable_errors import DEFAULT_MAX_TOKENS as DEFAULT_MAX_TOKENS
    from .actionable_errors import ActionableErrorsProvider as ActionableErrorsProvider
    from .actionable_errors import request_timeout_under as request_timeout_under
    from .classification import ProviderDescription as ProviderDescription
    from .classification import translate_provider_error as translate_provider_error
    from .conversation_budgets import DEFAULT_CONTEXT_TOKENS as DEFAULT_CONTEXT_TOKENS
    from .conversation_budgets import ConversationBudgets as ConversationBudgets
    from .failure_types import ConfigurationError as ConfigurationError
    from .litellm_provider import checked_litellm_provider as checked_litellm_provider
    from .model_names import BUILT_IN_PREFIXES as BUILT_IN_PREFIXES
    from .model_names import check_litellm_model_name as check_litellm_model_name
    from .model_names import check_ollama_model_name as check_ollama_model_name
    from .model_names import check_router_model_name as check_router_model_name
    from .model_names import check_router_model_names as check_router_model_names
    from .multi_provider import MultiModelProvider as MultiModelProvider
    from .multi_provider import MultiModelProviderMap as MultiModelProviderMap
    from .multi_provider import checked_multi_provider as checked_multi_provider
    from .ollama_hosts import ollama_host as ollama_host
    from .ollama_model import OllamaModel as OllamaModel
    from .ollama_openai import OllamaChatCompletionsProvider as OllamaChatCompletionsProvider
    from .ollama_openai import (
        checked_ollama_chat_completions_provider as checked_ollama_chat_completions_provider,
    )
    from .ollama_provider import OllamaModelProvider as OllamaModelProvider
    from .ollama_provider import checked_ollama_provider as checked_ollama_provider


@functools.cache
def _homes() -> dict[str, str]:
    """Public name -> its module, from the `if TYPE_CHECKING:` imports above. Read at the
    first look-up, not at import: workflow code imports submodules (`failure_types`) inside
    Temporal's sandbox, which forbids reading files."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    [block] = [node for node in tree.body if isinstance(node, ast.If)]
    return {
        alias.name: str(node.module)
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


def __getattr__(name: str) -> Any:
    if name == "__all__":
        return list(_homes())
    if name not in _homes():
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_homes()[name]}", __name__), name)
    globals()[name] = value  # Looked up once.
    return value
