"""The chat sample's workflow: a conversation that remembers, answers one message at a
time in order, rejects empty messages before they reach its history, survives a failed
reply, and carries on across continue-as-new. A scripted model records what each model
call was given."""

from __future__ import annotations

import asyncio
import contextlib
import io
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest
from agents import Model, ModelResponse
from agents.items import TResponseStreamEvent
from temporalio.client import (
    WorkflowExecutionStatus,
    WorkflowUpdateFailedError,
    WorkflowUpdateStage,
)
from temporalio.exceptions import ApplicationError
from temporalio.openai_agents.testing import AgentEnvironment, ResponseBuilders
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers import run_chat_workflow
from openai_agents.model_providers.workflows.chat_workflow import ChatWorkflow
from testkit.wiring import build_worker
from tests.helpers.chats import POLICY, conversation, texts
from tests.helpers.in_process import script_arguments
from tests.helpers.scripted_model import ChattingProvider, RecordingProvider


async def test_each_reply_sees_the_conversation_so_far(env: WorkflowEnvironment) -> None:
    provider = RecordingProvider(
        [ResponseBuilders.output_message("Hello Ada"), ResponseBuilders.output_message("Ada")]
    )
    async with conversation(env, provider) as chat:
        first = await chat.execute_update(ChatWorkflow.send, "My name is Ada")
        second = await chat.execute_update(ChatWorkflow.send, "What is my name?")
        assert await chat.query(ChatWorkflow.exchanges) == 2

    assert (first.text, second.text) == ("Hello Ada", "Ada")
    assert texts(provider.calls[1].input) == ["My name is Ada", "Hello Ada", "What is my name?"]
    assert await chat.result() == 2


async def test_two_messages_sent_at_once_are_answered_in_order_one_at_a_time(
    env: WorkflowEnvironment,
) -> None:
    provider = RecordingProvider(
        [ResponseBuilders.output_message("one"), ResponseBuilders.output_message("two")]
    )
    async with conversation(env, provider) as chat:
        sent = [
            await chat.start_update(
                ChatWorkflow.send, text, wait_for_stage=WorkflowUpdateStage.ACCEPTED
            )
            for text in ("first", "second")
        ]
        replies = await asyncio.gather(*(update.result() for update in sent))

    assert [reply.text for reply in replies] == ["one", "two"]
    # The second model call started after the first reply, and saw it.
    assert texts(provider.calls[1].input) == ["first", "one", "second"]


async def test_an_empty_message_is_rejected_before_it_reaches_history(
    env: WorkflowEnvironment,
) -> None:
    provider = RecordingProvider([ResponseBuilders.output_message("Hello")])
    async with conversation(env, provider) as chat:
        with pytest.raises(WorkflowUpdateFailedError) as rejected:
            await chat.execute_update(ChatWorkflow.send, "   ")
        await chat.execute_update(ChatWorkflow.send, "Hi")

    assert isinstance(rejected.value.cause, ApplicationError)
    assert rejected.value.cause.message == "the message is empty: type something to send"
    history = await chat.fetch_history()
    accepted = [
        e
        for e in history.events
        if e.HasField("workflow_execution_update_accepted_event_attributes")
    ]
    assert len(accepted) == 2  # "Hi" and /end; the validator turned the empty one away.
    assert [texts(call.input) for call in provider.calls] == [["Hi"]]


class HeldReplies(RecordingProvider):
    """Its model answers only once `release` is set: a reply a test can catch in progress
    (`asked` is set once a call waits)."""

    def __init__(self, responses: list[Any]) -> None:
        super().__init__(responses)
        self.asked, self.release = asyncio.Event(), asyncio.Event()

    def get_model(self, model_name: str | None) -> Model:
        inner, provider = super().get_model(model_name), self

        class Held(Model):
            async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
                provider.asked.set()
                await provider.release.wait()
                return await inner.get_response(*args, **kwargs)

            def stream_response(
                self, *args: Any, **kwargs: Any
            ) -> AsyncIterator[TResponseStreamEvent]:
                raise NotImplementedError

        return Held()


