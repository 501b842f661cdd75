"""What every sample script shares: arguments, logging, and turning failures into one line
and an exit code."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
import traceback
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowFailureError, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError, FailureError, TimeoutError

from openai_agents.model_providers.providers.errors import ConfigurationError
from openai_agents.model_providers.support.process_exit import exit_skipping_teardown
from openai_agents.model_providers.support.temporal import temporal_failure_message

EXIT_WORKFLOW_FAILED = 1
EXIT_UNEXPECTED_ERROR = 1
EXIT_CONFIGURATION_ERROR = 2
EXIT_INTERRUPTED = 130

DEFAULT_MODEL_CALL_TIMEOUT_SECONDS = 30.0
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_HEARTBEAT_TIMEOUT_SECONDS = 10.0
DEFAULT_PROMPT = "What's the weather in Tokyo?"

# Every script's `--help` ends with this: where it finds Temporal.
TEMPORAL_SETTINGS = (
    "Temporal: TEMPORAL_ADDRESS (host:port; default localhost:7233; for a dev server started\n"
    "with `uv run temporal server start-dev --port 7234`, TEMPORAL_ADDRESS=localhost:7234),\n"
    "TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, or a TEMPORAL_PROFILE."
)


def add_verbose_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="debug logging and full tracebacks"
    )


def add_model_call_arguments(parser: argparse.ArgumentParser) -> None:
    """--timeout, --heartbeat-timeout, --max-attempts and --fast-path: the model
    activity's start-to-close and heartbeat timeouts, retry limit, and whether it runs as
    a local activity."""
    parser.add_argument(
        "--timeout",
        type=positive_number,
        default=DEFAULT_MODEL_CALL_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help="start-to-close timeout of each model call (default: %(default)g)",
    )
    parser.add_argument(
        "--heartbeat-timeout",
        type=positive_number,
        default=DEFAULT_HEARTBEAT_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help="retry a model call whose worker stopped heartbeating (it died, or its event "
        "loop is blocked) after this long, not after the whole --timeout; keep it below "
        "--timeout (default: %(default)g)",
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
        help="run model calls as local activities (and, in the demo, start workflows "
        "eagerly): fewer round trips, for short model calls; see the README before "
        "switching it for running workflows (env: AGENTS_FAST_PATH=1)",
    )


def positive_number(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be positive, e.g. --timeout 30")
    return value


def at_least_one(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_workflow_arguments(parser: argparse.ArgumentParser, default_model: str | None) -> None:
    """--prompt or --prompt-file, --model and --workflow-id; a None model means "the
    sample's default"."""
    prompt = parser.add_mutually_exclusive_group()
    prompt.add_argument(
        "--prompt", default=DEFAULT_PROMPT, help="what to ask the agent (default: %(default)r)"
    )
    prompt.add_argument(
        "--prompt-file",
        type=Path,
        metavar="FILE",
        help="read the prompt from FILE ('-' for stdin), for prompts too long for a command line",
    )
    parser.add_argument(
        "--model",
        default=default_model,
        help=f"model the agent asks for (default: {default_model or 'the sample default'})",
    )
    parser.add_argument(
        "--workflow-id",
        help="exact workflow id; by default a fresh id per run, so runs never collide",
    )


def unique_workflow_id(prefix: str) -> str:
    # A fixed id would make a second run fail with "workflow already started" whenever the
    # first is still open (e.g. it waited for a worker that was never started).
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def typed_lines(prompt: str) -> AsyncIterator[str]:
    """Each non-blank line of standard input, until its end (Ctrl-D, or the last piped
    line). Someone typing sees `prompt` before each line; piped lines are echoed after it,
    so the output reads as a transcript."""
    typing = sys.stdin.isatty()
    lines = _lines_read_in_the_background()
    while True:
        if typing:
            print(prompt, end="", flush=True)
        line = await lines.get()
        if not line:
            return
        if line.strip():
            if not typing:
                print(f"{prompt}{line.strip()}")
            yield line.strip()


def _lines_read_in_the_background() -> asyncio.Queue[str]:
    """Standard input's lines, then "" at its end, read by a daemon thread.

    A blocking read would stop the event loop; in `asyncio.to_thread` it would instead
    keep Ctrl-C from ending the script, as `asyncio.run` waits for its threads, and this
    one waits for a line. A daemon thread is left behind when the script exits.
    """
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str] = asyncio.Queue()

    def read() -> None:
        try:
            for line in iter(sys.stdin.readline, ""):
                loop.call_soon_threadsafe(lines.put_nowait, line)
            loop.call_soon_threadsafe(lines.put_nowait, "")
        except RuntimeError:  # The loop closed: the script is ending.
            pass

    threading.Thread(target=read, name="stdin-reader", daemon=True).start()
    return lines


