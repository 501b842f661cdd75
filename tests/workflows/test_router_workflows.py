"""The router sample's workflow, and the GPT-OSS sample on the native Ollama provider,
through Temporal workflows, with the real `ollama` client over HTTP to a fake Ollama."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers.providers.ollama_native.provider import OllamaModelProvider
from openai_agents.model_providers.providers.router.provider import MultiModelProvider
from openai_agents.model_providers.workflows.gpt_oss_workflow import GptOssWorkflow
from openai_agents.model_providers.workflows.multi_provider_workflow import (
    MultiProviderWorkflow,
)
from testkit.fakes import ollama_native
from testkit.fakes.ollama_native import FakeOllama
from testkit.fakes.ollama_openai import FakeLlamaCpp
from testkit.wiring import ModelCallPolicy, client_with_provider, create_router_provider
from tests.helpers.extra_workflows import ImagePromptWorkflow
from tests.helpers.workflow_runs import (
    activity_failure,
    model_call_attempts,
    run_on_router,
    run_on_worker,
    run_to_end,
)

WEATHER = "The weather in Tokyo is sunny."
POLICY = ModelCallPolicy(max_attempts=3)


@pytest.fixture
def ollama(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOllama]:
    with FakeOllama(
        [
            ollama_native.call_tool("get_weather", city="Tokyo"),
            ollama_native.answer_quoting_tool_result(),
        ]
    ) as server:
        monkeypatch.setenv("OLLAMA_HOST", server.url)
        yield server


@pytest.fixture
async def router(ollama: FakeOllama) -> AsyncIterator[MultiModelProvider]:
    provider = create_router_provider(POLICY)
    yield provider
    await provider.aclose()


def assert_tool_result_reached_the_model(ollama: FakeOllama, model: str) -> None:
    first, second = ollama.chat_requests
    assert first["model"] == second["model"] == model
    assert [tool["function"]["name"] for tool in first["tools"]] == ["get_weather"]
    assistant, tool_result = second["messages"][-2:]
    assert assistant["tool_calls"] == [
        {"function": {"name": "get_weather", "arguments": {"city": "Tokyo"}}}
    ]
    assert tool_result == {"role": "tool", "content": WEATHER, "tool_name": "get_weather"}


async def test_router_workflow_on_an_ollama_model(
    env: WorkflowEnvironment, ollama: FakeOllama, router: MultiModelProvider
) -> None:
    result, history = await run_on_worker(
        client_with_provider(env.client, router, POLICY),
        MultiProviderWorkflow,
        MultiProviderWorkflow.run,
        ["What's the weather in Tokyo?", "ollama/gpt-oss:20b"],
    )

    assert WEATHER in result
    assert_tool_result_reached_the_model(ollama, "gpt-oss:20b")
    assert model_call_attempts(history) == [1, 1]


async def test_router_workflow_on_a_model_that_is_not_pulled_fails_at_once(
    env: WorkflowEnvironment, ollama: FakeOllama, router: MultiModelProvider
) -> None:
    with pytest.raises(WorkflowFailureError) as raised:
        await run_on_worker(
            client_with_provider(env.client, router, POLICY),
            MultiProviderWorkflow,
            MultiProviderWorkflow.run,
            ["What's the weather in Tokyo?", "ollama/llama3.2:1b"],
        )

    activity_error = raised.value.cause
    assert isinstance(activity_error, ActivityError)
    cause = activity_error.cause
    assert isinstance(cause, ApplicationError)
    assert cause.type == "ModelNotFound"
    assert "ollama pull llama3.2:1b" in cause.message
    assert len(ollama.chat_requests) == 1  # Not retried.


async def test_an_ollama_model_on_a_server_that_is_not_ollama_fails_at_once_saying_so(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OLLAMA_HOST at an OpenAI-compatible server (llama.cpp): its 404 for `/api/chat` is no
    missing model to pull, and no retry can help."""
    with FakeLlamaCpp([]) as server:
        monkeypatch.setenv("OLLAMA_HOST", server.url)
        outcome = await run_on_router(
            env,
            POLICY,
            MultiProviderWorkflow,
            ["What's the weather in Tokyo?", "ollama/smollm2:135m"],
        )

    assert outcome.failure is not None
    _activity_error, cause = activity_failure(outcome.failure)
    assert (cause.type, cause.non_retryable) == ("NotOllama", True)
    assert cause.message.startswith(f"the server at {server.url} is not Ollama (its /api/chat ")
    assert model_call_attempts(outcome.history) == [1]


async def test_router_workflow_with_an_unknown_prefix_fails_at_once(
    env: WorkflowEnvironment, ollama: FakeOllama, router: MultiModelProvider
) -> None:
    with pytest.raises(WorkflowFailureError) as raised:
        await run_on_worker(
            client_with_provider(env.client, router, POLICY),
            MultiProviderWorkflow,
            MultiProviderWorkflow.run,
            ["What's the weather in Tokyo?", "olama/gpt-oss:20b"],
        )

    activity_error = raised.value.cause
    assert isinstance(activity_error, ActivityError)
    assert isinstance(activity_error.cause, ApplicationError)
    assert activity_error.cause.type == "UnknownModelPrefix"
    assert ollama.chat_requests == []


async def test_gpt_oss_workflow_on_the_native_ollama_provider(
    env: WorkflowEnvironment, ollama: FakeOllama
) -> None:
    provider = OllamaModelProvider(request_timeout_seconds=POLICY.request_timeout_seconds)
    try:
        result, _ = await run_on_worker(
            client_with_provider(env.client, provider, POLICY),
            GptOssWorkflow,
            GptOssWorkflow.run,
            ["What's the weather in Tokyo?"],
        )
    finally:
        await provider.aclose()

    assert WEATHER in result
    assert_tool_result_reached_the_model(ollama, "gpt-oss:20b")


async def test_input_ollama_cannot_take_fails_the_workflow_after_one_attempt(
    env: WorkflowEnvironment, ollama: FakeOllama
) -> None:
    # Five attempts allowed: a converter error must not use any of the other four.
    policy = ModelCallPolicy(max_attempts=5)
    provider = OllamaModelProvider(request_timeout_seconds=policy.request_timeout_seconds)
    try:
        outcome = await run_to_end(
            client_with_provider(env.client, provider, policy),
            ImagePromptWorkflow,
            ImagePromptWorkflow.run,
            ["https://example.com/cat.png", "gpt-oss:20b"],
        )
    finally:
        await provider.aclose()

    assert outcome.failure is not None
    _activity_error, cause = activity_failure(outcome.failure)
    assert cause.type == "UnsupportedModelInput"
    assert cause.non_retryable
    assert cause.message.startswith("Ollama cannot fetch images by URL")
    assert model_call_attempts(outcome.history) == [1]
    assert ollama.chat_requests == []  # Refused before anything was sent.
