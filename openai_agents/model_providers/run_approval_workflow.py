"""Starts the approval sample: the weather agent may send weather alerts, and each one waits
for a person's decision. On a terminal, it asks `approve? [y/N]` for each pending call, until
the call is decided (here or elsewhere) or the run ends; from any other terminal, decide on a
running workflow by its id.

Start `run_multi_provider_worker.py` first, in another terminal. Examples:
  (defaults) asks the agent to warn Tokyo about a typhoon, on ollama/gpt-oss:20b
  --approval-timeout 36h               (undecided calls are rejected then; default 7d)
  --workflow-id ID --list              (the calls waiting for a decision)
  --workflow-id ID --approve CALL_ID
  --workflow-id ID --reject CALL_ID --reason "not a typhoon"
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import Any

from temporalio.client import (
    Client,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
)
from temporalio.openai_agents import OpenAIAgentsPlugin
from temporalio.service import RPCError, RPCStatusCode

from openai_agents.model_providers.providers import ConfigurationError, check_models_and_fallbacks
from openai_agents.model_providers.support import (
    arguments,
    script,
    temporal,
    terminal,
    tracing,
    usage,
)
from openai_agents.model_providers.workflows.approval_workflow import (
    WORKFLOW_ID_PREFIX,
    ApprovalWorkflow,
    ApprovedAnswer,
)
from openai_agents.model_providers.workflows.approvals import (
    DEFAULT_APPROVAL_TIMEOUT,
    DecidedCall,
    Decision,
    PendingCall,
)
from openai_agents.model_providers.workflows.shared import DEFAULT_ROUTER_MODEL, TASK_QUEUE

ALERT_PROMPT = "A typhoon reaches Tokyo tonight: warn the people there."
# How often this terminal asks the workflow (a Query: nothing in its history) which calls wait.
ASK_INTERVAL_SECONDS = 1.0

Handle = WorkflowHandle[ApprovalWorkflow, ApprovedAnswer]


async def main(args: argparse.Namespace) -> int:
    deciding = args.list or args.approve or args.reject
    if not deciding:
        check_models_and_fallbacks([args.model], args.fallback_model)  # Refused before anything.
    prompt = None if deciding else arguments.checked_prompt(args)
    # The plugin gives this client the Agents SDK's data converter, as on the worker.
    # OTEL_EXPORTER_OTLP_ENDPOINT set: this client's calls join the run's trace.
    plugin = OpenAIAgentsPlugin(use_otel_instrumentation=tracing.from_environment())
    client = await Client.connect(**temporal.connect_config(), plugins=[plugin])
    await temporal.check_namespace(client)
    if deciding:
        if not args.workflow_id:
            raise ConfigurationError("--list, --approve and --reject need --workflow-id ID")
        handle = client.get_workflow_handle_for(ApprovalWorkflow.run, args.workflow_id)
        await temporal.check_running(
            handle,
            "workflow",
            "check --workflow-id (and TEMPORAL_NAMESPACE)",
            "nothing to decide",
        )
        if args.list:
            calls = await handle.query(ApprovalWorkflow.pending)
            print("\n".join(map(described, calls)) or "No call waits for a decision.")
            return 0
        decision = Decision(args.approve or args.reject, bool(args.approve), args.reason, args.by)
        return 0 if await decided(handle, decision) else 1

    workflow_id = args.workflow_id or arguments.unique_workflow_id(WORKFLOW_ID_PREFIX)
    print(f"Running workflow {workflow_id} on task queue {TASK_QUEUE}...")
    handle = await client.start_workflow(
        ApprovalWorkflow.run,
        args=[prompt, args.model, args.fallback_model, args.approval_timeout],
        id=workflow_id,
        task_queue=TASK_QUEUE,
    )
    script.on_interrupt(  # Ctrl-C ends this terminal's wait, not the run's.
        f"Left workflow {workflow_id} running, its calls waiting for a decision until their "
        f"deadline: decide with run_approval_workflow.py --workflow-id {workflow_id} --list, "
        "then --approve CALL_ID or --reject CALL_ID --reason TEXT"
    )
    printed: set[str] = set()  # The calls whose decision this terminal printed as it came.
    if sys.stdin.isatty():
        answer = await ask_at_this_terminal(client, handle, args.by, printed)
    else:
        print(
            "Decide from another terminal: run_approval_workflow.py --workflow-id "
            f"{workflow_id} --list, then --approve CALL_ID or --reject CALL_ID --reason TEXT"
        )
        answer = await handle.result()
    print(f"Result: {answer.text}")
    for decided_call in answer.decisions:
        if decided_call.call_id not in printed:  # E.g. rejected at its deadline.
            print(f"Decided: {verdict(decided_call)}")
    if args.fallback_model:  # Which model answered each call, in order.
        print(f"Answered by: {', '.join(answer.models)}")
    usage.print_usage(answer.usage)  # Before the wait and after it.
    return 0


async def ask_at_this_terminal(
    client: Client, handle: Handle, by: str, printed: set[str]
) -> ApprovedAnswer:
    """Ask about each call as it comes to wait for a decision, until the run ends; a call
    another terminal decides first is no longer asked about. Adds to `printed` each call
    whose decision it prints."""
    result = asyncio.ensure_future(handle.result())
    asked: set[str] = set()
    while not result.done():
        for call in [c for c in await pending(handle) or [] if c.call_id not in asked]:
            asked.add(call.call_id)
            print(described(call))
            elsewhere = asyncio.ensure_future(no_longer_waiting(handle, call.call_id, result))
            decision = await typed_decision(call.call_id, by, until=elsewhere)
            elsewhere.cancel()
            if decision is not None:
                if await decided(handle, decision):
                    printed.add(call.call_id)
            elif recorded := await decision_recorded(client, handle, call.call_id):
                print(f"Decided elsewhere: {verdict(recorded)}")
                printed.add(call.call_id)
            else:  # The deadline rejected it, or the run ended: the result says which.
                print(f"No longer waiting for a decision: {call.call_id}")
        await asyncio.wait([result], timeout=ASK_INTERVAL_SECONDS)
    return await result


async def typed_decision(call_id: str, by: str, until: asyncio.Future[None]) -> Decision | None:
    """The decision typed at this terminal, or None if `until` comes first."""
    answer = await terminal.typed_answer("approve? [y/N] ", until)
    if answer is None:
        return None
    if answer.lower() in ("y", "yes"):
        return Decision(call_id, True, "", by)
    reason = await terminal.typed_answer("why not? (the model is told) ", until)
    return None if reason is None else Decision(call_id, False, reason or "no reason given", by)


async def pending(handle: Handle) -> list[PendingCall] | None:
    """The calls waiting for a decision; None if the workflow cannot say now (e.g. no
    worker runs)."""
    try:
        return await handle.query(ApprovalWorkflow.pending)
    except (RPCError, WorkflowQueryFailedError):
        return None


async def no_longer_waiting(handle: Handle, call_id: str, result: asyncio.Future[Any]) -> None:
    """Return once the call waits for a decision no more (another terminal decided it, or
    its deadline passed), or the run ends."""
    while not result.done():
        calls = await pending(handle)
        if calls is not None and call_id not in {call.call_id for call in calls}:
            return
        await asyncio.wait([result], timeout=ASK_INTERVAL_SECONDS)


async def decision_recorded(client: Client, handle: Handle, call_id: str) -> DecidedCall | None:
    """The decision on `call_id` as the `decide` Update returned it: the workflow's history
    records each Update's result, whoever sent it."""
    async for event in handle.fetch_history_events():
        outcome = event.workflow_execution_update_completed_event_attributes.outcome
        if outcome.HasField("success"):
            payloads = outcome.success.payloads
            decision: DecidedCall = (await client.data_converter.decode(payloads, [DecidedCall]))[0]
            if decision.call_id == call_id:
                return decision
    return None


