"""The approval sample's workflow on the time-skipping server, with a scripted model: an alert
runs once, with the arguments a person approved, after days of waiting; a rejected one never
runs and the model reads why; no decision is a rejection at the deadline; two calls of one
turn are decided on their own; a decision that cannot apply is refused before it reaches
the history, a late one too when it meets the deadline's timer in one task; and every
model call, of the first run and of each resumed one, is an activity."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import shlex
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from agents import ModelProvider, ModelResponse, Usage
from openai.types.responses import ResponseFunctionToolCall
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import UpdateWorkflowExecutionLifecycleStage
from temporalio.api.update.v1 import UpdateRef, WaitPolicy
from temporalio.api.workflowservice.v1 import PollWorkflowExecutionUpdateRequest
from temporalio.client import Client, WorkflowHandle, WorkflowHistory, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.openai_agents.testing import AgentEnvironment, ResponseBuilders
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from openai_agents.model_providers import run_approval_workflow
from openai_agents.model_providers.support.dev_server import bundled_temporal_cli
from openai_agents.model_providers.workflows.approval_workflow import (
    ApprovalWorkflow,
    ApprovedAnswer,
    deliver_weather_alert,
)
from openai_agents.model_providers.workflows.approvals import DEADLINE, Decision, PendingCall
from openai_agents.model_providers.workflows.shared import TASK_QUEUE
from testkit.fakes import anthropic_messages, ollama_native, ollama_openai, openai_responses
from testkit.fakes.anthropic_messages import FakeAnthropic
from testkit.fakes.http_server import FakeHTTPServer, Route
from testkit.fakes.ollama_native import FakeOllama
from testkit.fakes.ollama_openai import FakeOllamaOpenAI
from testkit.fakes.openai_responses import FakeOpenAIResponses
from testkit.wiring import (
    ModelCallPolicy,
    client_with_provider,
    create_gpt_oss_provider,
    create_router_provider,
)
from tests.helpers.extra_workflows import ApprovalResumedFromJsonWorkflow
from tests.helpers.in_process import failure_of, script_arguments
from tests.helpers.processes import SCRIPTS
from tests.helpers.scripted_model import RecordingProvider
from tests.helpers.terminals import typed_at_a_terminal
from tests.helpers.workflow_runs import new_workflow_id

POLICY = ModelCallPolicy(max_attempts=2)
PROMPT = "Warn Tokyo about the typhoon"
MODEL, FALLBACK = "ollama/gpt-oss:20b", "openai/gpt-4.1"
TOKYO = {"city": "Tokyo", "message": "Typhoon tonight: stay indoors"}
OSAKA = {"city": "Osaka", "message": "Heavy rain tomorrow"}


def alert_call(call_id: str, arguments: dict[str, str]) -> ResponseFunctionToolCall:
    return ResponseFunctionToolCall(
        arguments=json.dumps(arguments),
        call_id=call_id,
        name="send_weather_alert",
        type="function_call",
        id=f"item_{call_id}",
        status="completed",
    )


def alerts(*calls: ResponseFunctionToolCall) -> ModelResponse:
    """One model turn calling the alert tool once per call, as a model may."""
    return ModelResponse(
        output=list(calls),
        usage=Usage(requests=1, input_tokens=30, output_tokens=5, total_tokens=35),
        response_id=None,
    )


def answer(text: str = "Storm over Tokyo") -> ModelResponse:
    response = ResponseBuilders.output_message(text)
    response.usage = Usage(requests=1, input_tokens=12, output_tokens=3, total_tokens=15)
    return response


@contextlib.asynccontextmanager
async def approval_run(
    time_skipping_env: WorkflowEnvironment,
    provider: RecordingProvider,
    approval_timeout: timedelta = timedelta(days=7),
    fallbacks: tuple[str, ...] = (),
) -> AsyncIterator[WorkflowHandle[ApprovalWorkflow, ApprovedAnswer]]:
    """The sample's workflow started on a worker of its own (the router worker's activities
    registered), the history replayed once the test is done with it."""
    workflow_id = new_workflow_id(ApprovalWorkflow)
    task_queue = f"{TASK_QUEUE}-{workflow_id}"
    async with AgentEnvironment(
        model_provider=provider, model_params=POLICY.activity_parameters()
    ) as agents:
        client = agents.applied_on_client(time_skipping_env.client)
        async with Worker(
            client,
            task_queue=task_queue,
            workflows=[ApprovalWorkflow],
            activities=[deliver_weather_alert],
        ):
            handle = await client.start_workflow(
                ApprovalWorkflow.run,
                args=[PROMPT, MODEL, list(fallbacks), approval_timeout],
                id=workflow_id,
                task_queue=task_queue,
                # Longer than any wait here; a stuck workflow task still ends the test.
                execution_timeout=timedelta(days=30),
            )
            yield handle
        replayer = Replayer(workflows=[ApprovalWorkflow], plugins=[agents.openai_agents_plugin])
        await replayer.replay_workflow(await handle.fetch_history())


async def pending_calls(handle: WorkflowHandle[ApprovalWorkflow, Any]) -> list[PendingCall]:
    """The calls the run waits on, once it waits on some."""
    while not (calls := await handle.query(ApprovalWorkflow.pending)):
        await asyncio.sleep(0.05)
    return calls


def alerts_sent(history: WorkflowHistory) -> list[dict[str, str]]:
    """The input of each alert activity the run scheduled."""
    return [
        json.loads(attributes.input.payloads[0].data)
        for event in history.events
        if (attributes := event.activity_task_scheduled_event_attributes).activity_type.name
        == "deliver_weather_alert"
    ]


def model_activities(history: WorkflowHistory) -> int:
    """How many model calls the run made as the plugin's model activity."""
    return sum(
        1
        for event in history.events
        if event.activity_task_scheduled_event_attributes.activity_type.name
        == "invoke_model_activity"
    )


