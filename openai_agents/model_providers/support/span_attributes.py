"""What OpenTelemetry does not know about a span made under Temporal: the workflow it
belongs to, and, inside an activity, which attempt. Installed by `tracing.from_environment()`
(imported only when tracing is on), so a trace can be found by workflow id and a retried
model call told apart from the attempt before it. `ExportedSpans` counts a run's spans, so
that a viewer is waited on until it holds them all."""

from __future__ import annotations

import threading
from collections import Counter

from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor
from temporalio import activity, workflow


class TemporalAttributes(SpanProcessor):
    """Adds the workflow's id and run id to each span started in a workflow or an activity,
    and in an activity its type and attempt."""

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        if activity.in_activity():
            info = activity.info()
            span.set_attribute("temporal.workflow.id", info.workflow_id or "")
            span.set_attribute("temporal.workflow.run_id", info.workflow_run_id or "")
            span.set_attribute("temporal.activity.type", info.activity_type)
            span.set_attribute("temporal.activity.attempt", info.attempt)
        elif workflow.in_workflow():
            run = workflow.info()
            span.set_attribute("temporal.workflow.id", run.workflow_id)
            span.set_attribute("temporal.workflow.run_id", run.run_id)


class ExportedSpans(SpanProcessor):
    """Counts the spans this process ends (each then goes to the exporter), per trace, and
    notes each workflow's run and trace from the attributes above."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # Spans end on the worker's threads too.
        self._per_trace: Counter[int] = Counter()
        self._runs: dict[str, tuple[str, int]] = {}

    def on_end(self, span: ReadableSpan) -> None:
        if span.context is None:
            return
        attributes = span.attributes or {}
        workflow_id, run_id = (
            attributes.get("temporal.workflow.id"),
            attributes.get("temporal.workflow.run_id"),
        )
        with self._lock:
            self._per_trace[span.context.trace_id] += 1
            if workflow_id and run_id:
                self._runs[str(workflow_id)] = (str(run_id), span.context.trace_id)

    def of_run(self, workflow_id: str) -> tuple[str, int] | None:
        """The run id of `workflow_id`'s run in this process, and how many spans its trace
        has here; None if no span of it ended here."""
        with self._lock:
            if workflow_id not in self._runs:
                return None
            run_id, trace_id = self._runs[workflow_id]
            return run_id, self._per_trace[trace_id]
