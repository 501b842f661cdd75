from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from agents import Agent, Runner
from agents.items import ToolCallItem, ToolCallOutputItem
from temporalio import workflow
from temporalio.contrib.workflow_streams import WorkflowStream

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

WORKFLOW_ID_PREFIX = "streaming-workflow-id"

# What only the workflow sees: the tool calls the agent made and what the tools returned.
AGENT_STEPS_TOPIC = "agent-steps"
# Published last, so a subscriber knows it has read everything.
DONE_TOPIC = "done"


@dataclass
class AgentStep:
    """A tool call or a tool's result, as the starter prints it: one line each."""

    kind: Literal["tool call", "tool result"]
    text: str


@workflow.defn
class StreamingWorkflow:
    """The weather-haiku agent through `Runner.run_streamed`: its answer reaches anyone
    subscribed to the workflow's stream as the model writes it, on any router model.

    Each model call still runs in an activity, so the workflow sees a turn's events only
    once the call has finished; the activity publishes them to the stream as they arrive.
    """

    @workflow.init
    def __init__(
        self, prompt: str, model: str = DEFAULT_ROUTER_MODEL, fallbacks: list[str] | None = None
    ) -> None:
        # `WorkflowStream` must be built in `__init__` (it checks), so that its signal and
        # update handlers exist before the first publish or subscription arrives.
        self.stream = WorkflowStream()
        self.agent_steps = self.stream.topic(AGENT_STEPS_TOPIC, type=AgentStep)
        self.done = self.stream.topic(DONE_TOPIC, type=bool)

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
        log = ModelLog()  # Which model answered each call (its final usage event counted).
        try:
            with agent_errors_as_failures():
                result = Runner.run_streamed(
                    agent, require_prompt(prompt), max_turns=MAX_TURNS, hooks=log
                )
                async for event in result.stream_events():
                    if event.type != "run_item_stream_event":
                        continue  # Text deltas are already on MODEL_EVENTS_TOPIC.
                    if isinstance(event.item, ToolCallItem):
                        call = event.item.raw_item
                        name, arguments = getattr(call, "name", "?"), getattr(call, "arguments", "")
                        self.agent_steps.publish(AgentStep("tool call", f"{name}({arguments})"))
                    elif isinstance(event.item, ToolCallOutputItem):
                        self.agent_steps.publish(AgentStep("tool result", str(event.item.output)))
            self.done.publish(True)
            return Answer(str(result.final_output), log.models, usage=log.usage)
        finally:
            # Succeeded or failed, release the subscribers waiting on this run and let their
            # polls finish before it ends; what they have not read, they read from the
            # closed run.
            self.stream.detach_pollers()
            await workflow.wait_condition(workflow.all_handlers_finished)