async def starter(**options: Any) -> tuple[int, list[str]]:
    """The approval starter's `main` in this process, deciding from "another terminal": its
    exit code and the lines it printed."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exit_code = await run_approval_workflow.main(script_arguments(**options))
    return exit_code, output.getvalue().splitlines()


def tool_outputs(model_input: Any) -> list[str]:
    return [item["output"] for item in model_input if item.get("type") == "function_call_output"]


async def test_an_alert_approved_after_three_days_runs_once_with_the_approved_arguments(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    provider = RecordingProvider([alerts(alert_call("call_tokyo", TOKYO)), answer()])
    async with approval_run(time_skipping_env, provider) as run:
        [call] = await pending_calls(run)
        await time_skipping_env.sleep(timedelta(days=3))
        decided = await run.execute_update(
            ApprovalWorkflow.decide, Decision("call_tokyo", True, "looks right", "ada")
        )
        result = await run.result()
        history = await run.fetch_history()

    assert (call.tool, json.loads(call.arguments)) == ("send_weather_alert", TOKYO)
    assert call.deadline - call.asked_at == timedelta(days=7)
    assert decided.decided_at - call.asked_at >= timedelta(days=3)
    assert alerts_sent(history) == [TOKYO]
    # The model read the alert's own result, and answered.
    assert tool_outputs(provider.calls[1].input) == ["Alert sent to the subscribers in Tokyo."]
    assert result.text == "Storm over Tokyo"
    [decision] = result.decisions
    assert (decision.tool, json.loads(decision.arguments)) == ("send_weather_alert", TOKYO)
    assert (decision.approved, decision.reason, decision.decided_by) == (True, "looks right", "ada")
    assert decision.decided_at == decided.decided_at
    # Both model calls, the first run's and the resumed run's, were model activities.
    assert model_activities(history) == len(provider.calls) == 2


async def test_a_rejected_alert_never_runs_and_the_model_is_told_why(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    provider = RecordingProvider([alerts(alert_call("call_tokyo", TOKYO)), answer()])
    async with approval_run(time_skipping_env, provider) as run:
        await pending_calls(run)
        await run.execute_update(
            ApprovalWorkflow.decide, Decision("call_tokyo", False, "not a typhoon", "ada")
        )
        result = await run.result()
        history = await run.fetch_history()

    assert alerts_sent(history) == []
    [told] = tool_outputs(provider.calls[1].input)
    assert "ada rejected it (not a typhoon)" in told
    assert result.text == "Storm over Tokyo"
    assert [(d.approved, d.reason) for d in result.decisions] == [(False, "not a typhoon")]
    assert model_activities(history) == 2


async def test_no_decision_is_a_rejection_at_the_deadline(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    provider = RecordingProvider([alerts(alert_call("call_tokyo", TOKYO)), answer()])
    async with approval_run(
        time_skipping_env, provider, approval_timeout=timedelta(hours=12)
    ) as run:
        [call] = await pending_calls(run)
        result = await run.result()  # The time-skipping server jumps to the deadline.
        history = await run.fetch_history()

    assert alerts_sent(history) == []
    [decision] = result.decisions
    assert (decision.approved, decision.decided_by) == (False, DEADLINE)
    assert decision.decided_at >= call.deadline
    assert "(no decision within 12 hours)" in tool_outputs(provider.calls[1].input)[0]


async def test_two_calls_of_one_turn_are_decided_each_on_its_own(
    time_skipping_env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Decided from another terminal, the starter's --list, --reject and --approve."""
    provider = RecordingProvider(
        [alerts(alert_call("call_tokyo", TOKYO), alert_call("call_osaka", OSAKA)), answer()]
    )
    monkeypatch.setenv(
        "TEMPORAL_ADDRESS", time_skipping_env.client.service_client.config.target_host
    )
    async with approval_run(time_skipping_env, provider) as run:
        calls = await pending_calls(run)
        rejected = await starter(
            workflow_id=run.id, reject="call_osaka", reason="only rain", by="bo"
        )
        # The run waits for the other call still.
        listed = await starter(workflow_id=run.id, list=True)
        approved = await starter(workflow_id=run.id, approve="call_tokyo", by="ada")
        result = await run.result()
        history = await run.fetch_history()

    assert [c.call_id for c in calls] == ["call_tokyo", "call_osaka"]
    assert rejected[0] == 0
    assert rejected[1][0].startswith("Decided: call_osaka send_weather_alert(")
    assert rejected[1][0].endswith(": only rain")
    assert listed[0] == 0
    assert [line.split(":")[0] for line in listed[1]] == ["call_tokyo"]
    assert approved[0] == 0
    assert " approved by ada at " in approved[1][0]
    assert alerts_sent(history) == [TOKYO]
    outputs = tool_outputs(provider.calls[1].input)
    assert outputs[0] == "Alert sent to the subscribers in Tokyo."
    assert "bo rejected it (only rain)" in outputs[1]
    assert [(d.call_id, d.approved, d.decided_by) for d in result.decisions] == [
        ("call_osaka", False, "bo"),
        ("call_tokyo", True, "ada"),
    ]
    assert model_activities(history) == 2


