"""`ActionableErrorsProvider`: any model provider, each model call bounded and its failures
classified, one-line Temporal errors. It runs inside the model activity, and does the same
work for every backend, native Ollama included; a backend's own failures reach it through
one hook (`OwnFailure`).

Each call, in order:
- bounds: its `max_tokens` at most the worker's cap, its deadline its activity attempt's
  (`Deadline`);
- schema refusals: a request refused because of its output schema says the model or server
  cannot do structured output (`schema_refusals`);
- error translation: each failure retryable or not, saying what to do
  (`classification.translate_provider_error`), with credentials masked and without the
  client libraries' stack frames (`classification.recorded_causes`);
- the answer: a reply cut at the token cap fails at once, and a typed answer that does not
  validate fails retryably (`check_structured_answer`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import inspect
import json
import sys
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, TypeGuard, TypeVar, cast

from agents import (
    AgentOutputSchemaBase,
    ItemHelpers,
    Model,
    ModelProvider,
    ModelResponse,
    ModelSettings,
)
from agents.items import TResponseOutputItem, TResponseStreamEvent
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import best_match  # type: ignore[import-untyped]
from openai.types.responses import ResponseCompletedEvent, ResponseOutputMessage
from temporalio import activity
from temporalio.exceptions import ApplicationError

from .classification import (
    ProviderDescription,
    recorded_causes,
    retry_note,
    translate_provider_error,
    truncated_reply,
)
from .types import FailureType, ModelCallDeadlineExceeded

if sys.version_info >= (3, 11):
    from asyncio import timeout_at
else:
    from async_timeout import timeout_at

T = TypeVar("T")

DEFAULT_REQUEST_TIMEOUT_SECONDS = 28.0
"""The clients' timeout under the samples' 30 s model-call (activity) timeout."""

DEFAULT_MAX_TOKENS = 1024
"""Each model call's token cap unless the worker sets another (`--max-tokens`): ample for
the samples' haikus with gpt-oss's reasoning, and reached in seconds by a model that
repeats itself (at 55-110 tokens/s on a 2-core CPU, under the 30 s timeout)."""


# --- The wrapper ------------------------------------------------------------------------

# What every model call takes, by name or position, as the Runner passes it.
MODEL_CALL = inspect.signature(Model.get_response)


class ActionableErrorsProvider(ModelProvider):
    """Wraps a model provider so that its models fail with actionable Temporal errors.

    Every call is bounded: its deadline is its activity attempt's, and its `max_tokens` at
    most `max_tokens`; a reply that stops at that limit fails at once (`ModelOutputTruncated`)
    instead of passing as an answer; a typed answer (an agent's `output_type`) that does not
    validate fails it too, retryably (`check_structured_answer`). `settings`, if given, are
    laid over every call's own (`ModelSettings.resolve`: a client's timeout, its retries
    off). Both are added here, in the activity, so they never reach the workflow's history.
    `own_failure`, if given, reads the backend's own failures first (see `OwnFailure`).
    The wrapper stands in for `inner` and owns it: `aclose()` closes `inner` (and so
    whatever `inner` itself built).
    """

    def __init__(
        self,
        inner: ModelProvider,
        describe: Callable[[str | None], ProviderDescription],
        request_timeout_seconds: float,
        *,
        max_tokens: int | None = DEFAULT_MAX_TOKENS,
        settings: ModelSettings | None = None,
        own_failure: OwnFailure | None = None,
    ) -> None:
        self._inner = inner
        self._bounds = CallBounds(
            describe, request_timeout_seconds, max_tokens, settings, own_failure
        )

    def get_model(self, model_name: str | None) -> Model:
        return ActionableErrorsModel(self._inner.get_model(model_name), model_name, self._bounds)

    async def aclose(self) -> None:
        await self._inner.aclose()


OwnFailure = Callable[[Exception, str | None, ProviderDescription], ApplicationError | None]
"""A backend's own reading of a failure (the error, the model name, the backend's
description), tried before the shared classification: the error to raise instead, already
saying all there is to say, or None. Native Ollama's knows a 404 from a server that is not
Ollama and a reply cut at its token limit; LiteLLM's names a missing key."""


@dataclass(frozen=True)
class CallBounds:
    """What `ActionableErrorsProvider` applies to each call of every model it gives out."""

    describe: Callable[[str | None], ProviderDescription]
    request_timeout_seconds: float
    max_tokens: int | None = DEFAULT_MAX_TOKENS
    settings: ModelSettings | None = None
    own_failure: OwnFailure | None = None


