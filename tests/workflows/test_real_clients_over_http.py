"""The workers' real providers and clients, over real HTTP, through Temporal workflows."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from agents import ModelProvider
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers.workflows.gpt_oss_workflow import GptOssWorkflow
from openai_agents.model_providers.workflows.litellm_auto_workflow import LitellmAutoWorkflow
from testkit.fakes import anthropic_messages, ollama_openai
from testkit.fakes.anthropic_messages import FakeAnthropic
from testkit.fakes.ollama_openai import FakeOllamaOpenAI
from testkit.wiring import ModelCallPolicy, client_with_provider, create_gpt_oss_provider
from tests.helpers.workflow_runs import run_on_worker

WEATHER = "The weather in Tokyo is sunny."
ANTHROPIC_KEY = "sk-ant-api03-real-clients-0123456789"
POLICY = ModelCallPolicy(max_attempts=3)


@pytest.fixture
async def ollama_provider(
    ollama: FakeOllamaOpenAI, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[ModelProvider]:
    monkeypatch.setenv("OLLAMA_HOST", ollama.url)
    provider = await create_gpt_oss_provider("gpt-oss:20b", POLICY)
    yield provider
    await provider.aclose()


@pytest.fixture
def ollama() -> Iterator[FakeOllamaOpenAI]:
    with FakeOllamaOpenAI(
        [
            ollama_openai.call_tool("get_weather", city="Tokyo"),
            ollama_openai.answer_quoting_tool_result(),
        ]
    ) as server:
        yield server


async def test_gpt_oss_worker_provider_over_ollamas_openai_api(
    env: WorkflowEnvironment, ollama: FakeOllamaOpenAI, ollama_provider: ModelProvider
) -> None:
    result, _ = await run_on_worker(
        client_with_provider(env.client, ollama_provider, POLICY),
        GptOssWorkflow,
        GptOssWorkflow.run,
        ["What's the weather in Tokyo?"],
    )

    first, second = ollama.chat_requests
    assert first["model"] == second["model"] == "gpt-oss:20b"
    assert first["messages"][0]["role"] == "system"
    assert first["messages"][0]["content"].startswith("You only respond in haikus.")
    assert [tool["function"]["name"] for tool in first["tools"]] == ["get_weather"]
    # Turn two carries the model's tool call and the tool's own output, linked by id.
    assistant, tool = second["messages"][-2:]
    assert assistant["tool_calls"][0]["function"]["arguments"] == '{"city": "Tokyo"}'
    assert tool == {
        "role": "tool",
        "tool_call_id": assistant["tool_calls"][0]["id"],
        "content": WEATHER,
    }
    assert WEATHER in result


async def test_litellm_provider_over_anthropics_messages_api(
    dev_server_env: WorkflowEnvironment,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A real dev server: it records a retried activity's last failure in the history,
    # where the time-skipping test server does not, and that failure quotes the key.
    from testkit.wiring import create_litellm_provider

    with FakeAnthropic(
        [
            # Quotes the key back; the call is retried, and the failed attempt's error
            # is recorded in the history (as the retried activity's last failure).
            anthropic_messages.overloaded_quoting_key(),
            anthropic_messages.call_tool("get_weather", city="Tokyo"),
            anthropic_messages.answer_quoting_tool_result(),
        ]
    ) as anthropic:
        monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", anthropic.url)
        provider = await create_litellm_provider("anthropic/claude-sonnet-4-5", POLICY)
        result, history = await run_on_worker(
            client_with_provider(dev_server_env.client, provider, POLICY),
            LitellmAutoWorkflow,
            LitellmAutoWorkflow.run,
            ["What's the weather in Tokyo?"],
        )

    overloaded, first, second = anthropic.message_requests
    assert overloaded.headers["x-api-key"] == first.headers["x-api-key"] == ANTHROPIC_KEY
    assert first.body["model"] == second.body["model"] == "claude-sonnet-4-5"
    system = first.body["system"]
    system_text = system if isinstance(system, str) else "".join(b["text"] for b in system)
    assert system_text == "You only respond in haikus."
    assert [tool["name"] for tool in first.body["tools"]] == ["get_weather"]
    assert anthropic_messages.tool_results(second.body) == [WEATHER]
    assert WEATHER in result
    # The key went to the provider but not into the workflow's history, which does hold
    # the conversation (payloads are stored verbatim in the serialized events).
    recorded = b"".join(event.SerializeToString() for event in history.events)
    assert WEATHER.encode() in recorded
    assert ANTHROPIC_KEY.encode() not in recorded
    # Nor into the worker's log, which shows the failed attempt with its causes.
    assert ANTHROPIC_KEY not in caplog.text
    # Both did record the failure that quoted it: masked.
    echo = "Overloaded (quota of key [redacted])"
    assert echo.encode() in recorded
    assert echo in caplog.text
