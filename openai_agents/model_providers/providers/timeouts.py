"""How long one model call may take on the wire, given how long Temporal lets it take."""

from __future__ import annotations

from datetime import timedelta

DEFAULT_REQUEST_TIMEOUT_SECONDS = 28.0
"""The clients' timeout under the samples' 30 s model-call (activity) timeout."""


def request_timeout_under(start_to_close_timeout: timedelta) -> float:
    """The HTTP client's timeout for a model activity with this start-to-close timeout.

    A little under it, so a slow model surfaces as the client's clear timeout error ("did
    not answer within 28s") rather than as a bare activity timeout. The margin, 1 to 2 s,
    leaves the activity time to report the failure.
    """
    seconds = start_to_close_timeout.total_seconds()
    margin = min(2.0, max(1.0, seconds * 0.1)) if seconds > 2 else seconds / 2
    return seconds - margin
