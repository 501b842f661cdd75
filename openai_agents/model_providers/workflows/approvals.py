"""A person's decision on each tool call that needs one, for any workflow whose agent stops at
`RunResult.interruptions`: the pending calls a Query lists, the `decide` Update's checks and
record, and the wait for every decision, up to a deadline.

A workflow holds one `Approvals` as `self.approvals` and inherits `AwaitsDecisions`, which
declares the `decide` Update, its validator and the `pending` Query; each time a run stops at
interruptions, `state = result.to_state()`, `await self.approvals.decided(result.interruptions,
state)`, `Runner.run(agent, state)`. Any tool the SDK asks approval for works: function tools
with `needs_approval`, MCP tools with `require_approval`.

Runs in Temporal's workflow sandbox: deterministic code only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from agents import RunState, ToolApprovalItem, custom_span
from temporalio import workflow
from temporalio.exceptions import ApplicationError

DEFAULT_APPROVAL_TIMEOUT = timedelta(days=7)
DEADLINE = "the deadline"
"""Who decided a call that no person decided in time."""


@dataclass
class PendingCall:
    """A tool call that waits for a person's decision."""

    call_id: str
    tool: str
    arguments: str
    """As the model sent them (JSON): exactly what the tool runs with, if approved."""
    asked_at: datetime
    deadline: datetime
    """No decision by then is a rejection."""


@dataclass
class Decision:
    """The `decide` Update's input: approve or reject one pending call, and why."""

    call_id: str
    approve: bool
    reason: str = ""
    decided_by: str = ""


@dataclass
class DecidedCall:
    """What was decided on a call, by whom and when: the run's audit record."""

    call_id: str
    tool: str
    arguments: str
    approved: bool
    reason: str
    decided_by: str
    decided_at: datetime


class Approvals:
    """The calls waiting for a decision and those decided, in one workflow. Kept in workflow
    memory: a worker that replays the history rebuilds them, so they survive crashes."""

    def __init__(self, timeout: timedelta = DEFAULT_APPROVAL_TIMEOUT) -> None:
        self.timeout = timeout
        self.decisions: list[DecidedCall] = []
        self._pending: dict[str, PendingCall] = {}

    def pending(self) -> list[PendingCall]:
        """The calls waiting for a decision, oldest first."""
        return list(self._pending.values())

    def check(self, decision: Decision) -> None:
        """The `decide` validator: refuse, in one line, a decision that cannot apply. A
        refused Update leaves no trace in the workflow's history."""
        call = self._pending.get(decision.call_id)
        decided = self._decided(decision.call_id)
        if decided is not None and decided.decided_by == DEADLINE:
            raise too_late(decision.call_id, decided.decided_at)
        # A worker that was down sees a late Update before the deadline's timer (validators
        # run first): the call still waits here, and only the clock says it is too late.
        if call is not None and workflow.now() >= call.deadline:
            raise too_late(decision.call_id, call.deadline)
        if decided is not None:
            verdict = "approved" if decided.approved else "rejected"
            raise ValueError(
                f"call {decision.call_id} was already {verdict} by {decided.decided_by} at "
                f"{decided.decided_at:%Y-%m-%d %H:%M:%S} UTC: a decision is final"
            )
        if call is None:
            raise ValueError(
                f"no call {decision.call_id!r} waits for a decision: --list shows the ones that do"
            )
        if not decision.approve and not decision.reason.strip():
            raise ValueError("a rejection needs a reason: the model is told it")

    def decide(self, decision: Decision) -> DecidedCall:
        """The `decide` Update: record the decision; the run resumes once every call of its
        turn is decided."""
        call = self._pending.get(decision.call_id)
        if call is None:  # Decided in the meantime, e.g. by the deadline.
            raise ApplicationError(
                f"call {decision.call_id} is no longer waiting for a decision",
                type="AlreadyDecided",
                non_retryable=True,
            )
        return self._record(call, decision.approve, decision.reason, decision.decided_by)

    async def decided(
        self, interruptions: Sequence[ToolApprovalItem], state: RunState[Any]
    ) -> None:
        """Wait, without polling, until every call in `interruptions` is decided (or its
        deadline passes: then it is rejected), and apply the decisions to `state`, which
        `Runner.run(agent, state)` then resumes."""
        now = workflow.now()
        for item in interruptions:
            call_id = item.call_id or ""
            self._pending[call_id] = PendingCall(
                call_id, item.name or "", item.arguments or "", now, now + self.timeout
            )
        asked = [item.call_id or "" for item in interruptions]
        # The wait is a span of the run's trace: how long the person took, and what they said.
        with custom_span("waiting for approval", data={"calls": asked}) as span:
            try:
                await workflow.wait_condition(
                    lambda: not any(call_id in self._pending for call_id in asked),
                    timeout=self.timeout,
                    timeout_summary="approval deadline",
                )
            except asyncio.TimeoutError:
                for call_id in asked:
                    if (call := self._pending.get(call_id)) is not None:
                        reason = f"no decision within {duration(self.timeout)}"
                        self._record(call, False, reason, DEADLINE)
            span.span_data.data["decisions"] = [
                {"call_id": d.call_id, "approved": d.approved, "by": d.decided_by}
                for d in self.decisions
                if d.call_id in asked
            ]
        by_id = {d.call_id: d for d in self.decisions}
        for item in interruptions:
            decision = by_id[item.call_id or ""]
            if decision.approved:
                state.approve(item)
            else:
                state.reject(item, rejection_message=rejection_message(decision))

    def _record(self, call: PendingCall, approved: bool, reason: str, by: str) -> DecidedCall:
        del self._pending[call.call_id]
        decided = DecidedCall(
            call.call_id, call.tool, call.arguments, approved, reason, by, workflow.now()
        )
        self.decisions.append(decided)
        return decided

    def _decided(self, call_id: str) -> DecidedCall | None:
        return next((d for d in self.decisions if d.call_id == call_id), None)


def duration(span: timedelta) -> str:
    """`span` in its largest whole unit: "7 days", "12 hours", "90 seconds"."""
    seconds = int(span.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0 and seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def too_late(call_id: str, deadline: datetime) -> ValueError:
    return ValueError(
        f"the deadline for call {call_id} passed at {deadline:%Y-%m-%d %H:%M:%S} UTC: "
        "it was rejected"
    )


def rejection_message(decision: DecidedCall) -> str:
    """What the model reads instead of the tool's result: that the call did not run, and why."""
    return (
        f"The call was not made: {decision.decided_by} rejected it ({decision.reason}). "
        "Do not call it again; answer without it."
    )


class AwaitsDecisions:
    """The handlers of a workflow whose agent waits for decisions, handing over to
    `self.approvals`: Temporal finds them on the workflow class through inheritance."""

    approvals: Approvals

    @workflow.update
    def decide(self, decision: Decision) -> DecidedCall:
        """Approve or reject one pending call; returns the decision as recorded."""
        return self.approvals.decide(decision)

    @decide.validator
    def check_decision(self, decision: Decision) -> None:
        self.approvals.check(decision)

    @workflow.query
    def pending(self) -> list[PendingCall]:
        """The calls waiting for a decision, with their arguments and deadline."""
        return self.approvals.pending()
