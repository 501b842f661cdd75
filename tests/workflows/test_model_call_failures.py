"""Model calls are bounded: permanent errors fail at once, transient ones are retried a
bounded number of times, and every failure ends in one actionable message.

The failures every provider path shares (down, rate-limited, 5xx, slow, broken off) are
in `test_failures_on_every_path.py`; these are the path-specific ones."""

from __future__ import annotations

from datetime import timedelta

import pytest
from agents import Model, ModelProvider
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ApplicationError, RetryState
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers.support.temporal import workflow_failure_message
from openai_agents.model_providers.workflows.gpt_oss_workflow import GptOssWorkflow
from openai_agents.model_providers.workflows.litellm_auto_workflow import LitellmAutoWorkflow
from testkit.fakes import anthropic_messages
from testkit.fakes.anthropic_messages import FakeAnthropic
from testkit.fakes.ollama_openai import (
    FakeOllamaOpenAI,
)
from testkit.model_calls import call_model_once
from testkit.wiring import ModelCallPolicy, client_with_provider, create_gpt_oss_provider
from tests.helpers.leaks import assert_key_absent
from tests.helpers.model_paths import ANTHROPIC_TEST_KEY
from tests.helpers.workflow_runs import (
    activity_failure,
    model_call_attempts,
    run_on_worker,
    run_to_end,
)

# Short backoff: these tests are about what fails and after how many attempts.
POLICY = ModelCallPolicy(max_attempts=3, initial_interval=timedelta(milliseconds=200))
PROMPT = "What's the weather in Tokyo?"


