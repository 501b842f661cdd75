"""The router sample and the native Ollama path as a user runs them: real scripts in
separate processes, a real Temporal dev server, a fake Ollama on its native API."""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit.fakes import ollama_native
from testkit.fakes.ollama_native import FakeOllama
from tests.helpers.processes import (
    WEATHER,
    printed_result,
    run_script,
    running_worker,
    script_environment,
)


def native_ollama(runs: int) -> FakeOllama:
    """An Ollama whose model calls the weather tool, then answers, `runs` times over."""
    steps = [
        ollama_native.call_tool("get_weather", city="Tokyo"),
        ollama_native.answer_quoting_tool_result(),
    ]
    return FakeOllama(steps * runs)


@pytest.mark.long
def test_router_worker_serves_router_names_bare_names_streams_and_reports_unpulled_models(
    dev_server_address: str, tmp_path: Path
) -> None:
    with native_ollama(runs=3) as ollama:
        environment = script_environment(
            TEMPORAL_ADDRESS=dev_server_address, OLLAMA_HOST=ollama.url
        )
        with running_worker(
            "run_multi_provider_worker.py", environment=environment, tmp_path=tmp_path
        ):
            routed = run_script(
                "run_multi_provider_workflow.py",
                "--model",
                "ollama/gpt-oss:20b",
                environment=environment,
            )
            streamed = run_script(
                "run_streaming_workflow.py",
                "--model",
                "ollama/gpt-oss:20b",
                environment=environment,
            )
            # The GPT-OSS sample's bare `gpt-oss:20b` goes to the default prefix, ollama/.
            bare = run_script("run_gpt_oss_workflow.py", environment=environment)
            not_pulled = run_script(
                "run_multi_provider_workflow.py",
                "--model",
                "ollama/llama3.2:1b",
                environment=environment,
            )

    assert routed.returncode == 0, routed.stderr
    assert WEATHER in printed_result(routed.stdout)
    assert bare.returncode == 0, bare.stderr
    assert WEATHER in printed_result(bare.stdout)
    assert streamed.returncode == 0, streamed.stderr
    assert streamed.stdout.splitlines()[1:3] == [
        '[tool call] get_weather({"city": "Tokyo"})',
        f"[tool result] {WEATHER}",
    ]
    assert WEATHER in printed_result(streamed.stdout)
    requests = ollama.chat_requests
    assert [r["model"] for r in requests] == ["gpt-oss:20b"] * 6 + ["llama3.2:1b"]
    assert [bool(r.get("stream")) for r in requests[:6]] == [False, False, True, True, False, False]

    assert not_pulled.returncode == 1
    assert "Traceback" not in not_pulled.stderr
    [line] = not_pulled.stderr.strip().splitlines()
    assert f"Ollama at {ollama.url} has no model 'llama3.2:1b'" in line
    assert "pull it with `ollama pull llama3.2:1b`" in line


def test_router_workflow_script_rejects_an_unknown_prefix_before_starting() -> None:
    # No Temporal server at all: the name is checked first.
    completed = run_script(
        "run_multi_provider_workflow.py",
        "--model",
        "olama/gpt-oss:20b",
        environment=script_environment(TEMPORAL_ADDRESS="127.0.0.1:1"),
    )

    assert completed.returncode == 2
    assert completed.stderr.strip() == (
        "error: unknown model prefix 'olama/' in 'olama/gpt-oss:20b': use one of ollama/, "
        "openai/, litellm/ (a LiteLLM model string goes after litellm/, e.g. "
        "litellm/olama/gpt-oss:20b)"
    )


def test_router_worker_checks_a_named_model_at_start() -> None:
    with native_ollama(runs=0) as ollama:
        completed = run_script(
            "run_multi_provider_worker.py",
            "--check-model",
            "ollama/llama3.2:1b",
            environment=script_environment(OLLAMA_HOST=ollama.url),
        )

    assert completed.returncode == 2
    assert completed.stderr.strip() == (
        f"error: Ollama at {ollama.url} has no model 'llama3.2:1b' "
        '(model "llama3.2:1b" not found, try pulling it first): '
        "pull it with `ollama pull llama3.2:1b`"
    )


def test_gpt_oss_sample_on_the_routers_native_ollama(
    dev_server_address: str, tmp_path: Path
) -> None:
    """The GPT-OSS sample's bare `gpt-oss:20b` on the router worker: native Ollama, the
    router's default prefix."""
    with native_ollama(runs=1) as ollama:
        environment = script_environment(
            TEMPORAL_ADDRESS=dev_server_address, OLLAMA_HOST=ollama.url
        )
        with running_worker(
            "run_multi_provider_worker.py", "--check-model", "ollama/gpt-oss:20b",
            environment=environment, tmp_path=tmp_path,
        ):  # fmt: skip
            completed = run_script("run_gpt_oss_workflow.py", environment=environment)

    assert completed.returncode == 0, completed.stderr
    assert WEATHER in printed_result(completed.stdout)
    assert [r.path for r in ollama.requests][:2] == ["/api/show", "/api/chat"]


def test_demo_starts_its_own_server_and_runs_a_sample_through_the_router() -> None:
    with native_ollama(runs=1) as ollama:
        # No TEMPORAL_ADDRESS: the demo starts the bundled dev server itself.
        completed = run_script(
            "run_demo.py", "--sample", "multi-provider", "--model", "ollama/gpt-oss:20b",
            environment=script_environment(OLLAMA_HOST=ollama.url),
        )  # fmt: skip

    assert completed.returncode == 0, completed.stderr
    assert WEATHER in printed_result(completed.stdout)
    # Quiet: the run and its result, with no dev server banner, warning or worker log
    # among them, and no link to a Web UI that stops with the demo.
    lines = completed.stdout.splitlines()
    assert lines[0].startswith("Starting the bundled Temporal dev server (its output goes to ")
    assert lines[1].startswith("Running workflow multi-provider-workflow-id-")
    assert lines[2].startswith("Result: ")
    assert lines[-1] == "The dev server stops now; --keep-server keeps it up to look at the run."
    assert completed.stderr == ""
    assert [r["model"] for r in ollama.chat_requests] == ["gpt-oss:20b"] * 2
