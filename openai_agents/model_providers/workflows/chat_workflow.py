from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, cast

from agents import Agent, Runner, TResponseInputItem
from temporalio import workflow

from openai_agents.model_providers.workflows.shared import (
    DEFAULT_ROUTER_MODEL,
    MAX_TURNS,
    WEATHER_HAIKU_INSTRUCTIONS,
    agent_errors_as_failures,
    get_weather,
)

WORKFLOW_ID_PREFIX = "chat-workflow-id"

# Each exchange adds a few dozen events to the run's history; starting a fresh run (same
# workflow id, the conversation carried over) long before Temporal's 50,000-event limit
# keeps every run's history short and quick to replay. The conversation itself is carried
# whole, and goes to every model call: see the README on conversations that grow long.
EXCHANGES_PER_RUN = 100


@dataclass
class Conversation:
    """Everything a conversation is: what starts it, and what one run hands the next."""

    model: str = DEFAULT_ROUTER_MODEL
    items: list[dict[str, Any]] = field(default_factory=list)
    """The conversation so far, as the model reads it: messages, tool calls, results.

    Plain dicts, not `TResponseInputItem`: typed as the SDK's items, a message's content
    would arrive in the next run as a one-shot iterator (the SDK types it `Iterable`),
    which the next model call cannot even copy.
    """
    exchanges: int = 0
    exchanges_per_run: int = EXCHANGES_PER_RUN


@workflow.defn
class ChatWorkflow:
    """One conversation with the weather-haiku agent, on any router model, for as long as
    it lasts. Each message is an Update that returns the agent's reply; the conversation
    lives in the workflow, so a worker crash loses none of it, and any client that knows
    the workflow id can join in.
    """

    @workflow.init
    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation
        self.exchanges_this_run = 0
        self.ended = False
        # Messages sent at once are answered one after another, in the order they came:
        # each reply must see the exchanges before it.
        self.one_reply_at_a_time = asyncio.Lock()

    @workflow.run
    async def run(self, conversation: Conversation) -> int:
        await workflow.wait_condition(
            lambda: (
                self.ended
                or self.exchanges_this_run >= self.conversation.exchanges_per_run
                or workflow.info().is_continue_as_new_suggested()
            )
        )
        # Replies in progress finish first: their senders are waiting for them.
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self.ended:
            return self.conversation.exchanges
        # The same workflow id goes on in a new run with the conversation so far; clients
        # sending to the id reach the new run without noticing.
        workflow.continue_as_new(self.conversation)

    @workflow.update
    async def send(self, message: str) -> str:
        """The agent's reply to `message`; the exchange joins the conversation."""
        async with self.one_reply_at_a_time:
            agent = Agent(
                name="Assistant",
                instructions=WEATHER_HAIKU_INSTRUCTIONS,
                model=self.conversation.model,
                tools=[get_weather],
            )
            history = [*self.conversation.items, {"role": "user", "content": message}]
            # A failure here fails this message's Update only; the conversation goes on
            # without it.
            with agent_errors_as_failures():
                result = await Runner.run(
                    agent, cast(list[TResponseInputItem], history), max_turns=MAX_TURNS
                )
            self.conversation.items = cast(list[dict[str, Any]], result.to_input_list())
            self.conversation.exchanges += 1
            self.exchanges_this_run += 1
            return str(result.final_output)

    @send.validator
    def check_message(self, message: str) -> None:
        # A rejected Update leaves no trace in the workflow's history.
        if not message.strip():
            raise ValueError("the message is empty: type something to send")
        if self.ended:
            raise ValueError("this conversation has ended: start a new one")

    @workflow.update
    def end(self) -> int:
        """End the conversation (replies in progress still arrive); returns its length."""
        self.ended = True
        return self.conversation.exchanges

    @workflow.query
    def exchanges(self) -> int:
        """How many exchanges the conversation has had, in all its runs."""
        return self.conversation.exchanges
