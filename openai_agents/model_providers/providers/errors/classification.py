"""What each provider failure means, as the Temporal error a person reads: retryable or
not, one line that says what happened and what to do, with credentials masked.

The Temporal plugin maps `openai.APIStatusError` to a bare "Non retryable OpenAI status
code: 404" and lets connection errors, timeouts and other libraries' errors (`ollama`'s)
through untouched. `translate_provider_error` classifies every failure a model call can
meet, in the words of the backend's `ProviderDescription`; `recorded_causes` is what
Temporal records behind it. The type names are `failure_types.FailureType`'s.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import os
import socket
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import NoReturn
from urllib.parse import urlsplit, urlunsplit

import httpx
import openai
from agents import UserError
from temporalio import activity
from temporalio.exceptions import ApplicationError

from .types import ConfigurationError, FailureType, ModelCallDeadlineExceeded

# --- Who failed: a backend, in the words its failures use -----------------------------


@dataclass(frozen=True)
class ProviderDescription:
    """How to name a backend in an error, and what to advise for each kind of failure."""

    name: str
    location: str
    """Where it is, without credentials: this text lands in workflow history."""
    start_hint: str
    missing_model_hint: str
    """May contain `{model}`."""
    credentials_hint: str
    secrets: tuple[str, ...] = field(default=(), repr=False)
    """The credentials this backend was given directly (an `api_key` argument, the key
    inside a client passed in): masked in its errors like secret-named environment
    variables, which are masked anyway. Kept out of `repr` so that logging a description
    cannot leak them."""

    @property
    def where(self) -> str:
        return f"{self.name} at {self.location}"

    def unreachable(self) -> str:
        return f"cannot reach {self.where}: {self.start_hint}"

    def missing_model(self, model: str, detail: str) -> str:
        hint = self.missing_model_hint.format(model=model)
        return f"{self.where} has no model '{model}' ({detail}): {hint}"

    def rejected_credentials(self, detail: str) -> str:
        return f"{self.where} rejected the credentials ({detail}): {self.credentials_hint}"


# --- Keeping credentials out of what is recorded ----------------------------------------
# What a model call raises lands in workflow history and in the worker's log, where nobody
# should find an API key.


# Environment variables whose values are secrets: OPENAI_API_KEY, OLLAMA_API_KEY,
# AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN, DB_PASSWORD, ...
_SECRET_VARIABLE_SUFFIXES = ("_KEY", "_TOKEN", "_SECRET", "_PASSWORD")

# Shorter values are not masked: they are placeholders such as the key "ollama" that
# Ollama's OpenAI-compatible API ignores, and masking them would mangle ordinary words.
MIN_SECRET_LENGTH = 8


def without_credentials(url: str) -> str:
    """`url` without `user:password@`, query or fragment (where tokens hide), for messages,
    logs and workflow history."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=host, query="", fragment=""))


# What the failures of an Ollama server say (one-line messages read from these hints).
def describe_ollama(host: str) -> ProviderDescription:
    return ProviderDescription(
        name="Ollama",
        location=without_credentials(host),
        start_hint="start it with `ollama serve`, or point OLLAMA_HOST at a running server",
        missing_model_hint="pull it with `ollama pull {model}`",
        credentials_hint="this Ollama server requires credentials; check its proxy settings",
    )


def describe_ollama_cloud(host: str) -> ProviderDescription:
    return ProviderDescription(
        name="Ollama Cloud",
        location=without_credentials(host),
        start_hint="check your network connection",
        missing_model_hint="check the name against https://ollama.com/search?c=cloud",
        credentials_hint=(
            "check OLLAMA_API_KEY (create a key at https://ollama.com/settings/keys)"
        ),
    )


