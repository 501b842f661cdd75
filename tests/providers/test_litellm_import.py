"""LiteLLM is quiet in these workers: no network at import (it otherwise fetches its model
cost map), checked in a fresh process whose network calls are recorded and refused; and
no module of the samples acts on import."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers.processes import script_environment

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


def test_a_worker_imports_litellm_without_calling_out() -> None:
    """What the LiteLLM worker does, in its order: its environment, then the import."""
    statement = (
        "from openai_agents.model_providers.support import worker_environment\n"
        "worker_environment.no_traces_to_openai_and_litellm_offline()\n"
        "import openai_agents.model_providers.providers.litellm_checks"
    )
    assert network_attempts_while(statement) == 0


def test_a_starter_prices_usage_without_calling_out() -> None:
    """A starter prices a run's usage from LiteLLM's bundled cost map, not a fetched one."""
    statement = (
        "from openai_agents.model_providers.workflows.answers import ModelUsage\n"
        "from openai_agents.model_providers.support.usage import priced\n"
        "[record] = priced([ModelUsage('litellm/anthropic/claude-sonnet-4-5', 1, 10, 10)])\n"
        "assert record.cost_usd, record"
    )
    assert network_attempts_while(statement) == 0


def test_a_plain_litellm_import_would_have_called_out() -> None:
    """The control: the recorder does see LiteLLM's fetch when nothing switches it off."""
    assert network_attempts_while("import litellm") > 0


def test_no_module_acts_on_import() -> None:
    """Importing any module of the samples changes no environment variable and no logger:
    the workers do that when they start (`support/worker_environment.py`, `support/logs.py`)."""
    code = """
import importlib, logging, os, pkgutil, sys
import openai_agents.model_providers as samples
before_environment = dict(os.environ)
names = [m.name for m in pkgutil.walk_packages(samples.__path__, samples.__name__ + ".")]
# LiteLLM sets httpx's level as it is imported (walking the packages created that logger):
# LiteLLM's own doing, not a module of ours.
import litellm
before_levels = {n: l.level for n, l in logging.root.manager.loggerDict.items()
                 if isinstance(l, logging.Logger)}
for name in names:
    importlib.import_module(name)
changed_levels = [n for n, level in before_levels.items()
                  if logging.getLogger(n).level != level]
print(len(names), dict(os.environ) == before_environment, changed_levels)
"""
    completed = subprocess.run(
        [sys.executable, "-c", code],
        env=script_environment(LITELLM_LOCAL_MODEL_COST_MAP="True"),
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    count, environment_unchanged, changed_levels = completed.stdout.strip().rsplit(" ", 2)
    assert int(count.split()[-1]) > 20
    assert environment_unchanged == "True"
    assert changed_levels == "[]"
