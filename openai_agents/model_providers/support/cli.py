"""Plumbing every sample script shares: its arguments and prompt, a worker's logging, and
ending in one line and an exit code instead of a traceback."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import math
import os
import signal
import sys
import threading
import traceback
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import timedelta
from pathlib import Path
from typing import Any, NoReturn

from agents.tracing import get_trace_provider
from temporalio.converter import DataConverter
from temporalio.exceptions import ApplicationError

from openai_agents.model_providers.providers import DEFAULT_MAX_TOKENS, ConfigurationError
from openai_agents.model_providers.support.temporal import one_line_failure

DEFAULT_MODEL_CALL_TIMEOUT_SECONDS = 30.0
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_HEARTBEAT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_CONCURRENT_CALLS = 10  # Per model-call worker.
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
        "TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, or a TEMPORAL_PROFILE.",
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
    "LiteLLM's variables (ANTHROPIC_API_KEY, ...).\n"
)
"""What a worker that makes the router's model calls reads, for its --help."""


def add_router_arguments(parser: argparse.ArgumentParser) -> None:
    """A router worker's --default-prefix, --check-model and --context-tokens."""
    # Imported here: only the workers need the router, and the starters import this module.
    from openai_agents.model_providers.providers import BUILT_IN_PREFIXES, DEFAULT_CONTEXT_TOKENS

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


def prepare_worker_process(verbose: bool, *, quiet: bool = False) -> None:
    """A worker's logging, and the switches it needs before it imports a model client.
    `quiet` logs warnings and errors only (the demo)."""
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # HTTP clients log each request's URL, which may carry credentials: never, even -v.
    for http_client in ("httpx", "httpx2", "httpcore", "httpcore2"):
        logging.getLogger(http_client).setLevel(logging.WARNING)
    for noisy in ("openai", "openai.agents"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.WARNING)
    if not verbose:
        logging.getLogger("temporalio.activity").addFilter(one_line_classified_failures)
    if not quiet:  # The workflows' debug lines, e.g. each weather lookup.
        logging.getLogger("temporalio.workflow").setLevel(logging.DEBUG)
    # The Agents SDK would export traces to OpenAI. `set_tracing_disabled()` is undone by
    # the plugin's own trace provider, which reads this variable (=0 opts back in).
    os.environ.setdefault("OPENAI_AGENTS_DISABLE_TRACING", "1")
    # Else LiteLLM fetches its model cost map from the network while it is imported, and
    # (offline mode) other catalogs at call time, e.g. Anthropic's beta headers for a typed
    # answer: a blocking request of up to 5 s on the worker's event loop.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")


def one_line_classified_failures(record: logging.LogRecord) -> bool:
    """A model call's classified failure (an `ApplicationError`, whose message already says
    what to do) as one line, without the traceback Temporal logs with each failed attempt.
    Anything else is unforeseen and keeps its traceback."""
    error = record.exc_info[1] if record.exc_info else None
    if isinstance(error, ApplicationError):
        record.msg, record.args = f"{record.getMessage()}: {error.type}: {error.message}", None
        record.exc_info = None
    return True


def stop_requested() -> asyncio.Event:
    """An event set by Ctrl-C or SIGTERM from now on, instead of the script being
    interrupted: a worker waits for it, then its `async with Worker` shuts it down."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Windows has no loop signal handlers; Ctrl-C raises KeyboardInterrupt there.
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    return stop


def run_script(main: Callable[[], Coroutine[Any, Any, int]], *, verbose: bool) -> NoReturn:
    """Run a script's async main; a known failure is one line and an exit code."""
    # SIGTERM stops a script as Ctrl-C does: what its `async with` blocks started is shut
    # down (a worker replaces this, to stop gracefully).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        exit_code = asyncio.run(main())
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        exit_code = 130
    except Exception as error:
        if verbose:
            traceback.print_exc()
        line, exit_code = failure_line(error)
        print(line, file=sys.stderr)
    exit_skipping_teardown(exit_code)


def failure_line(error: BaseException) -> tuple[str, int]:
    """The one line a script prints for `error`, and its exit code: 2 for configuration,
    1 for a failed workflow or anything unforeseen."""
    line, is_configuration = one_line_failure(error)
    if line is None:
        detail = " ".join(str(error).split())
        line = f"error: unexpected {type(error).__name__}: {detail} (--verbose shows the traceback)"
    return line, 2 if is_configuration else 1


def exit_skipping_teardown(exit_code: int) -> NoReturn:
    """Exit without interpreter teardown, after flushing: the Temporal client's threads can
    abort it ("Fatal Python error: PyGILState_Release", temporalio/sdk-python#300) and turn
    a successful run into a crash."""
    get_trace_provider().shutdown()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(exit_code)


async def typed_lines(prompt: str) -> AsyncIterator[str]:
    """Each non-blank line of standard input until its end. Someone typing sees `prompt`
    first; piped lines are echoed after it, so the output reads as a transcript."""
    typing = sys.stdin.isatty()
    loop, lines = asyncio.get_running_loop(), asyncio.Queue[str]()

    def read() -> None:  # In a daemon thread: a blocked read must not hold up Ctrl-C.
        with contextlib.suppress(RuntimeError):  # The loop closed: the script is ending.
            for line in iter(sys.stdin.readline, ""):
                loop.call_soon_threadsafe(lines.put_nowait, line)
            loop.call_soon_threadsafe(lines.put_nowait, "")  # The end of input.

    threading.Thread(target=read, name="stdin-reader", daemon=True).start()
    while True:
        if typing:
            print(prompt, end="", flush=True)
        if not (line := await lines.get()):
            return
        if line.strip():
            if not typing:
                print(f"{prompt}{line.strip()}")
            yield line.strip()


async def typed_answer(prompt: str) -> str:
    """The line typed after `prompt` ('' at the end of input), read in a daemon thread: a
    blocked read must not hold up Ctrl-C."""
    loop, answer = asyncio.get_running_loop(), asyncio.get_running_loop().create_future()

    def read() -> None:
        line = sys.stdin.readline()

        def answered() -> None:
            if not answer.done():  # Not given up on, e.g. by Ctrl-C.
                answer.set_result(line)

        with contextlib.suppress(RuntimeError):  # The loop closed: the script is ending.
            loop.call_soon_threadsafe(answered)

    print(prompt, end="", flush=True)
    threading.Thread(target=read, name="stdin-reader", daemon=True).start()
    return str(await answer).strip()


def duration(text: str) -> timedelta:
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
