"""Arize Phoenix, the trace viewer built for OpenInference spans, on this machine: `phoenix
serve` from the optional dependency group (`uv sync --group phoenix`), offline, its SQLite
database in a directory of its own. The demo's `--trace` starts one and finds its run's trace
through Phoenix's REST API; in a terminal of its own, until Ctrl-C:

    uv run --group phoenix python -m openai_agents.model_providers.support.trace_viewer

Its UI and OTLP/HTTP receiver share one port (6006; the SDK sends to `/v1/traces`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openai_agents.model_providers.providers import ConfigurationError
from openai_agents.model_providers.providers.errors.classification import without_credentials
from openai_agents.model_providers.support.bundled_model import cache_dir
from openai_agents.model_providers.support.dev_server import free_local_port

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
    return {
        **os.environ,
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
    command = [str(executable()), "serve"]
    with log.open("w") as sink:
        server = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=environment)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_ready(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ConfigurationError(f"Phoenix exited with {server.returncode}: see {log}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{url}/healthz", timeout=2) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.5)
    raise ConfigurationError(
        f"Phoenix did not answer {url}/healthz within {STARTUP_TIMEOUT_SECONDS:.0f} s: see {log}"
    )


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


WORKFLOW_ID_ATTRIBUTE = "temporal.workflow.id"
"""Set on every span made in a workflow or activity (support/span_attributes.py)."""


def run_trace(
    base_url: str, workflow_id: str, project: str = PROJECT, timeout: float = 30.0
) -> Trace:
    """The trace of the workflow run `workflow_id`, found by the id its spans carry, once
    Phoenix holds its root span and a model call and no more spans arrive (they arrive in
    batches, after the run). Raises ConfigurationError if it does not within `timeout`."""
    # JSON-quoted: the API would read an id like `123` as a number.
    match = {"attribute": f"{WORKFLOW_ID_ATTRIBUTE}:{json.dumps(workflow_id)}", "limit": "1"}
    listing = f"{base_url}/v1/projects/{urllib.parse.quote(project, safe='')}/spans?"
    deadline = time.monotonic() + timeout
    seen = -1
    while True:
        # Not (yet) answering, or not a Phoenix: asked again until the deadline.
        with contextlib.suppress(OSError, ValueError, KeyError):
            for item in _get(listing + urllib.parse.urlencode(match))["data"]:
                found = trace(base_url, item["context"]["trace_id"], project)
                whole = any(span.parent_id is None for span in found.spans)
                if whole and found.model_calls() and len(found.spans) == seen:
                    return found
                seen = len(found.spans)
        if time.monotonic() > deadline:
            raise ConfigurationError(
                f"no trace of workflow {workflow_id} reached Phoenix at "
                f"{without_credentials(base_url)} within "
                f"{timeout:.0f} s: check that OTEL_EXPORTER_OTLP_ENDPOINT names it"
            )
        time.sleep(0.5)


def serve() -> None:
    """`phoenix serve` in this terminal, offline, on port 6006, until Ctrl-C."""
    reason = missing()
    if reason:
        sys.exit(reason)
    directory = working_dir()
    print(f"Phoenix at http://127.0.0.1:{PORT} (its database in {directory}); Ctrl-C stops it.")
    print(f"Workers and starters: export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:{PORT}")
    sys.stdout.flush()
    environment = offline_environment(directory, PORT, GRPC_PORT)
    os.execve(str(executable()), [str(executable()), "serve"], environment)


if __name__ == "__main__":
    serve()
