"""Each sample workflow with a scripted model: the tool really runs inside the workflow
and its output reaches the model."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from temporalio.openai_agents.testing import ResponseBuilders
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers.workflows.gpt_oss_workflow import GptOssWorkflow
from openai_agents.model_providers.workflows.litellm_auto_workflow import LitellmAutoWorkflow
from openai_agents.model_providers.workflows.multi_provider_workflow import (
    MultiProviderWorkflow,
)
from tests.scripted_model import RecordingProvider, run_with_scripted_model

GPT_OSS_INSTRUCTIONS = (
    "You only respond in haikus. When asked about the weather always use the tool to get "
    "the current weather."
)


SAMPLES = [
    pytest.param(
        LitellmAutoWorkflow,
        "anthropic/claude-3-5-sonnet-20240620",
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
    env: WorkflowEnvironment, workflow: Any, default_model: str, instructions: str
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


@pytest.mark.parametrize(("workflow", "default_model", "instructions"), SAMPLES)
async def test_the_model_name_can_be_overridden_per_run(
    env: WorkflowEnvironment, workflow: Any, default_model: str, instructions: str
) -> None:
    provider = RecordingProvider([ResponseBuilders.output_message("Quiet haiku")])
    result = await run_with_scripted_model(
        env, provider, workflow, "Hello", "anthropic/claude-sonnet-4-5"
    )
    assert result == "Quiet haiku"
    assert [call.model_name for call in provider.calls] == ["anthropic/claude-sonnet-4-5"]


def test_workflow_modules_import_no_model_clients() -> None:
    """Workflow code runs in Temporal's sandbox: importing LiteLLM or Ollama there breaks
    worker start, and building clients there is I/O in workflow code."""
    code = (
        "import sys\n"
        "import openai_agents.model_providers.workflows.gpt_oss_workflow\n"
        "import openai_agents.model_providers.workflows.litellm_auto_workflow\n"
        "import openai_agents.model_providers.workflows.multi_provider_workflow\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('litellm', 'ollama')))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "[]"
