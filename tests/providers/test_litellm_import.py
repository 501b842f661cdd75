"""LiteLLM is quiet in these samples: no network at import (it otherwise fetches its model
cost map), checked in a fresh process whose network calls are recorded and refused."""

from __future__ import annotations

import subprocess
import sys

from tests.processes import script_environment

_RECORD_NETWORK = """
import socket
attempts = []
def refuse(*args, **kwargs):
    attempts.append(args[:2])
    raise OSError("network refused by the test")
socket.getaddrinfo = refuse
socket.socket.connect = lambda self, address: refuse(address)
{statement}
print(len(attempts))
"""


def network_attempts_while(statement: str) -> int:
    completed = subprocess.run(
        [sys.executable, "-c", _RECORD_NETWORK.format(statement=statement)],
        env=script_environment(),  # Without the test process's own LiteLLM switch.
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    return int(completed.stdout.strip().splitlines()[-1])


def test_importing_the_litellm_backend_makes_no_network_call() -> None:
    assert network_attempts_while("import openai_agents.model_providers.litellm_backend") == 0


def test_a_plain_litellm_import_would_have_called_out() -> None:
    """The control: the recorder does see LiteLLM's fetch when nothing switches it off."""
    assert network_attempts_while("import litellm") > 0