async def test_a_message_sent_after_end_is_refused_while_a_reply_still_arrives(
    env: WorkflowEnvironment,
) -> None:
    provider = HeldReplies([ResponseBuilders.output_message("Hello")])
    async with conversation(env, provider) as chat:
        first = await chat.start_update(
            ChatWorkflow.send, "Hi", wait_for_stage=WorkflowUpdateStage.ACCEPTED
        )
        await provider.asked.wait()  # Its reply is in progress: the conversation still runs.
        assert await chat.execute_update(ChatWorkflow.end) == 0
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await chat.execute_update(ChatWorkflow.send, "One more thing")
        provider.release.set()
        reply = await first.result()

    assert isinstance(refused.value.cause, ApplicationError)
    assert refused.value.cause.message == "this conversation has ended: start a new one"
    assert reply.text == "Hello"  # The reply in progress still arrived.
    assert await chat.result() == 1
    assert [texts(call.input) for call in provider.calls] == [["Hi"]]


async def test_a_failed_reply_fails_only_its_message(env: WorkflowEnvironment) -> None:
    provider = RecordingProvider(
        [
            ResponseBuilders.tool_call('{"city": "Tokyo"}', "get_weather"),
            ApplicationError("model unavailable", type="ProviderServerError", non_retryable=True),
            ResponseBuilders.output_message("Hello"),
        ]
    )
    async with conversation(env, provider) as chat:
        with pytest.raises(WorkflowUpdateFailedError):
            await chat.execute_update(ChatWorkflow.send, "Are you there?")
        reply = await chat.execute_update(ChatWorkflow.send, "Hi")
        usage = await chat.query(ChatWorkflow.usage)

    assert reply.text == "Hello"
    # The unanswered message did not join the conversation.
    assert texts(provider.calls[2].input) == ["Hi"]
    assert await chat.result() == 1
    # Its answered call still counts in what the conversation used.
    assert [(u.model, u.calls) for u in usage] == [("ollama/gpt-oss:20b", 2)]


async def test_the_conversation_carries_on_across_continue_as_new(
    env: WorkflowEnvironment,
) -> None:
    replies = ["one", "two", "three", "four"]
    provider = RecordingProvider([ResponseBuilders.output_message(reply) for reply in replies])
    async with conversation(env, provider, exchanges_per_run=2) as chat:
        first_run = (await chat.describe()).run_id
        for text in ("first", "second", "third"):
            await chat.execute_update(ChatWorkflow.send, text)
        # A client that rejoins by id, as `--conversation-id` does, reaches the new run.
        rejoined = env.client.get_workflow_handle_for(ChatWorkflow.run, chat.id)
        assert (await rejoined.execute_update(ChatWorkflow.send, "fourth")).text == "four"
        current_run = (await chat.describe()).run_id
        assert await rejoined.query(ChatWorkflow.exchanges) == 4

    assert current_run != first_run
    # The second exchange of the new run still reads the first run's exchanges.
    assert texts(provider.calls[3].input) == [
        *("first", "one", "second", "two", "third", "three", "fourth")
    ]
    assert await chat.result() == 4


async def run_the_chat_starter(
    env: WorkflowEnvironment,
    monkeypatch: pytest.MonkeyPatch,
    provider: RecordingProvider,
    typed: str,
    **options: Any,
) -> tuple[int, list[str], WorkflowExecutionStatus | None]:
    """The terminal chat's `main` in this process, `typed` piped to it: its exit code, the
    lines it printed, and how the conversation it started stands afterwards (None if it
    started none). A conversation left running is ended here."""
    monkeypatch.setenv("TEMPORAL_ADDRESS", env.client.service_client.config.target_host)
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
    output = io.StringIO()
    async with AgentEnvironment(
        model_provider=provider, model_params=POLICY.activity_parameters()
    ) as agents:
        client = agents.applied_on_client(env.client)
        async with build_worker(client, [ChatWorkflow]):
            with contextlib.redirect_stdout(output):
                exit_code = await run_chat_workflow.main(
                    script_arguments(model="ollama/gpt-oss:20b", **options)
                )
            lines = output.getvalue().splitlines()
            started = [line for line in lines if line.startswith("Started conversation ")]
            if not started:
                return exit_code, lines, None
            chat = client.get_workflow_handle_for(ChatWorkflow.run, started[0].split()[2])
            status = (await chat.describe()).status
            if status == WorkflowExecutionStatus.RUNNING:
                await chat.execute_update(ChatWorkflow.end)
    return exit_code, lines, status


