"""A tool that raises: the model is told, the agent recovers, the operator sees one log
line naming the tool, and a model that never recovers cannot loop."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.openai_agents.testing import ResponseBuilders
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers.workflows.gpt_oss_workflow import GptOssWorkflow
from openai_agents.model_providers.workflows.litellm_auto_workflow import LitellmAutoWorkflow
from openai_agents.model_providers.workflows.multi_provider_workflow import (
    MultiProviderWorkflow,
)
from tests.helpers.scripted_model import RecordingProvider, run_scripted

WORKFLOWS = [GptOssWorkflow, LitellmAutoWorkflow, MultiProviderWorkflow]
CITY_ERROR = "city must not be empty: name a city, e.g. 'Tokyo'"
# The specification's bound on an agent's turns: a run stops at its 10th model call.
TURNS = 10


def weather_call(city: str, call_id: str) -> Any:
    return ResponseBuilders.tool_call(f'{{"city": "{city}"}}', "get_weather", call_id=call_id)


def tool_outputs(model_input: Any) -> dict[str, str]:
    return {
        item["call_id"]: item["output"]
        for item in model_input
        if item.get("type") == "function_call_output"
    }


def tool_failure_logs(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage().startswith("Tool get_weather failed")]


@pytest.mark.parametrize("workflow", WORKFLOWS)
async def test_a_failing_tool_call_is_reported_to_the_model_which_recovers(
    env: WorkflowEnvironment, workflow: Any, caplog: pytest.LogCaptureFixture
) -> None:
    provider = RecordingProvider(
        [
            weather_call("", "call_empty"),
            weather_call("Tokyo", "call_tokyo"),
            ResponseBuilders.output_message("Tokyo sun shines bright"),
        ]
    )
    with caplog.at_level(logging.WARNING):
        outcome = await run_scripted(env, provider, workflow, "What's the weather in Tokyo?")

    assert outcome.result == "Tokyo sun shines bright"
    _first, second, third = provider.calls
    # The tool's own error, not the SDK's generic text, went back as the tool's result.
    assert tool_outputs(second.input) == {
        "call_empty": f"Tool get_weather failed: {CITY_ERROR}. "
        "Call it again with corrected arguments, or answer without it."
    }
    assert tool_outputs(third.input)["call_tokyo"] == "The weather in Tokyo is sunny."
    # One warning naming the tool; the replay of the history (in `run_scripted`) did not
    # log it again.
    [record] = tool_failure_logs(caplog)
    assert record.levelno == logging.WARNING
    assert CITY_ERROR in record.getMessage()
    assert record.exc_info is None
    assert outcome.workflow_task_failures() == 0


@pytest.mark.parametrize("workflow", WORKFLOWS)
async def test_a_model_that_keeps_calling_a_failing_tool_fails_the_workflow_after_max_turns(
    env: WorkflowEnvironment, workflow: Any, caplog: pytest.LogCaptureFixture
) -> None:
    provider = RecordingProvider([weather_call("", f"call_{n}") for n in range(TURNS + 5)])
    with caplog.at_level(logging.WARNING):
        outcome = await run_scripted(env, provider, workflow, "Weather?")

    assert outcome.failure is not None
    cause = outcome.failure.cause
    assert isinstance(cause, ApplicationError)
    assert cause.type == "MaxTurnsExceeded" and cause.non_retryable
    assert cause.message.startswith(f"the agent did not finish within {TURNS} model calls")
    assert len(provider.calls) == TURNS  # Watched: the run stopped at its 10th model call.
    assert len(tool_failure_logs(caplog)) == TURNS
    # A failed workflow, not a workflow task retried forever.
    assert outcome.workflow_task_failures() == 0


async def test_a_call_to_a_tool_the_agent_does_not_have_fails_the_workflow_not_its_task(
    env: WorkflowEnvironment,
) -> None:
    provider = RecordingProvider(
        [ResponseBuilders.tool_call('{"ticker": "TMP"}', "get_stock_price", call_id="call_1")]
    )
    outcome = await run_scripted(env, provider, GptOssWorkflow, "How is TMP doing?")

    assert outcome.failure is not None
    cause = outcome.failure.cause
    assert isinstance(cause, ApplicationError)
    assert cause.type == "ModelBehaviorError" and cause.non_retryable
    assert "get_stock_price" in cause.message
    assert outcome.workflow_task_failures() == 0
