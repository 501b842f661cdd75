"""Ending a script's process: the one workaround the scripts need, with its reason."""

from __future__ import annotations

import logging
import os
import sys
from typing import NoReturn

from agents.tracing import get_trace_provider


def exit_skipping_teardown(exit_code: int) -> NoReturn:
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