async def test_the_starter_reports_a_failed_message_goes_on_and_quits_leaving_it_running(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`Not answered` for the failed message, the next one answered, and `/quit` leaves the
    conversation running, saying how to rejoin and end it; exit code 1 for the failure."""
    provider = RecordingProvider(
        [
            ApplicationError("model unavailable", type="ProviderServerError", non_retryable=True),
            ResponseBuilders.output_message("Hello"),
        ]
    )
    typed = "Are you there?\n\nHi\n/quit\nnever sent\n"
    exit_code, lines, status = await run_the_chat_starter(env, monkeypatch, provider, typed)

    conversation_id = lines[2].split()[2]
    assert exit_code == 1
    assert lines == [
        "Type a message; /quit leaves the conversation running, /end closes it.",
        "you> Are you there?",
        f"Started conversation {conversation_id} on ollama/gpt-oss:20b.",
        "Not answered: model unavailable",
        "you> Hi",
        "assistant> Hello",
        # The failed message's call is billed to no one.
        # (The scripted model reports no tokens, which the line says.)
        "Usage: ollama/gpt-oss:20b: 1 call, no tokens reported, $0 (local)",
        "you> /quit",
        f"Left conversation {conversation_id} running: rejoin it with --conversation-id "
        f"{conversation_id}, and send /end there to close it.",
    ]
    assert status == WorkflowExecutionStatus.RUNNING
    assert len(provider.calls) == 2


async def test_a_conversation_none_of_whose_messages_was_answered_is_not_left_running(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong model fails every message: the starter ends the conversation it started,
    says so, and exits 1, instead of leaving an empty conversation running."""
    unknown_model = ApplicationError("no such model", type="ModelNotFound", non_retryable=True)
    provider = RecordingProvider([unknown_model, unknown_model])
    typed = "Hello?\nAnyone?\n"
    exit_code, lines, status = await run_the_chat_starter(env, monkeypatch, provider, typed)

    conversation_id = lines[2].split()[2]
    assert exit_code == 1
    assert lines[-1] == (
        f"Ended conversation {conversation_id}: none of its messages was answered."
    )
    assert lines.count("Not answered: no such model") == 2
    assert status == WorkflowExecutionStatus.COMPLETED


async def test_no_input_starts_no_conversation(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = RecordingProvider([])
    exit_code, lines, status = await run_the_chat_starter(env, monkeypatch, provider, "")

    assert exit_code == 0
    assert lines == [
        "Type a message; /quit leaves the conversation running, /end closes it.",
        "No message sent: no conversation was started.",
    ]
    assert status is None


async def test_the_starter_says_when_earlier_exchanges_were_summarised(
    env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = ChattingProvider("Sun over the city / a light coat for the morning. " * 2)
    message = "What should I wear in Tokyo this week? " * 3
    exit_code, lines, _status = await run_the_chat_starter(
        env, monkeypatch, provider, f"{message}\n{message}\n{message}\n", memory_budget=250
    )

    assert exit_code == 0
    notes = [line for line in lines if line.startswith("[")]
    assert notes == [
        "[1 earlier exchanges summarised: the model reads them as a summary now, to stay "
        "within the conversation's memory budget]"
    ]
    assert len(provider.summary_calls()) == 1
