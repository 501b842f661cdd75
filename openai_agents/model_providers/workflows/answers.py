"""What a run answers, which model answered each of its model calls, and what each model
used (calls and tokens, from each call's own `ModelResponse.usage`).

Runs in Temporal's workflow sandbox: deterministic code only, no model clients.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agents import Agent, ModelResponse, RunContextWrapper, RunHooks


@dataclass
class ModelUsage:
    """One model's share of a run: its calls and tokens."""

    model: str
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    unreported_calls: int = 0
    """Calls whose provider reported no tokens (a server that sends no usage): the counts,
    and so the cost, leave them out."""


def add_usage(
    records: list[ModelUsage],
    model: str,
    input_tokens: int,
    output_tokens: int,
    calls: int = 1,
    unreported_calls: int | None = None,
) -> None:
    """Count one model call (or `calls` of them) to `model` in `records`, in place. A call
    without a token is one whose provider reported none, unless `unreported_calls` says."""
    if unreported_calls is None:
        unreported_calls = calls if input_tokens == output_tokens == 0 else 0
    record = next((r for r in records if r.model == model), None)
    if record is None:
        record = ModelUsage(model)
        records.append(record)
    record.calls += calls
    record.input_tokens += input_tokens
    record.output_tokens += output_tokens
    record.unreported_calls += unreported_calls


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
        name = model if isinstance(model, str) else (getattr(model, "model_name", None) or "")
        self.models.append(name)
        usage = response.usage
        add_usage(self.usage, name, usage.input_tokens, usage.output_tokens)
        if self.totals is not None:
            add_usage(self.totals, name, usage.input_tokens, usage.output_tokens)
