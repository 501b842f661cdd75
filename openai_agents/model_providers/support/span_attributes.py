"""What OpenTelemetry does not know about a span made under Temporal: the workflow it
belongs to, and, inside an activity, which attempt. Installed by `tracing.from_environment()`
(imported only when tracing is on), so a trace can be found by workflow id and a retried
model call told apart from the attempt before it; on a model-call span, the provider that
serves the model where the backend names it (`WithModelProvider`). `ExportedSpans` counts a
run's spans, so that a viewer is waited on until it holds them all."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
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


# The model implementation a backend names in its model-call span's configuration, and the
# provider that says: the native Ollama model's, and LiteLLM's (whose model names start
# with their provider, e.g. `anthropic/claude-sonnet-4-5`).
NATIVE_OLLAMA_IMPL = "ollama_native"
LITELLM_IMPL = "litellm"


def model_provider(
    attributes: Mapping[str, Any], servers: Mapping[str, str] | None = None
) -> str | None:
    """Who serves a model-call span's model, where the span says it, or `servers` names
    the provider at the span's base URL, and OpenInference could not tell it (it knows only
    well-known hosts): None otherwise."""
    if attributes.get("openinference.span.kind") != "LLM" or "llm.provider" in attributes:
        return None
    try:
        parameters = json.loads(str(attributes.get("llm.invocation_parameters", "{}")))
    except ValueError:
        return None
    implementation = parameters.get("model_impl") if isinstance(parameters, dict) else None
    if implementation == NATIVE_OLLAMA_IMPL:
        return "ollama"
    model = str(attributes.get("llm.model_name", ""))
    if implementation == LITELLM_IMPL and "/" in model:
        return model.split("/", 1)[0]
    base_url = str(parameters.get("base_url", "")).rstrip("/")
    return {url.rstrip("/"): name for url, name in (servers or {}).items()}.get(base_url)


class WithModelProvider(SpanExporter):
    """Exports spans through `exporter`, each model-call span with `llm.provider` added
    where `model_provider` knows it (a span can't be changed once ended, so this copies)."""

    def __init__(self, exporter: SpanExporter, servers: Mapping[str, str] | None = None) -> None:
        self.exporter, self.servers = exporter, servers

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return self.exporter.export([self.with_provider(span) for span in spans])

    def with_provider(self, span: ReadableSpan) -> ReadableSpan:
        attributes = span.attributes or {}
        provider = model_provider(attributes, self.servers)
        if provider is None:
            return span
        return ReadableSpan(
            name=span.name,
            context=span.context,
            parent=span.parent,
            resource=span.resource,
            attributes={**attributes, "llm.provider": provider},
            events=span.events,
            links=span.links,
            kind=span.kind,
            status=span.status,
            start_time=span.start_time,
            end_time=span.end_time,
            instrumentation_scope=span.instrumentation_scope,
        )

    def shutdown(self) -> None:
        self.exporter.shutdown()

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return self.exporter.force_flush(timeout_millis)
