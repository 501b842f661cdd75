"""Settings parsed from the environment and the command line."""

from __future__ import annotations

import argparse
import os
import runpy
import subprocess
import sys
from datetime import timedelta

import pytest

from openai_agents.model_providers.providers import ConfigurationError, request_timeout_under
from openai_agents.model_providers.providers.errors.classification import describe_ollama
from openai_agents.model_providers.providers.ollama_hosts import ollama_host
from openai_agents.model_providers.support.arguments import (
    add_model_call_arguments,
    add_model_task_queue_argument,
)
from testkit.wiring import ModelCallPolicy
from tests.helpers.processes import SCRIPTS

REPOSITORY = SCRIPTS.parents[1]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "http://localhost:11434"),
        ("localhost", "http://localhost:11434"),
        ("0.0.0.0:11500", "http://0.0.0.0:11500"),
        ("http://gpu-box:11434/", "http://gpu-box:11434"),
        ("https://ollama.example.com", "https://ollama.example.com"),
        ("[::1]:11434", "http://[::1]:11434"),
        (":11500", "http://127.0.0.1:11500"),
    ],
)
def test_ollama_host_accepts_what_ollama_accepts(value: str, expected: str) -> None:
    assert ollama_host({"OLLAMA_HOST": value}) == expected


@pytest.mark.parametrize(
    "value", ["not a url", "ftp://host", "http://", "host:port", "http://h:99999"]
)
def test_ollama_host_rejects_what_is_not_a_url(value: str) -> None:
    with pytest.raises(ConfigurationError, match="is not a valid Ollama URL"):
        ollama_host({"OLLAMA_HOST": value})


def parsed_model_call_arguments(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_model_call_arguments(parser)
    return parser.parse_args(argv)


def test_the_workers_defaults_are_the_specified_ones_and_the_tests() -> None:
    args = parsed_model_call_arguments()
    assert (args.timeout, args.max_attempts, args.heartbeat_timeout) == (30, 5, 10)
    policy = ModelCallPolicy()
    assert policy.timeout == timedelta(seconds=args.timeout)
    assert policy.max_attempts == args.max_attempts
    assert policy.heartbeat_timeout == timedelta(seconds=args.heartbeat_timeout)


def test_the_client_gives_up_before_the_activity_times_out() -> None:
    def client_timeout(seconds: float) -> float:
        return request_timeout_under(timedelta(seconds=seconds))

    assert client_timeout(30) == 28.0
    assert client_timeout(10) == 9.0
    assert client_timeout(4) == 3.0
    assert client_timeout(1) == 0.5


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["--timeout", "0"], "argument --timeout: must be above 0, not 0"),
        (["--max-attempts", "0"], "argument --max-attempts: must be at least 1"),
    ],
)
def test_unbounded_or_empty_model_call_settings_are_refused(
    argv: list[str], error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as raised:
        parsed_model_call_arguments(*argv)
    assert raised.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].endswith(error)


@pytest.mark.parametrize(
    "value",
    ["https://alice:s3cret-token@ollama.internal:99999", "alice:s3cret-token@ollama.internal:x"],
)
def test_credentials_in_ollama_host_stay_out_of_messages(value: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        ollama_host({"OLLAMA_HOST": value})
    assert "s3cret-token" not in str(raised.value)
    assert "ollama.internal" in str(raised.value)


def test_the_described_ollama_location_has_no_credentials() -> None:
    location = describe_ollama("https://alice:s3cret-token@ollama.internal:443").location
    assert location == "https://ollama.internal:443"


def test_credentials_in_a_litellm_base_url_stay_out_of_messages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from openai_agents.model_providers.providers.litellm_checks import describe_litellm

    monkeypatch.setenv(
        "ANTHROPIC_BASE_URL", "https://bob:hunter2@proxy.example.com/anthropic?key=token-in-query"
    )
    description = describe_litellm("anthropic/claude-sonnet-4-5")
    assert description.location == "https://proxy.example.com/anthropic"
    # LiteLLM prefers ANTHROPIC_API_BASE, so the message names the server it really used.
    monkeypatch.setenv("ANTHROPIC_API_BASE", "https://other.example.com")
    assert describe_litellm("anthropic/claude-sonnet-4-5").location == "https://other.example.com"


def test_the_model_call_queue_comes_from_model_task_queue_unless_given(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both tiers of a fleet read MODEL_TASK_QUEUE, so one variable puts them on one queue."""
    monkeypatch.setenv("MODEL_TASK_QUEUE", "model-calls")
    parser = argparse.ArgumentParser()
    add_model_task_queue_argument(parser)
    assert parser.parse_args([]).model_task_queue == "model-calls"
    assert parser.parse_args(["--model-task-queue", "other"]).model_task_queue == "other"
    # The model-call worker's --task-queue, whose parser is its script's own.
    monkeypatch.setattr(sys, "argv", ["run_model_call_worker.py", "--help"])
    with pytest.raises(SystemExit):
        runpy.run_path(str(SCRIPTS / "run_model_call_worker.py"), run_name="__main__")
    assert "default: model-calls)" in " ".join(capsys.readouterr().out.split())


def test_a_uv_run_prints_no_bytecode_line() -> None:
    """`uv run` syncs first; with bytecode compiled at every sync, every command began with
    "Bytecode compiled N files" (and took most of a second longer)."""
    uv = os.environ.get("UV", "uv")  # uv names itself to what it runs
    command = [uv, "run", "--project", str(REPOSITORY), "python", "-c", "pass"]
    subprocess.run(command, capture_output=True, check=True, timeout=120)  # the first may sync
    again = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)
    assert "Bytecode compiled" not in again.stderr


@pytest.mark.parametrize(
    "script",
    ["run_multi_provider_worker.py", "run_model_call_worker.py", "run_litellm_provider_worker.py"],
)
def test_the_workers_help_names_an_openai_compatible_servers_variables(
    script: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The router's `openai/` and `litellm/openai/`, and the LiteLLM sample's `openai/`, reach
    any OpenAI-compatible server (llama.cpp's, vLLM) by OPENAI_BASE_URL, with any
    OPENAI_API_KEY where the server checks none."""
    monkeypatch.setattr(sys, "argv", [script, "--help"])
    with pytest.raises(SystemExit):
        runpy.run_path(str(SCRIPTS / script), run_name="__main__")
    help_text = " ".join(capsys.readouterr().out.split())
    assert "OPENAI_BASE_URL" in help_text
    assert "OPENAI_API_KEY" in help_text
