"""Determinism: the committed histories of each sample replay under today's workflow code,
and a change that would break workflows already running is caught here, not in
production. Re-record with `uv run python -m tests.helpers.record_histories`."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowHistory
from temporalio.openai_agents import ModelActivityParameters, OpenAIAgentsPlugin
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from testkit.wiring import ModelCallPolicy
from tests.helpers.extra_workflows import GptOssWorkflowWithAPauseAdded
from tests.helpers.record_histories import HISTORIES, SAMPLE_WORKFLOWS


def recorded_history(name: str) -> WorkflowHistory:
    return WorkflowHistory.from_json(f"{name}-history", (HISTORIES / f"{name}.json").read_text())


async def replay(
    workflow_class: type,
    history: WorkflowHistory,
    model_params: ModelActivityParameters | None = None,
) -> None:
    """Replay as a worker would; raises `NondeterminismError` on a mismatch."""
    plugin = OpenAIAgentsPlugin(
        model_params=model_params or ModelCallPolicy().activity_parameters()
    )
    await Replayer(workflows=[workflow_class], plugins=[plugin]).replay_workflow(history)


@pytest.mark.parametrize("name", sorted(SAMPLE_WORKFLOWS))
async def test_recorded_histories_replay_under_the_current_code(name: str) -> None:
    history = recorded_history(name)
    # The fixture is a real run: two model calls, the tool in between, then the answer.
    assert history.events[-1].HasField("workflow_execution_completed_event_attributes")
    await replay(SAMPLE_WORKFLOWS[name], history)


async def test_a_changed_workflow_is_caught_by_replay() -> None:
    with pytest.raises(NondeterminismError):
        await replay(GptOssWorkflowWithAPauseAdded, recorded_history("gpt_oss_workflow"))


async def test_switching_model_calls_to_local_activities_is_caught_by_replay() -> None:
    """A worker setting, not workflow code, but it changes the commands the workflow sends."""
    local = ModelActivityParameters(
        start_to_close_timeout=ModelCallPolicy().timeout, use_local_activity=True
    )
    with pytest.raises(NondeterminismError):
        await replay(
            SAMPLE_WORKFLOWS["gpt_oss_workflow"], recorded_history("gpt_oss_workflow"), local
        )
