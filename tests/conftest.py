"""Temporal servers for the tests, started from the bundled binaries (never downloaded).

`--workflow-environment` picks the server the workflow tests use:
  time-skipping (default)  the time-skipping test server; retry backoff is skipped
  local                    a real `temporal server start-dev`
  host:port                an already running server
The end-to-end tests run the real scripts, which need a real dev server; they reuse the
`local` one, or start their own alongside the time-skipping server.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

# Before anything imports LiteLLM or starts a worker: no network at import, no trace export.
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
os.environ["LITELLM_OFFLINE_MODE"] = "true"
os.environ["OPENAI_AGENTS_DISABLE_TRACING"] = "1"

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from openai_agents.model_providers.support.dev_server import (
    SERVER_STARTUP_TIMEOUT,
    bundled_temporal_cli,
)
from testkit.environment import is_developer_setting


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--workflow-environment",
        default="time-skipping",
        help="time-skipping (default), local, or host:port of a running Temporal server",
    )
    parser.addoption(
        "--real-model",
        action="store_true",
        help="also run the real-model tier: the samples' scripts against llama.cpp's "
        "llama-server and SmolLM2 (see tests/real_model/conftest.py)",
    )
    parser.addoption(
        "--bench",
        action="store_true",
        help="also run the bench tier: `python -m bench --quick` end to end, a dozen worker "
        "processes for a minute or more (tests/test_bench.py)",
    )
    parser.addoption(
        "--phoenix",
        action="store_true",
        help="also run the trace-viewer tier: the demo traced into a real Arize Phoenix "
        "(`uv sync --group phoenix` first; tests/real_model/test_demo_traced_into_phoenix.py)",
    )
    parser.addoption(
        "--fleet",
        action="store_true",
        help="also run the fleet tier: many worker processes under a rate limit for a minute "
        "(tests/scripts/test_fleet.py)",
    )


REAL_MODEL_SKIPPED = "the real-model tier runs with --real-model"
FLEET_SKIPPED = "the fleet tier runs with --fleet"
BENCH_SKIPPED = "the bench tier runs with --bench"
TRACE_VIEWER_SKIPPED = "the trace-viewer tier runs with --phoenix"
# Each slow tier: its marker, the option that runs it, why it is skipped, how to run it.
SLOW_TIERS = {
    "real_model": (
        "--real-model",
        REAL_MODEL_SKIPPED,
        "`uv run pytest --real-model -m real_model -n 0` runs them against llama.cpp and "
        "SmolLM2 (built once by the demo's first run, or by `uv run python -m "
        "openai_agents.model_providers.support.bundled_model install`)",
    ),
    "bench": (
        "--bench",
        BENCH_SKIPPED,
        "`uv run pytest --bench -m bench` runs the benchmark's smoke test",
    ),
    "fleet": (
        "--fleet",
        FLEET_SKIPPED,
        "`uv run pytest --fleet -m fleet -n 0` runs them alone, as their timing needs",
    ),
    "trace_viewer": (
        "--phoenix",
        TRACE_VIEWER_SKIPPED,
        "`uv sync --group phoenix`, then `uv run pytest --phoenix -m trace_viewer -n 0` runs "
        "them against a real Arize Phoenix and the bundled model",
    ),
}


def _bundled_test_server() -> str | None:
    path = Path(sys.executable).with_name("temporal-test-server")
    return str(path) if path.is_file() else None


async def _start_local() -> WorkflowEnvironment:
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=bundled_temporal_cli(),
        dev_server_startup_timeout=SERVER_STARTUP_TIMEOUT,
    )


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """How many processes `-n auto` (the default, see pyproject.toml) runs the tests in.

    Each process starts its own Temporal servers, so its script tests have the samples' task
    queue to themselves. Most of the suite waits on servers and subprocesses, so two processes
    per core pay off (on 2 quiet cores: 155 s with 3 processes, 119 s with 4, 122 s with 6), up
    to 8. Against a server you run yourself (`host:port`) the script tests of two processes
    would share that task queue: there, one process.
    """
    if config.getoption("--workflow-environment") not in ("time-skipping", "local"):
        return 0
    return min(8, 2 * (os.cpu_count() or 1))


def pytest_configure(config: pytest.Config) -> None:
    # The tests press Ctrl-C on the scripts they start, which inherit an ignored SIGINT: a
    # background job of a non-interactive shell (`uv run pytest &`, nohup, CI runners)
    # starts with SIGINT ignored, and Python then installs no KeyboardInterrupt for it.
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    config.addinivalue_line(
        "markers",
        "server_kind: runs on the server --workflow-environment picks (the `env` fixture), so "
        "its outcome can differ between the time-skipping and the local server",
    )
    config.addinivalue_line(
        "markers", "long: takes ten seconds or so; started first, so it does not end the run alone"
    )
    config.addinivalue_line(
        "markers", "real_model: runs against a real model server; only with --real-model"
    )
    config.addinivalue_line(
        "markers", "fleet: a minute of many worker processes measured for their rate; --fleet"
    )
    config.addinivalue_line(
        "markers", "bench: the benchmark run end to end, a dozen worker processes; --bench"
    )
    config.addinivalue_line(
        "markers",
        "trace_viewer: a run traced into a real Arize Phoenix (the `phoenix` group); --phoenix",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Only these need running on both servers; every other test runs on the same real dev
    # server (or none) whichever is picked. `-m server_kind` selects them.
    # (`dev_server_env` and `time_skipping_env` depend on `env`: a test that uses one runs on
    # that kind of server either way.)
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        pinned = "dev_server_env" in fixtures or "time_skipping_env" in fixtures
        if "env" in fixtures and not pinned:
            item.add_marker(pytest.mark.server_kind)
    # The long tests first (the sort keeps the order otherwise): started last, one of them
    # would run on alone while the other processes sit idle.
    items.sort(key=lambda item: item.get_closest_marker("long") is None)
    for marker, (option, skipped, _how) in SLOW_TIERS.items():
        if not config.getoption(option):
            for item in items:
                if item.get_closest_marker(marker):
                    item.add_marker(pytest.mark.skip(reason=skipped))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line for each whole skipped tier, whatever `-r` asks for."""
    for marker, (_option, reason, how) in SLOW_TIERS.items():
        skipped = [
            report
            for report in terminalreporter.stats.get("skipped", [])
            if reason in str(getattr(report, "longrepr", ""))
        ]
        if skipped:
            tier = marker.replace("_", "-")
            terminalreporter.write_line(f"{tier} tier: {len(skipped)} tests skipped; {how}")


