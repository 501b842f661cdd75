"""`ActionableErrorsProvider`: any model provider, its model calls bounded by the activity
attempt's deadline and failing with classified, one-line Temporal errors.

This wrapper runs inside the model activity. Each failure is classified as retryable or
not and says what to do (`classification.py`), with credentials masked and without the
client libraries' stack frames (`redaction.py`), so the workflow fails (or retries) with a
message a person can act on.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from agents import AgentOutputSchemaBase, Model, ModelProvider, ModelResponse, ModelSettings
from agents.items import TResponseStreamEvent
from openai.types.responses import ResponseCompletedEvent

from .bounds import DEFAULT_MAX_TOKENS, Deadline, capped, truncated_reply
from .classification import translate_provider_error
from .descriptions import ProviderDescription
from .redaction import recorded_causes
from .structured_output import check_structured_answer, schema_refusals

_MODEL_CALL = inspect.signature(Model.get_response)


class ActionableErrorsProvider(ModelProvider):
    """Wraps a model provider so that its models fail with actionable Temporal errors.

    Every call is bounded: its deadline is its activity attempt's, and its `max_tokens` at
    most `max_tokens`; a reply that stops at that limit fails at once (`ModelOutputTruncated`)
    instead of passing as an answer; a typed answer (an agent's `output_type`) that does not
    validate fails it too, retryably (`structured_output.py`). `settings`, if given, are
    laid over every call's own (`ModelSettings.resolve`: a client's timeout, its retries
    off). Both are added here, in the activity, so they never reach the workflow's history.
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
    ) -> None:
        self._inner = inner
        self._bounds = CallBounds(describe, request_timeout_seconds, max_tokens, settings)

    def get_model(self, model_name: str | None) -> Model:
        return ActionableErrorsModel(self._inner.get_model(model_name), model_name, self._bounds)

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass(frozen=True)
class CallBounds:
    """What `ActionableErrorsProvider` applies to each call of every model it gives out."""

    describe: Callable[[str | None], ProviderDescription]
    request_timeout_seconds: float
    max_tokens: int | None = DEFAULT_MAX_TOKENS
    settings: ModelSettings | None = None


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
        call = _MODEL_CALL.bind(self._inner, *args, **kwargs)
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

    def _actionable_errors(self) -> contextlib.AbstractContextManager[None]:
        # Described only on failure: the happy path pays nothing, and a model name the
        # description cannot make sense of fails like any other call would.
        return raising_actionable_errors(
            self._name,
            lambda: self._bounds.describe(self._model_name),
            self._bounds.request_timeout_seconds,
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
