"""How the prefix router reads a model name (`ollama/gpt-oss:20b`), without importing any
backend, so that starters can check a name before anything starts.

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
from collections.abc import Collection

BUILT_IN_PREFIXES = ("ollama", "openai", "litellm")

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
