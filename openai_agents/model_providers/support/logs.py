"""A worker's logging: its level, no request URLs (they may carry credentials), and a model
call's classified failure in one line."""

from __future__ import annotations

import logging

from temporalio.exceptions import ApplicationError


def set_up_worker_logging(verbose: bool, *, quiet: bool = False) -> None:
    """A worker's logging: INFO, DEBUG with `verbose`, warnings and errors only with
    `quiet` (the demo)."""
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # HTTP clients log each request's URL, which may carry credentials: never, even -v.
    for http_client in ("httpx", "httpx2", "httpcore", "httpcore2"):
        logging.getLogger(http_client).setLevel(logging.WARNING)
    for noisy in ("openai", "openai.agents"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.WARNING)
    if not verbose:
        logging.getLogger("temporalio.activity").addFilter(one_line_classified_failures)


def one_line_classified_failures(record: logging.LogRecord) -> bool:
    """A model call's classified failure (an `ApplicationError`, whose message already says
    what to do) as one line, without the traceback Temporal logs with each failed attempt.
    Anything else is unforeseen and keeps its traceback."""
    error = record.exc_info[1] if record.exc_info else None
    if isinstance(error, ApplicationError):
        record.msg, record.args = f"{record.getMessage()}: {error.type}: {error.message}", None
        record.exc_info = None
    return True
