"""The demo's --trace where the optional `phoenix` group is not installed: one line that
says how to install it, before any model or server starts. With the group, the
trace-viewer tier runs it (tests/real_model/test_demo_traced_into_phoenix.py)."""

from __future__ import annotations

import pytest

from openai_agents.model_providers import run_demo
from openai_agents.model_providers.support import trace_viewer
from tests.helpers.in_process import failure_of, script_arguments


async def test_trace_without_the_phoenix_group_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.setattr(trace_viewer, "executable", lambda: None)
    # Nothing answers here: a model check would fail with another line.
    monkeypatch.setenv("OLLAMA_HOST", "127.0.0.1:9")

    assert await failure_of(run_demo.demo, model=None, trace=True) == (
        "error: --trace starts Phoenix, but Arize Phoenix is not installed: run "
        "`uv sync --group phoenix` (about 650 MB, once)",
        2,
    )


async def test_trace_follows_the_traces_only_endpoint_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The exporter sends to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT when only it is set: --trace
    looks for the run there, and starts no Phoenix of its own."""
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:6006/v1/traces")
    monkeypatch.setattr(trace_viewer, "executable", lambda: None)  # Never started here.

    async with run_demo.phoenix(script_arguments(model=None, trace=True)) as viewer:
        assert viewer == run_demo.Viewer("http://127.0.0.1:6006", started_here=False)


async def test_trace_into_a_configured_phoenix_names_it_without_credentials(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://ops:secret@phoenix.internal:6006")
    async with run_demo.phoenix(script_arguments(model=None, trace=True)) as viewer:
        assert viewer is not None
    printed = capsys.readouterr().out
    assert "Tracing into the Phoenix at http://phoenix.internal:6006 " in printed
    assert "secret" not in printed
