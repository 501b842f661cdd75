"""Provider failures on every path a sample takes to a model (Ollama's OpenAI-compatible
API, Ollama's native API, LiteLLM, the prefix router): real workers' providers, real
clients, fake servers speaking each wire format, and Temporal's retries in between."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from agents import Model, ModelProvider, ModelResponse
from agents.items import TResponseStreamEvent
from temporalio.api.failure.v1 import Failure
from temporalio.client import Client, WorkflowFailureError, WorkflowHistory
from temporalio.exceptions import ActivityError, ApplicationError, RetryState
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers.support.temporal import workflow_failure_message
from testkit.fakes import ollama_native
from testkit.fakes.http_server import FakeHTTPServer, Route
from testkit.wiring import ModelCallPolicy, client_with_provider
from tests.helpers.model_paths import MODEL_PATHS, ModelPath, every_model_path
from tests.helpers.workflow_runs import (
    Outcome,
    activity_failure,
    model_call_attempts,
    new_workflow_id,
    run_to_end,
)

PROMPT = "What's the weather in Tokyo?"
WEATHER = "The weather in Tokyo is sunny."
# Short backoff: these tests are about what fails and after how many attempts.
POLICY = ModelCallPolicy(max_attempts=3, initial_interval=timedelta(milliseconds=200))


def weather_run(path: ModelPath) -> list[Route]:
    """A good run: the model calls the weather tool, then answers with its result."""
    return [
        path.steps.call_tool("get_weather", city="Tokyo"),
        path.steps.answer_quoting_tool_result(),
    ]


async def run_path(
    env: WorkflowEnvironment,
    path: ModelPath,
    server: FakeHTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    policy: ModelCallPolicy = POLICY,
) -> Outcome:
    """The path's sample workflow on a worker with the path's real provider for `server`."""
    provider = await path.make_provider(server.url, policy, monkeypatch)
    return await run_with_provider(env, path, provider, policy)


async def run_with_provider(
    env: WorkflowEnvironment,
    path: ModelPath,
    provider: ModelProvider,
    policy: ModelCallPolicy = POLICY,
) -> Outcome:
    """The path's sample workflow on a worker with `provider`, closed afterwards."""
    try:
        client = client_with_provider(env.client, provider, policy)
        return await run_to_end(client, path.workflow, path.workflow.run, [PROMPT, path.model])
    finally:
        await provider.aclose()


def previous_attempt_failures(history: WorkflowHistory) -> list[Failure]:
    """Per model call, how its previous attempt failed (empty for a first attempt).

    Recorded by a real server only; the time-skipping test server leaves it empty."""
    return [
        event.activity_task_started_event_attributes.last_failure
        for event in history.events
        if event.HasField("activity_task_started_event_attributes")
    ]


def failed_attempts(caplog: pytest.LogCaptureFixture) -> list[ApplicationError]:
    """The errors the worker handed Temporal for failed model-call attempts, in order.

    Read from the worker's log because the time-skipping test server does not record an
    attempt's failure in history the way a real server does (`last_failure`)."""
    return [
        record.exc_info[1]
        for record in caplog.records
        if record.name == "temporalio.activity"
        and record.exc_info
        and isinstance(record.exc_info[1], ApplicationError)
    ]


def final_error(outcome: Outcome) -> tuple[WorkflowFailureError, ActivityError, ApplicationError]:
    assert outcome.failure is not None, f"the workflow completed: {outcome.result}"
    return outcome.failure, *activity_failure(outcome.failure)


@every_model_path()
async def test_a_provider_that_stays_down_fails_after_the_bounded_attempts(
    env: WorkflowEnvironment, path: ModelPath, monkeypatch: pytest.MonkeyPatch
) -> None:
    with path.serve([], 0) as server:
        # Up while the worker starts (its start-up check passes), then down for good.
        provider = await path.make_provider(server.url, POLICY, monkeypatch)
    outcome = await run_with_provider(env, path, provider)

    failure, activity_error, cause = final_error(outcome)
    assert activity_error.retry_state == RetryState.MAXIMUM_ATTEMPTS_REACHED
    assert cause.type == "ProviderUnreachable"
    assert model_call_attempts(outcome.history) == [POLICY.max_attempts]
    message = workflow_failure_message(failure)
    assert message.startswith(f"cannot reach {path.describe(server.url)}: ")
    assert "\n" not in message


def bound_but_not_listening(port: int) -> socket.socket:
    """Hold `port` while connections to it are refused, as when a server is down."""
    placeholder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    placeholder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    placeholder.bind(("127.0.0.1", port))
    return placeholder


async def wait_for_a_retry(client: Client, workflow_id: str) -> None:
    """Until Temporal has retried the workflow's pending model call at least once."""
    while True:
        try:
            description = await client.get_workflow_handle(workflow_id).describe()
        except RPCError:  # Not started yet.
            description = None
        if description is not None:
            pending = description.raw_description.pending_activities
            if pending and pending[0].attempt >= 2:
                return
        await asyncio.sleep(0.2)


