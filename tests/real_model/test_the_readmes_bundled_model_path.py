"""The samples' README's "No Ollama? The bundled model" path, run as it is written there:
its `serve` command, its exports, and its worker and starter commands, each parsed from the
README, against the cached bundled model and a real dev server. Only what a test must own
changes: the port (a free one instead of 8080) and Temporal's address."""

from __future__ import annotations

import re
import shlex
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from openai_agents.model_providers.support.bundled_model import SERVE_PORT
from openai_agents.model_providers.support.dev_server import free_local_port
from tests.helpers.processes import (
    SCRIPTS,
    printed_result,
    run_script,
    running_worker,
    script_environment,
    wait_until,
)

pytestmark = pytest.mark.real_model
SECTION = "### No Ollama? The bundled model\n"


def readme_commands() -> list[list[list[str]]]:
    """Each bash block of the section, as its commands split into words (comments dropped)."""
    text = (SCRIPTS / "README.md").read_text().split(SECTION, 1)[1].split("\n### ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", text, re.DOTALL)
    return [
        [shlex.split(line, comments=True) for line in block.splitlines() if line.strip()]
        for block in blocks
    ]


def exported(words: list[str], port: int) -> dict[str, str]:
    assert words[0] == "export", words
    pairs = (word.split("=", 1) for word in words[1:])
    return {name: value.replace(str(SERVE_PORT), str(port)) for name, value in pairs}


def script_and_arguments(words: list[str], environment: dict[str, str]) -> list[str]:
    """`uv run <a sample script> ARGS` as the script's name and its
    arguments, with the README's `$VARIABLES` expanded as the shell would."""
    assert words[:2] == ["uv", "run"], words
    expanded = [re.sub(r"\$(\w+)", lambda m: environment[m[1]], word) for word in words[2:]]
    return [Path(expanded[0]).name, *expanded[1:]]


def accepts_connections(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_the_readmes_bundled_model_commands_run_the_gpt_oss_and_router_samples(
    bundled_model_installed: None, dev_server_address: str, tmp_path: Path
) -> None:
    [install, serve], exports, gpt_oss, router, _approval = readme_commands()
    assert install[-1] == "install"
    port = free_local_port()
    assert serve[:3] == ["uv", "run", "python"], serve
    server = subprocess.Popen(
        [sys.executable, *serve[3:], "--port", str(port)],
        env=script_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        assert (
            server.stdout.readline()
            == f"smollm2:135m at http://127.0.0.1:{port}/v1; Ctrl-C to stop\n"
        )
        variables = {
            name: value for words in exports for name, value in exported(words, port).items()
        }
        environment = script_environment(TEMPORAL_ADDRESS=dev_server_address, **variables)
        results = []
        for worker, *starters in (gpt_oss, router):
            with running_worker(
                *script_and_arguments(worker, environment),
                environment=environment,
                tmp_path=tmp_path,
            ):
                for starter in starters:
                    name, *arguments = script_and_arguments(starter, environment)
                    completed = run_script(name, *arguments, environment=environment)
                    assert completed.returncode == 0, (starter, completed.stderr)
                    results.append(printed_result(completed.stdout))
        assert len(results) == 3 and all(results), results
        # Its supervisor's SIGTERM stops llama-server too: the port is free again.
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 130
        wait_until(lambda: not accepts_connections(port), "llama-server stops")
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
