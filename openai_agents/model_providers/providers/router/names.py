"""Model names: the forms each backend takes, and how the prefix router reads a name
(`ollama/gpt-oss:20b`), without importing any backend, so that a starter can check a name
before anything starts and a worker before it serves.

How a name splits, in order:

    ollama/hf.co/org/model:Q4    a known prefix: ("ollama", "hf.co/org/model:Q4")
    gpt-oss:20b                  no `/`: no prefix, the whole name
    hf.co/org/model:Q4           first segment is a host (has a dot, is `localhost`,
    localhost:5000/org/model       or is `host:port`): no prefix, the whole name
    anthropic/claude-sonnet-4-5  anything else before the first `/`: an unknown prefix,
                                   which the router rejects

The host rule exists because Ollama pulls models straight from registries by path
(`hf.co/...`), and the GPT-OSS worker serves such names: under a router whose default
prefix is `ollama`, the same bare name must reach Ollama untouched rather than be read as
the prefix `hf.co/`. No built-in prefix looks like a host, so no other name changes
meaning; a prefix you map yourself wins even if it looks like one. A namespace without a host
(`user/model`) still needs `ollama/` in front: it cannot be told from a mistyped prefix.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from ..errors.types import ConfigurationError

BUILT_IN_PREFIXES = ("ollama", "openai", "litellm")

# Ollama: `[host[:port]/][namespace/]model[:tag]`, e.g. `gpt-oss:20b`, `hf.co/org/model:q4`
# or `localhost:5000/library/llama3`.
_OLLAMA_NAME = re.compile(r"([\w][\w.\-]*:\d+/)?[\w][\w.\-]*(/[\w.\-]+)*(:[\w.\-]+)?")
# LiteLLM: `provider/model`, e.g. `anthropic/claude-sonnet-4-5` or `ollama_chat/llama3:8b`.
_LITELLM_NAME = re.compile(r"[\w.\-]+/\S+")

# `host:port`, as in `localhost:5000/library/llama3`.
_HOST_WITH_PORT = re.compile(r"[\w.\-]+:\d+")


def looks_like_registry_host(segment: str) -> bool:
    """Whether a name's first segment is a registry host (`hf.co`, `localhost`,
    `registry:5000`) rather than a router prefix."""
    return "." in segment or segment == "localhost" or bool(_HOST_WITH_PORT.fullmatch(segment))


def split_model_name(
    model_name: str, known_prefixes: Collection[str] = BUILT_IN_PREFIXES
) -> tuple[str | None, str]:
    """("ollama", "gpt-oss:20b") for "ollama/gpt-oss:20b"; (None, name) without a prefix,
    including a registry path such as "hf.co/org/model:Q4" (see the module docstring).

    `known_prefixes` are the router's: one of them is a prefix even if it looks like a host.
    """
    prefix, slash, rest = model_name.partition("/")
    if not slash:
        return None, model_name
    if prefix not in known_prefixes and rest and looks_like_registry_host(prefix):
        return None, model_name
    return prefix, rest


def unknown_prefix_message(model_name: str, known_prefixes: list[str]) -> str:
    prefix = model_name.partition("/")[0]
    known = ", ".join(f"{p}/" for p in known_prefixes)
    return (
        f"unknown model prefix '{prefix}/' in '{model_name}': use one of {known} "
        f"(a LiteLLM model string goes after litellm/, e.g. litellm/{model_name})"
    )


def check_ollama_model_name(model: str) -> None:
    if not _OLLAMA_NAME.fullmatch(model):
        raise ConfigurationError(
            f"--model {model!r} is not an Ollama model name: use name:tag, e.g. gpt-oss:20b"
        )


def check_litellm_model_name(model: str) -> None:
    if not _LITELLM_NAME.fullmatch(model):
        raise ConfigurationError(
            f"--model {model!r} is not a LiteLLM model string: use provider/model, "
            "e.g. anthropic/claude-sonnet-4-5 (see https://docs.litellm.ai/docs/providers)"
        )


def check_models_and_fallbacks(models: Sequence[str], fallbacks: Sequence[str] = ()) -> None:
    """Reject, before anything starts, a name the router cannot route, and a fallback no
    agent of the run (each on one of `models`) would gain from: a call its model could
    not answer would fail the same way again. Names are compared as written."""
    for model in [*models, *fallbacks]:
        check_routable_model_name(model)
    for position, fallback in enumerate(fallbacks):
        if fallback in fallbacks[:position] or all(model == fallback for model in models):
            raise ConfigurationError(
                f"--fallback-model {fallback!r} repeats a model named before it: give each "
                "fallback a model the agent does not already use"
            )


def check_routable_model_name(
    model: str, known_prefixes: Collection[str] = BUILT_IN_PREFIXES
) -> None:
    """Reject, before anything starts, a name the router cannot route."""
    if not model or any(c.isspace() for c in model):
        raise ConfigurationError(
            f"--model {model!r} is not a router model name: use prefix/model, "
            f"e.g. ollama/gpt-oss:20b (prefixes: {', '.join(known_prefixes)})"
        )
    prefix, rest = split_model_name(model, known_prefixes)
    if prefix is not None and prefix not in known_prefixes:
        raise ConfigurationError(unknown_prefix_message(model, list(known_prefixes)))
    if prefix is not None and not rest:
        raise ConfigurationError(
            f"--model {model!r} names no model after '{prefix}/': use {prefix}/<model>, "
            "e.g. ollama/gpt-oss:20b"
        )