@every_model_path()
async def test_a_provider_that_comes_up_within_the_retry_budget_is_waited_for(
    dev_server_env: WorkflowEnvironment, path: ModelPath, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a real server: the retries' backoff is real time in which the server starts."""
    policy = ModelCallPolicy(max_attempts=6)
    with path.serve([], 0) as early:
        provider = await path.make_provider(early.url, policy, monkeypatch)
    # Down from here: the workflow starts while nothing listens on the port. The port stays
    # bound, though, so that no other socket on this machine can take it in the meantime.
    placeholder = bound_but_not_listening(early.port)
    client = client_with_provider(dev_server_env.client, provider, policy)
    workflow_id = new_workflow_id(path.workflow)
    run = asyncio.create_task(
        run_to_end(client, path.workflow, path.workflow.run, [PROMPT, path.model], workflow_id)
    )
    try:
        await asyncio.wait_for(wait_for_a_retry(client, workflow_id), timeout=60)
        placeholder.close()
        with path.serve(weather_run(path), early.port) as late:
            outcome = await asyncio.wait_for(run, timeout=120)
    finally:
        placeholder.close()
        run.cancel()
        await provider.aclose()

    assert outcome.result is not None and WEATHER in outcome.result
    first_call_attempts, second_call_attempts = model_call_attempts(outcome.history)
    assert first_call_attempts >= 2 and second_call_attempts == 1
    before_it_came_up = previous_attempt_failures(outcome.history)[0]
    assert before_it_came_up.message.startswith(f"cannot reach {path.describe(late.url)}: ")
    assert path.model_calls(late) == 2


@every_model_path()
async def test_a_rate_limit_is_waited_out_as_long_as_the_provider_asks(
    env: WorkflowEnvironment,
    path: ModelPath,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    steps = [path.steps.rate_limited(retry_after_seconds=3), *weather_run(path)]
    with path.serve(steps, 0) as server:
        outcome = await run_path(env, path, server, monkeypatch)

    assert outcome.result is not None and WEATHER in outcome.result
    assert model_call_attempts(outcome.history) == [2, 1]
    assert path.model_calls(server) == 3
    [rate_limited] = failed_attempts(caplog)
    assert rate_limited.type == "ProviderRateLimited"
    # Temporal is asked to wait the provider's Retry-After instead of its own backoff
    # (0.2 s here); the time-skipping server skips the wait itself.
    assert rate_limited.next_retry_delay == timedelta(seconds=3)


@every_model_path()
async def test_server_errors_mid_run_are_retried_until_the_model_answers(
    env: WorkflowEnvironment,
    path: ModelPath,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    call_weather, answer = weather_run(path)
    steps = [call_weather, path.steps.server_error(), path.steps.server_error(), answer]
    with path.serve(steps, 0) as server:
        outcome = await run_path(env, path, server, monkeypatch)

    assert outcome.result is not None and WEATHER in outcome.result
    # One HTTP request per attempt: the clients' own retries are off.
    assert model_call_attempts(outcome.history) == [1, 3]
    assert path.model_calls(server) == 4
    assert [error.type for error in failed_attempts(caplog)] == ["ProviderServerError"] * 2


@every_model_path()
async def test_a_reply_broken_off_mid_way_is_retried_cleanly(
    env: WorkflowEnvironment,
    path: ModelPath,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    call_weather, answer = weather_run(path)
    steps = [call_weather, path.steps.broken_reply(), answer]
    with path.serve(steps, 0) as server:
        outcome = await run_path(env, path, server, monkeypatch)

    # The whole answer, from the retry; nothing of the broken reply.
    assert outcome.result == f"Skies over the town\n{WEATHER}\nso the haiku ends"
    assert model_call_attempts(outcome.history) == [1, 2]
    assert path.model_calls(server) == 3
    [broken_off] = failed_attempts(caplog)
    assert broken_off.type == "ProviderConnectionLost", broken_off.message


@every_model_path()
async def test_a_model_slower_than_the_timeout_is_retried_a_bounded_number_of_times(
    dev_server_env: WorkflowEnvironment, path: ModelPath, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a real server, whose clock is the worker's, so each call's deadline counts from
    its attempt's start, however late a busy worker sends the request (a time-skipping
    server's clock runs ahead once a test has skipped time)."""
    # The 30 s default, shortened so the test takes seconds; the mechanism is the same.
    policy = ModelCallPolicy(timeout=timedelta(seconds=3), max_attempts=2)
    with path.serve([path.steps.hang(5), path.steps.hang(5)], 0) as server:
        outcome = await run_path(dev_server_env, path, server, monkeypatch, policy)

    _failure, activity_error, cause = final_error(outcome)
    assert activity_error.retry_state == RetryState.MAXIMUM_ATTEMPTS_REACHED
    assert cause.type == "ModelCallTimeout"
    assert model_call_attempts(outcome.history) == [2]
    assert path.model_calls(server) == 2
    assert cause.message.startswith(f"{path.describe(server.url)} did not answer model ")
    assert "within 2s" in cause.message


class LateRequests(ModelProvider):
    """`inner`, with each model call's request leaving `delay` seconds after its activity
    attempt started, as on a worker too busy to send it at once (measured at 200
    concurrent workflows: p99 1-1.8 s)."""

    def __init__(self, inner: ModelProvider, delay: float) -> None:
        self.inner, self.delay = inner, delay

    def get_model(self, model_name: str | None) -> Model:
        return LateModel(self.inner.get_model(model_name), self.delay)

    async def aclose(self) -> None:
        await self.inner.aclose()


class LateModel(Model):
    def __init__(self, inner: Model, delay: float) -> None:
        self.inner, self.delay = inner, delay

    async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
        await asyncio.sleep(self.delay)
        return await self.inner.get_response(*args, **kwargs)

    def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[TResponseStreamEvent]:
        raise NotImplementedError


@every_model_path()
async def test_a_call_that_starts_late_still_times_out_with_its_own_error(
    dev_server_env: WorkflowEnvironment, path: ModelPath, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a real server, whose clock is the worker's: the model call's deadline counts from
    its attempt's start, so it ends before Temporal's start-to-close timeout even when the
    request left late, and the failure says what timed out."""
    policy = ModelCallPolicy(timeout=timedelta(seconds=3), max_attempts=1)
    with path.serve([path.steps.hang(10)], 0) as server:
        provider = await path.make_provider(server.url, policy, monkeypatch)
        late = LateRequests(provider, delay=1.5)
        outcome = await run_with_provider(dev_server_env, path, late, policy)

    _failure, activity_error, cause = final_error(outcome)
    assert cause.type == "ModelCallTimeout", activity_error
    assert cause.message.startswith(f"{path.describe(server.url)} did not answer model ")
    assert "within 2s" in cause.message  # What a 3 s attempt allows; the request had less.
    assert "retried" not in cause.message


@every_model_path()
async def test_a_runaway_reply_stops_at_the_workers_token_cap_and_fails_at_once(
    env: WorkflowEnvironment, path: ModelPath, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A model that repeats itself (SmolLM2 at temperature 0 does) writes until its token
    limit. Sent none, every attempt ran into the timeout, and the advice to raise it could
    not help. With the worker's cap the reply stops there, and the call fails at once,
    saying so, instead of being retried into the same runaway."""
    # The cap, not the timeout, must end the reply: a timeout far above what a capped reply
    # takes, even on a busy machine (an attempt that timed out would be retried).
    policy = ModelCallPolicy(timeout=timedelta(seconds=30), max_attempts=3, max_tokens=64)
    with path.serve([path.steps.runaway()], 0) as server:
        outcome = await run_path(env, path, server, monkeypatch, policy)

    _failure, _activity_error, cause = final_error(outcome)
    assert (cause.type, cause.non_retryable) == ("ModelOutputTruncated", True), cause.message
    assert model_call_attempts(outcome.history) == [1]
    assert path.model_calls(server) == 1
    assert "64 tokens" in cause.message and "--max-tokens" in cause.message


@every_model_path()
async def test_a_conversation_longer_than_the_model_reads_fails_at_once_naming_the_budget(
    env: WorkflowEnvironment, path: ModelPath, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each provider's own words for a request longer than its context window: no retry
    can shorten it, and the line says which setting does."""
    with path.serve([path.steps.context_too_long()], 0) as server:
        outcome = await run_path(env, path, server, monkeypatch)

    _failure, _activity_error, cause = final_error(outcome)
    assert (cause.type, cause.non_retryable) == ("ContextWindowExceeded", True), cause.message
    assert model_call_attempts(outcome.history) == [1]
    assert cause.message.startswith(f"{path.describe(server.url)} rejected the conversation ")
    assert "--memory-budget" in cause.message and "--context-tokens" in cause.message


NATIVE_OLLAMA_PATHS = [p for p in MODEL_PATHS if p.steps is ollama_native]


@pytest.mark.parametrize("path", NATIVE_OLLAMA_PATHS, ids=[p.id for p in NATIVE_OLLAMA_PATHS])
async def test_a_reply_cut_off_at_the_token_limit_fails_at_once_and_says_so(
    env: WorkflowEnvironment, path: ModelPath, monkeypatch: pytest.MonkeyPatch
) -> None:
    with path.serve([ollama_native.answer("Skies over", done_reason="length")], 0) as server:
        outcome = await run_path(env, path, server, monkeypatch)

    _failure, activity_error, cause = final_error(outcome)
    assert cause.type == "ModelOutputTruncated" and cause.non_retryable
    assert activity_error.retry_state == RetryState.NON_RETRYABLE_FAILURE
    assert model_call_attempts(outcome.history) == [1]
    assert "done_reason=length" in cause.message
