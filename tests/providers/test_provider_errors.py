"""How each kind of provider failure is classified for Temporal's retry policy.

The errors are built as openai 3.x builds them, on `httpx2` responses."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

import httpx
import httpx2
import openai
import pytest
from agents import Model, ModelResponse
from temporalio.api.failure.v1 import Failure
from temporalio.common import RetryPolicy
from temporalio.converter import DataConverter
from temporalio.exceptions import ApplicationError
from temporalio.openai_agents.testing import TestModel, TestModelProvider
from temporalio.testing import ActivityEnvironment

from openai_agents.model_providers.providers.errors.classification import (
    describe_ollama,
    translate_provider_error,
)
from openai_agents.model_providers.providers.errors.wrapper import ActionableErrorsProvider
from openai_agents.model_providers.providers.router.provider import MultiModelProvider
from testkit.fakes import openai_responses
from testkit.fakes.openai_responses import FakeOpenAIResponses
from testkit.model_calls import call_model_once

OLLAMA = describe_ollama("http://localhost:11434")
REQUEST = httpx2.Request("POST", "http://localhost:11434/v1/chat/completions")


def status_error(status: int, message: str = "boom", **headers: str) -> openai.APIStatusError:
    response = httpx2.Response(status, headers=headers, request=REQUEST)
    body = {"error": {"message": message, "type": "api_error"}}
    error_class = {429: openai.RateLimitError, 500: openai.InternalServerError}.get(
        status, openai.APIStatusError
    )
    return error_class(f"Error code: {status}", response=response, body=body)


def translate(error: Exception) -> ApplicationError:
    translated = translate_provider_error(error, "gpt-oss:20b", OLLAMA, 28.0)
    assert translated is not None
    return translated


def test_rate_limit_is_retried_after_the_delay_the_provider_asks_for() -> None:
    error = translate(status_error(429, "slow down", **{"retry-after": "7"}))
    assert not error.non_retryable
    assert error.type == "ProviderRateLimited"
    assert error.next_retry_delay == timedelta(seconds=7)
    assert error.message == (
        "Ollama at http://localhost:11434 is rate-limiting requests (HTTP 429: slow down); "
        "it asked to retry after 7s"
    )


def test_retry_after_ms_wins_over_retry_after() -> None:
    error = translate(status_error(503, **{"retry-after-ms": "1500", "retry-after": "9"}))
    assert error.next_retry_delay == timedelta(milliseconds=1500)


def test_retry_after_as_an_http_date() -> None:
    error = translate(status_error(429, **{"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}))
    assert error.next_retry_delay == timedelta(0)  # Already past: retry at once.


@pytest.mark.parametrize("status", [408, 409, 500, 502, 503])
def test_transient_statuses_are_retryable(status: int) -> None:
    error = translate(status_error(status, "try later"))
    assert not error.non_retryable
    assert error.type == "ProviderServerError"


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, "ProviderRejectedRequest"),
        (401, "ProviderAuthenticationFailed"),
        (403, "ProviderAuthenticationFailed"),
        (404, "ModelNotFound"),
        (422, "ProviderRejectedRequest"),
    ],
)
def test_caller_errors_are_not_retried(status: int, error_type: str) -> None:
    error = translate(status_error(status))
    assert error.non_retryable
    assert error.type == error_type


def test_the_provider_can_veto_or_demand_a_retry() -> None:
    assert translate(status_error(500, **{"x-should-retry": "false"})).non_retryable
    assert not translate(status_error(400, **{"x-should-retry": "true"})).non_retryable


def test_a_timeout_is_retryable_and_says_how_long_was_waited() -> None:
    error = translate(openai.APITimeoutError(request=REQUEST))
    assert not error.non_retryable
    assert error.type == "ModelCallTimeout"
    assert "did not answer model 'gpt-oss:20b' within 28s" in error.message


def connection_error(cause: Exception) -> openai.APIConnectionError:
    """openai's error for a transport failure, which it raises from httpx's own."""
    error = openai.APIConnectionError(request=REQUEST)
    error.__cause__ = cause
    return error


def test_an_unreachable_server_is_retryable() -> None:
    refused = ConnectionRefusedError(111, "Connection refused")
    error = translate(connection_error(refused))
    assert not error.non_retryable and error.type == "ProviderUnreachable"
    assert error.message.startswith("cannot reach Ollama at http://localhost:11434")


def translate_in_attempt(error: Exception, attempt: int, maximum_attempts: int) -> ApplicationError:
    """`translate(error)` inside a model activity on `attempt` of `maximum_attempts`."""
    environment = ActivityEnvironment()
    environment.info = dataclasses.replace(
        environment.info,
        attempt=attempt,
        retry_policy=RetryPolicy(maximum_attempts=maximum_attempts),
    )
    return environment.run(translate, error)


def test_a_connection_broken_mid_reply_is_retryable_and_not_called_unreachable() -> None:
    cut = httpx.RemoteProtocolError("peer closed connection without sending complete body")
    error = translate_in_attempt(connection_error(cut), attempt=1, maximum_attempts=5)
    assert not error.non_retryable and error.type == "ProviderConnectionLost"
    assert error.message == (
        "the connection to Ollama at http://localhost:11434 broke during the reply to model "
        "'gpt-oss:20b' (APIConnectionError); the call is retried"
    )


def test_the_last_attempts_failure_does_not_say_it_is_retried() -> None:
    cut = httpx.RemoteProtocolError("peer closed connection without sending complete body")
    error = translate_in_attempt(connection_error(cut), attempt=5, maximum_attempts=5)
    assert error.type == "ProviderConnectionLost"
    assert "retried" not in error.message
    assert error.message.endswith("(APIConnectionError); that was the last of 5 attempts")


def test_a_reply_cut_off_mid_way_is_a_lost_connection_whatever_status_wraps_it() -> None:
    """LiteLLM reports a reply whose body stopped short as an HTTP 500 of its own; the
    transport error under it says what happened."""
    cut = httpx.ReadError("Not enough data to satisfy content length header")
    wrapper = status_error(500, "Response payload is not completed")
    wrapper.__cause__ = cut
    error = translate(wrapper)
    assert not error.non_retryable and error.type == "ProviderConnectionLost"
    assert "(ReadError)" in error.message


def test_long_provider_messages_are_cut_to_one_short_line() -> None:
    error = translate(status_error(400, "line one\nline two " + "x" * 1000))
    assert "\n" not in error.message
    assert len(error.message) < 450


def test_other_exceptions_pass_through_unchanged() -> None:
    assert translate_provider_error(ValueError("bug"), "m", OLLAMA, 28.0) is None


def _failing_model(error: Exception) -> Model:
    def fail() -> ModelResponse:
        raise error

    provider = ActionableErrorsProvider(TestModelProvider(TestModel(fail)), lambda _: OLLAMA, 28.0)
    return provider.get_model("gpt-oss:20b")


async def test_the_wrapper_raises_the_translation_caused_by_the_original() -> None:
    refused = ConnectionRefusedError(111, "Connection refused")
    with pytest.raises(ApplicationError) as raised:
        await call_model_once(_failing_model(connection_error(refused)))
    assert raised.value.type == "ProviderUnreachable"
    # The original chain, by type and message: what a reader of the history needs.
    cause = raised.value.__cause__
    assert isinstance(cause, ApplicationError)
    assert (cause.type, cause.message) == ("APIConnectionError", "Connection error.")
    inner = cause.__cause__
    assert isinstance(inner, ApplicationError)
    assert (inner.type, inner.message) == (
        "ConnectionRefusedError",
        "[Errno 111] Connection refused",
    )


# A frame of the client libraries in a recorded stack trace: openai, httpx (or openai
# 3.x's httpx2) and httpcore.
CLIENT_LIBRARY_FRAME = re.compile(r"[/\\](openai|httpx\w*|httpcore\w*)[/\\]")


async def test_the_recorded_causes_mask_keys_and_drop_stack_frames() -> None:
    key = "sk-proj-recorded-0123456789"
    # A real failure: the openai client raises it from deep in its own and httpx's code,
    # and the server quotes the key back.
    with FakeOpenAIResponses([openai_responses.invalid_api_key()]) as server:
        router = MultiModelProvider(openai_api_key=key, openai_base_url=f"{server.url}/v1")
        try:
            with pytest.raises(ApplicationError) as raised:
                await call_model_once(router.get_model("openai/gpt-4.1"))
        finally:
            await router.aclose()

    # Converted as the activity worker converts what the model activity raised.
    failure = Failure()
    converter = DataConverter.default
    converter.failure_converter.to_failure(raised.value, converter.payload_converter, failure)
    chain = [failure]
    while chain[-1].HasField("cause"):
        chain.append(chain[-1].cause)

    for recorded in chain:
        assert not CLIENT_LIBRARY_FRAME.search(recorded.stack_trace), recorded.stack_trace
    # The translation, then openai's error and what lies behind it, by type and message.
    assert [f.application_failure_info.type for f in chain[:2]] == [
        "ProviderAuthenticationFailed",
        "AuthenticationError",
    ]
    assert "(HTTP 401: Incorrect API key provided: [redacted].)" in chain[0].message
    assert "Incorrect API key provided: [redacted]." in chain[1].message
    assert key.encode() not in failure.SerializeToString()


async def test_the_wrapper_lets_unclassified_errors_through_untouched() -> None:
    original = ValueError("a bug")
    with pytest.raises(ValueError) as raised:
        await call_model_once(_failing_model(original))
    assert raised.value is original
    assert raised.value.__cause__ is None
