"""Failover as a user runs it: the router worker and starter in separate processes, a real
Temporal dev server, two fake providers, the primary failing or down."""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit.fakes import anthropic_messages, ollama_native
from testkit.fakes.anthropic_messages import FakeAnthropic
from testkit.fakes.ollama_native import FakeOllama
from tests.helpers.processes import (
    WEATHER,
    closed_port_address,
    printed_result,
    run_script,
    running_worker,
    script_environment,
)

FALLBACK = "litellm/anthropic/claude-sonnet-4-5"


@pytest.mark.long
def test_a_call_its_provider_cannot_answer_goes_to_the_fallback_and_the_run_goes_on(
    dev_server_address: str, tmp_path: Path
) -> None:
    primary = [
        ollama_native.call_tool("get_weather", city="Tokyo"),
        # Then the primary fails: the second call's two attempts get HTTP 500.
        *[ollama_native.server_error()] * 2,
    ]
    fallback = [
        anthropic_messages.answer_quoting_tool_result(),
        anthropic_messages.invalid_api_key(),
    ]
    with FakeOllama(primary) as ollama, FakeAnthropic(fallback) as anthropic:
        environment = script_environment(
            TEMPORAL_ADDRESS=dev_server_address,
            OLLAMA_HOST=ollama.url,
            ANTHROPIC_API_KEY="sk-ant-test-key",
            ANTHROPIC_BASE_URL=anthropic.url,
            # The second run's primary: an OpenAI-compatible server that is down.
            OPENAI_API_KEY="sk-test-key",
            OPENAI_BASE_URL=f"http://{closed_port_address()}/v1",
        )
        with running_worker(
            "run_multi_provider_worker.py",
            "--max-attempts",
            "2",
            environment=environment,
            tmp_path=tmp_path,
        ):
            failed_over = run_script(
                "run_multi_provider_workflow.py",
                "--model", "ollama/gpt-oss:20b", "--fallback-model", FALLBACK,
                environment=environment,
            )  # fmt: skip
            all_failed = run_script(
                "run_multi_provider_workflow.py",
                "--model", "openai/gpt-4.1", "--fallback-model", FALLBACK,
                environment=environment,
            )  # fmt: skip

    assert failed_over.returncode == 0, failed_over.stderr
    assert WEATHER in printed_result(failed_over.stdout)
    # Then the usage, per model that answered (tests/workflows/test_failover.py checks it).
    assert failed_over.stdout.splitlines()[-3] == f"Answered by: ollama/gpt-oss:20b, {FALLBACK}"
    # The tool call the primary made is not made again: the fallback model is asked the
    # second call once, with the conversation so far, the tool's result in it.
    assert len(ollama.chat_requests) == 3
    first_fallback_request = anthropic.requests[0]
    assert anthropic_messages.tool_results(first_fallback_request.body) == [WEATHER]

    assert all_failed.returncode == 1
    assert "Traceback" not in all_failed.stderr
    [line] = all_failed.stderr.strip().splitlines()
    assert "every model failed: openai/gpt-4.1: " in line
    assert f" | {FALLBACK}: " in line
    assert len(anthropic.requests) == 2  # A rejected key is final: not retried.
