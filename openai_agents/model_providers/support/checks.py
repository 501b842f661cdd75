"""The form each sample expects of `--model`, checked before anything starts.

A malformed name would otherwise travel to the worker and fail there, after a
workflow had started, with the provider's less helpful words.

An Ollama name may be a registry path whose first segment is a host (`hf.co/org/model`,
`localhost:5000/library/llama3`). The prefix router reads such a bare name the same way,
as a whole name for its default provider rather than as a prefix (see `router_names`), so
a registry path that works with the GPT-OSS worker works unchanged with a router whose
default prefix is `ollama`. (A bare `namespace/model` needs `ollama/` there: the router
cannot tell it from a mistyped prefix.)
"""

from __future__ import annotations

import re

from openai_agents.model_providers.configuration import ConfigurationError

# Ollama: `[host[:port]/][namespace/]model[:tag]`, e.g. `gpt-oss:20b`, `hf.co/org/model:q4`
# or `localhost:5000/library/llama3`.
_OLLAMA_NAME = re.compile(r"([\w][\w.\-]*:\d+/)?[\w][\w.\-]*(/[\w.\-]+)*(:[\w.\-]+)?")
# LiteLLM: `provider/model`, e.g. `anthropic/claude-sonnet-4-5` or `ollama_chat/llama3:8b`.
_LITELLM_NAME = re.compile(r"[\w.\-]+/\S+")


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
