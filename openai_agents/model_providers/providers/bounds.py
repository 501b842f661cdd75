"""How long, and how much, one model call may take: its deadline, a little before its
activity attempt's; and its token cap, so that a model that repeats itself stops at once
rather than running every attempt into the timeout.

Inside a model activity the deadline is the attempt's: a little before its start-to-close
timeout ends, counted from when the attempt started, not from when the request leaves.
On a busy worker a request can leave a second or two after its attempt started; a client
timeout counted from the send would then let Temporal's bare timeout fire first, and the
one-line error that says what timed out would be lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import sys
from collections.abc import AsyncGenerator, Awaitable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TypeVar

from agents import ModelSettings
from temporalio import activity
from temporalio.exceptions import ApplicationError

from .failure_types import FailureType

if sys.version_info >= (3, 11):
    from asyncio import timeout_at
else:
    from async_timeout import timeout_at

DEFAULT_REQUEST_TIMEOUT_SECONDS = 28.0
"""The clients' timeout under the samples' 30 s model-call (activity) timeout."""

DEFAULT_MAX_TOKENS = 1024
"""Each model call's token cap unless the worker sets another (`--max-tokens`): ample for
the samples' haikus with gpt-oss's reasoning, and reached in seconds by a model that
repeats itself (at 55-110 tokens/s on a 2-core CPU, under the 30 s timeout)."""

T = TypeVar("T")


def request_timeout_under(start_to_close_timeout: timedelta) -> float:
    """How long a model call may take for a model activity with this start-to-close
    timeout: a little under it, so that a slow model surfaces as our clear timeout error
    ("did not answer within 28s") rather than as a bare activity timeout. The margin, 1 to
    2 s, leaves the activity time to report the failure."""
    seconds = start_to_close_timeout.total_seconds()
    margin = min(2.0, max(1.0, seconds * 0.1)) if seconds > 2 else seconds / 2
    return seconds - margin


class ModelCallDeadlineExceeded(TimeoutError):
    """A model call was still running when the time its attempt allows ran out."""

    def __init__(self, allowed_seconds: float) -> None:
        super().__init__(f"the model call did not finish within {allowed_seconds:g}s")
        self.allowed_seconds = allowed_seconds


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
