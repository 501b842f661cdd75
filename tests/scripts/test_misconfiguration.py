"""Misconfiguration stops a script at start with one actionable line and exit code 2.

Most cases run the script's `main` in this process (see `tests.helpers.in_process`); real
processes prove what only a process can show: the parser, `--verbose`, the exit code, and
that a malformed OLLAMA_HOST is reported before `import ollama` could choke on it."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client

from openai_agents.model_providers import (
    run_demo,
    run_gpt_oss_worker,
    run_gpt_oss_workflow,
    run_litellm_provider_worker,
    run_model_call_worker,
    run_multi_provider_worker,
)
from openai_agents.model_providers.support import temporal
from openai_agents.model_providers.support.script import failure_line
from testkit.fakes.ollama_openai import FakeOllamaOpenAI
from tests.helpers.in_process import ScriptMain, failure_of
from tests.helpers.processes import closed_port_address, run_script, script_environment


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """What the scripts read, set per test; no developer profile (as in `script_environment`)."""
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(tmp_path / "no-temporal.toml"))
    return monkeypatch


async def assert_one_line_error(main: ScriptMain, expected: str, **options: Any) -> None:
    assert await failure_of(main, **options) == (f"error: {expected}", 2)


async def test_litellm_worker_without_the_providers_key() -> None:
    await assert_one_line_error(
        run_litellm_provider_worker.main,
        model="anthropic/claude-sonnet-4-5",
        expected="anthropic/claude-sonnet-4-5 needs ANTHROPIC_API_KEY for anthropic: "
        "export ANTHROPIC_API_KEY=... before starting the worker, or choose another model",
    )


async def test_litellm_worker_with_a_model_string_litellm_does_not_know() -> None:
    await assert_one_line_error(
        run_litellm_provider_worker.main,
        model="claude-of-my-own",
        expected="--model 'claude-of-my-own' is not a LiteLLM model string: use provider/model, "
        "e.g. anthropic/claude-sonnet-4-5 (see https://docs.litellm.ai/docs/providers)",
    )


MALFORMED_HOSTS = ["not a url", "ftp://localhost:11434", "http://localhost:port"]
OLLAMA_WORKERS = [
    pytest.param(run_gpt_oss_worker.main, [], id="gpt-oss"),
    # Native Ollama: the router's `ollama/` models.
    pytest.param(run_multi_provider_worker.main, ["ollama/gpt-oss:20b"], id="router-native"),
    pytest.param(run_multi_provider_worker.main, [], id="router"),
]


@pytest.mark.parametrize("host", MALFORMED_HOSTS)
@pytest.mark.parametrize(("main", "check_model"), OLLAMA_WORKERS)
async def test_ollama_workers_with_a_malformed_ollama_host(
    environment: pytest.MonkeyPatch, host: str, main: ScriptMain, check_model: list[str]
) -> None:
    environment.setenv("OLLAMA_HOST", host)
    line, exit_code = await failure_of(main, model="gpt-oss:20b", check_model=check_model)
    assert exit_code == 2
    assert line.startswith(f"error: OLLAMA_HOST={host!r} is not a valid Ollama URL")
    assert line.endswith("set it like http://localhost:11434 or unset it")


def test_a_malformed_ollama_host_is_reported_before_ollama_is_imported() -> None:
    """`import ollama` itself fails on this value: the worker must check it first."""
    completed = run_script(
        "run_multi_provider_worker.py",
        "--check-model",
        "ollama/gpt-oss:20b",
        environment=script_environment(OLLAMA_HOST="http://localhost:port"),
    )
    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines() == [
        "error: OLLAMA_HOST='http://localhost:port' is not a valid Ollama URL (the port is not "
        "a number from 0 to 65535); set it like http://localhost:11434 or unset it"
    ]


async def test_gpt_oss_worker_with_ollama_down(environment: pytest.MonkeyPatch) -> None:
    address = closed_port_address()
    environment.setenv("OLLAMA_HOST", address)
    await assert_one_line_error(
        run_gpt_oss_worker.main,
        model="gpt-oss:20b",
        expected=f"cannot reach Ollama at http://{address}: start it with `ollama serve`, "
        "or point OLLAMA_HOST at a running server",
    )


async def test_gpt_oss_worker_with_the_model_not_pulled(environment: pytest.MonkeyPatch) -> None:
    with FakeOllamaOpenAI([], pulled=("llama3.2:1b",)) as ollama:
        environment.setenv("OLLAMA_HOST", ollama.url)
        await assert_one_line_error(
            run_gpt_oss_worker.main,
            model="gpt-oss:20b",
            # The words a model call would fail with: one message builder for both.
            expected=f"Ollama at {ollama.url} has no model 'gpt-oss:20b' "
            '(model "gpt-oss:20b" not found, try pulling it first): '
            "pull it with `ollama pull gpt-oss:20b`",
        )


async def test_scripts_with_temporal_unreachable(environment: pytest.MonkeyPatch) -> None:
    """TEMPORAL_ADDRESS is set, so the advice is not to set it: start a server there."""
    address = closed_port_address()
    environment.setenv("TEMPORAL_ADDRESS", address)
    port = address.rsplit(":", 1)[1]
    expected = (
        f"cannot reach Temporal at {address} (TEMPORAL_ADDRESS): start a dev server there "
        f"with `uv run temporal server start-dev --port {port}`, or correct TEMPORAL_ADDRESS"
    )
    await assert_one_line_error(run_gpt_oss_workflow.main, expected, model="gpt-oss:20b")
    with FakeOllamaOpenAI([]) as ollama:
        environment.setenv("OLLAMA_HOST", ollama.url)
        await assert_one_line_error(run_gpt_oss_worker.main, expected, model="gpt-oss:20b")


def test_temporal_unreachable_at_the_default_address_says_how_to_point_elsewhere(
    environment: pytest.MonkeyPatch,
) -> None:
    environment.delenv("TEMPORAL_ADDRESS", raising=False)
    refused = RuntimeError("Failed client connect: Server connection error: Connection refused")
    assert failure_line(refused) == (
        "error: cannot reach Temporal at localhost:7233: start a dev server with "
        "`uv run temporal server start-dev`, or set TEMPORAL_ADDRESS to where one runs",
        2,
    )


@pytest.mark.parametrize("address", ["garbage", "http://localhost:7233", "localhost:port"])
async def test_a_malformed_temporal_address_is_one_line_before_connecting(
    environment: pytest.MonkeyPatch, address: str
) -> None:
    environment.setenv("TEMPORAL_ADDRESS", address)
    await assert_one_line_error(
        run_gpt_oss_workflow.main,
        model="gpt-oss:20b",
        expected=f"TEMPORAL_ADDRESS={address!r} is not host:port: set it like localhost:7233 "
        "(no scheme, no path)",
    )


async def test_scripts_with_a_namespace_that_does_not_exist(
    environment: pytest.MonkeyPatch, dev_server_address: str
) -> None:
    expected = (
        f"Temporal at {dev_server_address} has no usable namespace 'no-such-namespace' "
        "(Namespace no-such-namespace is not found.): check TEMPORAL_NAMESPACE and the API "
        "key's permissions"
    )
    environment.setenv("TEMPORAL_ADDRESS", dev_server_address)
    environment.setenv("TEMPORAL_NAMESPACE", "no-such-namespace")
    await assert_one_line_error(run_gpt_oss_workflow.main, expected, model="gpt-oss:20b")
    with FakeOllamaOpenAI([]) as ollama:
        environment.setenv("OLLAMA_HOST", ollama.url)
        await assert_one_line_error(run_gpt_oss_worker.main, expected, model="gpt-oss:20b")


async def test_scripts_with_a_temporal_profile_that_does_not_exist(
    environment: pytest.MonkeyPatch,
) -> None:
    environment.setenv("TEMPORAL_PROFILE", "nope")
    await assert_one_line_error(
        run_gpt_oss_workflow.main,
        model="gpt-oss:20b",
        expected="cannot load the Temporal connection settings (Profile 'nope' not found): "
        "check TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE and the TEMPORAL_TLS_* paths",
    )


async def test_workflow_script_with_the_id_of_a_running_workflow(
    environment: pytest.MonkeyPatch, dev_server_address: str
) -> None:
    environment.setenv("TEMPORAL_ADDRESS", dev_server_address)
    client = await Client.connect(dev_server_address)
    # Open, and it stays open: no worker serves this task queue.
    handle = await client.start_workflow(
        "GptOssWorkflow", "hi", id=f"busy-{uuid.uuid4().hex[:8]}", task_queue="nobody-polls-this"
    )
    try:
        await assert_one_line_error(
            run_gpt_oss_workflow.main,
            model="gpt-oss:20b",
            workflow_id=handle.id,
            expected=f"workflow {handle.id} is already running: choose another --workflow-id, "
            "or leave it out for a fresh one",
        )
    finally:
        await handle.terminate()


async def test_demo_refusing_the_bundled_model_says_what_to_start(
    environment: pytest.MonkeyPatch,
) -> None:
    address = closed_port_address()
    environment.setenv("OLLAMA_HOST", address)
    await assert_one_line_error(
        run_demo.demo,
        model=None,
        bundled_model=False,
        expected=f"cannot reach Ollama at http://{address}: start it with `ollama serve`, "
        "or point OLLAMA_HOST at a running server",
    )


def test_verbose_shows_the_traceback() -> None:
    completed = run_script(
        "run_gpt_oss_worker.py", "--verbose", environment=script_environment(OLLAMA_HOST="ftp://x")
    )
    assert completed.returncode == 2
    assert "Traceback (most recent call last)" in completed.stderr


def test_an_unforeseen_error_is_one_line_too() -> None:
    assert failure_line(ValueError("disk on fire\nsecond line")) == (
        "error: unexpected ValueError: disk on fire second line (--verbose shows the traceback)",
        1,
    )


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        pytest.param(
            "openai/gpt-4.1",
            "model 'openai/gpt-4.1' routes to OpenAI, which needs OPENAI_API_KEY: export it "
            "before starting the worker, or choose an ollama/ or litellm/ model",
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
            "ANTHROPIC_API_KEY=... before starting the worker, or choose another model",
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
async def test_router_worker_checking_a_model_whose_key_or_prefix_is_missing(
    model: str, expected: str
) -> None:
    await assert_one_line_error(run_multi_provider_worker.main, expected, check_model=[model])


async def test_a_model_call_worker_without_the_keys_of_the_models_it_is_to_call() -> None:
    await assert_one_line_error(
        run_model_call_worker.main,
        "anthropic/claude-sonnet-4-5 needs ANTHROPIC_API_KEY for anthropic: export "
        "ANTHROPIC_API_KEY=... before starting the worker, or choose another model",
        check_model=["litellm/anthropic/claude-sonnet-4-5"],
    )


async def test_a_workflow_worker_cannot_both_send_model_calls_away_and_run_them_locally() -> None:
    await assert_one_line_error(
        run_multi_provider_worker.main,
        "with --model-task-queue the model calls run on the model-call workers: check models "
        "there (run_model_call_worker.py --check-model), and drop --fast-path, which would "
        "run them here",
        model_task_queue="model-calls",
        fast_path=True,
    )


def test_a_fleet_limit_of_zero_is_refused_by_the_model_call_worker() -> None:
    completed = run_script(
        "run_model_call_worker.py",
        *("--calls-per-second", "0"),
        environment=script_environment(TEMPORAL_ADDRESS=closed_port_address()),
    )

    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines()[-1] == (
        "run_model_call_worker.py: error: argument --calls-per-second: must be above 0, not 0"
    )


async def test_a_workflow_worker_says_when_no_worker_polls_its_model_queue(
    dev_server_address: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = await Client.connect(dev_server_address)
    queue = f"nobody-polls-{uuid.uuid4().hex[:8]}"

    await temporal.warn_if_unpolled(client, queue)

    [warning] = [r.getMessage() for r in caplog.records if r.name == "root"]
    assert warning == (
        f"No worker polls the model-call task queue {queue!r}: model calls wait there until "
        f"one does (start run_model_call_worker.py --task-queue {queue}); the Web UI's page "
        "for that task queue lists its pollers"
    )
