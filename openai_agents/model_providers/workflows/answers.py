"""What a router-based run answers, and which model answered each of its model calls.

Runs in Temporal's workflow sandbox: deterministic code only, no model clients.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agents import Agent, ModelResponse, RunContextWrapper, RunHooks
from temporalio import workflow

# The plugin's private workflow-side model stub, pinned with every other private API use.
# Passed through: the sandbox uses the worker's copy instead of importing it afresh per run.
with workflow.unsafe.imports_passed_through():
    from openai_agents.model_providers.providers._library_internals import TemporalModelStub


@dataclass
class Answer:
    """A router-based run's answer, and which model answered each of its model calls."""

    text: str
    models: list[str] = field(default_factory=list)
    agent: str = ""
    """The agent whose answer it is (where agents hand off to each other)."""


class ModelLog(RunHooks[Any]):
    """Run hooks that note which model answered each model call, in order: pass as
    `Runner.run(..., hooks=log)`. Filled in the workflow from the model calls' own results
    in history, so a replay notes the same."""

    def __init__(self) -> None:
        self.models: list[str] = []

    async def on_llm_end(
        self, context: RunContextWrapper[Any], agent: Agent[Any], response: ModelResponse
    ) -> None:
        # A string until the plugin turns it into its activity stub; a `FailoverModel`'s
        # name is the one whose call just succeeded.
        model = agent.model
        if isinstance(model, TemporalModelStub):
            self.models.append(model.model_name or "")
        else:
            self.models.append(str(model))