class ActionableErrorsModel(Model):
    def __init__(self, inner: Model, model_name: str | None, bounds: CallBounds) -> None:
        self._inner = inner
        self._model_name = model_name
        self._bounds = bounds

    async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
        deadline = Deadline.for_model_call(self._bounds.request_timeout_seconds)
        args, kwargs, limit, schema = self._bounded(args, kwargs)
        with schema_refusals(schema, self._name), self._actionable_errors():
            response = await deadline.run(self._inner.get_response(*args, **kwargs))
        self._raise_if_truncated(response.usage.output_tokens, limit)
        check_structured_answer(response.output, schema, self._name)
        return response

    async def stream_response(
        self, *args: Any, **kwargs: Any
    ) -> AsyncIterator[TResponseStreamEvent]:
        deadline = Deadline.for_model_call(self._bounds.request_timeout_seconds)
        args, kwargs, limit, schema = self._bounded(args, kwargs)
        with schema_refusals(schema, self._name), self._actionable_errors():
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
                    if isinstance(event, ResponseCompletedEvent):
                        if event.response.usage:
                            self._raise_if_truncated(event.response.usage.output_tokens, limit)
                        check_structured_answer(event.response.output, schema, self._name)
                    yield event

    def _bounded(
        self, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[tuple[Any, ...], dict[str, Any], int | None, AgentOutputSchemaBase | None]:
        """The call's arguments with its `model_settings` bounded (however they were passed:
        `get_response` and `stream_response` take the same ones), its token limit, and the
        schema of the typed answer it asks for, if any."""
        call = MODEL_CALL.bind(self._inner, *args, **kwargs)
        settings = capped(call.arguments["model_settings"], self._bounds.max_tokens)
        # Usage in a stream too: it is how a reply cut at the limit is recognised.
        settings = settings.resolve(ModelSettings(include_usage=True))
        if self._bounds.settings is not None:
            settings = settings.resolve(self._bounds.settings)
        call.arguments["model_settings"] = settings
        schema = call.arguments["output_schema"]
        return call.args[1:], call.kwargs, settings.max_tokens, schema

    @property
    def _name(self) -> str:
        return self._model_name or "(provider default)"

    def _raise_if_truncated(self, output_tokens: int, limit: int | None) -> None:
        """A reply as long as its limit stopped there: not an answer (the SDK would pass
        whatever text it had), and no retry would write more."""
        if limit is not None and output_tokens >= limit:
            raise truncated_reply(self._name, limit, f"it wrote {output_tokens} tokens")

    @contextlib.contextmanager
    def _actionable_errors(self) -> Iterator[None]:
        """Re-raise failures inside the block as the backend's own hook, else
        `translate_provider_error`, classifies them; anything neither recognises passes
        through unchanged."""
        try:
            yield
        except Exception as error:
            # Described only on failure: the happy path pays nothing, and a model name the
            # description cannot make sense of fails like any other call would.
            provider = self._bounds.describe(self._model_name)
            own_failure = self._bounds.own_failure
            own = own_failure(error, self._model_name, provider) if own_failure else None
            if own is not None:
                raise own from None
            translated = translate_provider_error(
                error, self._name, provider, self._bounds.request_timeout_seconds
            )
            if translated is None:
                raise
            raise translated from recorded_causes(error, provider.secrets)


# --- Bounds: how long, and how much, one call may take --------------------------------
# How long, and how much, one model call may take: its deadline, a little before its
# activity attempt's; and its token cap, so that a model that repeats itself stops at once
# rather than running every attempt into the timeout.
#
# Inside a model activity the deadline is the attempt's: a little before its start-to-close
# timeout ends, counted from when the attempt started, not from when the request leaves.
# On a busy worker a request can leave a second or two after its attempt started; a client
# timeout counted from the send would then let Temporal's bare timeout fire first, and the
# one-line error that says what timed out would be lost.


def request_timeout_under(start_to_close_timeout: timedelta) -> float:
    """How long a model call may take for a model activity with this start-to-close
    timeout: a little under it, so that a slow model surfaces as our clear timeout error
    ("did not answer within 28s") rather than as a bare activity timeout. The margin, 1 to
    2 s, leaves the activity time to report the failure."""
    seconds = start_to_close_timeout.total_seconds()
    margin = min(2.0, max(1.0, seconds * 0.1)) if seconds > 2 else seconds / 2
    return seconds - margin


@dataclass(frozen=True)
class Deadline:
    """When the model call now starting must have finished, on the event loop's clock."""

    loop_time: float
    allowed_seconds: float
    """What the whole attempt may take, for messages: e.g. 28 for a 30 s activity."""

    @classmethod
    def for_model_call(cls, fallback_seconds: float) -> Deadline:
        """The current activity attempt's deadline; outside an activity (a start-up
        check, a test), `fallback_seconds` from now."""
        allowed, elapsed = fallback_seconds, 0.0
        info = activity.info() if activity.in_activity() else None
        if info is not None and info.start_to_close_timeout is not None:
            allowed = request_timeout_under(info.start_to_close_timeout)
            since_start = (datetime.now(timezone.utc) - info.started_time).total_seconds()
            # The attempt's start is the server's clock. A worker whose clock disagrees
            # (or a time-skipping test server) would read a start in the future or
            # beyond the timeout: then count from now, as a client timeout would.
            if 0 <= since_start <= info.start_to_close_timeout.total_seconds():
                elapsed = since_start
        loop_time = asyncio.get_running_loop().time() + max(0.0, allowed - elapsed)
        return cls(loop_time, allowed)

    async def run(self, call: Awaitable[T]) -> T:
        """Await `call`, cancelling it (and so its HTTP request) at the deadline."""
        try:
            async with timeout_at(self.loop_time):
                return await call
        except (TimeoutError, asyncio.TimeoutError):  # Distinct types before Python 3.11.
            if asyncio.get_running_loop().time() < self.loop_time:
                raise  # The call's own timeout, not ours: it says what timed out.
            raise ModelCallDeadlineExceeded(self.allowed_seconds) from None

    async def stream(self, events: AsyncGenerator[T, None]) -> AsyncGenerator[T, None]:
        """`events`, each awaited within the deadline; closing this closes `events` (and
        its HTTP response) at once.

        Only the wait for the next event is bounded, not the consumer's work between
        events: a timeout scope left open across a `yield` would cancel the consumer.
        """
        async with contextlib.aclosing(events):
            while True:
                try:
                    event = await self.run(anext(events))
                except StopAsyncIteration:
                    return
                yield event


def capped(settings: ModelSettings, max_tokens: int | None) -> ModelSettings:
    """`settings` with `max_tokens` at most the cap; an agent's own lower limit stays."""
    if max_tokens is None:
        return settings
    own = settings.max_tokens
    return dataclasses.replace(
        settings, max_tokens=max_tokens if own is None else min(own, max_tokens)
    )


# --- Typed answers ---------------------------------------------------------------------
# Typed answers checked in the model activity, where a bad one can still be retried.
#
# An agent with an `output_type` asks its model for JSON of that type's schema; each backend
# passes the schema on as its API takes it (Ollama's `format`, an OpenAI-compatible
# `response_format`, LiteLLM's translation). Servers that enforce it with a grammar always
# answer in it; others, or a model that ignores it (gpt-oss on some Ollama versions), may
# not. The Agents SDK finds out only in the workflow, where a bad answer is recorded history:
# it fails the run at once, and no retry could change it. Checked here instead, it fails the
# model call, which Temporal retries (a model at any temperature may answer well next time),
# bounded by the retry policy.


def wants_structured_output(
    output_schema: AgentOutputSchemaBase | None,
) -> TypeGuard[AgentOutputSchemaBase]:
    return output_schema is not None and not output_schema.is_plain_text()


def check_structured_answer(
    output: Sequence[TResponseOutputItem],
    output_schema: AgentOutputSchemaBase | None,
    model_name: str,
) -> None:
    """Raise `ModelOutputInvalid` (retryable) if `output` is a final answer that does not
    validate against `output_schema`. Tool calls and handoffs are not answers: left alone."""
    if not wants_structured_output(output_schema):
        return
    messages = [item for item in output if isinstance(item, ResponseOutputMessage)]
    if not messages or any(item.type.endswith("call") for item in output):
        return
    text = ItemHelpers.extract_last_text(messages[-1]) or ""
    # The activity has the schema, not the type (the workflow has that): checked as JSON
    # Schema, which the SDK's pydantic check then passes.
    problem = _outside(output_schema.json_schema(), text)
    if problem is not None:
        raise ApplicationError(
            f"model '{model_name}' answered outside the {output_schema.name()} schema "
            f"({problem}){retry_note()}: the model or its server may not support "
            "structured output; try another model",
            type=FailureType.ModelOutputInvalid,
        )


def _outside(schema: dict[str, Any], text: str) -> str | None:
    """Why `text` is not JSON of `schema`, in a few words, or None."""
    try:
        answer = json.loads(text)
    except json.JSONDecodeError as error:
        return f"not JSON: {error.msg} at character {error.pos}"
    invalid = best_match(Draft202012Validator(schema).iter_errors(answer))
    return None if invalid is None else f"{invalid.message[:150]} at {invalid.json_path}"


@contextlib.contextmanager
def schema_refusals(output_schema: AgentOutputSchemaBase | None, model_name: str) -> Iterator[None]:
    """Re-raise a classified failure inside the block that refused the request because of
    its output schema as one that says the model or server cannot do structured output
    (not retryable: the same schema is refused the same way)."""
    try:
        yield
    except ApplicationError as error:
        refused = error.type == FailureType.ProviderRejectedRequest and _mentions_schema(
            error.message
        )
        if not (refused and wants_structured_output(output_schema)):
            raise
        raise ApplicationError(
            f"{error.message}: it cannot answer model '{model_name}' in a JSON schema; "
            "choose a model or server that supports structured output, or an agent "
            "without output_type",
            type=FailureType.StructuredOutputUnsupported,
            non_retryable=True,
        ) from error.__cause__


# Where each API takes the output schema, as its errors name it (a tool's schema is named
# otherwise: "Invalid schema for function ...").
_OUTPUT_SCHEMA_PARAMETERS = ("response_format", "output_format", "text.format", "invalid format")


def _mentions_schema(message: str) -> bool:
    lowered = message.lower()
    return any(parameter in lowered for parameter in _OUTPUT_SCHEMA_PARAMETERS)
