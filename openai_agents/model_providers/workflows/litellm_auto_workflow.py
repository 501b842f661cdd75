from __future__ import annotations

from agents import Agent, Runner
from temporalio import workflow

from openai_agents.model_providers.workflows.answers import Answer, ModelLog
from openai_agents.model_providers.workflows.shared import (
    MAX_TURNS,
    agent_errors_as_failures,
    get_weather,
    require_prompt,
)

# A current Anthropic model that LiteLLM's own cost map knows. The specification named
# `anthropic/claude-3-5-sonnet-20240620`, which Anthropic has since retired.
DEFAULT_LITELLM_MODEL = "anthropic/claude-sonnet-4-5"
# The specified id; starters add a random suffix so that runs never collide.
WORKFLOW_ID_PREFIX = "litellm-auto-workflow-id"


@workflow.defn
class LitellmAutoWorkflow:
    """A haiku agent whose model is a LiteLLM model string.

    The workflow only names the model; the worker's `LitellmProvider` turns the name
    into real API calls inside an activity. Model objects such as `LitellmModel` must
    not be built here: they would do I/O in workflow code.
    """

    @workflow.run
    async def run(self, prompt: str, model: str = DEFAULT_LITELLM_MODEL) -> Answer:
        agent = Agent(
            name="Assistant",
            instructions="You only respond in haikus.",
            model=model,
            tools=[get_weather],
        )
        log = ModelLog()  # What the model used: its calls and tokens.
        with agent_errors_as_failures():
            result = await Runner.run(agent, require_prompt(prompt), max_turns=MAX_TURNS, hooks=log)
        return Answer(str(result.final_output), log.models, usage=log.usage)
