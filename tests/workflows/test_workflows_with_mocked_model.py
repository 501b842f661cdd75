"""Each sample workflow with a scripted model: the tool really runs inside the workflow
and its output reaches the model."""

from __future__ import annotations

import logging
import subprocess
import sys
from typing import Any

import pytest
from temporalio.openai_agents.testing import ResponseBuilders
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers.providers.router.names import (
    check_litellm_model_name,
    check_ollama_model_name,
    check_routable_model_name,
)
from openai_agents.model_providers.providers.router.provider import MultiModelProvider
from openai_agents.model_providers.workflows.gpt_oss_workflow import GptOssWorkflow
from openai_agents.model_providers.workflows.litellm_auto_workflow import LitellmAutoWorkflow
from openai_agents.model_providers.workflows.multi_provider_workflow import (
    MultiProviderWorkflow,
)
from tests.helpers.scripted_model import RecordingProvider, run_with_scripted_model

GPT_OSS_INSTRUCTIONS = (
    "You only respond in haikus. When asked about the weather always use the tool to get "
    "the current weather."
)


SAMPLES = [
    pytest.param(
        LitellmAutoWorkflow,
        "anthropic/claude-sonnet-4-5",
        "You only respond in haikus.",
        id="litellm",
    ),
    pytest.param(GptOssWorkflow, "gpt-oss:20b", GPT_OSS_INSTRUCTIONS, id="gpt-oss"),
    pytest.param(
        MultiProviderWorkflow, "ollama/gpt-oss:20b", GPT_OSS_INSTRUCTIONS, id="multi-provider"
    ),
]


@pytest.mark.parametrize(("workflow", "default_model", "instructions"), SAMPLES)
async def test_agent_calls_the_weather_tool_and_the_model_sees_its_output(
    env: WorkflowEnvironment,
    workflow: Any,
    default_model: str,
    instructions: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    provider = RecordingProvider(
        [
            ResponseBuilders.tool_call('{"city": "Tokyo"}', "get_weather", call_id="call_tokyo"),
            ResponseBuilders.output_message("Tokyo sun shines bright"),
        ]
    )
    result = await run_with_scripted_model(env, provider, workflow, "What's the weather in Tokyo?")

    assert result == "Tokyo sun shines bright"
    first, second = provider.calls
    assert first.model_name == second.model_name == default_model
    assert first.system_instructions == instructions
    assert first.tool_names == ["get_weather"]
    assert first.input == [{"role": "user", "content": "What's the weather in Tokyo?"}]
    # The tool ran inside the workflow with the model's arguments, and its own output
    # (not the SDK's "An error occurred while running the tool") went back to the model.
    tool_outputs = [item for item in second.input if item.get("type") == "function_call_output"]
    assert [(o["call_id"], o["output"]) for o in tool_outputs] == [
        ("call_tokyo", "The weather in Tokyo is sunny.")
    ]
    # The worker's log says what the tool did in one plain line, at the default level.
    tool_lines = [
        (r.levelno, r.getMessage()) for r in caplog.records if "weather" in r.getMessage()
    ]
    assert tool_lines == [(logging.INFO, "Getting weather for Tokyo")]


# A name each sample's own worker serves, other than its default. The scripted provider
# accepts any name, so these are checked against the real name rules below: the router
# rejects a bare `anthropic/...`, and a test using it would pass while the sample failed.
ROUTER_OVERRIDE = "litellm/anthropic/claude-sonnet-4-5"
OVERRIDES = [
    pytest.param(LitellmAutoWorkflow, "anthropic/claude-sonnet-4-5", id="litellm"),
    pytest.param(GptOssWorkflow, "gpt-oss:120b", id="gpt-oss"),
    pytest.param(MultiProviderWorkflow, ROUTER_OVERRIDE, id="multi-provider"),
]


@pytest.mark.parametrize(("workflow", "model"), OVERRIDES)
async def test_the_model_name_can_be_overridden_per_run(
    env: WorkflowEnvironment, workflow: Any, model: str
) -> None:
    provider = RecordingProvider([ResponseBuilders.output_message("Quiet haiku")])
    result = await run_with_scripted_model(env, provider, workflow, "Hello", model)
    assert result == "Quiet haiku"
    assert [call.model_name for call in provider.calls] == [model]


@pytest.mark.parametrize(("workflow", "model"), OVERRIDES)
def test_the_override_names_are_ones_the_samples_accept(workflow: Any, model: str) -> None:
    check = {
        LitellmAutoWorkflow: check_litellm_model_name,
        GptOssWorkflow: check_ollama_model_name,
        MultiProviderWorkflow: check_routable_model_name,
    }[workflow]
    check(model)  # What the sample's workflow starter runs before starting a run.


async def test_the_router_override_resolves_on_the_real_router() -> None:
    # The starter's check is not the worker: resolve the name as the router worker does
    # (an unroutable name raises here, as it would in the model activity).
    router = MultiModelProvider(default_prefix="ollama")
    try:
        router.get_model(ROUTER_OVERRIDE)
    finally:
        await router.aclose()


def test_workflow_modules_import_no_model_clients() -> None:
    """Workflow code runs in Temporal's sandbox: importing LiteLLM or Ollama there breaks
    worker start, and building clients there is I/O in workflow code."""
    code = (
        "import sys\n"
        "import openai_agents.model_providers.workflows.gpt_oss_workflow\n"
        "import openai_agents.model_providers.workflows.litellm_auto_workflow\n"
        "import openai_agents.model_providers.workflows.multi_provider_workflow\n"
        "import openai_agents.model_providers.workflows.streaming_workflow\n"
        "import openai_agents.model_providers.workflows.chat_workflow\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('litellm', 'ollama')))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "[]"
