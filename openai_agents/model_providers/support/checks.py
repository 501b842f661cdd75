"""Checks the scripts run before anything starts, so that a mistake reads as one line
that says what to fix, instead of a failure after a workflow has started.

- model names: the form each sample expects of `--model`;
- prompts: empty, or too large for Temporal's payload limit;
- model backends, at worker start: down, missing the model, or missing a key.

An Ollama name may be a registry path whose first segment is a host (`hf.co/org/model`,
`localhost:5000/library/llama3`). The prefix router reads such a bare name the same way,
as a whole name for its default provider rather than as a prefix (see
`providers.model_prefixes`), so a registry path that works with the GPT-OSS worker works
unchanged with a router whose default prefix is `ollama`. (A bare `namespace/model` needs
`ollama/` there: the router cannot tell it from a mistyped prefix.)
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from openai import AsyncOpenAI
from temporalio.converter import DataConverter

from openai_agents.model_providers.providers.errors import (
    ConfigurationError,
    ProviderDescription,
    check_failure,
)
from openai_agents.model_providers.providers.model_prefixes import (
    BUILT_IN_PREFIXES,
    split_model_name,
    unknown_prefix_message,
)
from openai_agents.model_providers.providers.timeouts import DEFAULT_REQUEST_TIMEOUT_SECONDS

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


# Temporal's default limit for one payload (the server's `limit.blobSize.error`). The
# server rejects a larger workflow input, and the prompt travels again in every model
# call's input, together with the agent's instructions, tool schemas and earlier replies:
# leave them room.
PAYLOAD_LIMIT_BYTES = 2 * 1024 * 1024
ROOM_FOR_THE_REST_OF_A_MODEL_CALL_BYTES = 128 * 1024
MAX_PROMPT_BYTES = PAYLOAD_LIMIT_BYTES - ROOM_FOR_THE_REST_OF_A_MODEL_CALL_BYTES


def checked_prompt(args: argparse.Namespace) -> str:
    """The prompt from --prompt or --prompt-file, refused before anything starts if the
    workflow could not take it."""
    prompt: str = args.prompt if args.prompt_file is None else _read_prompt_file(args.prompt_file)
    if not prompt.strip():
        raise ConfigurationError("prompt must not be empty: ask a question with --prompt")
    [payload] = DataConverter.default.payload_converter.to_payloads([prompt])
    size = payload.ByteSize()
    if size > MAX_PROMPT_BYTES:
        raise ConfigurationError(
            f"the prompt is {size / 2**20:.2f} MiB; with the agent's instructions and tools "
            f"it must fit Temporal's {PAYLOAD_LIMIT_BYTES // 2**20} MiB payload limit "
            f"(at most {MAX_PROMPT_BYTES / 2**20:.2f} MiB): shorten it, or store the document "
            "elsewhere (e.g. object storage) and pass a reference to it"
        )
    return prompt


def _read_prompt_file(path: Path) -> str:
    if str(path) == "-":
        return sys.stdin.read()
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise ConfigurationError(f"cannot read --prompt-file {path}: {reason}") from error


async def check_openai_compatible_model(
    client: AsyncOpenAI,
    model: str,
    description: ProviderDescription,
    request_timeout_seconds: float,
) -> None:
    """Fail fast, at worker start, when the server behind `client` (Ollama's `/v1`) is
    down or does not have `model`, in the words a model call would fail with."""
    try:
        await client.models.retrieve(model)
    except Exception as error:
        failure = check_failure(error, model, description, request_timeout_seconds)
        if failure is None:
            raise
        raise failure from error


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
        # Imported here, like the router imports its backends: on first use.
        from openai_agents.model_providers.providers.ollama_provider import OllamaModelProvider

        ollama = OllamaModelProvider(request_timeout_seconds=request_timeout_seconds)
        try:
            await ollama.check_model_available(rest)
        finally:
            await ollama.aclose()
    elif prefix == "litellm":
        from openai_agents.model_providers.providers.litellm_provider import (
            check_litellm_credentials,
        )

        check_litellm_credentials(rest)
    elif not os.environ.get("OPENAI_API_KEY"):
        raise ConfigurationError(
            f"{model} routes to OpenAI, which needs OPENAI_API_KEY: export it before "
            "starting the worker, or choose an ollama/ or litellm/ model"
        )