@pytest.fixture(autouse=True)
def no_developer_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests talk only to the servers they start, whatever the developer's shell exports."""
    for name in list(os.environ):
        if is_developer_setting(name):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def workflow_environment_kind(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--workflow-environment"))


@pytest.fixture(scope="session")
async def env(workflow_environment_kind: str) -> AsyncIterator[WorkflowEnvironment]:
    if workflow_environment_kind == "local":
        environment = await _start_local()
    elif workflow_environment_kind == "time-skipping":
        environment = await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=_bundled_test_server(),
            test_server_startup_timeout=SERVER_STARTUP_TIMEOUT,
        )
    else:
        environment = WorkflowEnvironment.from_client(
            await Client.connect(workflow_environment_kind)
        )
    yield environment
    await environment.shutdown()


@pytest.fixture(scope="session")
async def dev_server_env(
    workflow_environment_kind: str, env: WorkflowEnvironment
) -> AsyncIterator[WorkflowEnvironment]:
    """A real dev server, for the scripts under test and for tests whose point is real time
    (a server that starts late): the `local` one, or one started beside the time-skipping
    server."""
    if workflow_environment_kind != "time-skipping":
        yield env
        return
    dev_server = await _start_local()
    yield dev_server
    await dev_server.shutdown()


@pytest.fixture(scope="session")
async def time_skipping_env(
    workflow_environment_kind: str, env: WorkflowEnvironment
) -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping server, for tests whose point is a wait of days (an approval's
    deadline): the session's own, or one started beside the server picked."""
    if workflow_environment_kind == "time-skipping":
        yield env
        return
    server = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=_bundled_test_server(),
        test_server_startup_timeout=SERVER_STARTUP_TIMEOUT,
    )
    yield server
    await server.shutdown()


@pytest.fixture
async def own_time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of the test's own: its clock moves only for this test, which
    a shared server's can't while another test's workflow still has work pending there."""
    server = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=_bundled_test_server(),
        test_server_startup_timeout=SERVER_STARTUP_TIMEOUT,
    )
    yield server
    await server.shutdown()


@pytest.fixture(scope="session")
def dev_server_address(dev_server_env: WorkflowEnvironment) -> str:
    """Address of a real dev server for the scripts under test."""
    return dev_server_env.client.service_client.config.target_host
