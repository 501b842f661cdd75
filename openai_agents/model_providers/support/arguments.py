"""A sample script's command line: its parser and flags, their defaults, and the prompt's
check."""

from __future__ import annotations

import argparse
import math
import os
import sys
import uuid
from datetime import timedelta
from pathlib import Path

from temporalio.converter import DataConverter

from openai_agents.model_providers.providers import (
    BUILT_IN_PREFIXES,
    DEFAULT_MAX_TOKENS,
    ConfigurationError,
)

DEFAULT_MODEL_CALL_TIMEOUT_SECONDS = 30.0
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_HEARTBEAT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_CONCURRENT_CALLS = 10  # Per model-call worker.
# A router worker's --context-tokens (`chat_budgets.ConversationBudgets`).
DEFAULT_CONTEXT_TOKENS = 4096
"""The context window assumed where the backend does not say: Ollama's default `num_ctx`,
which it runs a model with unless told otherwise, and small enough for any hosted model."""
DEFAULT_PROMPT = "What's the weather in Tokyo?"
# Temporal's default limit for one payload. The prompt travels again in every model call's
# input, with the agent's instructions, tools and replies: leave them room.
PAYLOAD_LIMIT_BYTES = 2 * 1024 * 1024
MAX_PROMPT_BYTES = PAYLOAD_LIMIT_BYTES - 128 * 1024


def argument_parser(description: str | None, environment: str = "") -> argparse.ArgumentParser:
    """A script's parser: its docstring as help, --verbose, and where it finds Temporal."""
    parser = argparse.ArgumentParser(
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"{environment}Temporal: TEMPORAL_ADDRESS (host:port; default localhost:7233;\n"
        "for `uv run temporal server start-dev --port 7234`, TEMPORAL_ADDRESS=localhost:7234),\n"
        "TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, or a TEMPORAL_PROFILE.\n"
        "Traces: OTEL_EXPORTER_OTLP_ENDPOINT (OTLP/HTTP, e.g. http://127.0.0.1:6006 for\n"
        "`phoenix serve`); unset, nothing is traced.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logs and tracebacks")
    return parser


def add_model_call_arguments(parser: argparse.ArgumentParser) -> None:
    """A workflow worker's bounds on each model call (its activity's timeouts and attempts,
    its request's deadline and tokens), and whether model calls run as local activities."""
    add_request_arguments(parser)
    parser.add_argument(
        "--heartbeat-timeout",
        type=positive_number,
        default=DEFAULT_HEARTBEAT_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help="retry a model call whose worker died or hung after this, not after the whole "
        "--timeout; keep it below --timeout (default: %(default)g)",
    )
    parser.add_argument(
        "--max-attempts",
        type=at_least_one,
        default=DEFAULT_MAX_ATTEMPTS,
        metavar="N",
        help="attempts per model call before the workflow fails (default: %(default)d)",
    )
    parser.add_argument(
        "--fast-path",
        action="store_true",
        default=os.environ.get("AGENTS_FAST_PATH", "") not in ("", "0"),
        help="model calls as local activities: fewer round trips, but a crash repeats "
        "finished calls; see the README first (env: AGENTS_FAST_PATH=1)",
    )


def add_request_arguments(
    parser: argparse.ArgumentParser,
    timeout_help: str = "start-to-close timeout of each model call",
) -> None:
    """The bounds of each request to a model: any worker that makes model calls."""
    parser.add_argument(
        "--timeout",
        type=positive_number,
        default=DEFAULT_MODEL_CALL_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help=f"{timeout_help} (default: %(default)g)",
    )
    parser.add_argument(
        "--max-tokens",
        type=at_least_one,
        default=DEFAULT_MAX_TOKENS,
        metavar="N",
        help="cap on each reply's tokens; a reply that reaches it fails at once instead of "
        "running into the timeout, as a model that repeats itself would (default: %(default)d)",
    )


ROUTER_PROVIDERS = (
    "Model providers: OLLAMA_HOST, OLLAMA_API_KEY (Ollama Cloud), OPENAI_API_KEY,\n"
    "LiteLLM's variables (ANTHROPIC_API_KEY, ...). An OpenAI-compatible server (llama.cpp,\n"
    "vLLM, ...) for openai/ and litellm/openai/ models: OPENAI_BASE_URL=http://host:port/v1,\n"
    "and OPENAI_API_KEY set to its key, or to anything if it checks none.\n"
)
"""What a worker that makes the router's model calls reads, for its --help."""


