"""Temporal's reason to exist, shown with the chat sample's real scripts on a real dev
server: a worker killed mid-reply (SIGKILL) loses nothing, a model call that completed is
never made again, and the conversation outlives the terminal that started it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import TimeoutType
from temporalio.client import Client
from temporalio.openai_agents import OpenAIAgentsPlugin

from openai_agents.model_providers.workflows.approval_workflow import ApprovalWorkflow
from testkit.fakes import anthropic_messages, ollama_native
from testkit.fakes.anthropic_messages import FakeAnthropic
from testkit.fakes.http_server import held
from testkit.fakes.ollama_native import FakeOllama
from tests.helpers.processes import (
    BackgroundScript,
    background_script,
    printed_result,
    run_script,
    running_worker,
    script_environment,
    wait_until,
)
from tests.helpers.usage import ANTHROPIC_CALL, LOCAL, OLLAMA_CALL, anthropic_cost, usage
from tests.helpers.workflow_runs import model_call_attempts

# Shorter than the default 10 s, which the test would wait out: a dead worker cannot report
# its own death, it just stops heartbeating, and Temporal retries its call after this. Not
# shorter: the live worker heartbeats at half of it, and a busy event loop (the second
# worker's first LiteLLM import) must not time out its call too.
WORKER_ARGUMENTS = ("--heartbeat-timeout", "5")
MESSAGES = "What's the weather in Tokyo?\nAnd in Paris?\n"


def tool_results_sent(request: dict[str, Any]) -> int:
    return sum(1 for message in request["messages"] if message["role"] == "tool")


@contextlib.contextmanager
def a_worker_killed_mid_call(
    starter: str,
    worker_arguments: Sequence[str],
    *,
    environment: Mapping[str, str],
    tmp_path: Path,
    ready_text: str,
    kill_when: Callable[[], bool],
    what: str,
    held_call: threading.Event,
    stdin: str | None = None,
) -> Iterator[BackgroundScript]:
    """The router worker and `starter`; once `kill_when()` holds (the call `held_call`
    holds is in flight), the worker is SIGKILLed, the call let go, and a second worker
    started. Yields the starter while the second worker serves it."""
    (tmp_path / "second").mkdir()
    worker = "run_multi_provider_worker.py"
    with (
        running_worker(
            worker, *worker_arguments, environment=environment, tmp_path=tmp_path
        ) as first_worker,
        background_script(
            starter, environment=environment, tmp_path=tmp_path, ready_text=ready_text, stdin=stdin
        ) as script,
    ):
        wait_until(kill_when, what)
        first_worker.process.kill()  # SIGKILL: no graceful shutdown, nothing flushed.
        first_worker.process.wait()
        held_call.set()
        with running_worker(
            worker, *worker_arguments, environment=environment, tmp_path=tmp_path / "second"
        ):
            yield script


@pytest.mark.long
async def test_a_conversation_survives_a_killed_worker_and_its_terminal(
    dev_server_address: str, tmp_path: Path
) -> None:
    paris_answer_in_flight = threading.Event()
    steps = [
        ollama_native.call_tool("get_weather", city="Tokyo"),
        ollama_native.answer_quoting_tool_result(),
        ollama_native.call_tool("get_weather", city="Paris"),
        # This model call is caught in flight: the worker dies while it waits.
        held(ollama_native.answer_quoting_tool_result(), paris_answer_in_flight),
        ollama_native.answer_quoting_tool_result(),
    ]
    with FakeOllama(steps) as ollama:
        environment = script_environment(
            TEMPORAL_ADDRESS=dev_server_address, OLLAMA_HOST=ollama.url
        )
        # Two messages piped in, one a line; then the input ends.
        with a_worker_killed_mid_call(
            "run_chat_workflow.py",
            WORKER_ARGUMENTS,
            environment=environment,
            tmp_path=tmp_path,
            ready_text="Started conversation",
            stdin=MESSAGES,
            kill_when=lambda: len(ollama.chat_requests) == 4,
            what="the Paris answer is asked for",
            held_call=paris_answer_in_flight,
        ) as chat:
            assert chat.process.wait(timeout=120) == 0, chat.output()
            conversation_id = chat.output().split("Started conversation ")[1].split()[0]
            # Another terminal rejoins the conversation, and ends it.
            rejoined = run_script(
                "run_chat_workflow.py",
                "--conversation-id",
                conversation_id,
                environment=environment,
                stdin="/end\n",
            )
        requests = ollama.chat_requests

    reply_usage = f"Usage: {usage('ollama/gpt-oss:20b', 2, OLLAMA_CALL, LOCAL)}"
    transcript = chat.output().splitlines()
    assert transcript == [
        "Type a message; /quit leaves the conversation running, /end closes it.",
        "you> What's the weather in Tokyo?",
        f"Started conversation {conversation_id} on ollama/gpt-oss:20b.",
        "assistant> Skies over the town",
        "The weather in Tokyo is sunny.",
        "so the haiku ends",
        reply_usage,
        "you> And in Paris?",
        "assistant> Skies over the town",
        "The weather in Paris is sunny.",
        "so the haiku ends",
        reply_usage,  # The call in flight when the worker died counts once.
        f"Left conversation {conversation_id} running: rejoin it with --conversation-id "
        f"{conversation_id}, and send /end there to close it.",
    ], chat.output()
    assert rejoined.returncode == 0, rejoined.stderr
    assert rejoined.stdout.splitlines() == [
        f"Rejoined conversation {conversation_id}.",
        "Type a message; /quit leaves the conversation running, /end closes it.",
        "you> /end",
        f"Conversation {conversation_id} ended after 2 exchanges.",
        f"Usage: {usage('ollama/gpt-oss:20b', 4, OLLAMA_CALL, LOCAL)}",  # The conversation's.
    ]
    # Every model call made once, except the one in flight when the worker died; the
    # Paris calls saw the Tokyo exchange (two tool results in the last ones).
    assert [tool_results_sent(r) for r in requests] == [0, 1, 1, 2, 2]
    client = await Client.connect(dev_server_address)
    history = await client.get_workflow_handle(conversation_id).fetch_history()
    assert model_call_attempts(history) == [1, 1, 1, 2]
    # Retried because the dead worker stopped heartbeating: after --heartbeat-timeout, not
    # after the whole model-call timeout.
    retried = [
        e.activity_task_started_event_attributes.last_failure
        for e in history.events
        if e.HasField("activity_task_started_event_attributes")
    ][-1]
    assert retried.timeout_failure_info.timeout_type == TimeoutType.TIMEOUT_TYPE_HEARTBEAT


@pytest.mark.long
async def test_a_killed_fast_path_worker_costs_the_model_calls_of_its_workflow_task(
    dev_server_address: str, tmp_path: Path
) -> None:
    """What the README says a crash costs on the fast path: a local activity's result is
    recorded only when the workflow task that ran it completes, and an agent run's quick
    model calls all run in one workflow task. Killed after the first model call finished,
    the worker loses it: the next worker, once the workflow task has timed out, calls the
    model for it again."""
    second_call_in_flight = threading.Event()
    steps = [
        ollama_native.call_tool("get_weather", city="Tokyo"),
        # The worker dies while this model call waits.
        held(ollama_native.answer_quoting_tool_result(), second_call_in_flight),
        ollama_native.call_tool("get_weather", city="Tokyo"),
        ollama_native.answer_quoting_tool_result(),
    ]
    with FakeOllama(steps) as ollama:
        environment = script_environment(
            TEMPORAL_ADDRESS=dev_server_address, OLLAMA_HOST=ollama.url
        )
        with a_worker_killed_mid_call(
            "run_multi_provider_workflow.py",
            ("--fast-path", *WORKER_ARGUMENTS),
            environment=environment,
            tmp_path=tmp_path,
            ready_text="Running workflow",
            kill_when=lambda: len(ollama.chat_requests) == 2,  # The first call had finished.
            what="the second model call is made",
            held_call=second_call_in_flight,
        ) as starter:
            assert starter.process.wait(timeout=120) == 0, starter.output()
        requests = ollama.chat_requests

    assert "The weather in Tokyo is sunny." in starter.output()
    # The first model call (no tool result yet) was made again by the second worker.
    assert [tool_results_sent(r) for r in requests] == [0, 1, 0, 1]
    workflow_id = starter.output().split("Running workflow ")[1].split()[0]
    client = await Client.connect(dev_server_address)
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    # Recorded as markers, once each: only the second worker's calls reached history.
    markers = [e for e in history.events if e.HasField("marker_recorded_event_attributes")]
    assert len(markers) == 2
    assert model_call_attempts(history) == []  # No regular activities on the fast path.


@pytest.mark.long
def test_a_handoff_across_providers_resumes_after_a_killed_worker_without_repeating_triage(
    dev_server_address: str, tmp_path: Path
) -> None:
    """The handoffs sample: the triage agent (on Ollama) hands off to the specialist (on
    Anthropic, through LiteLLM), who reads the conversation so far; the worker dies during
    the specialist's first call, and the next worker goes on from there."""
    specialist_call_in_flight = threading.Event()
    with (
        FakeOllama([ollama_native.call_tool("transfer_to_weather_specialist")]) as ollama,
        FakeAnthropic(
            [
                held(
                    anthropic_messages.call_tool("get_weather", city="Tokyo"),
                    specialist_call_in_flight,
                ),
                anthropic_messages.call_tool("get_weather", city="Tokyo"),
                anthropic_messages.answer_quoting_tool_result(),
            ]
        ) as anthropic,
    ):
        environment = script_environment(
            TEMPORAL_ADDRESS=dev_server_address,
            OLLAMA_HOST=ollama.url,
            ANTHROPIC_API_KEY="sk-ant-test-key",
            ANTHROPIC_BASE_URL=anthropic.url,
        )
        with a_worker_killed_mid_call(
            "run_handoffs_workflow.py",
            WORKER_ARGUMENTS,
            environment=environment,
            tmp_path=tmp_path,
            ready_text="Running workflow",
            kill_when=lambda: len(anthropic.requests) == 1,  # The triage call had finished.
            what="the specialist's call is made",
            held_call=specialist_call_in_flight,
        ) as starter:
            assert starter.process.wait(timeout=120) == 0, starter.output()

    # The triage call was made once: the second worker started at the specialist's call.
    assert len(ollama.chat_requests) == 1
    specialist = "litellm/anthropic/claude-sonnet-4-5"
    *_, answered_by, calls, used, total = starter.output().splitlines()
    assert "The weather in Tokyo is sunny." in printed_result(starter.output())
    assert answered_by == f"Answered by: Weather specialist ({specialist})"
    assert calls == f"Model calls: ollama/gpt-oss:20b, {specialist}, {specialist}"
    # Each agent's calls on its own model, none counted twice after the kill.
    assert used == (
        f"Usage: {usage('ollama/gpt-oss:20b', 1, OLLAMA_CALL, LOCAL)}; "
        + usage(specialist, 2, ANTHROPIC_CALL, anthropic_cost(*(2 * n for n in ANTHROPIC_CALL)))
    )
    assert total.startswith("Total: 3 calls, ")
    # The specialist read the conversation so far: the user's question, and the handoff.
    first_specialist_call = anthropic.requests[1].body
    assert (
        first_specialist_call["messages"][0]["content"][0]["text"] == "What's the weather in Tokyo?"
    )
    assert "Weather specialist" in anthropic_messages.tool_results(first_specialist_call)[0]


