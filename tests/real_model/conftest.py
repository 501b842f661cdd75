"""The real-model tier: the samples' own scripts, as separate processes, against a real
inference server (llama.cpp's `llama-server` with SmolLM2-135M-Instruct, greedy, so its
replies repeat) and a real Temporal dev server.

Runs with `--real-model` (CI runs it: `uv run pytest --real-model -m real_model -n 0`), one
test at a time against one server. It needs the server built once per machine
(`uv run python -m openai_agents.model_providers.support.bundled_model install`,
or the demo's first run); where it is missing the tier skips, but with
`CI` set it fails instead, so that a CI run never passes without it.

At 135M parameters the model calls a tool only when the prompt spells the call out in the
chat template's own words (`bundled_model.TOOL_CALL_PROMPT`): that is test plumbing, not
the model's judgement. What the tier proves is the samples' side: requests the real server
takes, its real replies, streams, tool calls and timeouts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from openai_agents.model_providers.support import bundled_model


@dataclass(frozen=True)
class RealModelServer:
    url: str
    """Its base URL; its OpenAI API is under `/v1`."""
    log: Path

    def cancelled_requests(self) -> int:
        """Requests the server stopped generating for because their client went away."""
        return self.log.read_text().count("stop: cancel task")


@pytest.fixture(scope="session")
def bundled_model_installed() -> None:
    """Skips the test where the bundled model is not installed (fails it in CI)."""
    reason = bundled_model.missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the real-model tier cannot run: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def real_model_server(
    bundled_model_installed: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RealModelServer]:
    """A running llama-server, for the session."""
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with bundled_model.running_server(log) as url:
        yield RealModelServer(url, log)
