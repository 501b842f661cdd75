"""Every kind of failure the providers report, by the name Temporal records, and which of
them another model might not have.

Standard library only: workflow code (failover, in Temporal's sandbox) imports it as safely
as worker code. Each name is the `ApplicationError.type` of one failure, also usable in
`RetryPolicy.non_retryable_error_types`; `tests/providers/test_failure_types.py` fails when a
provider raises a type that is not here.
"""

from __future__ import annotations

from typing import Final


class FailureType:
    """The `type` of each `ApplicationError` a model call or a start-up check can end in."""

    # The backend, reached or not.
    ProviderUnreachable: Final = "ProviderUnreachable"
    """Never connected: down, wrong host. Retried."""
    ProviderConnectionLost: Final = "ProviderConnectionLost"
    """Connected, then the reply was cut off. Retried."""
    ModelCallTimeout: Final = "ModelCallTimeout"
    """No answer within the attempt's time. Retried."""
    ProviderServerError: Final = "ProviderServerError"
    """HTTP 5xx, 408, 409, or a failure inside a streamed reply. Retried."""
    ProviderRateLimited: Final = "ProviderRateLimited"
    """HTTP 429, retried after the delay the provider asked for."""
    # This model, refused for good.
    ProviderAuthenticationFailed: Final = "ProviderAuthenticationFailed"
    ModelNotFound: Final = "ModelNotFound"
    NotOllama: Final = "NotOllama"
    """A 404 from a server without Ollama's API: no model to pull."""
    UnknownModelPrefix: Final = "UnknownModelPrefix"
    ConfigurationError: Final = "ConfigurationError"
    """The worker's own settings (a malformed host), found during a call."""
    # The request, refused for good.
    ProviderRejectedRequest: Final = "ProviderRejectedRequest"
    ContextWindowExceeded: Final = "ContextWindowExceeded"
    UnsupportedModelInput: Final = "UnsupportedModelInput"
    # The answer.
    ModelOutputTruncated: Final = "ModelOutputTruncated"
    """Stopped at the token cap: the same request stops there again."""
    ModelOutputInvalid: Final = "ModelOutputInvalid"
    """A typed answer outside its schema. Retried."""
    StructuredOutputUnsupported: Final = "StructuredOutputUnsupported"


FAILURE_TYPES: Final = frozenset(
    value for name, value in vars(FailureType).items() if not name.startswith("_")
)
"""Every name above."""

FAILOVER_TYPES: Final = frozenset(
    {
        # Retryable: only once the call's attempts are used up.
        FailureType.ProviderUnreachable,
        FailureType.ProviderServerError,
        FailureType.ProviderRateLimited,
        FailureType.ProviderConnectionLost,
        FailureType.ModelCallTimeout,
        # A final refusal of this model: its key, its name, its server.
        FailureType.ProviderAuthenticationFailed,
        FailureType.ModelNotFound,
        FailureType.NotOllama,
        FailureType.UnknownModelPrefix,
        # A typed answer it could not give.
        FailureType.ModelOutputInvalid,
        FailureType.StructuredOutputUnsupported,
    }
)
"""The failures another model may not have. A request no model could take (too long for the
context, malformed, a reply cut at the token cap) is not failed over."""


class ConfigurationError(Exception):
    """Misconfiguration found before any work starts: a backend that is down or lacks the
    model, a missing key, a malformed name or URL.

    The message is one actionable line: what is wrong and how to fix it. Scripts print it
    without a traceback and exit non-zero.
    """


class ModelCallDeadlineExceeded(TimeoutError):
    """A model call was still running when the time its attempt allows ran out; reported as
    `ModelCallTimeout`."""

    def __init__(self, allowed_seconds: float) -> None:
        super().__init__(f"the model call did not finish within {allowed_seconds:g}s")
        self.allowed_seconds = allowed_seconds
