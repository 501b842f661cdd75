"""What every sample script shares: arguments, logging, error reporting."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
import traceback
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any, NoReturn

from agents.tracing import get_trace_provider
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ApplicationError, FailureError, TimeoutError

from openai_agents.model_providers.configuration import (
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MODEL_CALL_TIMEOUT,
    ConfigurationError,
    ModelCallPolicy,
)

EXIT_WORKFLOW_FAILED = 1
EXIT_UNEXPECTED_ERROR = 1
EXIT_CONFIGURATION_ERROR = 2
EXIT_INTERRUPTED = 130

DEFAULT_PROMPT = "What's the weather in Tokyo?"


def add_verbose_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="debug logging and full tracebacks"
    )


def add_model_call_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_MODEL_CALL_TIMEOUT.total_seconds(),
        metavar="SECONDS",
        help="start-to-close timeout of each model call (default: %(default)g)",
    )
    parser.add_argument(
        "--max-attempts",
        type=int,
        default=DEFAULT_MAX_ATTEMPTS,
        metavar="N",
        help="attempts per model call before the workflow fails (default: %(default)d)",
    )


def model_call_policy(args: argparse.Namespace) -> ModelCallPolicy:
    return ModelCallPolicy(timeout=timedelta(seconds=args.timeout), max_attempts=args.max_attempts)


def prepare_worker_process(verbose: bool) -> None:
    """Logging plus the process-wide switches a worker needs before it starts."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
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
    # The Agents SDK exports traces to OpenAI by default, which needs an OpenAI key these
    # samples don't have. `set_tracing_disabled()` would be undone: the Temporal plugin
    # installs a fresh trace provider when the worker starts, and that provider reads
    # this variable. `setdefault` lets you opt back in with OPENAI_AGENTS_DISABLE_TRACING=0.
    os.environ.setdefault("OPENAI_AGENTS_DISABLE_TRACING", "1")


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


def run_script(main: Callable[[], Coroutine[Any, Any, int]], *, verbose: bool) -> None:
    """Run a script's async main and turn known failures into one line and an exit code."""
    try:
        exit_code = asyncio.run(_cancelled_by_signals(main()))
    except KeyboardInterrupt:  # Before the event loop took over the signals.
        exit_code = EXIT_INTERRUPTED
    except ConfigurationError as error:
        if verbose:
            traceback.print_exc()
        print(f"error: {error}", file=sys.stderr)
        exit_code = EXIT_CONFIGURATION_ERROR
    except Exception as error:  # A bug or an unforeseen failure: still one line by default.
        if verbose:
            traceback.print_exc()
        detail = " ".join(str(error).split())
        print(
            f"error: unexpected {type(error).__name__}: {detail} (--verbose shows the traceback)",
            file=sys.stderr,
        )
        exit_code = EXIT_UNEXPECTED_ERROR
    _exit_skipping_teardown(exit_code)


def call_on_stop_signals(callback: Callable[[], object]) -> None:
    """Call `callback` on Ctrl-C (SIGINT) or SIGTERM, replacing earlier handlers."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Windows has no loop signal handlers; Ctrl-C raises KeyboardInterrupt there.
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, callback)


async def _cancelled_by_signals(main: Coroutine[Any, Any, int]) -> int:
    """Run `main`; Ctrl-C or SIGTERM cancels it, so its `async with` blocks shut down what
    they started (worker, dev server). Python 3.11+ does this for Ctrl-C; 3.10 does not."""
    task = asyncio.ensure_future(main)
    call_on_stop_signals(task.cancel)
    try:
        return await task
    except asyncio.CancelledError:
        print("Interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED


def _exit_skipping_teardown(exit_code: int) -> NoReturn:
    """Exit without interpreter teardown, after flushing what the script wrote.

    The Temporal client's Rust threads can outlive the event loop and abort a normal
    interpreter shutdown with "Fatal Python error: PyGILState_Release" (temporalio/sdk-python
    issue #300), turning a successful run into a crash. All work is done by now; what
    teardown would still have done, flushing traces and logs, is done here instead.
    """
    get_trace_provider().shutdown()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(exit_code)


def workflow_failure_message(error: WorkflowFailureError) -> str:
    """The most useful single line from a failed workflow's cause chain.

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
