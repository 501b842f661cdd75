"""Misconfiguration stops a script at start with one actionable line and exit code 2."""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest
from temporalio.client import Client

from tests.fakes.ollama_openai import FakeOllamaOpenAI
from tests.helpers.processes import closed_port_address, run_script, script_environment


def assert_one_line_error(script: str, *args: str, expected: str, **environment: str) -> None:
    completed = run_script(script, *args, environment=script_environment(**environment))
    assert completed.returncode == 2, completed.stderr
    assert completed.stderr.strip().splitlines() == [f"error: {expected}"]


def test_litellm_worker_without_the_providers_key() -> None:
    assert_one_line_error(
        "run_litellm_provider_worker.py",
        expected="anthropic/claude-3-5-sonnet-20240620 needs ANTHROPIC_API_KEY for anthropic: "
        "export ANTHROPIC_API_KEY=... before starting the worker, or choose another model "
        "with --model",
    )


def test_litellm_worker_with_a_model_string_litellm_does_not_know() -> None:
    assert_one_line_error(
        "run_litellm_provider_worker.py",
        "--model",
        "claude-of-my-own",
        expected="--model 'claude-of-my-own' is not a LiteLLM model string: use provider/model, "
        "e.g. anthropic/claude-sonnet-4-5 (see https://docs.litellm.ai/docs/providers)",
    )


@pytest.mark.parametrize("host", ["not a url", "ftp://localhost:11434", "http://localhost:port"])
@pytest.mark.parametrize(
    "worker",
    [["run_gpt_oss_worker.py"], ["run_gpt_oss_worker.py", "--api", "native"],
     ["run_multi_provider_worker.py"]],
    ids=["gpt-oss", "gpt-oss-native", "router"],
)  # fmt: skip
def test_ollama_workers_with_a_malformed_ollama_host(host: str, worker: list[str]) -> None:
    # The `ollama` package itself chokes on a malformed OLLAMA_HOST while being imported.
    completed = run_script(*worker, environment=script_environment(OLLAMA_HOST=host))
    assert completed.returncode == 2
    (line,) = completed.stderr.strip().splitlines()
    assert line.startswith(f"error: OLLAMA_HOST={host!r} is not a valid Ollama URL")
    assert line.endswith("set it like http://localhost:11434 or unset it")


def test_gpt_oss_worker_with_ollama_down() -> None:
    address = closed_port_address()
    assert_one_line_error(
        "run_gpt_oss_worker.py",
        expected=f"cannot reach Ollama at http://{address}: start it with `ollama serve`, "
        "or point OLLAMA_HOST at a running server",
        OLLAMA_HOST=address,
    )


def test_gpt_oss_worker_with_the_model_not_pulled() -> None:
    with FakeOllamaOpenAI([], pulled=("llama3.2:1b",)) as ollama:
        assert_one_line_error(
            "run_gpt_oss_worker.py",
            # The words a model call would fail with: one message builder for both.
            expected=f"Ollama at {ollama.url} has no model 'gpt-oss:20b' "
            '(model "gpt-oss:20b" not found, try pulling it first): '
            "pull it with `ollama pull gpt-oss:20b`",
            OLLAMA_HOST=ollama.url,
        )


def test_scripts_with_temporal_unreachable() -> None:
    address = closed_port_address()
    expected = (
        f"cannot reach Temporal at {address}: start a dev server with "
        "`uv run temporal server start-dev`, or set TEMPORAL_ADDRESS"
    )
    assert_one_line_error("run_gpt_oss_workflow.py", expected=expected, TEMPORAL_ADDRESS=address)
    with FakeOllamaOpenAI([]) as ollama:
        assert_one_line_error(
            "run_gpt_oss_worker.py",
            expected=expected,
            TEMPORAL_ADDRESS=address,
            OLLAMA_HOST=ollama.url,
        )