async def decided(handle: Handle, decision: Decision) -> bool:
    """Send `decision`; print what was recorded, or why it was refused."""
    try:
        recorded = await handle.execute_update(ApprovalWorkflow.decide, decision)
    except WorkflowUpdateFailedError as error:
        print(f"Refused: {temporal.workflow_failure_message(error)}")
        return False
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise
        print(f"Refused: workflow {handle.id} is over ({error.message}): nothing to decide")
        return False
    print(f"Decided: {verdict(recorded)}")
    return True


def described(call: PendingCall) -> str:
    return (
        f"{call.call_id}: {call.tool}({call.arguments}), asked {call.asked_at:%Y-%m-%d %H:%M} "
        f"UTC, rejected unless decided by {call.deadline:%Y-%m-%d %H:%M} UTC"
    )


def verdict(decision: DecidedCall) -> str:
    said = "approved" if decision.approved else "rejected"
    reason = f": {decision.reason}" if decision.reason else ""
    return (
        f"{decision.call_id} {decision.tool}({decision.arguments}) {said} by "
        f"{decision.decided_by} at {decision.decided_at:%Y-%m-%d %H:%M:%S} UTC{reason}"
    )


def user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # No name for this user id, e.g. in a container.
        return "unknown"


if __name__ == "__main__":
    parser = arguments.argument_parser(__doc__)
    arguments.add_workflow_arguments(parser, DEFAULT_ROUTER_MODEL)
    parser.set_defaults(prompt=ALERT_PROMPT)
    arguments.add_fallback_arguments(parser)
    parser.add_argument(
        "--approval-timeout",
        type=arguments.parse_duration,
        default=DEFAULT_APPROVAL_TIMEOUT,
        metavar="SPAN",
        help="reject a call nobody decided within this, e.g. 36h, 90m (default: 7d)",
    )
    decide = parser.add_mutually_exclusive_group()
    decide.add_argument("--list", action="store_true", help="list the calls awaiting a decision")
    decide.add_argument("--approve", metavar="CALL_ID", help="approve this call")
    decide.add_argument("--reject", metavar="CALL_ID", help="reject this call (with --reason)")
    parser.add_argument("--reason", default="", help="why: the model reads it for a rejection")
    parser.add_argument(
        "--by", default=user_name(), metavar="NAME", help="who decides (default: %(default)s)"
    )
    args = parser.parse_args()
    if args.reject and not args.reason.strip():
        parser.error("--reject needs --reason TEXT: the model is told why")
    script.run_script(lambda: main(args), verbose=args.verbose)
