"""A workflow that shows the agent an image by URL: input that Ollama cannot take.

Test-only, in a module of its own because Temporal's sandbox imports a workflow's whole
module: this one imports nothing but the Agents SDK and Temporal.
"""

from __future__ import annotations

from agents import Agent, Runner, TResponseInputItem
from temporalio import workflow


@workflow.defn
class ImagePromptWorkflow:
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
