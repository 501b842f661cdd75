from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

from agents import Agent, Runner, TResponseInputItem, trace
from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

from openai_agents.model_providers.workflows.answers import ModelLog, ModelUsage
from openai_agents.model_providers.workflows.failover import agent_model, plugin_model_params
from openai_agents.model_providers.workflows.shared import (
    DEFAULT_ROUTER_MODEL,
    MAX_TURNS,
    WEATHER_HAIKU_INSTRUCTIONS,
    agent_errors_as_failures,
    get_weather,
)

WORKFLOW_ID_PREFIX = "chat-workflow-id"

# Each exchange adds a few dozen events to the run's history, and the memory each run hands
# the next is bounded: a fresh run every 100 exchanges (or sooner, if Temporal suggests
# it) keeps every run's history short, and its size per exchange flat.
EXCHANGES_PER_RUN = 100
# The memory budget, in tokens, when neither the run nor the worker says (the worker's
# `conversation_memory_budget` activity, where registered, knows the model's context).
DEFAULT_MEMORY_BUDGET = 2560
# The most a budget may be: the model's input must stay well under Temporal's 2 MiB limit
# for one payload (estimated at 3 bytes a token, JSON included).
MAX_MEMORY_BUDGET = 400_000
SUMMARY_SHARE = 4  # The summary takes at most a quarter of the budget.

Exchange = list[dict[str, Any]]
"""One message and everything that answered it: tool calls, their results, the reply."""


@dataclass
class Conversation:
    """Everything a conversation is: what starts it, and what one run hands the next."""

    model: str = DEFAULT_ROUTER_MODEL
    fallbacks: list[str] = field(default_factory=list)
    """Models to make a call on when the ones before them fail (see `FailoverModel`)."""
    memory_budget: int | None = None
    """Tokens of conversation the model reads; None: the worker's answer for the model."""
    summary: str = ""
    """What the exchanges no longer in memory said, in the model's words."""
    memory: list[Exchange] = field(default_factory=list)
    """The exchanges the model still reads whole, oldest first. Plain dicts, not
    `TResponseInputItem`: typed as the SDK's items, a message's content would arrive in
    the next run as a one-shot iterator, which the next model call cannot even copy."""
    exchanges: int = 0
    exchanges_per_run: int = EXCHANGES_PER_RUN
    usage: list[ModelUsage] = field(default_factory=list)
    """Calls and tokens per model, summaries included, over every run of the conversation."""

    @property
    def summarised(self) -> int:
        """How many exchanges the model reads only through the summary: every one not in
        memory whole."""
        return self.exchanges - len(self.memory)


@dataclass
class Reply:
    text: str
    summarised_now: int = 0
    """How many earlier exchanges this message pushed out of memory into the summary."""
    models: list[str] = field(default_factory=list)
    """The model that answered each of this reply's model calls, in order."""
    usage: list[ModelUsage] = field(default_factory=list)
    """Calls and tokens per model for this reply, its summary call included."""


def estimated_tokens(items: list[dict[str, Any]]) -> int:
    """A deliberate overestimate (3 characters a token, JSON structure included): no
    tokenizer runs in workflow code, and an estimate that is too low would let a
    conversation past its budget."""
    return len(json.dumps(items, ensure_ascii=False)) // 3 + 1


def summary_message(summary: str) -> list[dict[str, Any]]:
    text = f"(A summary of our conversation so far, which you no longer see in full: {summary})"
    return [{"role": "user", "content": text}] if summary else []


