from __future__ import annotations

from agents import Agent, Runner
from temporalio import workflow

from openai_agents.model_providers.workflows.answers import Answer, ModelLog
from openai_agents.model_providers.workflows.failover import agent_model
from openai_agents.model_providers.workflows.shared import (
    DEFAULT_ROUTER_MODEL,
    MAX_TURNS,
    WEATHER_HAIKU_INSTRUCTIONS,
    agent_errors_as_failures,
    get_weather,
    require_prompt,
)

WORKFLOW_ID_PREFIX = "multi-provider-workflow-id"


@workflow.defn
class MultiProviderWorkflow:
    """The weather-haiku agent on whichever model the run names, through a prefix router.

    `model` is a router name: `ollama/gpt-oss:20b`, `litellm/anthropic/claude-...` or
    `openai/gpt-4.1`. The worker's `MultiModelProvider` picks the backend inside the
    model activity. A model call that fails in a way its provider will not fix is made
    again on each of `fallbacks` in turn; the answer says which model answered each call,
    and each model's calls and tokens.
    """

    @workflow.run
    async def run(
        self, prompt: str, model: str = DEFAULT_ROUTER_MODEL, fallbacks: list[str] | None = None
    ) -> Answer:
        agent = Agent(
            name="Assistant",
            instructions=WEATHER_HAIKU_INSTRUCTIONS,
            model=agent_model(model, fallbacks or []),
            tools=[get_weather],
        )
        log = ModelLog()  # Which model answered each call, and what each used.
        with agent_errors_as_failures():
            result = await Runner.run(agent, require_prompt(prompt), max_turns=MAX_TURNS, hooks=log)
        return Answer(str(result.final_output), log.models, usage=log.usage)
