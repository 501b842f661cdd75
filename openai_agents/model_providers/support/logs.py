"""A worker's logging: its level, no request URLs (they may carry credentials), a run's
details as its workflow's id, and a model call's classified failure in one line."""

from __future__ import annotations

import logging

from temporalio import activity, workflow
from temporalio.exceptions import ApplicationError

# Every long-running script's lines: the workers' and the weather MCP server's.
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def set_up_worker_logging(verbose: bool, *, quiet: bool = False) -> None:
    """A worker's logging: INFO, DEBUG with `verbose`, warnings and errors only with
    `quiet` (the demo)."""
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level, format=LOG_FORMAT)
    # HTTP clients log each request's URL, which may carry credentials: never, even -v.
    for http_client in ("httpx", "httpx2", "httpcore", "httpcore2"):
        logging.getLogger(http_client).setLevel(logging.WARNING)
    for noisy in ("openai", "openai.agents"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.WARNING)
    if not verbose:
        shorten_run_details()
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


def shorten_run_details() -> None:
    """Temporal's activity and workflow lines end with the workflow's id (and the activity's
    attempt), not the dict of every run detail it appends by default, which wraps a line over
    three of a terminal's. The details stay on each record (`temporal_activity`,
    `temporal_workflow`) for a handler that wants them."""
    activity.logger.activity_info_on_message = False
    workflow.logger.workflow_info_on_message = False
    logging.getLogger("temporalio.activity").addFilter(short_run_details)
    logging.getLogger("temporalio.workflow").addFilter(short_run_details)


def short_run_details(record: logging.LogRecord) -> bool:
    """A record's run, as `(workflow ID, attempt N)` for an activity, `(workflow ID)` for a
    workflow, after its message."""
    if details := getattr(record, "temporal_activity", None):
        run = f"workflow {details['workflow_id']}, attempt {details['attempt']}"
    elif details := getattr(record, "temporal_workflow", None):
        run = f"workflow {details['workflow_id']}"
    else:
        return True
    record.msg, record.args = f"{record.getMessage()} ({run})", None
    return True
