"""Arize Phoenix, the trace viewer built for OpenInference spans, on this machine: `phoenix
serve` from the optional dependency group, offline, its SQLite database in a directory of its
own. The demo's `--trace` starts one and finds its run's trace through Phoenix's REST API; in a
terminal of its own, until Ctrl-C:

    uv sync --group phoenix                                              # once
    uv run python -m openai_agents.model_providers.support.trace_viewer

Its UI and OTLP/HTTP receiver share one port (6006; the SDK sends to `/v1/traces`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openai_agents.model_providers.providers import ConfigurationError
from openai_agents.model_providers.providers.errors.classification import without_credentials
from openai_agents.model_providers.support import processes, script, tracing
from openai_agents.model_providers.support.bundled_model import cache_dir
from openai_agents.model_providers.support.dev_server import free_local_port

if TYPE_CHECKING:  # OpenTelemetry's SDK is imported only when tracing is on.
    from openai_agents.model_providers.support.span_attributes import ExportedSpans

PORT = 6006
"""Phoenix's own default: the UI, its API and OTLP over HTTP."""
GRPC_PORT = 4317
"""Phoenix's own default for OTLP over gRPC, which nothing here uses."""
PROJECT = "default"
"""Where Phoenix files spans that name no project (`openinference.project.name`)."""
INSTALL = "uv sync --group phoenix"
# Measured here on 2 cores: 10-32 s from start to a 200 on /healthz (its migrations, then
# the app; the most without compiled bytecode); a busy machine takes longer.
STARTUP_TIMEOUT_SECONDS = 180.0


def missing() -> str | None:
    """Why Phoenix cannot be started here, in one line; None when it can."""
    if executable() is None:
        return f"Arize Phoenix is not installed: run `{INSTALL}` (about 650 MB, once)"
    return None


def executable() -> str | None:
    """The `phoenix` command the group installs into this virtualenv, if it is there."""
    beside_python = Path(sys.executable).with_name("phoenix")
    return str(beside_python) if beside_python.is_file() else shutil.which("phoenix")


def configured() -> tuple[str, str] | None:
    """The variable that names where this process's traces go, and the base URL of the
    Phoenix it names; None when tracing is off. As the exporter reads them: the traces-only
    variable first, a full URL (ending in `/v1/traces`), else the general one, a base."""
    if not tracing.enabled():
        return None
    name = next(name for name in reversed(tracing.ENDPOINT_VARIABLES) if os.environ.get(name))
    url = os.environ[name].rstrip("/")
    return name, url.removesuffix("/v1/traces")


def working_dir() -> Path:
    """Where a Phoenix started in its own terminal keeps its database: beside the bundled
    model's cache, so that traces outlive a restart."""
    return cache_dir() / "phoenix"


def offline_environment(directory: Path, port: int, grpc_port: int) -> dict[str, str]:
    """The environment of an offline `phoenix serve` on loopback, its data in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    # Phoenix 19.8 downloads a WebAssembly Python for its code sandbox at every start unless
    # this names a file. Sandboxes are off below, so the file is never run.
    no_sandbox = directory / "no-wasm-sandbox"
    no_sandbox.write_text("Code sandboxes are off (PHOENIX_ALLOWED_SANDBOX_PROVIDERS=NONE).\n")
    # Nothing of the shell's keys and tokens: Phoenix calls no provider here.
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.endswith(("_API_KEY", "_TOKEN"))
    }
    return {
        **inherited,
        "PHOENIX_WORKING_DIR": str(directory),  # SQLite: phoenix.db there
        "PHOENIX_HOST": "127.0.0.1",
        "PHOENIX_PORT": str(port),
        "PHOENIX_GRPC_PORT": str(grpc_port),
        # Its web UI's analytics (FullStory, Scarf) and the web fonts it loads from outside.
        "PHOENIX_TELEMETRY_ENABLED": "false",
        "PHOENIX_ALLOW_EXTERNAL_RESOURCES": "false",
        "PHOENIX_ALLOWED_SANDBOX_PROVIDERS": "NONE",
        "PHOENIX_WASM_BINARY_PATH": str(no_sandbox),
        # Its chat assistant and its MCP server call hosted models: not wanted here.
        "PHOENIX_DISABLE_AGENT_ASSISTANT": "true",
        "PHOENIX_ENABLE_MCP_SERVER": "false",
        # Else every migration's SQL is logged at start.
        "PHOENIX_LOG_MIGRATIONS": "false",
    }


@contextlib.contextmanager
def running_phoenix(log: Path, directory: Path) -> Iterator[str]:
    """`phoenix serve` on free loopback ports, its data in `directory` and its output in
    `log`: yields its base URL (UI, API, and OTLP/HTTP at `/v1/traces`), and stops it when
    the block ends, however it ends."""
    reason = missing()
    if reason:
        raise ConfigurationError(reason)
    port = free_local_port()
    environment = offline_environment(directory, port, free_local_port())
    url = f"http://127.0.0.1:{port}"
    with processes.running(
        "Phoenix",
        [str(executable()), "serve"],
        log=log,
        health_url=f"{url}/healthz",
        startup_timeout=STARTUP_TIMEOUT_SECONDS,
        stop_timeout=20,
        environment=environment,
    ):
        yield url


@dataclass(frozen=True)
class Span:
    """One span as Phoenix's REST API returns it."""

    name: str
    kind: str
    """OpenInference's span kind: AGENT, LLM, TOOL, CHAIN, ..."""
    span_id: str
    parent_id: str | None
    attributes: dict[str, Any]


