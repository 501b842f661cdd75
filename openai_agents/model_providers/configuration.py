"""Settings shared by the worker, workflow and demo scripts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio.common import RetryPolicy
from temporalio.openai_agents import ModelActivityParameters

DEFAULT_MODEL_CALL_TIMEOUT = timedelta(seconds=30)
DEFAULT_MAX_ATTEMPTS = 5


class ConfigurationError(Exception):
    """Misconfiguration found before any work starts.

    The message is one actionable line: what is wrong and how to fix it. Scripts print
    it without a traceback and exit non-zero.
    """


@dataclass(frozen=True)
class ModelCallPolicy:
    """How long one model call may take and how often Temporal retries it.

    Temporal's activity retry policy is the only retry layer: the model clients are
    built with their own retries off, so a failing call is neither retried twice over
    nor forever (the plugin's default policy has no attempt limit).
    """

    timeout: timedelta = DEFAULT_MODEL_CALL_TIMEOUT
    max_attempts: int = DEFAULT_MAX_ATTEMPTS

    def __post_init__(self) -> None:
        if self.timeout <= timedelta(0):
            raise ConfigurationError("the model-call timeout must be positive, e.g. --timeout 30")
        if self.max_attempts < 1:
            raise ConfigurationError("--max-attempts must be at least 1")

    @property
    def request_timeout_seconds(self) -> float:
        """The HTTP client's timeout: below the activity's start-to-close timeout, so a slow
        model surfaces as the client's clear timeout error rather than as a bare activity
        timeout. The margin (1 to 2 s) leaves time to report the failure."""
        seconds = self.timeout.total_seconds()
        margin = min(2.0, max(1.0, seconds * 0.1)) if seconds > 2 else seconds / 2
        return seconds - margin

    def activity_parameters(self) -> ModelActivityParameters:
        return ModelActivityParameters(
            start_to_close_timeout=self.timeout,
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=1),
                backoff_coefficient=2.0,
                maximum_interval=timedelta(seconds=30),
                maximum_attempts=self.max_attempts,
            ),
        )
