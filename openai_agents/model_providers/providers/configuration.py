"""`ConfigurationError`: a misconfiguration found before any work starts."""

from __future__ import annotations


class ConfigurationError(Exception):
    """Misconfiguration found before any work starts: a backend that is down or lacks the
    model, a missing key, a malformed name or URL.

    The message is one actionable line: what is wrong and how to fix it. Scripts print it
    without a traceback and exit non-zero.
    """