async def start_gpt_oss_provider(ollama: FakeOllamaOpenAI) -> ModelProvider:
    """The real GPT-OSS worker provider, pointed at `ollama` (which must be up for its check)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OLLAMA_HOST", ollama.url)
        return await create_gpt_oss_provider("gpt-oss:20b", POLICY)


async def expect_failure(
    env: WorkflowEnvironment, provider: ModelProvider, *args: str
) -> WorkflowFailureError:
    """Run the GPT-OSS workflow on a worker with `provider`; return how it failed."""
    try:
        client = client_with_provider(env.client, provider, POLICY)
        outcome = await run_to_end(client, GptOssWorkflow, GptOssWorkflow.run, args)
    finally:
        await provider.aclose()
    assert outcome.failure is not None, f"the workflow completed: {outcome.result}"
    return outcome.failure


async def test_unknown_model_fails_after_exactly_one_attempt(env: WorkflowEnvironment) -> None:
    with FakeOllamaOpenAI([]) as ollama:
        provider = await start_gpt_oss_provider(ollama)
        failure = await expect_failure(env, provider, PROMPT, "gpt-oss:120b")

    activity_error, cause = activity_failure(failure)
    assert cause.non_retryable and cause.type == "ModelNotFound"
    assert activity_error.retry_state == RetryState.NON_RETRYABLE_FAILURE
    assert len(ollama.chat_requests) == 1
    assert workflow_failure_message(failure) == (
        f"Ollama at {ollama.url} has no model 'gpt-oss:120b' "
        '(model "gpt-oss:120b" not found, try pulling it first): '
        "pull it with `ollama pull gpt-oss:120b`"
    )


RETIRED_MODEL = "anthropic/claude-sonnet-4-5"


async def litellm_provider(
    anthropic: FakeAnthropic, monkeypatch: pytest.MonkeyPatch
) -> ModelProvider:
    """The real LiteLLM worker provider, pointed at `anthropic`."""
    from testkit.wiring import create_litellm_provider

    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_TEST_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", anthropic.url)
    return await create_litellm_provider(RETIRED_MODEL, POLICY)


async def run_litellm(
    env: WorkflowEnvironment,
    anthropic: FakeAnthropic,
    monkeypatch: pytest.MonkeyPatch,
    model: str = RETIRED_MODEL,
) -> tuple[str, list[int]]:
    """Run the LiteLLM workflow through the real worker provider against `anthropic`."""
    client = client_with_provider(
        env.client, await litellm_provider(anthropic, monkeypatch), POLICY
    )
    result, history = await run_on_worker(
        client, LitellmAutoWorkflow, LitellmAutoWorkflow.run, [PROMPT, model]
    )
    return result, model_call_attempts(history)


async def test_litellm_unknown_model_fails_on_the_first_attempt(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    not_found = anthropic_messages.model_not_found("claude-sonnet-4-5")
    with FakeAnthropic([not_found]) as anthropic, pytest.raises(WorkflowFailureError) as failure:
        await run_litellm(env, anthropic, monkeypatch)

    _, cause = activity_failure(failure.value)
    assert cause.type == "ModelNotFound" and cause.non_retryable
    assert len(anthropic.message_requests) == 1
    assert workflow_failure_message(failure.value) == (
        f"anthropic (via LiteLLM) at {anthropic.url} has no model '{RETIRED_MODEL}' "
        "(model: claude-sonnet-4-5): "
        "name a current model with --model (see https://docs.litellm.ai/docs/providers)"
    )
    # LiteLLM's "Provider List: ..." banner is switched off.
    assert "Provider List" not in capsys.readouterr().out


async def test_a_rejected_api_key_fails_on_the_first_attempt(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    rejected = anthropic_messages.invalid_api_key()
    with FakeAnthropic([rejected]) as anthropic, pytest.raises(WorkflowFailureError) as failure:
        await run_litellm(env, anthropic, monkeypatch)

    activity_error, cause = activity_failure(failure.value)
    assert cause.type == "ProviderAuthenticationFailed"
    assert activity_error.retry_state == RetryState.NON_RETRYABLE_FAILURE
    assert len(anthropic.message_requests) == 1
    message = workflow_failure_message(failure.value)
    assert message.startswith(
        f"anthropic (via LiteLLM) at {anthropic.url} rejected the credentials"
    )
    assert message.endswith("check ANTHROPIC_API_KEY")
    # The fake quoted the key back; the failure, decoded from the workflow's history, holds
    # it nowhere. (LiteLLM may mask it before this project does: who masks is not the point.)
    assert_key_absent(failure.value, ANTHROPIC_TEST_KEY)


async def test_an_unroutable_litellm_model_name_fails_on_the_first_attempt(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeAnthropic([]) as anthropic, pytest.raises(WorkflowFailureError) as failure:
        await run_litellm(env, anthropic, monkeypatch, model="claude-without-a-provider")

    activity_error, cause = activity_failure(failure.value)
    assert activity_error.retry_state == RetryState.NON_RETRYABLE_FAILURE
    assert cause.type == "ProviderRejectedRequest"
    assert "rejected the request for model 'claude-without-a-provider'" in (
        workflow_failure_message(failure.value)
    )
    assert anthropic.message_requests == []


async def error_from_one_call(model: Model) -> ApplicationError:
    """Call `model` once, outside any workflow, and return the error Temporal is handed."""
    with pytest.raises(ApplicationError) as raised:
        await call_model_once(model)
    return raised.value


async def test_a_litellm_call_gives_up_at_the_workers_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The worker's timeout reaches LiteLLM: without it, this call would wait for the answer."""
    from testkit.wiring import create_litellm_provider

    with FakeAnthropic([anthropic_messages.hang(seconds=10)]) as anthropic:
        monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_TEST_KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", anthropic.url)
        policy = ModelCallPolicy(timeout=timedelta(seconds=3))
        provider = await create_litellm_provider(RETIRED_MODEL, policy)
        error = await error_from_one_call(provider.get_model(RETIRED_MODEL))

    assert error.type == "ModelCallTimeout" and not error.non_retryable
    assert "did not answer model 'anthropic/claude-sonnet-4-5' within 2s" in error.message


async def test_an_unreachable_litellm_provider_is_reported_as_unreachable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """LiteLLM calls a refused connection an HTTP 500; the message still says what to check."""
    with FakeAnthropic([]) as anthropic:
        provider = await litellm_provider(anthropic, monkeypatch)
    error = await error_from_one_call(provider.get_model(RETIRED_MODEL))

    assert error.type == "ProviderUnreachable" and not error.non_retryable
    assert error.message == (
        f"cannot reach anthropic (via LiteLLM) at {anthropic.url}: check your network, "
        "or ANTHROPIC_API_BASE / ANTHROPIC_BASE_URL if you set one"
    )
