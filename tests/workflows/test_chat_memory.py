"""The chat's bounded memory: the model reads the newest whole exchanges that fit the
conversation's budget and a summary of the older ones, written by the model in a call of its
own; a message larger than the budget is refused before it reaches history; the memory, not
the whole conversation, is what each run hands the next."""

from __future__ import annotations

from typing import Any

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.openai_agents.testing import AgentEnvironment, ResponseBuilders
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from openai_agents.model_providers.workflows.chat_workflow import (
    ChatWorkflow,
)
from tests.helpers.chats import POLICY, conversation, texts
from tests.helpers.scripted_model import ChattingProvider, RecordingProvider, is_summary_call

# A model call's input besides the conversation: instructions, the tool's schema, settings.
ROOM_FOR_INSTRUCTIONS_AND_TOOLS = 4096
MESSAGE = "Tell me about the weather in Tokyo this week, and what to wear on a walk. " * 2
REPLY = "Sun over the city / a light coat for the morning / the river is calm. " * 2


def says(model_input: Any, words: str) -> bool:
    return any(words in text for text in texts(model_input))


async def test_old_exchanges_are_summarised_by_the_model_once_the_budget_is_reached(
    env: WorkflowEnvironment,
) -> None:
    provider = ChattingProvider(REPLY)
    budget = 250
    async with conversation(env, provider, memory_budget=budget) as chat:
        replies = [
            await chat.execute_update(ChatWorkflow.send, f"{n}: {MESSAGE}") for n in (1, 2, 3)
        ]
        memory = await chat.query(ChatWorkflow.memory)
        history = await chat.fetch_history()

    # The third message did not fit with both earlier exchanges: the first was summarised.
    assert [reply.summarised_now for reply in replies] == [0, 0, 1]
    [summary_call] = provider.summary_calls()
    assert says(summary_call.input, "1: Tell me") and not says(summary_call.input, "2: Tell me")
    assert summary_call.tool_names == []
    third = provider.reply_calls()[2].input
    assert texts(third)[0].startswith("(A summary of our conversation so far")
    assert says(third, "SUMMARY") and not says(third, "1: Tell me")
    assert says(third, "2: Tell me") and texts(third)[-1].startswith("3: Tell me")
    assert (memory.summarised, len(memory.memory), memory.exchanges) == (1, 2, 3)
    assert memory.summary.startswith("SUMMARY")
    # The summary's model call counts in the reply that needed it.
    assert [sum(u.calls for u in reply.usage) for reply in replies] == [1, 1, 2]
    # And the trimmed, summarised conversation replays deterministically.
    async with AgentEnvironment(
        model_provider=provider, model_params=POLICY.activity_parameters()
    ) as agents:
        replayer = Replayer(workflows=[ChatWorkflow], plugins=[agents.openai_agents_plugin])
        await replayer.replay_workflow(history)


async def test_a_tool_call_is_never_separated_from_its_result(env: WorkflowEnvironment) -> None:
    """The first exchange is a tool call, its result and a reply: trimmed, it goes whole."""
    provider = RecordingProvider(
        [
            ResponseBuilders.tool_call('{"city": "Tokyo"}', "get_weather"),
            ResponseBuilders.output_message(REPLY),
            ResponseBuilders.output_message(REPLY),
            ResponseBuilders.output_message("SUMMARY"),
            ResponseBuilders.output_message(REPLY),
        ]
    )
    async with conversation(env, provider, memory_budget=300) as chat:
        for n in (1, 2, 3):
            await chat.execute_update(ChatWorkflow.send, f"{n}: {MESSAGE}")

    summary_call, last = provider.calls[3], provider.calls[4]
    assert is_summary_call(summary_call)
    assert says(summary_call.input, "The weather in Tokyo is sunny.")  # The tool's result.
    for call in provider.calls:
        calls_made = {i.get("call_id") for i in call.input if i.get("type") == "function_call"}
        for item in call.input:
            if item.get("type") == "function_call_output":
                assert item["call_id"] in calls_made, call.input
    assert not says(last.input, "1: Tell me")
    assert not [i for i in last.input if str(i.get("type")).startswith("function_call")]


async def test_a_message_larger_than_the_budget_is_refused_before_history(
    env: WorkflowEnvironment,
) -> None:
    provider = RecordingProvider([])
    async with conversation(env, provider, memory_budget=50) as chat:
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await chat.execute_update(ChatWorkflow.send, MESSAGE * 3)
        history = await chat.fetch_history()

    assert isinstance(refused.value.cause, ApplicationError)
    message = refused.value.cause.message
    assert message.startswith("the message is about ") and "reads (50)" in message
    assert provider.calls == []
    accepted = [
        e
        for e in history.events
        if e.HasField("workflow_execution_update_accepted_event_attributes")
    ]
    assert accepted == []


async def test_continue_as_new_carries_the_bounded_memory_not_the_whole_conversation(
    env: WorkflowEnvironment,
) -> None:
    """Twenty-eight exchanges, five to a run: each run starts from the summary and the exchanges
    that fit, and no model call ever reads more than the budget."""
    provider = ChattingProvider(REPLY)
    budget = 400
    async with conversation(env, provider, exchanges_per_run=5, memory_budget=budget) as chat:
        first_run = (await chat.describe()).run_id
        for n in range(1, 29):
            await chat.execute_update(ChatWorkflow.send, f"{n}: {MESSAGE}")
        memory = await chat.query(ChatWorkflow.memory)
        last_run = (await chat.describe()).run_id
        history = await chat.fetch_history()

    assert last_run != first_run
    assert memory.exchanges == 28
    # The conversation's usage goes on across runs: every reply and every summary counted.
    assert sum(u.calls for u in memory.usage) == len(provider.calls)
    assert memory.summarised + len(memory.memory) == 28
    last = provider.reply_calls()[-1].input
    assert says(last, "SUMMARY") and texts(last)[-1].startswith("28: Tell me")
    # What the last run started from, and what each of its model calls carried (the whole
    # input as recorded: instructions, tool schemas and settings besides the conversation):
    # a summary and the exchanges that fit, however long the conversation has run.
    started = history.events[0].workflow_execution_started_event_attributes
    assert started.input.payloads[0].ByteSize() < budget * 3 * 2
    carried = [
        e.activity_task_scheduled_event_attributes.input.payloads[0].ByteSize()
        for e in history.events
        if e.activity_task_scheduled_event_attributes.activity_type.name == "invoke_model_activity"
    ]
    assert carried and max(carried) < budget * 3 + ROOM_FOR_INSTRUCTIONS_AND_TOOLS
