"""The trace-viewer tier: `run_demo.py --trace` on the bundled model starts a real Arize
Phoenix, traces its run into it, and prints the trace's URL; the trace, found through
Phoenix's own REST API, holds the run's model calls with their token counts.

Runs with `--phoenix` after `uv sync --group phoenix` (CI runs it last: `uv run pytest
--phoenix -m trace_viewer -n 0`); where Phoenix or the bundled model is missing it skips,
but with `CI` set it fails instead."""

from __future__ import annotations

import json
import os
import re
import socket
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from openai_agents.model_providers.support import bundled_model, trace_viewer
from tests.helpers.processes import WEATHER, background_script, script_environment

pytestmark = pytest.mark.trace_viewer

TRACE_LINE = re.compile(
    r"Trace in Phoenix: (http://127\.0\.0\.1:(\d+))/projects/([^/\s]+)/traces/([0-9a-f]{32})"
)
# Phoenix's start (10-30 s here), llama-server's, a dev server's and the run's, on a
# machine that may be busy.
DEMO_TIMEOUT_SECONDS = 600.0


@pytest.fixture
def phoenix_installed() -> None:
    """Skips the test where the `phoenix` group is not installed (fails it in CI)."""
    reason = trace_viewer.missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the trace-viewer tier cannot run: {reason}")
        pytest.skip(reason)


def phoenix_spans(base_url: str, trace_id: str, **filters: str) -> list[dict[str, Any]]:
    """The trace's spans, straight from Phoenix's REST API."""
    query = urllib.parse.urlencode({"trace_id": trace_id, "limit": "1000", **filters})
    with urllib.request.urlopen(f"{base_url}/v1/projects/default/spans?{query}") as response:
        spans: list[dict[str, Any]] = json.load(response)["data"]
    return spans


def phoenix_spans_of_workflow(base_url: str, workflow_id: str) -> list[dict[str, Any]]:
    """The spans that carry `workflow_id`, by the API's attribute filter."""
    query = urllib.parse.urlencode(
        {"attribute": f"temporal.workflow.id:{json.dumps(workflow_id)}", "limit": "1000"}
    )
    with urllib.request.urlopen(f"{base_url}/v1/projects/default/spans?{query}") as response:
        spans: list[dict[str, Any]] = json.load(response)["data"]
    return spans


@pytest.mark.usefixtures("bundled_model_installed", "phoenix_installed")
def test_the_demo_traces_its_run_into_phoenix(dev_server_address: str, tmp_path: Path) -> None:
    environment = script_environment(TEMPORAL_ADDRESS=dev_server_address)
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        environment.pop(name, None)  # --trace starts its own Phoenix.
    with background_script(
        "run_demo.py",
        "--bundled-model",
        "--trace",
        environment=environment,
        tmp_path=tmp_path,
        ready_text="Phoenix keeps running to show the trace; press Ctrl-C to stop it.",
        timeout=DEMO_TIMEOUT_SECONDS,
    ) as demo:
        printed = demo.output()
        assert WEATHER in printed, printed
        # Offline: its analytics off, and no download of its sandbox runtime tried.
        log = re.search(r"Starting Phoenix, .*its output goes to (\S+)\)", printed)
        assert log, printed
        phoenix_log = Path(log[1]).read_text()
        assert re.search(r"Telemetry +\S+ Disabled", phoenix_log), phoenix_log
        assert "WASM sandbox binary" not in phoenix_log, phoenix_log
        shown = TRACE_LINE.search(printed)
        assert shown, printed
        base_url, port, trace_id = shown[1], int(shown[2]), shown[4]

        spans = phoenix_spans(base_url, trace_id)
        # The run's own: its workflow id is on its spans, and on no other trace's.
        running = re.search(r"Running workflow (\S+) on task queue", printed)
        assert running, printed
        by_id = phoenix_spans_of_workflow(base_url, running[1])
        assert by_id, spans
        assert {span["context"]["trace_id"] for span in by_id} == {trace_id}
        # One tree: a single root, every other span's parent in the trace.
        ids = {span["context"]["span_id"] for span in spans}
        roots = [span for span in spans if span["parent_id"] is None]
        assert len(roots) == 1, spans
        assert all(span["parent_id"] in ids for span in spans if span not in roots)
        # The bundled model's two calls (the tool call, then the answer), each with its
        # model and its tokens, and the tool's call with its result.
        calls = phoenix_spans(base_url, trace_id, span_kind="LLM")
        assert len(calls) == 2, calls
        for call in calls:
            attributes = call["attributes"]
            assert attributes["llm.model_name"] == bundled_model.MODEL_ALIAS
            assert attributes["llm.token_count.prompt"] > 0, attributes
            assert attributes["llm.token_count.completion"] > 0, attributes
        [tool] = phoenix_spans(base_url, trace_id, span_kind="TOOL")
        assert tool["name"] == "get_weather"
        assert tool["attributes"]["output.value"] == WEATHER
        # What the demo printed is what Phoenix holds.
        prompt = sum(call["attributes"]["llm.token_count.prompt"] for call in calls)
        completion = sum(call["attributes"]["llm.token_count.completion"] for call in calls)
        assert (
            f"It holds {len(spans)} spans: 2 model calls ({prompt} input and {completion} "
            "output tokens) and 1 tool call." in printed
        ), printed

        assert demo.interrupt() == 130
    # Phoenix stopped with the demo.
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
