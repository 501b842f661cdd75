"""Turn model-provider failures into errors with one actionable line each.

The Temporal plugin maps `openai.APIStatusError` to a bare "Non retryable OpenAI status
code: 404" and lets connection errors and timeouts through untouched. This wrapper runs
inside the model activity, classifies every failure as retryable or not, and says what
to do about it, so the workflow fails (or retries) with a message a person can act on.

The same words serve the start-up checks (`check_failure`): "cannot reach Ollama at …"
reads the same whether a worker finds out at start or in the middle of a run.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import os
import socket
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

import httpx
import openai
from agents import Model, ModelProvider, ModelResponse, UserError
from agents.items import TResponseStreamEvent
from temporalio import activity
from temporalio.exceptions import ApplicationError

from .timeouts import Deadline, ModelCallDeadlineExceeded

_MAX_DETAIL_CHARS = 300


class ConfigurationError(Exception):
    """Misconfiguration found before any work starts.

    The message is one actionable line: what is wrong and how to fix it. Scripts print
    it without a traceback and exit non-zero.
    """


def without_credentials(url: str) -> str:
    """`url` without `user:password@`, query or fragment (where tokens hide), for messages,
    logs and workflow history."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=host, query="", fragment=""))


@dataclass(frozen=True)
class ProviderDescription:
    """What a person needs to hear about one model backend when it fails."""

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