README_CLI_INTRO = "or with the Temporal CLI, the `pending` Query and the `decide` Update:"


def readme_cli_commands() -> list[list[str]]:
    """The README's Temporal CLI commands for the approval sample, each split into words."""
    after_intro = (SCRIPTS / "README.md").read_text().split(README_CLI_INTRO, 1)[1]
    commands = after_intro.split("```bash\n", 1)[1].split("```", 1)[0].replace("\\\n", " ")
    return [shlex.split(line) for line in commands.splitlines()]


async def test_the_readmes_temporal_cli_commands_list_and_decide_a_call(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    """The `pending` Query and the `decide` Update as the README gives them, run with the
    Temporal CLI: a person without this repository's scripts can decide too."""
    query, update = readme_cli_commands()
    provider = RecordingProvider([alerts(alert_call("CALL_ID", TOKYO)), answer()])
    address = time_skipping_env.client.service_client.config.target_host
    temporal = bundled_temporal_cli()
    assert temporal is not None

    def cli(words: list[str], workflow_id: str) -> str:
        assert words[:3] == ["uv", "run", "temporal"], words
        words = [workflow_id if word == "ID" else word for word in words[3:]]
        completed = subprocess.run(
            [temporal, *words, "--address", address],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert completed.returncode == 0, completed.stderr
        return completed.stdout

    async with approval_run(time_skipping_env, provider) as run:
        await pending_calls(run)
        listed = await asyncio.to_thread(cli, query, run.id)
        await asyncio.to_thread(cli, update, run.id)
        result = await run.result()
        history = await run.fetch_history()

    [call] = json.loads(listed.split("QueryResult", 1)[1])
    assert (call["call_id"], call["tool"]) == ("CALL_ID", "send_weather_alert")
    assert json.loads(call["arguments"]) == TOKYO
    assert alerts_sent(history) == [TOKYO]
    [decision] = result.decisions
    assert (decision.call_id, decision.approved) == ("CALL_ID", True)
    assert (decision.reason, decision.decided_by) == ("checked", "ops")


async def test_a_decision_that_cannot_apply_is_refused_in_one_line_before_history(
    time_skipping_env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = RecordingProvider(
        [
            alerts(alert_call("call_tokyo", TOKYO), alert_call("call_osaka", OSAKA)),
            # Asked again after the deadline, so the run is still waiting for a decision.
            alerts(alert_call("call_kyoto", {"city": "Kyoto", "message": "Wind"})),
            answer(),
        ]
    )
    refused: list[str] = []

    async def refusal(decision: Decision) -> None:
        with pytest.raises(WorkflowUpdateFailedError) as error:
            await run.execute_update(ApprovalWorkflow.decide, decision)
        assert isinstance(error.value.cause, ApplicationError)
        refused.append(error.value.cause.message)

    async with approval_run(time_skipping_env, provider, approval_timeout=timedelta(days=1)) as run:
        await pending_calls(run)
        await run.execute_update(ApprovalWorkflow.decide, Decision("call_tokyo", True, "", "ada"))
        await refusal(Decision("call_paris", True, "", "ada"))
        monkeypatch.setenv(
            "TEMPORAL_ADDRESS", time_skipping_env.client.service_client.config.target_host
        )
        from_the_starter = await starter(workflow_id=run.id, approve="call_paris")
        await refusal(Decision("call_tokyo", False, "changed my mind", "bo"))
        await refusal(Decision("call_osaka", False, "", "bo"))
        await time_skipping_env.sleep(timedelta(days=1, seconds=1))
        await refusal(Decision("call_osaka", True, "", "bo"))
        await run.execute_update(ApprovalWorkflow.decide, Decision("call_kyoto", True, "", "bo"))
        await run.result()
        history = await run.fetch_history()

    assert refused[0] == "no call 'call_paris' waits for a decision: --list shows the ones that do"
    assert refused[1].startswith("call call_tokyo was already approved by ada at ")
    assert refused[2] == "a rejection needs a reason: the model is told it"
    assert refused[3].startswith("the deadline for call call_osaka passed at ")
    assert all("\n" not in line for line in refused)
    assert from_the_starter == (1, [f"Refused: {refused[0]}"])
    accepted = [
        e
        for e in history.events
        if e.HasField("workflow_execution_update_accepted_event_attributes")
    ]
    assert len(accepted) == 2  # Only the two that applied reached the history.


async def test_with_a_fallback_the_resumed_run_stays_on_the_model_that_answered(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    provider = RecordingProvider(
        [
            ApplicationError("no such model", type="ModelNotFound", non_retryable=True),
            alerts(alert_call("call_tokyo", TOKYO)),
            answer(),
        ]
    )
    async with approval_run(time_skipping_env, provider, fallbacks=(FALLBACK,)) as run:
        await pending_calls(run)
        await run.execute_update(ApprovalWorkflow.decide, Decision("call_tokyo", True, "", "ada"))
        result = await run.result()

    # The first model failed over; after the wait, the run went on with the fallback.
    assert [call.model_name for call in provider.calls] == [MODEL, FALLBACK, FALLBACK]
    assert result.models == [FALLBACK, FALLBACK]
    assert result.text == "Storm over Tokyo"


async def test_the_starter_asks_at_the_terminal_for_each_call_and_lists_the_decisions(
    dev_server_env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a real server (the terminal takes real time): `approve? [y/N]` for each call, a
    reason for the rejection, each decision, and the result; then a decision on the finished
    run, from another terminal, is refused in one line."""
    provider = RecordingProvider(
        [alerts(alert_call("call_tokyo", TOKYO), alert_call("call_osaka", OSAKA)), answer()]
    )
    monkeypatch.setenv("TEMPORAL_ADDRESS", dev_server_env.client.service_client.config.target_host)
    output = io.StringIO()
    async with AgentEnvironment(
        model_provider=provider, model_params=POLICY.activity_parameters()
    ) as agents:
        client = agents.applied_on_client(dev_server_env.client)
        workflow_id = new_workflow_id(ApprovalWorkflow)
        async with Worker(
            client,
            task_queue=TASK_QUEUE,
            workflows=[ApprovalWorkflow],
            activities=[deliver_weather_alert],
        ):
            with (
                typed_at_a_terminal("y\n\nonly rain\n") as stdin,
                contextlib.redirect_stdout(output),
            ):
                monkeypatch.setattr(sys, "stdin", stdin)
                exit_code = await run_approval_workflow.main(
                    script_arguments(model=MODEL, prompt=PROMPT, workflow_id=workflow_id, by="ada")
                )
        later = await failure_of(
            run_approval_workflow.main, workflow_id=workflow_id, approve="call_tokyo"
        )

    lines = output.getvalue().splitlines()
    assert exit_code == 0, lines
    assert lines[0] == f"Running workflow {workflow_id} on task queue {TASK_QUEUE}..."
    assert lines[1].startswith(f"call_tokyo: send_weather_alert({json.dumps(TOKYO)}), asked ")
    assert lines[2].startswith("approve? [y/N] Decided: call_tokyo send_weather_alert(")
    assert " approved by ada at " in lines[2]
    assert lines[3].startswith("call_osaka: send_weather_alert(")
    assert lines[4].startswith("approve? [y/N] why not? (the model is told) Decided: call_osaka")
    assert lines[4].endswith(": only rain")
    assert lines[5] == "Result: Storm over Tokyo"
    # Each decision printed once, as it was made: none again after the result.
    printed = output.getvalue()
    assert printed.count("call_tokyo send_weather_alert(") == 1
    assert printed.count("call_osaka send_weather_alert(") == 1
    # Both halves of the run: the call before the wait and the one after it.
    assert lines[6:] == [f"Usage: {MODEL}: 2 calls, 42 in + 8 out tokens, $0 (local)"]
    assert later == (f"error: workflow {workflow_id!r} is over (completed): nothing to decide", 2)


async def test_a_run_state_restored_from_json_would_call_the_model_outside_an_activity(
    own_time_skipping_env: WorkflowEnvironment,
) -> None:
    """Why the sample keeps the interrupted run's state in memory: under the plugin 1.1, a
    state restored by `RunState.from_json` resumes on the agent as declared, not on the
    plugin's activity stub, so its next model call runs in workflow code, where the Agents
    SDK's own provider refuses the router's name (with a bare name it would call OpenAI
    from the workflow). The workflow task then fails on every retry. If this test fails,
    the plugin has fixed it, and a saved state may be resumed too. On a test server of its
    own: after these failed workflow tasks the server stops skipping time, and a shared one
    would leave the next test that waits on a timer hanging."""
    provider = RecordingProvider([alerts(alert_call("call_tokyo", TOKYO)), answer()])
    async with AgentEnvironment(
        model_provider=provider, model_params=POLICY.activity_parameters()
    ) as agents:
        client = agents.applied_on_client(own_time_skipping_env.client)
        workflow_id = new_workflow_id(ApprovalResumedFromJsonWorkflow)
        async with Worker(
            client,
            task_queue=workflow_id,
            workflows=[ApprovalResumedFromJsonWorkflow],
            activities=[deliver_weather_alert],
        ):
            handle = await client.start_workflow(
                ApprovalResumedFromJsonWorkflow.run, MODEL, id=workflow_id, task_queue=workflow_id
            )
            while not (failed := await workflow_task_failures(handle)):
                await asyncio.sleep(0.05)
            await handle.terminate()
        history = await handle.fetch_history()

    assert failed[0] == "Unknown prefix: ollama"
    assert model_activities(history) == len(provider.calls) == 1  # The resumed call: none.


async def workflow_task_failures(handle: WorkflowHandle[Any, Any]) -> list[str]:
    return [
        event.workflow_task_failed_event_attributes.failure.message
        for event in (await handle.fetch_history()).events
        if event.HasField("workflow_task_failed_event_attributes")
    ]


@dataclass
class Backend:
    """A router model's way to its server: the fake speaking its wire format, and where
    the worker's provider finds it."""

    model: str
    fake: Callable[[list[Route]], FakeHTTPServer]
    steps: Any
    environment: Callable[[str], dict[str, str]]
    model_call_path: str


BACKENDS = {
    "native-ollama": Backend(
        MODEL, FakeOllama, ollama_native, lambda url: {"OLLAMA_HOST": url}, "/api/chat"
    ),
    # Ollama's OpenAI-compatible `/v1`, as the GPT-OSS worker's provider reaches it.
    "openai-compatible": Backend(
        "gpt-oss:20b",
        FakeOllamaOpenAI,
        ollama_openai,
        lambda url: {"OLLAMA_HOST": url},
        "/v1/chat/completions",
    ),
    "openai": Backend(
        "openai/gpt-4.1",
        FakeOpenAIResponses,
        openai_responses,
        lambda url: {"OPENAI_BASE_URL": f"{url}/v1", "OPENAI_API_KEY": "sk-test"},
        "/v1/responses",
    ),
    "litellm": Backend(
        "litellm/anthropic/claude-sonnet-4-5",
        FakeAnthropic,
        anthropic_messages,
        lambda url: {"ANTHROPIC_BASE_URL": url, "ANTHROPIC_API_KEY": "sk-ant-test"},
        "/v1/messages",
    ),
}


@pytest.mark.parametrize("name", sorted(BACKENDS))
async def test_an_approved_alert_runs_on_every_router_backend(
    time_skipping_env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """The real providers and clients: the model's call waits, is approved, runs, and its
    result reaches the model, whose call after the wait is a model activity too."""
    backend = BACKENDS[name]
    steps = [
        backend.steps.call_tool("send_weather_alert", **TOKYO),
        backend.steps.answer_quoting_tool_result(),
    ]
    with backend.fake(steps) as server:
        for variable, value in backend.environment(server.url).items():
            monkeypatch.setenv(variable, value)
        if "/" in backend.model:
            provider: ModelProvider = create_router_provider(POLICY)
        else:
            provider = await create_gpt_oss_provider(backend.model, POLICY)
        try:
            client = client_with_provider(time_skipping_env.client, provider, POLICY)
            workflow_id = new_workflow_id(ApprovalWorkflow)
            async with Worker(
                client,
                task_queue=workflow_id,
                workflows=[ApprovalWorkflow],
                activities=[deliver_weather_alert],
            ):
                run = await client.start_workflow(
                    ApprovalWorkflow.run,
                    args=[PROMPT, backend.model],
                    id=workflow_id,
                    task_queue=workflow_id,
                    execution_timeout=timedelta(minutes=2),
                )
                [call] = await pending_calls(run)
                await run.execute_update(
                    ApprovalWorkflow.decide, Decision(call.call_id, True, "", "ada")
                )
                result = await run.result()
        finally:
            await provider.aclose()
        history = await run.fetch_history()

    assert json.loads(call.arguments) == TOKYO
    assert alerts_sent(history) == [TOKYO]
    assert "Alert sent to the subscribers in Tokyo." in result.text
    assert result.models == [backend.model, backend.model]
    assert model_activities(history) == len(server.requests_to(backend.model_call_path)) == 2


async def eventually(check: Callable[[], Awaitable[Any]], failure: str, seconds: float = 60) -> Any:
    """`check()`'s first truthy result, asked every 50 ms; after `seconds`, a test failure
    that says what never happened."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + seconds
    while not (found := await check()):
        if loop.time() > give_up:
            pytest.fail(f"after {seconds:.0f} s: {failure}")
        await asyncio.sleep(0.05)
    return found


UPDATE_ADMITTED = (
    UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED
)


async def update_admitted(client: Client, workflow_id: str, update_id: str) -> bool:
    """Whether the server holds the Update `update_id` for the workflow's next task (the
    SDK's own calls cannot wait for that stage)."""
    request = PollWorkflowExecutionUpdateRequest(
        namespace=client.namespace,
        update_ref=UpdateRef(
            workflow_execution=WorkflowExecution(workflow_id=workflow_id), update_id=update_id
        ),
        wait_policy=WaitPolicy(lifecycle_stage=UPDATE_ADMITTED),
    )
    try:
        await client.workflow_service.poll_workflow_execution_update(
            request, timeout=timedelta(seconds=2)
        )
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


async def test_a_decision_that_reaches_the_workflow_after_the_deadline_is_refused(
    own_time_skipping_env: WorkflowEnvironment,
) -> None:
    """A worker that was down past a call's deadline finds both the deadline's timer and a
    person's approval in its first task; Temporal runs Update validators before timers, so
    the call is still pending there, and only the workflow's clock says the deadline passed.
    The worker is stopped before the server's clock is moved past the deadline."""
    provider = RecordingProvider([alerts(alert_call("call_tokyo", TOKYO)), answer()])
    workflow_id = new_workflow_id(ApprovalWorkflow)
    deadline = timedelta(hours=1)
    async with AgentEnvironment(
        model_provider=provider, model_params=POLICY.activity_parameters()
    ) as agents:
        client = agents.applied_on_client(own_time_skipping_env.client)

        def worker() -> Worker:
            return Worker(
                client,
                task_queue=workflow_id,
                workflows=[ApprovalWorkflow],
                activities=[deliver_weather_alert],
                # No sticky queue: the task after the deadline goes where the second worker polls.
                max_cached_workflows=0,
            )

        async with worker():
            run = await client.start_workflow(
                ApprovalWorkflow.run,
                args=[PROMPT, MODEL, [], deadline],
                id=workflow_id,
                task_queue=workflow_id,
                execution_timeout=timedelta(days=30),
            )
            [call] = await pending_calls(run)

        # No worker runs now: the server's clock passes the deadline, and its timer fires.
        await own_time_skipping_env.sleep(deadline)

        async def deadline_fired() -> bool:
            history = await run.fetch_history()
            return any(e.HasField("timer_fired_event_attributes") for e in history.events)

        await eventually(deadline_fired, "the deadline's timer never fired")
        decision = asyncio.create_task(
            run.execute_update(
                ApprovalWorkflow.decide,
                Decision("call_tokyo", True, "", "ada"),
                id="late-decision",
            )
        )
        await eventually(
            lambda: update_admitted(client, run.id, "late-decision"),
            "the server never took the Update",
        )
        async with worker():
            with pytest.raises(WorkflowUpdateFailedError) as refused:
                await asyncio.wait_for(decision, timeout=60)
            result = await asyncio.wait_for(run.result(), timeout=60)
        history = await run.fetch_history()
        replayer = Replayer(workflows=[ApprovalWorkflow], plugins=[agents.openai_agents_plugin])
        await replayer.replay_workflow(history)

    assert isinstance(refused.value.cause, ApplicationError)
    assert refused.value.cause.message == (
        f"the deadline for call call_tokyo passed at {call.deadline:%Y-%m-%d %H:%M:%S} UTC: "
        "it was rejected"
    )
    assert alerts_sent(history) == []
    [decision_made] = result.decisions
    assert (decision_made.approved, decision_made.decided_by) == (False, DEADLINE)
    assert "(no decision within 1 hour)" in tool_outputs(provider.calls[1].input)[0]
