"""Traces, with one environment variable: with `OTEL_EXPORTER_OTLP_ENDPOINT` set (the
OpenTelemetry convention, e.g. http://127.0.0.1:6006), a worker or starter exports one trace
per workflow run over OTLP/HTTP, through the plugin's `use_otel_instrumentation`. Unset,
nothing is exported and neither the exporter nor OpenInference is imported.

Each script passes what `from_environment()` returns to its plugin, so a reader sees where
tracing is switched on:
    OpenAIAgentsPlugin(..., use_otel_instrumentation=tracing.from_environment())
`script.exit_skipping_teardown` calls `flush()`, so the last spans leave before the process."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import agents

from openai_agents.model_providers.providers.errors.classification import without_credentials

# Where traces go (the SDK appends /v1/traces), and the signal-specific form.
ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
# The `service.name` of every span, unless OTEL_SERVICE_NAME names another.
DEFAULT_SERVICE_NAME = "temporal-openai-agents"
# Seconds one export may take, retries included, unless OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT
# says: the SDK's 10 s would hold a script's exit that long when the collector is gone
# (the batch processor's flush ignores its own timeout).
EXPORT_TIMEOUT = 3.0
TIMEOUT_VARIABLES = ("OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT")

# The tracer provider this process installed, if any (typed loosely: OpenTelemetry is
# imported only when tracing is on).
_provider: Any = None


def enabled() -> bool:
    """Whether the environment asks for traces."""
    return any(os.environ.get(name) for name in ENDPOINT_VARIABLES)


def from_environment(servers: Mapping[str, str] | None = None) -> bool:
    """If the environment names an OTLP endpoint, install the global replay-safe tracer
    provider the plugin needs, exporting over OTLP/HTTP, and return True; else False.
    `servers`: the provider behind each OpenAI-compatible base URL the worker calls, for its
    model-call spans' `llm.provider`. Call it before the plugin is created. Calling it again
    reuses what the first call set."""
    global _provider
    if not enabled():
        return False
    if _provider is not None:
        return True
    # Imported here, so that a process without tracing never loads them.
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from temporalio.contrib.opentelemetry import create_tracer_provider

    from openai_agents.model_providers.support.span_attributes import (
        TemporalAttributes,
        WithModelProvider,
    )

    os.environ.setdefault("OTEL_SERVICE_NAME", DEFAULT_SERVICE_NAME)
    # Replay-safe: a span is exported once, when the workflow really ran it, never on
    # replay, and its ids are deterministic. The SDK reads the endpoint and service name.
    provider = create_tracer_provider()
    provider.add_span_processor(TemporalAttributes())  # Workflow id, activity attempt.
    timeout = None if any(os.environ.get(n) for n in TIMEOUT_VARIABLES) else EXPORT_TIMEOUT
    exporter = WithModelProvider(OTLPSpanExporter(timeout=timeout), servers)  # llm.provider
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    # The OpenInference spans are made from the Agents SDK's traces, which the scripts
    # otherwise switch off (OPENAI_AGENTS_DISABLE_TRACING=1, read when a run starts).
    os.environ["OPENAI_AGENTS_DISABLE_TRACING"] = "0"
    # Drop the SDK's own processor, which would send every trace to OpenAI's platform.
    agents.set_trace_processors([])
    _provider = provider
    warn_if_unreachable()
    return True


def _endpoint() -> tuple[str, str]:
    """The variable that names where traces go (the signal-specific one wins), and its value."""
    name = next(n for n in reversed(ENDPOINT_VARIABLES) if os.environ.get(n))
    return name, os.environ[name]


def _unreachable() -> str | None:
    """Why nothing answers where the exporter sends (None if something does)."""
    url = urlsplit(_endpoint()[1])
    # The exporter sends to the URL as given: without a port, the scheme's.
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname or "localhost", port), timeout=1).close()
    except OSError as error:
        return str(error.strerror or error)
    return None


def warn_if_unreachable() -> None:
    """One line now if nothing listens where traces go, instead of the exporter's
    retries and warnings for every batch later (the runs themselves go on either way)."""
    reason = _unreachable()
    if reason is None:
        return
    name, endpoint = _endpoint()
    logging.warning(
        "traces: nothing answers at %s=%s (%s): start the trace collector or viewer "
        "there (e.g. `phoenix serve`), or unset it; runs go on untraced meanwhile",
        name,
        without_credentials(endpoint),
        reason,
    )
    # That line said it: each failed batch would otherwise log its retries and failure.
    logging.getLogger("opentelemetry.exporter.otlp").setLevel(logging.CRITICAL)


def flush() -> None:
    """Send the spans still buffered (a script calls it before it exits), unless nothing
    listens where they go: the exporter would retry until its timeout, holding the exit."""
    if _provider is not None and _unreachable() is None:
        _provider.force_flush()