@pytest.mark.long
async def test_an_alert_waiting_for_approval_survives_a_killed_worker_and_runs_once(
    dev_server_address: str, tmp_path: Path
) -> None:
    """The approval sample: the worker is SIGKILLed while the run waits for a decision; the
    next worker serves a decision sent from another process, and the run goes on from
    there: no finished model call is made again, and the alert is sent once."""
    alert = {"city": "Tokyo", "message": "Typhoon tonight: stay indoors"}
    steps = [
        ollama_native.call_tool("send_weather_alert", **alert),
        ollama_native.answer_quoting_tool_result(),
    ]
    client = await Client.connect(dev_server_address)
    # With the plugin's data converter, as the starter has, to read the pending calls.
    approvals = await Client.connect(dev_server_address, plugins=[OpenAIAgentsPlugin()])
    (tmp_path / "second").mkdir()
    with FakeOllama(steps) as ollama:
        environment = script_environment(
            TEMPORAL_ADDRESS=dev_server_address, OLLAMA_HOST=ollama.url
        )
        worker = "run_multi_provider_worker.py"
        with (
            running_worker(
                worker, *WORKER_ARGUMENTS, environment=environment, tmp_path=tmp_path
            ) as first_worker,
            background_script(
                "run_approval_workflow.py",
                environment=environment,
                tmp_path=tmp_path,
                ready_text="Decide from another terminal",
            ) as starter,
        ):
            workflow_id = starter.output().split("Running workflow ")[1].split()[0]
            handle = client.get_workflow_handle(workflow_id)
            # Waiting: the run's deadline timer has started.
            while not any(
                e.HasField("timer_started_event_attributes")
                for e in (await handle.fetch_history()).events
            ):
                await asyncio.sleep(0.2)
            first_worker.process.kill()  # SIGKILL: no graceful shutdown, nothing flushed.
            first_worker.process.wait()
            with running_worker(
                worker, *WORKER_ARGUMENTS, environment=environment, tmp_path=tmp_path / "second"
            ) as second_worker:
                # The new worker rebuilt the pending call from the history.
                [call] = await approvals.get_workflow_handle_for(
                    ApprovalWorkflow.run, workflow_id
                ).query(ApprovalWorkflow.pending)
                call_id = call.call_id
                approved = run_script(
                    "run_approval_workflow.py",
                    *("--workflow-id", workflow_id, "--approve", call_id, "--by", "ops"),
                    environment=environment,
                )
                assert starter.process.wait(timeout=120) == 0, starter.output()
        requests = ollama.chat_requests

    assert (call.tool, json.loads(call.arguments)) == ("send_weather_alert", alert)
    assert approved.returncode == 0, approved.stderr
    assert approved.stdout.startswith(f"Decided: {call_id} send_weather_alert(")
    assert " approved by ops at " in approved.stdout
    assert "Alert sent to the subscribers in Tokyo." in printed_result(starter.output())
    # Each model call made once: the first before the wait, the second after the decision.
    assert [tool_results_sent(r) for r in requests] == [0, 1]
    history = await handle.fetch_history()
    assert model_call_attempts(history) == [1, 1]
    alerts = [
        e
        for e in history.events
        if e.activity_task_scheduled_event_attributes.activity_type.name == "deliver_weather_alert"
    ]
    assert len(alerts) == 1
    assert (
        json.loads(alerts[0].activity_task_scheduled_event_attributes.input.payloads[0].data)
        == alert
    )
    logs = first_worker.output() + second_worker.output()
    assert logs.count("Weather alert for Tokyo: Typhoon tonight: stay indoors") == 1
    assert "approved by ops" in starter.output().split("\nResult: ", 1)[1]
