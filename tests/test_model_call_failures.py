"""Model calls are bounded: permanent errors fail at once, transient ones are retried a
bounded number of times, and every failure ends in one actionable message."""

from __future__ import annotations

import pytest
from agents import ModelProvider
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ActivityError, ApplicationError, RetryState
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers.cli import workflow_failure_message
from openai_agents.model_providers.configuration import ModelCallPolicy
from openai_agents.model_providers.ollama_openai_compat import create_gpt_oss_provider
from openai_agents.model_providers.workflows.gpt_oss_workflow import GptOssWorkflow
from openai_agents.model_providers.workflows.litellm_auto_workflow import LitellmAutoWorkflow
from tests.fakes import anthropic_messages
from tests.fakes.anthropic_messages import FakeAnthropic
from tests.fakes.http_server import Route
from tests.fakes.ollama_openai import (
    FakeOllamaOpenAI,
    answer_quoting_tool_result,
    call_tool,
    fail,
)
from tests.helpers import client_with_provider, model_call_attempts, run_on_worker

POLICY = ModelCallPolicy(max_attempts=3)
PROMPT = "What's the weather in Tokyo?"


async def start_gpt_oss_provider(ollama: FakeOllamaOpenAI) -> ModelProvider:
    """The real GPT-OSS worker provider, pointed at `ollama` (which must be up for its check)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OLLAMA_HOST", ollama.url)
        return await create_gpt_oss_provider("gpt-oss:20b", POLICY)


async def run_gpt_oss(
    env: WorkflowEnvironment, provider: ModelProvider, *args: str
) -> tuple[str, list[int]]:
    """Run the GPT-OSS workflow on a worker with `provider`; return result and attempts."""
    try:
        client = client_with_provider(env, provider, POLICY)
        result, history = await run_on_worker(client, GptOssWorkflow, GptOssWorkflow.run, args)
    finally:
        await provider.aclose()
    return result, model_call_attempts(history)


async def expect_failure(
    env: WorkflowEnvironment, provider: ModelProvider, *args: str
) -> WorkflowFailureError:
    with pytest.raises(WorkflowFailureError) as failure:
        await run_gpt_oss(env, provider, *args)
    return failure.value


def activity_failure(error: WorkflowFailureError) -> tuple[ActivityError, ApplicationError]:
    activity_error = error.cause
    assert isinstance(activity_error, ActivityError)
    cause = activity_error.cause
    assert isinstance(cause, ApplicationError)
    return activity_error, cause


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


async def test_server_errors_are_retried_until_the_model_answers(env: WorkflowEnvironment) -> None:
    steps: list[Route] = [
        fail(500, "model runner crashed"),
        fail(500, "model runner crashed"),
        call_tool("get_weather", city="Tokyo"),
        answer_quoting_tool_result(),
    ]
    with FakeOllamaOpenAI(steps) as ollama:
        result, attempts = await run_gpt_oss(env, await start_gpt_oss_provider(ollama), PROMPT)

    assert "The weather in Tokyo is sunny." in result
    # The first model call succeeded on its third attempt, the second on its first; one
    # HTTP request per attempt means the client itself did not retry.
    assert attempts == [3, 1]
    assert len(ollama.chat_requests) == 4


async def test_a_server_that_stays_down_fails_after_the_bounded_attempts(
    env: WorkflowEnvironment,
) -> None:
    with FakeOllamaOpenAI([]) as ollama:
        # Up for the worker's start-up check, then gone for good.
        provider = await start_gpt_oss_provider(ollama)
    failure = await expect_failure(env, provider, PROMPT)

    activity_error, cause = activity_failure(failure)
    assert activity_error.retry_state == RetryState.MAXIMUM_ATTEMPTS_REACHED
    assert cause.type == "ProviderUnreachable"
    assert workflow_failure_message(failure) == (
        f"cannot reach Ollama at {ollama.url}: start it with `ollama serve`, "
        "or point OLLAMA_HOST at a running server"
    )


async def test_litellm_unknown_model_and_bad_key_fail_on_the_first_attempt(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openai_agents.model_providers.litellm_backend import create_litellm_provider

    retired = "anthropic/claude-3-5-sonnet-20240620"
    with FakeAnthropic([anthropic_messages.model_not_found(retired)]) as anthropic:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", anthropic.url)
        provider = create_litellm_provider(retired, POLICY)
        client = client_with_provider(env, provider, POLICY)
        with pytest.raises(WorkflowFailureError) as failure:
            await run_on_worker(client, LitellmAutoWorkflow, LitellmAutoWorkflow.run, [PROMPT])

    _, cause = activity_failure(failure.value)
    assert cause.type == "ModelNotFound" and cause.non_retryable
    assert len(anthropic.message_requests) == 1
    message = workflow_failure_message(failure.value)
    assert message.startswith(
        f"anthropic (via LiteLLM) at {anthropic.url} has no model '{retired}'"
    )
    assert message.endswith(
        "name a current model with --model (see https://docs.litellm.ai/docs/providers)"
    )
