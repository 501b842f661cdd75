"""A scripted model provider for the workflow tests: it answers from a list and records
what each model call was given."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agents import Model, ModelProvider, ModelResponse
from temporalio.openai_agents.testing import AgentEnvironment, ResponseBuilders, TestModel
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from testkit.wiring import ModelCallPolicy
from tests.helpers.workflow_runs import Outcome, run_to_end


@dataclass
class ModelCall:
    model_name: str | None
    system_instructions: str | None
    input: Any
    tool_names: list[str]


class RecordingProvider(ModelProvider):
    """Serves scripted responses and records what each model call was given. An exception
    in the script is raised by its model call instead."""

    def __init__(self, responses: list[ModelResponse | Exception]) -> None:
        self.calls: list[ModelCall] = []
        self._responses = iter(responses)

    def get_model(self, model_name: str | None) -> Model:
        provider = self

        class Recording(TestModel):
            async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
                provider.calls.append(
                    ModelCall(
                        model_name,
                        kwargs["system_instructions"],
                        kwargs["input"],
                        [tool.name for tool in kwargs["tools"]],
                    )
                )
                return await super().get_response(*args, **kwargs)

        return Recording(self._next_response)

    def _next_response(self) -> ModelResponse:
        response = next(self._responses)
        if isinstance(response, Exception):
            raise response
        return response


async def run_scripted(
    env: WorkflowEnvironment, provider: RecordingProvider, workflow: Any, *args: str
) -> Outcome:
    """Run the workflow to its end, then replay its history: the workflow code is
    deterministic, whether the run completed or failed."""
    async with AgentEnvironment(
        model_provider=provider, model_params=ModelCallPolicy().activity_parameters()
    ) as agents:
        outcome = await run_to_end(
            agents.applied_on_client(env.client), workflow, workflow.run, args
        )
        replayer = Replayer(workflows=[workflow], plugins=[agents.openai_agents_plugin])
        await replayer.replay_workflow(outcome.history)
    return outcome


async def run_with_scripted_model(
    env: WorkflowEnvironment, provider: RecordingProvider, workflow: Any, *args: str
) -> str:
    """The workflow's result with a scripted model; raises its failure."""
    outcome = await run_scripted(env, provider, workflow, *args)
    if outcome.failure is not None:
        raise outcome.failure
    assert outcome.result is not None
    return outcome.result


class ChattingProvider(RecordingProvider):
    """A model for long conversations: each reply is `reply` (as many characters as a real
    chat's), and each summary call (the chat workflow's "Summarise ..." agent) answers with
    `summary` and the number of the call, so a test can tell summaries apart."""

    def __init__(self, reply: str, summary: str = "SUMMARY") -> None:
        super().__init__([])
        self.reply, self.summary = reply, summary

    def _next_response(self) -> ModelResponse:
        if is_summary_call(self.calls[-1]):
            return ResponseBuilders.output_message(f"{self.summary} {len(self.calls)}")
        return ResponseBuilders.output_message(self.reply)

    def summary_calls(self) -> list[ModelCall]:
        return [call for call in self.calls if is_summary_call(call)]

    def reply_calls(self) -> list[ModelCall]:
        return [call for call in self.calls if not is_summary_call(call)]


def is_summary_call(call: ModelCall) -> bool:
    return (call.system_instructions or "").startswith("Summarise")
