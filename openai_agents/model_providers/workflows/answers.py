"""What a run answers, which model answered each of its model calls, and what each model
used (calls and tokens, from each call's own `ModelResponse.usage`).

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
    from openai_agents.model_providers.providers.model_costs import ModelUsage, add_usage


__all__ = ["Answer", "ModelLog", "ModelUsage"]


@dataclass
class Answer:
    """A run's answer, which model answered each of its model calls, and what they used."""

    text: str
    models: list[str] = field(default_factory=list)
    agent: str = ""
    """The agent whose answer it is (where agents hand off to each other)."""
    usage: list[ModelUsage] = field(default_factory=list)
    """Calls and tokens per model; the starter prices them (`ModelCosts`)."""


class ModelLog(RunHooks[Any]):
    """Run hooks that note which model answered each model call, in order, and each model's
    calls and tokens: pass as `Runner.run(..., hooks=log)`, to every run whose calls count
    (an approval's resumed run, a chat's summary). Filled in the workflow from the model
    calls' own results in history, so a replay notes the same, and a retried call counts
    once, for the attempt that answered."""

    def __init__(self, totals: list[ModelUsage] | None = None) -> None:
        self.models: list[str] = []
        self.usage: list[ModelUsage] = []
        self.totals = totals
        """Where each call is counted too, as it is answered (e.g. a whole conversation's)."""

    async def on_llm_end(
        self, context: RunContextWrapper[Any], agent: Agent[Any], response: ModelResponse
    ) -> None:
        # A string until the plugin turns it into its activity stub; a `FailoverModel`'s
        # name is the one whose call just succeeded.
        model = agent.model
        name = (model.model_name or "") if isinstance(model, TemporalModelStub) else str(model)
        self.models.append(name)
        usage = response.usage
        add_usage(self.usage, name, usage.input_tokens, usage.output_tokens)
        if self.totals is not None:
            add_usage(self.totals, name, usage.input_tokens, usage.output_tokens)