class ActionableErrorsProvider(ModelProvider):
    """Wraps a model provider so that its models fail with actionable Temporal errors.

    The wrapper stands in for `inner` and owns it: `aclose()` closes `inner` (and so
    whatever `inner` itself built).
    """

    def __init__(
        self,
        inner: ModelProvider,
        describe: Callable[[str | None], ProviderDescription],
        request_timeout_seconds: float,
    ) -> None:
        self._inner = inner
        self._describe = describe
        self._request_timeout_seconds = request_timeout_seconds

    def get_model(self, model_name: str | None) -> Model:
        return ActionableErrorsModel(
            self._inner.get_model(model_name),
            model_name=model_name,
            describe=self._describe,
            request_timeout_seconds=self._request_timeout_seconds,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


class ActionableErrorsModel(Model):
    def __init__(
        self,
        inner: Model,
        *,
        model_name: str | None,
        describe: Callable[[str | None], ProviderDescription],
        request_timeout_seconds: float,
    ) -> None:
        self._inner = inner
        self._model_name = model_name
        self._describe = describe
        self._request_timeout_seconds = request_timeout_seconds

    async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
        deadline = Deadline.for_model_call(self._request_timeout_seconds)
        with self._actionable_errors():
            return await deadline.run(self._inner.get_response(*args, **kwargs))

    async def stream_response(
        self, *args: Any, **kwargs: Any
    ) -> AsyncIterator[TResponseStreamEvent]:
        deadline = Deadline.for_model_call(self._request_timeout_seconds)
        with self._actionable_errors():
            # Every Model's `stream_response` is an async generator, typed as an iterator.
            events = cast(
                AsyncGenerator[TResponseStreamEvent, None],
                self._inner.stream_response(*args, **kwargs),
            )
            # `aclosing`: when the consumer stops early and closes this stream, the inner
            # one (and its HTTP response) is closed now, not whenever the garbage
            # collector gets to it, or never while something still refers to it.
            async with contextlib.aclosing(deadline.stream(events)) as bounded:
                async for event in bounded:
                    yield event

    def _actionable_errors(self) -> contextlib.AbstractContextManager[None]:
        # Described only on failure: the happy path pays nothing, and a model name the
        # description cannot make sense of fails like any other call would.
        return raising_actionable_errors(
            self._model_name or "(provider default)",
            lambda: self._describe(self._model_name),
            self._request_timeout_seconds,
        )


@contextlib.contextmanager
def raising_actionable_errors(
    model_name: str,
    describe: Callable[[], ProviderDescription],
    request_timeout_seconds: float,
) -> Iterator[None]:
    """Re-raise provider failures inside the block as `translate_provider_error` classifies
    them; anything it does not recognise passes through unchanged."""
    try:
        yield
    except Exception as error:
        provider = describe()
        translated = translate_provider_error(error, model_name, provider, request_timeout_seconds)
        if translated is None:
            raise
        raise translated from recorded_causes(error, provider.secrets)


def recorded_causes(error: BaseException, secrets: Iterable[str] = ()) -> ApplicationError:
    """`error` and the errors behind it, as Temporal should record them: each one's type
    and message, with secrets (`secrets`, and secret-named environment variables) masked
    and without the client libraries' stack frames.

    Temporal records the whole cause chain as the attempt's failure, in workflow history
    and in the worker's log. The originals would put two things there that do not belong:
    - a provider's error message may quote the rejected API key;
    - the frames of openai, httpx and httpcore make the chain several KB, over the
      server's size limit for a pending activity's last failure, which then reads
      "Failure exceeds size limit." in the Web UI while the call is being retried.
    """
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or current.__context__
    secrets = tuple(secrets)
    recorded: ApplicationError | None = None
    for original in reversed(chain):
        message = _redacted(str(original), secrets)
        stand_in = ApplicationError(message, type=type(original).__name__)
        stand_in.__cause__ = recorded
        recorded = stand_in
    assert recorded is not None
    return recorded


def translate_provider_error(
    error: Exception,
    model_name: str,
    provider: ProviderDescription,
    request_timeout_seconds: float,
) -> ApplicationError | None:
    """The Temporal error for a provider failure, or None to let it through unchanged.

    The error types double as names for `RetryPolicy.non_retryable_error_types`. The
    provider's own words are quoted with `provider.secrets` masked.
    """
    if isinstance(error, UserError):
        # The request could not even be built (a hosted tool, an image by web URL, a file
        # input, ...). The same input fails the same way on every attempt, so fail now.
        return ApplicationError(str(error), type="UnsupportedModelInput", non_retryable=True)
    where = provider.where
    # Never connected (refused, no such host, or the connection attempt timed out): tested
    # before the timeout below, of which a connect timeout is a kind.
    if _caused_by_connection_failure(error):
        return ApplicationError(provider.unreachable(), type="ProviderUnreachable")
    # A timeout is a kind of connection error in openai (and LiteLLM), so test it first.
    # The `ollama` client lets httpx's own timeout through.
    timeout = _timeout_in(error)
    if timeout is not None:
        allowed = (
            timeout.allowed_seconds
            if isinstance(timeout, ModelCallDeadlineExceeded)
            else request_timeout_seconds
        )
        return ApplicationError(
            f"{where} did not answer model '{model_name}' within {allowed:g}s; the model "
            "may be loading or overloaded (raise --timeout, or use a smaller model)",
            type="ModelCallTimeout",
        )
    # Connected, then the connection broke: whatever status a wrapper reports for it
    # (LiteLLM calls a reply cut off mid-way an HTTP 500), the reply is lost, not refused.
    broken = _broken_connection_in(error)
    if broken is not None:
        return ApplicationError(
            f"the connection to {where} broke during the reply to model '{model_name}' "
            f"({type(broken).__name__}){retry_note()}",
            type="ProviderConnectionLost",
        )

    status = _status_code(error)
    if status is None:
        return None
    if status < 100:
        # The `ollama` client reports an error sent inside a streamed reply with no
        # HTTP status (-1): the server failed after it had started to answer.
        return ApplicationError(
            f"{where} failed mid-reply for model '{model_name}' "
            f"({_provider_detail(error, provider.secrets)})",
            type="ProviderServerError",
        )
    detail = _provider_detail(error, provider.secrets)
    headers = _response_headers(error)
    retry_after = _retry_after(headers)

    if status == 404:
        return ApplicationError(
            provider.missing_model(model_name, detail),
            type="ModelNotFound",
            non_retryable=True,
        )
    if status in (401, 403):
        return ApplicationError(
            provider.rejected_credentials(f"HTTP {status}: {detail}"),
            type="ProviderAuthenticationFailed",
            non_retryable=True,
        )
    if status == 429:
        return ApplicationError(
            f"{where} is rate-limiting requests (HTTP 429: {detail})"
            + (
                f"; it asked to retry after {retry_after.total_seconds():g}s" if retry_after else ""
            ),
            type="ProviderRateLimited",
            next_retry_delay=retry_after,
        )
    should_retry = headers.get("x-should-retry")
    if should_retry != "false" and (
        status in (408, 409) or status >= 500 or should_retry == "true"
    ):
        return ApplicationError(
            f"{where} failed with HTTP {status} ({detail})",
            type="ProviderServerError",
            next_retry_delay=retry_after,
        )
    return ApplicationError(
        f"{where} rejected the request for model '{model_name}' (HTTP {status}: {detail})",
        type="ProviderRejectedRequest",
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


def check_failure(
    error: Exception, model_name: str, provider: ProviderDescription, request_timeout_seconds: float
) -> ConfigurationError | None:
    """What a start-up check reports for `error`: the line a model call would fail with,
    as a `ConfigurationError`; None for an error this module does not recognise."""
    translated = translate_provider_error(error, model_name, provider, request_timeout_seconds)
    return None if translated is None else ConfigurationError(translated.message)


def _causes(error: BaseException) -> Iterator[BaseException]:
    """`error`, then each error behind it (`__cause__`, else `__context__`)."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        yield cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__


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
        for cause in _causes(error)
    )


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


def _timeout_in(error: BaseException) -> BaseException | None:
    """The timeout under `error`, if any: this call's deadline, or a client's own."""
    for cause in _causes(error):
        if isinstance(
            cause,
            (
                ModelCallDeadlineExceeded,
                openai.APITimeoutError,
                httpx.TimeoutException,
                asyncio.TimeoutError,
            ),
        ) or type(cause).__name__ in ("ReadTimeout", "WriteTimeout", "PoolTimeout"):
            return cause
    return None


def _broken_connection_in(error: BaseException) -> BaseException | None:
    """The error that says a connection broke mid-request, if one lies under `error`."""
    for cause in _causes(error):
        if isinstance(cause, (openai.APIConnectionError, httpx.TransportError)) or (
            type(cause).__name__ in _BROKEN_CONNECTION_ERRORS
        ):
            return cause
    return None


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
    text = _redacted(" ".join(text.split()), secrets)
    if len(text) > _MAX_DETAIL_CHARS:
        text = text[: _MAX_DETAIL_CHARS - 1] + "…"
    return text


# Environment variables whose values are secrets: OPENAI_API_KEY, OLLAMA_API_KEY,
# AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN, DB_PASSWORD, ...
_SECRET_VARIABLE_SUFFIXES = ("_KEY", "_TOKEN", "_SECRET", "_PASSWORD")


# Shorter values are not masked: they are placeholders such as the key "ollama" that
# Ollama's OpenAI-compatible API ignores, and masking them would mangle ordinary words.
_MIN_SECRET_LENGTH = 8


def _redacted(text: str, secrets: tuple[str, ...] = ()) -> str:
    """`text` with `secrets` and the value of every secret-named environment variable
    masked.

    Some providers and proxies echo a rejected key in their error message, and this text
    lands in workflow history and logs. A key given to a provider as an argument is in no
    environment variable, hence `secrets`.
    """
    environment = [v for n, v in os.environ.items() if n.endswith(_SECRET_VARIABLE_SUFFIXES)]
    # Longest first: a secret that contains another is masked whole.
    for value in sorted({*secrets, *environment}, key=len, reverse=True):
        if len(value) >= _MIN_SECRET_LENGTH:
            text = text.replace(value, "[redacted]")
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
