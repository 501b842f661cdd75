"""The approval starter at a real terminal (a pseudo-terminal), with the router worker and a
real dev server: its `approve? [y/N]` prompt never outlives the decision it asks for, made
from another terminal, nor the run."""

from __future__ import annotations

import json
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from temporalio.client import Client, WorkflowHandle
from temporalio.openai_agents import OpenAIAgentsPlugin

from openai_agents.model_providers.workflows.approval_workflow import (
    ApprovalWorkflow,
    ApprovedAnswer,
)
from openai_agents.model_providers.workflows.approvals import Decision, PendingCall
from testkit.fakes import ollama_native
from testkit.fakes.ollama_native import FakeOllama
from tests.helpers.processes import printed_result, running_worker, script_environment
from tests.helpers.terminals import ScriptAtATerminal, script_at_a_terminal

ALERT = {"city": "Tokyo", "message": "Typhoon tonight: stay indoors"}
PROMPT = "approve? [y/N] "


Run = WorkflowHandle[ApprovalWorkflow, ApprovedAnswer]
Elsewhere = Callable[[Run, PendingCall, ScriptAtATerminal], Awaitable[object]]


async def asked_at_a_terminal(
    elsewhere: Elsewhere, dev_server_address: str, tmp_path: Path
) -> tuple[PendingCall, int, str]:
    """The router worker, and the approval starter at a terminal asking about the alert while
    `elsewhere` acts on its run, as another terminal would, or on the starter (nothing is
    typed at it): the call it asked about, its exit code and all it printed."""
    steps = [
        ollama_native.call_tool("send_weather_alert", **ALERT),
        ollama_native.answer_quoting_tool_result(),
    ]
    with FakeOllama(steps) as ollama:
        environment = script_environment(
            TEMPORAL_ADDRESS=dev_server_address, OLLAMA_HOST=ollama.url
        )
        with (
            running_worker(
                "run_multi_provider_worker.py", environment=environment, tmp_path=tmp_path
            ),
            script_at_a_terminal("run_approval_workflow.py", environment=environment) as starter,
        ):
            starter.wait_for(PROMPT)
            workflow_id = starter.output().split("Running workflow ")[1].split()[0]
            # With the plugin's data converter, as the starter has, to read the pending calls.
            client = await Client.connect(dev_server_address, plugins=[OpenAIAgentsPlugin()])
            run = client.get_workflow_handle_for(ApprovalWorkflow.run, workflow_id)
            [call] = await run.query(ApprovalWorkflow.pending)
            await elsewhere(run, call, starter)
            exit_code = starter.exit_code()
    return call, exit_code, starter.output()


@pytest.mark.long
async def test_a_call_decided_elsewhere_is_no_longer_asked_and_the_result_is_printed(
    dev_server_address: str, tmp_path: Path
) -> None:
    call, exit_code, output = await asked_at_a_terminal(
        lambda run, call, _: run.execute_update(
            ApprovalWorkflow.decide, Decision(call.call_id, True, "", "ops")
        ),
        dev_server_address,
        tmp_path,
    )

    assert exit_code == 0, output
    assert (call.tool, json.loads(call.arguments)) == ("send_weather_alert", ALERT)
    _, after = output.split(PROMPT)  # Asked once, and the prompt's line ended.
    ended, elsewhere, *_ = after.splitlines()
    assert ended == ""
    assert elsewhere.startswith(f"Decided elsewhere: {call.call_id} send_weather_alert(")
    assert " approved by ops at " in elsewhere
    # Printed once: not again after the result.
    assert output.count(f"{call.call_id} send_weather_alert(") == 1
    assert "Alert sent to the subscribers in Tokyo." in printed_result(output)


@pytest.mark.long
async def test_a_run_that_ends_while_asked_about_stops_the_prompt_in_one_line(
    dev_server_address: str, tmp_path: Path
) -> None:
    call, exit_code, output = await asked_at_a_terminal(
        lambda run, call, _: run.terminate("ended by ops"), dev_server_address, tmp_path
    )

    assert exit_code == 1, output
    *_, no_longer, failed = output.split(PROMPT)[1].splitlines()
    assert no_longer == f"No longer waiting for a decision: {call.call_id}"
    assert failed.startswith("Workflow failed: terminated")  # The server's words follow.


@pytest.mark.long
async def test_ctrl_c_at_the_prompt_says_how_to_decide_from_elsewhere(
    dev_server_address: str, tmp_path: Path
) -> None:
    async def ctrl_c(run: Run, call: PendingCall, starter: ScriptAtATerminal) -> None:
        starter.process.send_signal(signal.SIGINT)
        starter.exit_code()
        await run.terminate()  # No later test's worker should run it.

    _, exit_code, output = await asked_at_a_terminal(ctrl_c, dev_server_address, tmp_path)

    assert exit_code == 130, output
    workflow_id = output.split("Running workflow ")[1].split()[0]
    # The run goes on without this terminal: one line says how to decide its calls.
    hint = (
        f"Left workflow {workflow_id} running, its calls waiting for a decision until their "
        f"deadline: decide with run_approval_workflow.py --workflow-id {workflow_id} --list, "
        "then --approve CALL_ID or --reject CALL_ID --reason TEXT"
    )
    # The prompt's line ended first (a terminal shows the ^C typed there).
    assert output.split(PROMPT)[1].splitlines() == ["", hint, "Interrupted."], output
