"""What OpenTelemetry does not know about a span made under Temporal: the workflow it
belongs to, and, inside an activity, which attempt. Installed by `tracing.from_environment()`
(imported only when tracing is on), so a trace can be found by workflow id and a retried
model call told apart from the attempt before it."""

from __future__ import annotations

from opentelemetry.context import Context
from opentelemetry.sdk.trace import Span, SpanProcessor
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