def redacted(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with `secrets` and the value of every secret-named environment variable
    masked.

    Some providers and proxies echo a rejected key in their error message. A key given to
    a provider as an argument is in no environment variable, hence `secrets`.
    """
    environment = [v for n, v in os.environ.items() if n.endswith(_SECRET_VARIABLE_SUFFIXES)]
    # Longest first: a secret that contains another is masked whole.
    for value in sorted({*secrets, *environment}, key=len, reverse=True):
        if len(value) >= MIN_SECRET_LENGTH:
            text = text.replace(value, "[redacted]")
    return text


def causes(error: BaseException) -> Iterator[BaseException]:
    """`error`, then each error behind it (`__cause__`, else `__context__`), each once."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        yield cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__


def recorded_causes(error: BaseException, secrets: Iterable[str] = ()) -> ApplicationError:
    """`error` and the errors behind it, as Temporal should record them: each one's type
    and message, with secrets masked and without the client libraries' stack frames.

    Temporal records the whole cause chain as the attempt's failure, in workflow history
    and in the worker's log. The originals would put two things there that do not belong:
    - a provider's error message may quote the rejected API key;
    - the frames of openai, httpx and httpcore make the chain several KB, over the
      server's size limit for a pending activity's last failure, which then reads
      "Failure exceeds size limit." in the Web UI while the call is being retried.
    """
    chain = list(causes(error))
    secrets = tuple(secrets)
    recorded: ApplicationError | None = None
    for original in reversed(chain):
        stand_in = ApplicationError(redacted(str(original), secrets), type=type(original).__name__)
        stand_in.__cause__ = recorded
        recorded = stand_in
    assert recorded is not None
    return recorded


# --- Classification ---------------------------------------------------------------------


_MAX_DETAIL_CHARS = 300

# Transport errors after the connection was made, by name: httpx's and httpcore's (and the
# httpx2/httpcore2 copies openai 3.x uses), and aiohttp's, which LiteLLM may use instead.
_BROKEN_CONNECTION_ERRORS = frozenset(
    {
        "ReadError",
        "WriteError",
        "RemoteProtocolError",
        "ClientPayloadError",
        "ServerDisconnectedError",
        "ClientOSError",
    }
)


def translate_provider_error(
    error: Exception,
    model_name: str,
    provider: ProviderDescription,
    request_timeout_seconds: float,
) -> ApplicationError | None:
    """The Temporal error for a provider failure, or None to let it through unchanged.

    The provider's own words are quoted with the description's secrets masked.
    """
    if isinstance(error, UserError):
        # The request could not even be built (a hosted tool, an image by web URL, a file
        # input, ...). The same input fails the same way on every attempt, so fail now.
        return ApplicationError(
            str(error), type=FailureType.UnsupportedModelInput, non_retryable=True
        )
    # Never connected (refused, no such host, or the connection attempt timed out): tested
    # before the timeout below, of which a connect timeout is a kind.
    if _caused_by_connection_failure(error):
        return ApplicationError(provider.unreachable(), type=FailureType.ProviderUnreachable)
    # A timeout is a kind of connection error in openai (and LiteLLM), so test it first.
    timeout = _timeout_in(error)
    if timeout is not None:
        allowed = getattr(timeout, "allowed_seconds", request_timeout_seconds)
        return ApplicationError(
            f"{provider.where} did not answer model '{model_name}' within {allowed:g}s; the "
            "model may be loading or overloaded (raise --timeout, or use a smaller model)",
            type=FailureType.ModelCallTimeout,
        )
    # Connected, then the connection broke: whatever status a wrapper reports for it
    # (LiteLLM calls a reply cut off mid-way an HTTP 500), the reply is lost, not refused.
    broken = _broken_connection_in(error)
    if broken is not None:
        return ApplicationError(
            f"the connection to {provider.where} broke during the reply to model "
            f"'{model_name}' ({type(broken).__name__}){retry_note()}",
            type=FailureType.ProviderConnectionLost,
        )
    status = _status_code(error)
    if status is None:
        return None
    detail = _provider_detail(error, provider.secrets)
    if 400 <= status < 500 and _context_overflow_in(error):
        return ApplicationError(
            f"{provider.where} rejected the conversation for model '{model_name}' as longer "
            f"than the model reads (HTTP {status}: {detail}): lower its memory budget (the "
            "chat starter's --memory-budget, or the worker's --context-tokens), or shorten "
            "the prompt",
            type=FailureType.ContextWindowExceeded,
            non_retryable=True,
        )
    if status < 100:
        # The `ollama` client reports an error sent inside a streamed reply with no
        # HTTP status (-1): the server failed after it had started to answer.
        return ApplicationError(
            f"{provider.where} failed mid-reply for model '{model_name}' ({detail})",
            type=FailureType.ProviderServerError,
        )
    return _http_failure(status, _response_headers(error), detail, model_name, provider)


def _http_failure(
    status: int,
    headers: dict[str, str],
    detail: str,
    model_name: str,
    provider: ProviderDescription,
) -> ApplicationError:
    """The Temporal error for an HTTP error reply, by its status and headers."""
    retry_after = _retry_after(headers)
    if status == 404:
        message = provider.missing_model(model_name, detail)
        return ApplicationError(message, type=FailureType.ModelNotFound, non_retryable=True)
    if status in (401, 403):
        message = provider.rejected_credentials(f"HTTP {status}: {detail}")
        return ApplicationError(
            message, type=FailureType.ProviderAuthenticationFailed, non_retryable=True
        )
    if status == 429:
        asked = f"; it asked to retry after {retry_after.total_seconds():g}s" if retry_after else ""
        return ApplicationError(
            f"{provider.where} is rate-limiting requests (HTTP 429: {detail}){asked}",
            type=FailureType.ProviderRateLimited,
            next_retry_delay=retry_after,
        )
    should_retry = headers.get("x-should-retry")
    if should_retry != "false" and (
        status in (408, 409) or status >= 500 or should_retry == "true"
    ):
        return ApplicationError(
            f"{provider.where} failed with HTTP {status} ({detail})",
            type=FailureType.ProviderServerError,
            next_retry_delay=retry_after,
        )
    return ApplicationError(
        f"{provider.where} rejected the request for model '{model_name}' (HTTP {status}: {detail})",
        type=FailureType.ProviderRejectedRequest,
        non_retryable=True,
    )


def retry_note() -> str:
    """What happens next to a retryable failure of this attempt, for its message: Temporal
    retries it, unless this was the retry policy's last attempt; nothing outside an
    activity (a start-up check), where nothing is retried."""
    if not activity.in_activity():
        return ""
    info = activity.info()
    maximum = info.retry_policy.maximum_attempts if info.retry_policy else 0
    if 0 < maximum <= info.attempt:
        return f"; that was the last of {maximum} attempts"
    return "; the call is retried"


def raise_start_up_failure(
    error: Exception, model_name: str, provider: ProviderDescription, request_timeout_seconds: float
) -> NoReturn:
    """Raise what a start-up check reports for `error`: the line a model call would fail
    with, as a `ConfigurationError`; an error this module does not recognise as it is."""
    translated = translate_provider_error(error, model_name, provider, request_timeout_seconds)
    if translated is None:
        raise error
    raise ConfigurationError(translated.message) from error


def _caused_by_connection_failure(error: BaseException) -> bool:
    """Whether a failure to connect (refused, timed out, or a failed name lookup) lies
    under `error`, as opposed to a connection that broke after it was made.

    LiteLLM reports a provider it cannot connect to as an HTTP 500 `InternalServerError`;
    the socket error is still there in its chain of causes.
    """
    return any(
        # By name, for httpx, httpcore and the httpx2/httpcore2 copies openai 3.x uses.
        type(cause).__name__ in ("ConnectError", "ConnectTimeout")
        or isinstance(cause, (ConnectionRefusedError, socket.gaierror))
        for cause in causes(error)
    )


def _timeout_in(error: BaseException) -> BaseException | None:
    """The timeout under `error`, if any: this call's deadline, or a client's own. (The
    `ollama` client lets httpx's own timeout through.)"""
    timeouts = (
        ModelCallDeadlineExceeded,
        openai.APITimeoutError,
        httpx.TimeoutException,
        asyncio.TimeoutError,
    )
    for cause in causes(error):
        if isinstance(cause, timeouts) or type(cause).__name__ in ("ReadTimeout", "WriteTimeout"):
            return cause
    return None


def _broken_connection_in(error: BaseException) -> BaseException | None:
    """The error that says a connection broke mid-request, if one lies under `error`."""
    for cause in causes(error):
        if isinstance(cause, (openai.APIConnectionError, httpx.TransportError)) or (
            type(cause).__name__ in _BROKEN_CONNECTION_ERRORS
        ):
            return cause
    return None


# How servers say a request is longer than the model's context window: OpenAI's error code,
# llama.cpp's error type, Anthropic's and Ollama's words, LiteLLM's exception.
_CONTEXT_OVERFLOW_SIGNS = (
    "context_length_exceeded",
    "exceed_context_size",
    "contextwindowexceeded",
    "maximum context length",
    "prompt is too long",
    "exceeds the context length",
    "exceeds the available context",
)


def _context_overflow_in(error: BaseException) -> bool:
    """Whether the provider rejected the request as too long for the model's context."""
    for cause in causes(error):
        said = " ".join([type(cause).__name__, str(cause), str(getattr(cause, "body", ""))])
        if any(sign in said.lower() for sign in _CONTEXT_OVERFLOW_SIGNS):
            return True
    return False


def _status_code(error: Exception) -> int | None:
    if isinstance(error, openai.APIStatusError):
        return error.status_code
    # LiteLLM's own `APIError` is not an `APIStatusError` but carries the status.
    status = getattr(error, "status_code", None)
    return status if isinstance(status, int) else None


def _response_headers(error: Exception) -> dict[str, str]:
    """The failed response's headers, with lower-case names.

    Read by duck typing: openai 3.x carries `httpx2` responses, LiteLLM `httpx` ones.
    """
    merged: dict[str, str] = {}
    # LiteLLM puts a stand-in response with no headers on `response` and keeps the
    # provider's real ones in `litellm_response_headers`; read both. The `ollama` client
    # raises its `ResponseError` `from None`, which still keeps the httpx error (and its
    # response) as `__context__`.
    response = getattr(error, "response", None) or getattr(error.__context__, "response", None)
    for headers in (
        getattr(response, "headers", None),
        getattr(error, "litellm_response_headers", None),
    ):
        if headers:
            merged.update({str(name).lower(): str(value) for name, value in headers.items()})
    return merged


def _retry_after(headers: dict[str, str]) -> timedelta | None:
    """The delay a provider asked for, from `retry-after-ms` or `retry-after`."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        with contextlib.suppress(ValueError):
            return timedelta(milliseconds=float(milliseconds))
    value = headers.get("retry-after")
    if value is None:
        return None
    with contextlib.suppress(ValueError):
        return timedelta(seconds=float(value))
    try:  # The HTTP-date form.
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return timedelta(seconds=max(0.0, moment.timestamp() - time.time()))


def _provider_detail(error: Exception, secrets: tuple[str, ...]) -> str:
    """The provider's own error message, on one short line, with `secrets` masked."""
    # `ollama.ResponseError` keeps the server's message in `.error`.
    ollama_message = getattr(error, "error", None)
    text = (
        _message_in(getattr(error, "body", None))
        or getattr(error, "message", None)
        or (ollama_message if isinstance(ollama_message, str) else None)
    )
    text = str(text or error)
    # LiteLLM wraps the provider's JSON error body in text of its own:
    # "litellm.NotFoundError: AnthropicException - {"type":"error","error":{...}}".
    start = text.find("{")
    if start != -1:
        with contextlib.suppress(ValueError):
            text = _message_in(json.loads(text[start:])) or text
    text = redacted(" ".join(text.split()), secrets)
    if len(text) > _MAX_DETAIL_CHARS:
        text = text[: _MAX_DETAIL_CHARS - 1] + "…"
    return text


def _message_in(body: object) -> str | None:
    """The message in an OpenAI- or Anthropic-style error body."""
    if not isinstance(body, dict):
        return None
    nested = body.get("error")
    if isinstance(nested, dict):
        return _message_in(nested)
    for key in ("message", "error"):
        if isinstance(body.get(key), str):
            return str(body[key])
    return None


def truncated_reply(model: str, limit: int | None, detail: str) -> ApplicationError:
    """The failure of a reply cut off at its token limit: not an answer, and not retryable,
    as the same request stops at the same limit (a model that repeats itself, at temperature
    0, the same way every time)."""
    at = f" ({limit} tokens)" if limit else ""
    return ApplicationError(
        f"model '{model}' stopped at its token limit{at} before finishing its reply "
        f"({detail}): raise --max-tokens on the worker, or max_tokens in the agent's "
        "ModelSettings; a reply that repeats itself needs another prompt or model",
        type=FailureType.ModelOutputTruncated,
        non_retryable=True,
    )
