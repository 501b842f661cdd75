"""How the demo's --trace finds its run's trace in Phoenix (support/trace_viewer.py), against
a stand-in for Phoenix's REST API that files spans as the test says: the run's own trace, by
its run id, once Phoenix holds every span this process exported. The trace-viewer tier runs
it against a real Phoenix (tests/real_model/test_demo_traced_into_phoenix.py)."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider

from openai_agents.model_providers.support import trace_viewer
from openai_agents.model_providers.support.span_attributes import ExportedSpans
from testkit.fakes.http_server import FakeHTTPServer, RecordedRequest, Reply, Route
from tests.helpers.processes import script_environment

WORKFLOW_ID = "gpt-oss-workflow-1"


@dataclass
class FakePhoenix:
    """Phoenix's span listing: `held(trace_id, times_asked)` says how many of a trace's
    spans it holds by then (they arrive in batches)."""

    traces: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    held: Callable[[str, int], int] = lambda _trace_id, _asked: 1_000
    asked: dict[str, int] = field(default_factory=dict)

    def listing(self, query: dict[str, str]) -> list[dict[str, Any]]:
        if "trace_id" in query:
            trace_id = query["trace_id"]
            self.asked[trace_id] = self.asked.get(trace_id, 0) + 1
            return self.traces[trace_id][: self.held(trace_id, self.asked[trace_id])]
        key, value = query["attribute"].split(":", 1)
        matching = [
            span
            for spans in self.traces.values()
            for span in spans
            if span["attributes"].get(key) == json.loads(value)
        ]
        return matching[: int(query["limit"])]


def phoenix_spans(trace_id: str, workflow_id: str, run_id: str, count: int) -> list[dict[str, Any]]:
    """A trace as Phoenix's API lists it: a root, a model call, then other spans."""
    return [
        {
            "name": f"span {index}",
            "span_kind": "LLM" if index == 1 else "CHAIN",
            "context": {"trace_id": trace_id, "span_id": f"{index:016x}"},
            "parent_id": None if index == 0 else f"{0:016x}",
            "attributes": {
                "temporal.workflow.id": workflow_id,
                "temporal.workflow.run_id": run_id,
            },
        }
        for index in range(count)
    ]


@pytest.fixture
def phoenix() -> Iterator[tuple[FakePhoenix, str]]:
    fake = FakePhoenix()

    def listing(request: RecordedRequest) -> Reply:
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(request.path).query))
        return Reply(200, {"data": fake.listing(query), "next_cursor": None})

    routes: dict[tuple[str, str], Route] = {
        ("GET", "/v1/projects/default/spans"): listing,
        ("GET", "/v1/projects/default"): lambda _request: Reply(200, {"data": {"id": "UHJv"}}),
    }
    with FakeHTTPServer(routes) as server:
        yield fake, server.url


def exported_run(spans: int) -> tuple[ExportedSpans, str, str]:
    """What this process counted when it exported a run of `spans` spans in one trace:
    the counts, the run id and the trace id."""
    counts = ExportedSpans()
    provider = TracerProvider()
    provider.add_span_processor(counts)
    tracer = provider.get_tracer(__name__)
    run_id = "0192c6b1-new-run"
    attributes = {"temporal.workflow.id": WORKFLOW_ID, "temporal.workflow.run_id": run_id}
    with tracer.start_as_current_span("RunWorkflow", attributes=attributes) as root:
        for _ in range(spans - 1):
            with tracer.start_as_current_span("call", attributes=attributes):
                pass
    return counts, run_id, f"{root.get_span_context().trace_id:032x}"


def test_the_trace_found_is_the_runs_own_not_an_older_run_of_the_same_workflow_id(
    phoenix: tuple[FakePhoenix, str],
) -> None:
    fake, url = phoenix
    counts, run_id, trace_id = exported_run(spans=5)
    older = "a" * 32
    fake.traces[older] = phoenix_spans(older, WORKFLOW_ID, "0192c6a0-older-run", 3)
    fake.traces[trace_id] = phoenix_spans(trace_id, WORKFLOW_ID, run_id, 5)

    found = trace_viewer.run_trace(url, WORKFLOW_ID, counts, timeout=30)

    assert (found.trace_id, len(found.spans)) == (trace_id, 5)


def test_the_trace_is_awaited_until_phoenix_holds_every_span_exported(
    phoenix: tuple[FakePhoenix, str],
) -> None:
    fake, url = phoenix
    counts, run_id, trace_id = exported_run(spans=5)
    fake.traces[trace_id] = phoenix_spans(trace_id, WORKFLOW_ID, run_id, 5)
    # Three spans, asked twice (a pause in its filing), then all five.
    fake.held = lambda _trace_id, asked: 3 if asked <= 2 else 5

    found = trace_viewer.run_trace(url, WORKFLOW_ID, counts, timeout=30)

    assert len(found.spans) == 5


def test_phoenix_is_given_no_key_or_token_of_the_shell_it_starts_from(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-for-phoenix")
    monkeypatch.setenv("GITHUB_TOKEN", "not-for-phoenix")

    environment = trace_viewer.offline_environment(tmp_path, 6006, 4317)

    assert "not-for-phoenix" not in " ".join(environment.values())
    assert environment["PATH"] == os.environ["PATH"]


@pytest.mark.parametrize("port", [trace_viewer.PORT, trace_viewer.GRPC_PORT])
def test_the_viewer_script_with_a_port_taken_ends_in_one_error_line(port: int) -> None:
    with socket.socket() as taken:
        # Bound by someone else already: taken all the same.
        with contextlib.suppress(OSError):
            taken.bind(("127.0.0.1", port))
            taken.listen()
        result = subprocess.run(
            [sys.executable, "-m", trace_viewer.__name__],
            env=script_environment(),
            capture_output=True,
            text=True,
            timeout=120,
        )

    # Where the `phoenix` group is not installed, that comes first.
    reason = trace_viewer.missing() or f"port {port} is taken"
    assert result.stderr.startswith(f"error: {reason}"), result.stderr
    assert (result.stderr.count("\n"), result.returncode) == (1, 2), result.stderr
