"""Failover: a router-based agent's model call that fails in a way its provider will not fix
is made again on the next model.

Runs in Temporal's workflow sandbox: deterministic code only, no model clients.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from agents import Model, ModelResponse
from agents.items import TResponseStreamEvent
from agents.run import get_default_agent_runner
from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.openai_agents import ModelActivityParameters

# The plugin's private workflow-side model stub and runner (see `FailoverModel`), pinned
# with every other private API use, and the one list of failure types, which says which fail
# over. Passed through: the sandbox uses the worker's copy instead of importing them afresh
# for every run (neither holds state or model clients).
with workflow.unsafe.imports_passed_through():
    from openai_agents.model_providers.providers._library_internals import (
        TemporalModelStub,
        TemporalOpenAIRunner,
    )
    from openai_agents.model_providers.providers.errors.types import FAILOVER_TYPES


def plugin_model_params() -> ModelActivityParameters:
    """How this worker's plugin runs model calls (its `ModelActivityParameters`): read from
    the plugin's runner, which holds them for the workflow."""
    runner = get_default_agent_runner()
    if not isinstance(runner, TemporalOpenAIRunner):
        raise ApplicationError(
            "this workflow runs only on a worker with the OpenAIAgentsPlugin",
            type="ConfigurationError",
            non_retryable=True,
        )
    return runner.model_params


def agent_model(model: str, fallbacks: Sequence[str] = ()) -> str | Model:
    """What an agent names as its model: `model`, or with `fallbacks`, a `FailoverModel`.
    Agents that hand off share the run's fallbacks, so one may be an agent's own model:
    that agent does not make a failed call on it again."""
    others = [fallback for fallback in fallbacks if fallback != model]
    return FailoverModel([model, *others]) if others else model


class FailoverModel(TemporalModelStub):
    """A model with others to fall back on, call by call: a model call that fails in a way
    its own provider will not fix (`FAILOVER_TYPES`) is made again on the next model, and
    the run goes on; nothing before the failed call is made again. Later calls start with
    the model that answered last, instead of waiting out a failing one's retries each time.
    Every try is the plugin's own model activity, with the worker's timeout and retry
    policy, so the workflow's history shows which model answered each call; chosen from
    those results only, the order is the same on replay.

    Agents in workflows must name models as strings, except for the plugin's own activity
    stub; this is that stub, trying one model name after another. It is the plugin's private
    class: `tests/providers/test_library_internals.py` checks it against the installed plugin.
    """

    def __init__(self, models: list[str]) -> None:
        super().__init__(models[0], model_params=plugin_model_params(), agent=None)
        self.models = models
        self._first = 0  # Where the next call starts: the model that answered last.

    async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
        failures: list[str] = []
        for index in self._order():
            self.model_name = self.models[index]
            try:
                response = await super().get_response(*args, **kwargs)
            except ActivityError as error:
                failures.append(self._failed_over(self.models[index], error))
                continue
            self._first = index
            return response
        raise self._every_model_failed(failures)

    async def stream_response(
        self, *args: Any, **kwargs: Any
    ) -> AsyncIterator[TResponseStreamEvent]:
        failures: list[str] = []
        for index in self._order():
            self.model_name = self.models[index]
            events = super().stream_response(*args, **kwargs)
            try:  # The activity runs to its end before its events are handed on.
                first = await anext(aiter(events), None)
            except ActivityError as error:
                failures.append(self._failed_over(self.models[index], error))
                continue
            self._first = index
            if first is not None:
                yield first
            async for event in events:
                yield event
            return
        raise self._every_model_failed(failures)

    def _order(self) -> list[int]:
        """The models to try, by index: from the one that answered last, then the rest."""
        count = len(self.models)
        return [(self._first + offset) % count for offset in range(count)]

    def _failed_over(self, model: str, error: ActivityError) -> str:
        """`model`'s failure, in a few words; raises `error` if no other model could help."""
        cause = error.cause
        if not (isinstance(cause, ApplicationError) and cause.type in FAILOVER_TYPES):
            raise error
        workflow.logger.warning("Model %s failed (%s); trying the next one", model, cause.type)
        return f"{model}: {cause.message}"

    def _every_model_failed(self, failures: list[str]) -> ApplicationError:
        return ApplicationError(
            f"every model failed: {' | '.join(failures)}",
            type="AllModelsFailed",
            non_retryable=True,
        )