@workflow.defn
class ChatWorkflow:
    """One conversation with the weather-haiku agent, on any router model, for as long as
    it lasts. Each message is an Update that returns the agent's reply; the conversation
    lives in the workflow, so a worker crash loses none of it, and any client that knows
    the workflow id can join in. The model reads a bounded memory of it: the newest whole
    exchanges that fit the budget, and a summary of the ones before them.
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
        # The same workflow id goes on in a new run with the bounded memory; clients
        # sending to the id reach the new run without noticing.
        workflow.continue_as_new(self.conversation)

    @workflow.update
    async def send(self, message: str) -> Reply:
        """The agent's reply to `message`; the exchange joins the conversation."""
        # One trace per reply, its summary's model call included: each `Runner.run` would
        # otherwise start a trace of its own.
        async with self.one_reply_at_a_time:
            with trace("Chat reply"):
                budget = await self.memory_budget()
                said = {"role": "user", "content": message}
                self.refuse_if_larger_than(budget, message)
                kept, dropped = self.fitting(budget, said)
                summary = self.conversation.summary
                # Which model answered each call, and what each used, counted in the conversation
                # as each call is answered (also when the message then fails).
                log = ModelLog(totals=self.conversation.usage)
                if dropped:  # A model call of its own: an activity, recorded and retried.
                    summary = await self.summarised(summary, dropped, budget, log)
                model_input = [*summary_message(summary), *(i for x in kept for i in x), said]
                agent = Agent(
                    name="Assistant",
                    instructions=WEATHER_HAIKU_INSTRUCTIONS,
                    model=agent_model(self.conversation.model, self.conversation.fallbacks),
                    tools=[get_weather],
                )
                # A failure here fails this message's Update only; the conversation goes on
                # without it, its memory as it was.
                with agent_errors_as_failures():
                    result = await Runner.run(
                        agent,
                        cast(list[TResponseInputItem], model_input),
                        max_turns=MAX_TURNS,
                        hooks=log,
                    )
                items = cast(list[dict[str, Any]], result.to_input_list())
                self.conversation.memory = [*kept, items[len(model_input) - 1 :]]
                self.conversation.summary = summary
                self.conversation.exchanges += 1
                self.exchanges_this_run += 1
                return Reply(str(result.final_output), len(dropped), log.models, log.usage)

    @send.validator
    def check_message(self, message: str) -> None:
        # A rejected Update leaves no trace in the workflow's history.
        if not message.strip():
            raise ValueError("the message is empty: type something to send")
        if self.ended:
            raise ValueError("this conversation has ended: start a new one")
        self.refuse_if_larger_than(self.conversation.memory_budget or MAX_MEMORY_BUDGET, message)

    def refuse_if_larger_than(self, budget: int, message: str) -> None:
        size = estimated_tokens([{"role": "user", "content": message}])
        if size > budget:
            raise ApplicationError(
                f"the message is about {size} tokens, more than this conversation's model "
                f"reads ({budget}): shorten it, or store the document elsewhere and send a "
                "reference to it",
                type="MessageTooLarge",
                non_retryable=True,
            )

    async def memory_budget(self) -> int:
        """The run's budget, else the worker's for the model, asked once per conversation."""
        if self.conversation.memory_budget is None:
            try:
                # By name: the activity lives with the model's provider, on the worker
                # that makes the model calls, wherever they run.
                asked = await workflow.execute_activity(
                    "conversation_memory_budget",
                    self.conversation.model,
                    result_type=int,
                    task_queue=plugin_model_params().task_queue,
                    schedule_to_start_timeout=timedelta(minutes=1),
                    start_to_close_timeout=timedelta(seconds=10),
                    retry_policy=RetryPolicy(maximum_attempts=2),
                )
            except ActivityError:  # A worker that does not register it: the default.
                asked = DEFAULT_MEMORY_BUDGET
            self.conversation.memory_budget = min(asked, MAX_MEMORY_BUDGET)
        return self.conversation.memory_budget

    def fitting(self, budget: int, said: dict[str, Any]) -> tuple[list[Exchange], list[Exchange]]:
        """The newest whole exchanges that fit the budget with the summary and the new
        message, and the older ones that do not. Whole: a tool call never loses its
        result."""
        memory = self.conversation.memory
        fixed = estimated_tokens([*summary_message(self.conversation.summary), said])
        kept_tokens, first_kept = fixed, len(memory)
        while first_kept > 0:
            size = estimated_tokens(memory[first_kept - 1])
            if kept_tokens + size > budget:
                break
            kept_tokens, first_kept = kept_tokens + size, first_kept - 1
        return memory[first_kept:], memory[:first_kept]

    async def summarised(
        self, summary: str, dropped: list[Exchange], budget: int, log: ModelLog
    ) -> str:
        """The summary, rewritten by the model to cover `dropped` too, within its share of
        the budget; its model call noted in `log`."""
        limit = budget // SUMMARY_SHARE
        words = max(20, limit // 2)
        summariser = Agent(
            name="Summariser",
            instructions=f"Summarise the conversation you are given in at most {words} words. "
            "Keep names, facts, figures, what was asked and answered, and open questions. "
            "Write only the summary.",
            model=agent_model(self.conversation.model, self.conversation.fallbacks),
        )
        transcript = [*summary_message(summary), *(i for x in dropped for i in x)]
        text = json.dumps(transcript, ensure_ascii=False)[-budget * 3 :]  # What fits.
        with agent_errors_as_failures():
            result = await Runner.run(summariser, text, max_turns=1, hooks=log)
        return str(result.final_output)[: limit * 3]

    @workflow.update
    def end(self) -> int:
        """End the conversation (replies in progress still arrive); returns its length."""
        self.ended = True
        return self.conversation.exchanges

    @workflow.query
    def exchanges(self) -> int:
        """How many exchanges the conversation has had, in all its runs."""
        return self.conversation.exchanges

    @workflow.query
    def usage(self) -> list[ModelUsage]:
        """Calls and tokens per model over the whole conversation, summaries included."""
        return self.conversation.usage

    @workflow.query
    def memory(self) -> Conversation:
        """What the model reads of the conversation now: its summary and the exchanges
        kept whole (everything ever said is in the workflow's history: each message is
        an Update's input, each reply its result)."""
        return self.conversation
