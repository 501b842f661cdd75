"""Each private or non-exported library API that `providers/_library_internals.py` uses,
checked against the installed libraries: an upgrade that changes one fails here, by name."""

from __future__ import annotations

import inspect
from typing import Any

import ollama
from agents import Agent, handoff
from temporalio.openai_agents import ModelActivityParameters
from temporalio.openai_agents._openai_runner import _convert_agent

from openai_agents.model_providers.providers._library_internals import (
    FAKE_RESPONSES_ID,
    ChatCompletionsConverter,
    TemporalModelStub,
    TemporalOpenAIRunner,
    ollama_client_base_url,
    ollama_client_key,
)
from openai_agents.model_providers.workflows.shared import get_weather


def test_the_sdk_converts_a_function_tool_to_a_chat_completions_tool() -> None:
    tool = ChatCompletionsConverter.tool_to_openai(get_weather)

    assert tool["type"] == "function"
    assert tool["function"]["name"] == "get_weather"
    assert tool["function"]["description"] == "Get the current weather for a city."
    parameters: dict[str, Any] = dict(tool["function"].get("parameters") or {})
    assert parameters["properties"]["city"]["type"] == "string"
    assert parameters["required"] == ["city"]


def test_the_sdk_converts_a_handoff_to_a_chat_completions_tool() -> None:
    expert = Agent(name="Weather expert", instructions="Answer weather questions.")

    tool = ChatCompletionsConverter.convert_handoff_tool(handoff(expert))

    assert tool["type"] == "function"
    assert tool["function"]["name"] == "transfer_to_weather_expert"


def test_the_sdks_id_for_unnamed_output_items_is_what_its_own_models_use() -> None:
    from agents.extensions.models import litellm_model

    assert isinstance(FAKE_RESPONSES_ID, str) and FAKE_RESPONSES_ID
    # The SDK's own LiteLLM model names its output items with the same id.
    assert vars(litellm_model)["FAKE_RESPONSES_ID"] == FAKE_RESPONSES_ID


async def test_an_ollama_clients_host_and_key_can_be_read() -> None:
    client = ollama.AsyncClient("http://gpu-box:11500", headers={"Authorization": "Bearer k-123"})
    try:
        assert ollama_client_base_url(client) == "http://gpu-box:11500"
        assert ollama_client_key(client) == "k-123"
    finally:
        await client.close()  # type: ignore[no-untyped-call]
    assert ollama_client_key(ollama.AsyncClient("http://gpu-box:11500")) is None


def test_the_plugin_internals_failover_builds_on_are_there() -> None:
    # `FailoverModel` is the plugin's private workflow-side stub with a list of names; an
    # upgrade that changes these fails here, by name, rather than in a user's workflow.
    parameters = inspect.signature(TemporalModelStub.__init__).parameters
    assert list(parameters) == ["self", "model_name", "model_params", "agent"]
    runner = TemporalOpenAIRunner(ModelActivityParameters())
    assert isinstance(runner.model_params, ModelActivityParameters)
    # The runner leaves an agent whose model is already a stub as it is (its handoffs too):
    # which is why every agent of a run with fallbacks gets a `FailoverModel`.
    stubbed = Agent(
        name="a", model=TemporalModelStub("m", model_params=runner.model_params, agent=None)
    )
    assert _convert_agent(runner.model_params, stubbed, None) is stubbed
