"""Running a sample script: its async main, ended in one line and an exit code instead of
a traceback, and a worker's stop on Ctrl-C or SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import traceback
from collections.abc import Callable, Coroutine
from typing import Any, NoReturn

from agents.tracing import get_trace_provider
from temporalio.client import WorkflowUpdateRPCTimeoutOrCancelledError

from openai_agents.model_providers.support import tracing
from openai_agents.model_providers.support.temporal import one_line_failure

# What Ctrl-C leaves running on the server and how to get back to it, said before
# "Interrupted.": set by the script once it has started something that outlives it.
interrupt_hint: str | None = None


def on_interrupt(hint: str) -> None:
    """Print `hint` (one line: what keeps running, how to reach it) if Ctrl-C ends the script."""
    global interrupt_hint
    interrupt_hint = hint


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
        print_interrupted()
        exit_code = 130
    except Exception as error:
        if isinstance(error, WorkflowUpdateRPCTimeoutOrCancelledError) and isinstance(
            error.__cause__, asyncio.CancelledError
        ):  # Ctrl-C while waiting for an Update's result: the client re-raises it so.
            print_interrupted()
            exit_skipping_teardown(130)
        if verbose:
            traceback.print_exc()
        line, exit_code = failure_line(error)
        print(line, file=sys.stderr)
    exit_skipping_teardown(exit_code)


def print_interrupted() -> None:
    if interrupt_hint:
        print(interrupt_hint, file=sys.stderr)
    print("Interrupted.", file=sys.stderr)


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
    tracing.flush()  # The last spans, when OTEL_EXPORTER_OTLP_ENDPOINT is set.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(exit_code)
