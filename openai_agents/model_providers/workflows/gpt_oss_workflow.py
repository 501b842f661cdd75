from __future__ import annotations

from agents import Agent, Runner
from temporalio import workflow

from openai_agents.model_providers.workflows.answers import Answer, ModelLog
from openai_agents.model_providers.workflows.shared import (
    MAX_TURNS,
    WEATHER_HAIKU_INSTRUCTIONS,
    agent_errors_as_failures,
    get_weather,
    require_prompt,
)

DEFAULT_GPT_OSS_MODEL = "gpt-oss:20b"
# The specified id; starters add a random suffix so that runs never collide.
WORKFLOW_ID_PREFIX = "litellm-gpt-oss-workflow-id"


@workflow.defn
class GptOssWorkflow:
    """A haiku agent on OpenAI's open-weight GPT-OSS model, served by a local Ollama.

    The model name is just a string here; the worker's model provider decides which
    server answers it.
    """

    @workflow.run
    async def run(self, prompt: str, model: str = DEFAULT_GPT_OSS_MODEL) -> Answer:
        agent = Agent(
            name="Assistant",
            instructions=WEATHER_HAIKU_INSTRUCTIONS,
            model=model,
            tools=[get_weather],
        )
        log = ModelLog()  # What the model used: its calls and tokens.
        with agent_errors_as_failures():
            result = await Runner.run(agent, require_prompt(prompt), max_turns=MAX_TURNS, hooks=log)
        return Answer(str(result.final_output), log.models, usage=log.usage)