def add_router_arguments(parser: argparse.ArgumentParser) -> None:
    """A router worker's --default-prefix, --check-model and --context-tokens."""
    parser.add_argument(
        "--default-prefix",
        choices=BUILT_IN_PREFIXES,
        default="ollama",
        help="backend for model names without a prefix (default: %(default)s)",
    )
    parser.add_argument(
        "--check-model",
        action="append",
        default=[],
        metavar="MODEL",
        help="check at start that it can be served: up, pulled, its key set (repeatable)",
    )
    parser.add_argument(
        "--context-tokens",
        type=at_least_one,
        default=DEFAULT_CONTEXT_TOKENS,
        metavar="N",
        help="a model's context window where its backend does not say, and the most assumed "
        "where it does (Ollama's /api/show); conversations are kept within it (default: "
        "%(default)d, Ollama's default num_ctx)",
    )


def add_workflow_arguments(parser: argparse.ArgumentParser, default_model: str | None) -> None:
    """A starter's --prompt or --prompt-file, --model and --workflow-id."""
    add_prompt_arguments(parser)
    parser.add_argument(
        "--model", default=default_model, help=f"the agent's model (default: {default_model})"
    )


def add_prompt_arguments(parser: argparse.ArgumentParser) -> None:
    """A starter's --prompt or --prompt-file, and --workflow-id."""
    prompt = parser.add_mutually_exclusive_group()
    prompt.add_argument("--prompt", default=DEFAULT_PROMPT, help="default: %(default)r")
    prompt.add_argument(
        "--prompt-file", type=Path, metavar="FILE", help="read the prompt from FILE ('-': stdin)"
    )
    parser.add_argument("--workflow-id", help="exact workflow id (default: a fresh one)")


def add_fallback_arguments(parser: argparse.ArgumentParser) -> None:
    """A router-based starter's --fallback-model, repeatable, tried in order."""
    parser.add_argument(
        "--fallback-model",
        action="append",
        default=[],
        metavar="MODEL",
        help="a model to make a call on when the ones before it fail in a way their provider "
        "will not fix (down, 5xx, 429, a rejected key, an unknown model); repeatable",
    )


def add_model_task_queue_argument(parser: argparse.ArgumentParser) -> None:
    """A workflow worker's --model-task-queue: the model calls on a queue of their own."""
    parser.add_argument(
        "--model-task-queue",
        default=os.environ.get("MODEL_TASK_QUEUE") or None,
        metavar="NAME",
        help="put the model calls on this task queue, served by run_model_call_worker.py: "
        "this worker then holds no provider keys and calls no provider (env: MODEL_TASK_QUEUE)",
    )


def positive_number(text: str) -> float:
    if not (0 < (value := float(text)) < math.inf):
        raise argparse.ArgumentTypeError(f"must be above 0, not {text}")
    return value


def at_least_one(text: str) -> int:
    if (value := int(text)) < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def checked_prompt(args: argparse.Namespace) -> str:
    """--prompt or --prompt-file, refused if the workflow could not take it."""
    try:
        prompt = args.prompt if args.prompt_file is None else _read(args.prompt_file)
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise ConfigurationError(
            f"cannot read --prompt-file {args.prompt_file}: {reason}"
        ) from error
    if not prompt.strip():
        raise ConfigurationError("prompt must not be empty: ask a question with --prompt")
    size = DataConverter.default.payload_converter.to_payloads([prompt])[0].ByteSize()
    if size > MAX_PROMPT_BYTES:
        raise ConfigurationError(
            f"the prompt is {size / 2**20:.2f} MiB; with the agent's instructions and tools "
            f"it must fit Temporal's {PAYLOAD_LIMIT_BYTES // 2**20} MiB payload limit "
            f"(at most {MAX_PROMPT_BYTES / 2**20:.2f} MiB): shorten it, or store the document "
            "elsewhere (e.g. object storage) and pass a reference to it"
        )
    return str(prompt)


def _read(path: Path) -> str:
    return sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")


def unique_workflow_id(prefix: str) -> str:
    # A fixed id would make a second run fail with "workflow already started" whenever the
    # first is still open (e.g. it waited for a worker that was never started).
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def parse_duration(text: str) -> timedelta:
    """A span such as 7d, 36h, 90m or 45s (a bare number: seconds)."""
    units = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    number, unit = (text[:-1], text[-1]) if text[-1:] in units else (text, "s")
    try:
        seconds = float(number) * units[unit]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a duration: {text!r} (e.g. 7d, 36h, 90m, 45s)"
        ) from None
    # A year at most: a deadline past what a workflow's clock can hold would fail its task.
    if not 0 < seconds <= 365 * 86400:
        raise argparse.ArgumentTypeError(f"must be above 0 and at most 365d, not {text}")
    return timedelta(seconds=seconds)
