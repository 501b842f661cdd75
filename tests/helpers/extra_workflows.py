"""Workflows that exist only for the tests: inputs the samples' own workflows never send,
and a sample changed the way that breaks running workflows.

In a module of their own because Temporal's sandbox imports a workflow's whole module:
this one imports only the Agents SDK, Temporal and the samples' workflow code.
"""

from __future__ import annotations

from datetime import timedelta

from agents import Agent, Runner, RunState, TResponseInputItem
from temporalio import workflow

from openai_agents.model_providers.workflows.approval_workflow import send_weather_alert
from openai_agents.model_providers.workflows.gpt_oss_workflow import DEFAULT_GPT_OSS_MODEL
from openai_agents.model_providers.workflows.shared import (
    WEATHER_HAIKU_INSTRUCTIONS,
    get_weather,
)


@workflow.defn
class ImagePromptWorkflow:
    """Shows the agent an image by web URL, which Ollama cannot fetch."""

    @workflow.run
    async def run(self, image_url: str, model: str) -> str:
        prompt: list[TResponseInputItem] = [
            {
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "Describe this picture as a haiku."},
                    {"type": "input_image", "image_url": image_url, "detail": "auto"},
                ],
            }
        ]
        agent = Agent(name="Assistant", instructions="You only respond in haikus.", model=model)
        result = await Runner.run(agent, prompt)
        return str(result.final_output)


@workflow.defn(name="GptOssWorkflow")
class GptOssWorkflowWithAPauseAdded:
    """The GPT-OSS workflow after someone "just" added a pause before the agent runs."""

    @workflow.run
    async def run(self, prompt: str, model: str = DEFAULT_GPT_OSS_MODEL) -> str:
        await workflow.sleep(timedelta(seconds=1))
        agent = Agent(
            name="Assistant",
            instructions=WEATHER_HAIKU_INSTRUCTIONS,
            model=model,
            tools=[get_weather],
        )
        result = await Runner.run(agent, prompt)
        return str(result.final_output)


@workflow.defn
class ApprovalResumedFromJsonWorkflow:
    """The approval sample's agent, its interrupted run saved with `RunState.to_json()` and
    restored with `RunState.from_json()` before it resumes, approved: what the sample does
    not do, because the restored state's agent is no longer the plugin's activity stub."""

    @workflow.run
    async def run(self, model: str) -> str:
        agent = Agent(
            name="Assistant", instructions="Warn", model=model, tools=[send_weather_alert]
        )
        result = await Runner.run(agent, "Warn Tokyo")
        restored = await RunState.from_json(agent, result.to_state().to_json())
        for item in restored.get_interruptions():
            restored.approve(item)
        result = await Runner.run(agent, restored)
        return str(result.final_output)
