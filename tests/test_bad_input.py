"""Input no model can answer fails at once, before any model call."""

from __future__ import annotations

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
from tests.helpers import model_call_attempts
from tests.scripted_model import RecordingProvider, run_scripted


@pytest.mark.parametrize("workflow", [GptOssWorkflow, LitellmAutoWorkflow, MultiProviderWorkflow])
@pytest.mark.parametrize("prompt", ["", "  \n\t "])
async def test_an_empty_prompt_fails_the_workflow_at_once(
    env: WorkflowEnvironment, workflow: Any, prompt: str
) -> None:
    provider = RecordingProvider([ResponseBuilders.output_message("never sent")])
    outcome = await run_scripted(env, provider, workflow, prompt)

    assert outcome.failure is not None
    cause = outcome.failure.cause
    assert isinstance(cause, ApplicationError)
    assert cause.message == "prompt must not be empty"
    assert cause.type == "InvalidPrompt" and cause.non_retryable
    assert provider.calls == []
    assert model_call_attempts(outcome.history) == []
    assert outcome.workflow_task_failures() == 0
