"""Process-wide switches the benchmark sets before anything imports `agents` or `litellm`,
and the environment its child processes get.

This module imports nothing heavy on purpose: `bench/__main__.py` imports it first and
applies `SWITCHES` before the rest of the package pulls in the Agents SDK.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from testkit.environment import isolated_environment

SWITCHES = {
    # The Agents SDK would export traces to OpenAI (no key here: one warning per run and
    # background work that would be timed). The Temporal plugin's trace provider reads this.
    "OPENAI_AGENTS_DISABLE_TRACING": "1",
    # LiteLLM fetches its model cost map from the network while it is imported unless told
    # to use the copy it ships: no network here, and a fetch would distort start-up times.
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "LITELLM_OFFLINE_MODE": "true",
}


def apply_switches() -> None:
    """Set `SWITCHES` in this process. They override the shell's values on purpose: two
    runs are comparable only if both ran with the same switches."""
    os.environ.update(SWITCHES)


_BYTECODE_VARIABLES = ("PYTHONPYCACHEPREFIX", "PYTHONDONTWRITEBYTECODE")


@contextmanager
def private_bytecode_cache(read_only_children: bool = False) -> Iterator[Path]:
    """Compiled bytecode for this process and its children, in a directory of this run.

    An installed worker imports from bytecode caches (`__pycache__`), written at its first
    start. Without them every start compiles every module from source again: on 2 cores
    that adds about 1.7 s to `import agents, temporalio` alone, and more to a worker (it
    imports more, and Temporal's default build id compiles every loaded module once more
    to hash it). Some environments never write them (`PYTHONDONTWRITEBYTECODE=1`, as on
    the machine the README's numbers come from, whose virtualenv holds no `.pyc`).
    `PYTHONPYCACHEPREFIX` sends reads and writes to a directory of this run instead, so
    every run starts from the same state, whatever the virtualenv holds, and nothing is
    written into it. The start-up phase makes one unmeasured start of each command first,
    which fills the cache; the measured starts then load bytecode, as deployments do.

    With `read_only_children`, child processes use only the bytecode the installation
    already holds and write none, as in a read-only image: where the virtualenv has no
    `.pyc` files, each start compiles those packages again (the standard library keeps
    its own caches).
    """
    saved = sys.pycache_prefix, sys.dont_write_bytecode
    saved_variables = {name: os.environ.get(name) for name in _BYTECODE_VARIABLES}
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as directory:
        sys.pycache_prefix, sys.dont_write_bytecode = directory, False
        if read_only_children:
            os.environ.pop("PYTHONPYCACHEPREFIX", None)
            os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
        else:
            os.environ["PYTHONPYCACHEPREFIX"] = directory
            os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        try:
            yield Path(directory)
        finally:
            sys.pycache_prefix, sys.dont_write_bytecode = saved
            for name, value in saved_variables.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def virtualenv_has_bytecode() -> bool:
    """Whether the installed Agents SDK comes with compiled bytecode next to its source
    (what a read-only start can use), judged by its package's `__init__`."""
    spec = importlib.util.find_spec("agents")
    if spec is None or spec.origin is None:
        return False
    source = Path(spec.origin)
    tag = sys.implementation.cache_tag
    return (source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc").is_file()


def child_environment(**overrides: str) -> dict[str, str]:
    """The environment for a worker or helper process: this one's, minus the developer's
    provider and Temporal settings, plus `SWITCHES` and `overrides`."""
    return isolated_environment(**{**SWITCHES, **overrides})
