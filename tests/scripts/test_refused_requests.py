"""A request a reachable Temporal server refuses ends a script in one line that says what the
refusal means and what to do, never as a server that cannot be reached: the refusals a dev
server really gives, and the ones only a cloud namespace's key gives, built by hand."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import pytest
from temporalio.client import Client
from temporalio.openai_agents import OpenAIAgentsPlugin
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers import run_approval_workflow
from openai_agents.model_providers.support.script import failure_line
from openai_agents.model_providers.workflows.approval_workflow import ApprovalWorkflow
from openai_agents.model_providers.workflows.approvals import Decision

Request = Callable[[Client, str], Awaitable[object]]


async def decision_on_a_finished_run(client: Client, workflow_id: str) -> object:
    """The issue's case: a decision sent after the run it is for has ended."""
    handle = client.get_workflow_handle_for(ApprovalWorkflow.run, workflow_id)
    await handle.terminate()
    return await handle.execute_update(ApprovalWorkflow.decide, Decision("call_1", True))


async def query_of_a_run_that_never_ran(client: Client, workflow_id: str) -> object:
    handle = client.get_workflow_handle_for(ApprovalWorkflow.run, workflow_id)
    await handle.terminate()  # Before any worker picked it up.
    return await handle.query(ApprovalWorkflow.pending)


async def signal_without_a_workflow_id(client: Client, workflow_id: str) -> None:
    await client.get_workflow_handle("").signal("decide")


@pytest.mark.parametrize(
    ("request_", "refusal"),
    [
        pytest.param(
            decision_on_a_finished_run,
            "has nothing by that name to act on (workflow execution already completed): check "
            "the workflow id and TEMPORAL_NAMESPACE; a workflow that is over takes no more "
            "decisions, messages or Updates (start a new run)",
            id="not-found",
        ),
        pytest.param(
            signal_without_a_workflow_id,
            "refused the request as invalid (WorkflowId is not set on request.): check the ids "
            "and values given on the command line",
            id="invalid-argument",
        ),
        pytest.param(
            query_of_a_run_that_never_ran,
            "cannot do this to the workflow in its current state (Workflow execution closed "
            "before WorkflowTaskStarted event): check that it is running and a worker serves "
            "its task queue",
            id="failed-precondition",
        ),
    ],
)
async def test_a_refusal_from_a_reachable_server_says_what_it_means(
    dev_server_env: WorkflowEnvironment,
    monkeypatch: pytest.MonkeyPatch,
    request_: Request,
    refusal: str,
) -> None:
    address = dev_server_env.client.service_client.config.target_host
    monkeypatch.setenv("TEMPORAL_ADDRESS", address)
    client = await Client.connect(address, plugins=[OpenAIAgentsPlugin()])
    started = await client.start_workflow(
        ApprovalWorkflow.run,
        args=["Warn Tokyo"],
        id=f"approval-refused-{uuid.uuid4().hex[:8]}",
        task_queue="nobody-polls-this",
    )
    with pytest.raises(RPCError) as refused:
        await request_(client, started.id)

    assert failure_line(refused.value) == (f"error: Temporal at {address} {refusal}", 2)


@pytest.mark.parametrize(
    ("status", "refusal"),
    [
        (
            RPCStatusCode.PERMISSION_DENIED,
            "does not allow this (Request unauthorized.): check the API key's permissions "
            "(TEMPORAL_API_KEY) on the namespace (TEMPORAL_NAMESPACE)",
        ),
        (
            RPCStatusCode.UNAUTHENTICATED,
            "did not accept the credentials (Request unauthorized.): check TEMPORAL_API_KEY and "
            "the TLS settings",
        ),
    ],
)
def test_a_key_the_server_refuses_says_which_setting_to_check(
    monkeypatch: pytest.MonkeyPatch, status: RPCStatusCode, refusal: str
) -> None:
    monkeypatch.setenv("TEMPORAL_ADDRESS", "temporal.example:7233")
    error = RPCError("Request unauthorized.", status, b"")

    assert failure_line(error) == (f"error: Temporal at temporal.example:7233 {refusal}", 2)


async def test_the_approval_starters_decision_on_a_run_just_over_is_refused_in_one_line(
    dev_server_env: WorkflowEnvironment, capsys: pytest.CaptureFixture[str]
) -> None:
    """A decision typed as the run ended: refused, and the starter goes on to the result."""
    client = await Client.connect(
        dev_server_env.client.service_client.config.target_host, plugins=[OpenAIAgentsPlugin()]
    )
    handle = await client.start_workflow(
        ApprovalWorkflow.run,
        args=["Warn Tokyo"],
        id=f"approval-over-{uuid.uuid4().hex[:8]}",
        task_queue="nobody-polls-this",
    )
    await handle.terminate()

    assert not await run_approval_workflow.decided(handle, Decision("call_1", True, "", "ada"))
    assert capsys.readouterr().out == (
        f"Refused: workflow {handle.id} is over (workflow execution already completed): "
        "nothing to decide\n"
    )
