"""Model names for the prefix router (`ollama/gpt-oss:20b`), without importing any backend,
so that starters can check a name before anything starts."""

from __future__ import annotations

from openai_agents.model_providers.configuration import ConfigurationError

BUILT_IN_PREFIXES = ("ollama", "openai", "litellm")


def split_model_name(model_name: str) -> tuple[str | None, str]:
    """("ollama", "gpt-oss:20b") for "ollama/gpt-oss:20b"; (None, name) without a prefix."""
    prefix, slash, rest = model_name.partition("/")
    return (prefix, rest) if slash else (None, model_name)


def unknown_prefix_message(model_name: str, known_prefixes: list[str]) -> str:
    prefix, _rest = split_model_name(model_name)
    known = ", ".join(f"{p}/" for p in known_prefixes)
    return (
        f"unknown model prefix '{prefix}/' in '{model_name}': use one of {known} "
        f"(a LiteLLM model string goes after litellm/, e.g. litellm/{model_name})"
    )


def check_router_model_name(model: str) -> None:
    """Reject, before anything starts, a name the router cannot route."""
    if not model or any(c.isspace() for c in model):
        raise ConfigurationError(
            f"--model {model!r} is not a router model name: use prefix/model, "
            f"e.g. ollama/gpt-oss:20b (prefixes: {', '.join(BUILT_IN_PREFIXES)})"
        )
    prefix, rest = split_model_name(model)
    if prefix is not None and prefix not in BUILT_IN_PREFIXES:
        raise ConfigurationError(unknown_prefix_message(model, list(BUILT_IN_PREFIXES)))
    if prefix is not None and not rest:
        raise ConfigurationError(
            f"--model {model!r} names no model after '{prefix}/': use {prefix}/<model>, "
            "e.g. ollama/gpt-oss:20b"
        )