def prepare_worker_process(verbose: bool, *, quiet: bool = False) -> None:
    """Logging plus the process-wide switches a worker needs before it imports a model
    client library or starts. `quiet` logs warnings and errors only (the demo)."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # The HTTP clients log every request's full URL, which may carry credentials
    # (`https://user:token@host`): keep them quiet even with --verbose.
    for http_client in ("httpx", "httpx2", "httpcore", "httpcore2"):
        logging.getLogger(http_client).setLevel(logging.WARNING)
    for noisy in ("openai", "openai.agents"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.WARNING)
    if not verbose:
        logging.getLogger("temporalio.activity").addFilter(one_line_classified_failures)
    if not quiet:
        # Show the workflows' `workflow.logger.debug(...)` lines, e.g. each weather lookup.
        logging.getLogger("temporalio.workflow").setLevel(logging.DEBUG)
    # The Agents SDK exports traces to OpenAI by default, which needs an OpenAI key these
    # samples don't have. `set_tracing_disabled()` would be undone: the Temporal plugin
    # installs a fresh trace provider when the worker starts, and that provider reads
    # this variable. `setdefault` lets you opt back in with OPENAI_AGENTS_DISABLE_TRACING=0.
    os.environ.setdefault("OPENAI_AGENTS_DISABLE_TRACING", "1")
    # LiteLLM fetches its model cost map from the network while it is imported, unless
    # told to use the copy it ships.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


def one_line_classified_failures(record: logging.LogRecord) -> bool:
    """Log a model call's classified failure as one line, without its traceback.

    Temporal logs every failed activity attempt with the exception's traceback. When the
    exception is an `ApplicationError`, our model wrapper already said in its message what
    went wrong and how to fix it; frames add only noise, once per retry. Anything else is
    an unforeseen error and keeps its traceback. `--verbose` keeps them all.
    """
    error = record.exc_info[1] if record.exc_info else None
    if isinstance(error, ApplicationError):
        record.msg = f"{record.getMessage()}: {error.type}: {error.message}"
        record.args = None
        record.exc_info = None
    return True


async def until_stopped() -> None:
    """Wait for Ctrl-C (SIGINT) or SIGTERM: then a worker's `async with` block ends and the
    worker shuts down: it stops polling, cancels the model calls in flight (their workflows
    retry them on another worker) and exits with 0 instead of a traceback."""
    stop = asyncio.Event()
    call_on_stop_signals(stop.set)
    await stop.wait()


def run_script(main: Callable[[], Coroutine[Any, Any, int]], *, verbose: bool) -> None:
    """Run a script's async main and turn known failures into one line and an exit code."""
    try:
        exit_code = asyncio.run(_cancelled_by_signals(main()))
    except KeyboardInterrupt:  # Before the event loop took over the signals.
        exit_code = EXIT_INTERRUPTED
    except Exception as error:
        if verbose and not isinstance(error, WorkflowFailureError):
            traceback.print_exc()
        line, exit_code = failure_line(error)
        print(line, file=sys.stderr)
    exit_skipping_teardown(exit_code)


def failure_line(error: BaseException) -> tuple[str, int]:
    """The one line a script prints for `error`, and its exit code."""
    if isinstance(error, WorkflowFailureError):
        return f"Workflow failed: {workflow_failure_message(error)}", EXIT_WORKFLOW_FAILED
    message = (
        str(error) if isinstance(error, ConfigurationError) else temporal_failure_message(error)
    )
    if message is not None:
        return f"error: {message}", EXIT_CONFIGURATION_ERROR
    # A bug or an unforeseen failure: still one line by default.
    detail = " ".join(str(error).split())
    return (
        f"error: unexpected {type(error).__name__}: {detail} (--verbose shows the traceback)",
        EXIT_UNEXPECTED_ERROR,
    )


def call_on_stop_signals(callback: Callable[[], object]) -> None:
    """Call `callback` on Ctrl-C (SIGINT) or SIGTERM, replacing earlier handlers."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Windows has no loop signal handlers; Ctrl-C raises KeyboardInterrupt there.
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, callback)


async def _cancelled_by_signals(main: Coroutine[Any, Any, int]) -> int:
    """Run `main`; Ctrl-C or SIGTERM cancels it, so its `async with` blocks shut down what
    they started (worker, dev server). Python 3.11+ does this for Ctrl-C; 3.10 does not.
    A worker replaces these handlers with `until_stopped`'s, to stop gracefully."""
    task = asyncio.ensure_future(main)
    call_on_stop_signals(task.cancel)
    try:
        return await task
    except asyncio.CancelledError:
        print("Interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED


def workflow_failure_message(error: WorkflowFailureError | WorkflowUpdateFailedError) -> str:
    """The most useful single line from a failed workflow's (or Update's) cause chain.

    That is the first application error (the message our model wrapper or the workflow
    wrote), else a timeout, else the innermost cause.
    """
    cause: BaseException | None = error.cause
    innermost: BaseException = error
    while cause is not None:
        if isinstance(cause, ApplicationError):
            return cause.message
        if isinstance(cause, TimeoutError):
            return f"{cause.message} ({cause.type.name if cause.type else 'timeout'})"
        innermost = cause
        cause = cause.cause if isinstance(cause, FailureError) else None
    return str(innermost)
