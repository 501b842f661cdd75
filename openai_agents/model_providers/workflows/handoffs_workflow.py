from __future__ import annotations

from agents import Agent, Runner
from agents.extensions.handoff_prompt import prompt_with_handoff_instructions
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

WORKFLOW_ID_PREFIX = "handoffs-workflow-id"
# The specialist's default: a hosted model, where the triage agent's is a local one.
DEFAULT_SPECIALIST_MODEL = "litellm/anthropic/claude-sonnet-4-5"

TRIAGE_INSTRUCTIONS = prompt_with_handoff_instructions(
    "You only respond in haikus. Answer greetings and small talk yourself. For anything "
    "about the weather, hand off to the Weather specialist: you have no weather tool."
)


@workflow.defn
class HandoffsWorkflow:
    """A triage agent on one model hands off to a specialist on another, in one durable run.

    Both are router names, so the agents may be on different providers: by default the
    triage agent on a local Ollama model, the specialist on Anthropic through LiteLLM. Each
    agent's model calls are activities like any other: a worker that dies after the triage
    call resumes at the specialist's, and the specialist reads the conversation so far.
    """

    @workflow.run
    async def run(
        self,
        prompt: str,
        triage_model: str = DEFAULT_ROUTER_MODEL,
        specialist_model: str = DEFAULT_SPECIALIST_MODEL,
        fallbacks: list[str] | None = None,
    ) -> Answer:
        # With fallbacks, both agents get them: the plugin leaves the handoffs of an agent
        # whose model is a `FailoverModel` as they are, so a plain name there would not run.
        specialist = Agent(
            name="Weather specialist",
            handoff_description="Answers questions about the weather, with a weather tool.",
            instructions=WEATHER_HAIKU_INSTRUCTIONS,
            model=agent_model(specialist_model, fallbacks or []),
            tools=[get_weather],
        )
        triage = Agent(
            name="Triage",
            instructions=TRIAGE_INSTRUCTIONS,
            model=agent_model(triage_model, fallbacks or []),
            handoffs=[specialist],
        )
        log = ModelLog()  # Which model answered each call, and what each model used.
        with agent_errors_as_failures():
            result = await Runner.run(
                triage, require_prompt(prompt), max_turns=MAX_TURNS, hooks=log
            )
        return Answer(str(result.final_output), log.models, result.last_agent.name, log.usage)