@dataclass(frozen=True)
class Trace:
    trace_id: str
    url: str
    """The trace's page in Phoenix's UI."""
    spans: list[Span]

    def model_calls(self) -> list[Span]:
        return [span for span in self.spans if span.kind == "LLM"]

    def tool_calls(self) -> list[Span]:
        return [span for span in self.spans if span.kind == "TOOL"]

    def tokens(self) -> tuple[int, int]:
        """Input and output tokens over every model call."""
        calls = self.model_calls()
        return (
            sum(int(span.attributes.get("llm.token_count.prompt", 0)) for span in calls),
            sum(int(span.attributes.get("llm.token_count.completion", 0)) for span in calls),
        )


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def project_id(base_url: str, project: str = PROJECT) -> str:
    """The id Phoenix's UI names a project by in its URLs."""
    quoted = urllib.parse.quote(project, safe="")
    return str(_get(f"{base_url}/v1/projects/{quoted}")["data"]["id"])


def spans(base_url: str, *, project: str = PROJECT, **filters: str) -> list[Span]:
    """Every span of `project` matching `filters` (the API's query parameters, e.g.
    `trace_id`), page after page."""
    found: list[Span] = []
    cursor: str | None = None
    while True:
        query = {**filters, "limit": "1000", **({"cursor": cursor} if cursor else {})}
        page = _get(
            f"{base_url}/v1/projects/{urllib.parse.quote(project, safe='')}/spans?"
            + urllib.parse.urlencode(query)
        )
        found += [_span(item) for item in page["data"]]
        cursor = page.get("next_cursor")
        if not cursor:
            return found


def _span(item: dict[str, Any]) -> Span:
    attributes = item.get("attributes") or {}
    return Span(
        name=item["name"],
        kind=str(item.get("span_kind") or attributes.get("openinference.span.kind", "")),
        span_id=item["context"]["span_id"],
        parent_id=item.get("parent_id"),
        attributes=attributes,
    )


def trace(base_url: str, trace_id: str, project: str = PROJECT) -> Trace:
    url = f"{base_url}/projects/{project_id(base_url, project)}/traces/{trace_id}"
    return Trace(trace_id, url, spans(base_url, project=project, trace_id=trace_id))


RUN_ID_ATTRIBUTE = "temporal.workflow.run_id"
"""Set on every span made in a workflow or activity (support/span_attributes.py)."""
# How long Phoenix may take to hold a run's spans once they are sent: it files them in
# batches; a busy machine takes longer.
TRACE_TIMEOUT_SECONDS = 120.0


def count_exported_spans() -> ExportedSpans:
    """From now on, counts the spans this process exports (after `tracing.from_environment()`
    installed its tracer provider): how many of a run's spans Phoenix should hold."""
    from opentelemetry import trace as otel_trace

    from openai_agents.model_providers.support.span_attributes import ExportedSpans

    # The SDK's provider, or the replay-safe one wrapping it (the API's proxy has no processors).
    add_span_processor = getattr(otel_trace.get_tracer_provider(), "add_span_processor", None)
    if add_span_processor is None:
        raise ConfigurationError(
            f"tracing is off: set {' or '.join(tracing.ENDPOINT_VARIABLES)} to trace a run"
        )
    counts = ExportedSpans()
    add_span_processor(counts)
    return counts


def run_trace(
    base_url: str,
    workflow_id: str,
    exported: ExportedSpans,
    project: str = PROJECT,
    timeout: float = TRACE_TIMEOUT_SECONDS,
) -> Trace:
    """The trace of the run of `workflow_id` this process made, found by its run id, once
    Phoenix holds every span of it this process exported. Raises ConfigurationError if it
    does not within `timeout`."""
    run = exported.of_run(workflow_id)
    if run is None:
        raise ConfigurationError(
            f"no span of workflow {workflow_id} was made here: is tracing on "
            f"({' or '.join(tracing.ENDPOINT_VARIABLES)})?"
        )
    run_id, expected = run
    # JSON-quoted: the API would read an id like `123` as a number.
    match = {"attribute": f"{RUN_ID_ATTRIBUTE}:{json.dumps(run_id)}", "limit": "1"}
    listing = f"{base_url}/v1/projects/{urllib.parse.quote(project, safe='')}/spans?"
    deadline = time.monotonic() + timeout
    held = 0
    while True:
        # Not (yet) answering, or not a Phoenix: asked again until the deadline.
        with contextlib.suppress(OSError, ValueError, KeyError):
            for item in _get(listing + urllib.parse.urlencode(match))["data"]:
                found = trace(base_url, item["context"]["trace_id"], project)
                held = len(found.spans)
                if held >= expected:
                    return found
        if time.monotonic() > deadline:
            raise ConfigurationError(
                f"Phoenix at {without_credentials(base_url)} holds {held} of the {expected} "
                f"spans of workflow {workflow_id}'s run {run_id} after {timeout:.0f} s: see its "
                f"log, or check that {' or '.join(tracing.ENDPOINT_VARIABLES)} names it"
            )
        time.sleep(0.5)


async def serve() -> int:
    """`phoenix serve` in this terminal, offline, on port 6006, until Ctrl-C."""
    reason = missing()
    if reason:
        raise ConfigurationError(reason)
    for port in (PORT, GRPC_PORT):  # Else Phoenix exits after its start, in a traceback.
        if processes.listening(port):
            raise ConfigurationError(
                f"port {port} is taken (Phoenix serves on {PORT} and {GRPC_PORT}): stop what "
                "listens there, another Phoenix perhaps, or use that one"
            )
    directory = working_dir()
    print(f"Phoenix at http://127.0.0.1:{PORT} (its database in {directory}); Ctrl-C stops it.")
    print(f"Workers and starters: export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:{PORT}")
    sys.stdout.flush()
    environment = offline_environment(directory, PORT, GRPC_PORT)
    os.execve(str(executable()), [str(executable()), "serve"], environment)


if __name__ == "__main__":
    script.run_script(serve, verbose=False)