def test_scripts_with_a_namespace_that_does_not_exist(dev_server_address: str) -> None:
    expected = (
        f"Temporal at {dev_server_address} has no usable namespace 'no-such-namespace' "
        "(Namespace no-such-namespace is not found.): check TEMPORAL_NAMESPACE and the API "
        "key's permissions"
    )
    environment = {
        "TEMPORAL_ADDRESS": dev_server_address,
        "TEMPORAL_NAMESPACE": "no-such-namespace",
    }
    assert_one_line_error("run_gpt_oss_workflow.py", expected=expected, **environment)
    with FakeOllamaOpenAI([]) as ollama:
        assert_one_line_error(
            "run_gpt_oss_worker.py", expected=expected, OLLAMA_HOST=ollama.url, **environment
        )


def test_scripts_with_a_temporal_profile_that_does_not_exist() -> None:
    assert_one_line_error(
        "run_gpt_oss_workflow.py",
        expected="cannot load the Temporal connection settings (Profile 'nope' not found): "
        "check TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE and the TEMPORAL_TLS_* paths",
        TEMPORAL_PROFILE="nope",
    )


async def test_workflow_script_with_the_id_of_a_running_workflow(dev_server_address: str) -> None:
    client = await Client.connect(dev_server_address)
    # Open, and it stays open: no worker serves this task queue.
    handle = await client.start_workflow(
        "GptOssWorkflow", "hi", id=f"busy-{uuid.uuid4().hex[:8]}", task_queue="nobody-polls-this"
    )
    try:
        assert_one_line_error(
            "run_gpt_oss_workflow.py",
            "--workflow-id",
            handle.id,
            expected=f"workflow {handle.id} is already running: choose another --workflow-id, "
            "or leave it out for a fresh one",
            TEMPORAL_ADDRESS=dev_server_address,
        )
    finally:
        await handle.terminate()


def test_demo_without_a_model_backend_says_what_to_start() -> None:
    address = closed_port_address()
    assert_one_line_error(
        "run_demo.py",
        expected=f"cannot reach Ollama at http://{address}: start it with `ollama serve`, "
        "or point OLLAMA_HOST at a running server",
        OLLAMA_HOST=address,
    )


def test_verbose_shows_the_traceback() -> None:
    completed = run_script(
        "run_gpt_oss_worker.py", "--verbose", environment=script_environment(OLLAMA_HOST="ftp://x")
    )
    assert completed.returncode == 2
    assert "Traceback (most recent call last)" in completed.stderr


def test_an_unforeseen_error_is_one_line_too() -> None:
    code = (
        "from openai_agents.model_providers.support.cli import run_script\n"
        "async def main() -> int:\n"
        "    raise ValueError('disk on fire\\nsecond line')\n"
        "run_script(main, verbose=False)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 1
    assert completed.stderr.strip().splitlines() == [
        "error: unexpected ValueError: disk on fire second line (--verbose shows the traceback)"
    ]


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        pytest.param(
            "openai/gpt-4.1",
            "openai/gpt-4.1 routes to OpenAI, which needs OPENAI_API_KEY: export it before "
            "starting the worker, or choose an ollama/ or litellm/ model",
            id="openai",
        ),
        pytest.param(
            "ollama/gpt-oss:120b-cloud",
            "Ollama Cloud models (names ending in -cloud) need an API key: create one at "
            "https://ollama.com/settings/keys and export OLLAMA_API_KEY before starting the "
            "worker",
            id="ollama-cloud",
        ),
        pytest.param(
            "litellm/anthropic/claude-sonnet-4-5",
            "anthropic/claude-sonnet-4-5 needs ANTHROPIC_API_KEY for anthropic: export "
            "ANTHROPIC_API_KEY=... before starting the worker, or choose another model with "
            "--model",
            id="litellm",
        ),
        pytest.param(
            "olama/gpt-oss:20b",
            "unknown model prefix 'olama/' in 'olama/gpt-oss:20b': use one of ollama/, "
            "openai/, litellm/ (a LiteLLM model string goes after litellm/, e.g. "
            "litellm/olama/gpt-oss:20b)",
            id="unknown-prefix",
        ),
    ],
)
def test_router_worker_checking_a_model_whose_key_or_prefix_is_missing(
    model: str, expected: str
) -> None:
    assert_one_line_error("run_multi_provider_worker.py", "--check-model", model, expected=expected)
