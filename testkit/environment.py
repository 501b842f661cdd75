"""The environment of a sample script or worker that the tests or the benchmark start:
this process's, without the developer's provider and Temporal settings, which would send
its requests elsewhere. Standard library only: the benchmark imports it before anything
heavy."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Collection
from pathlib import Path

# Variables a developer's shell may carry that would send the tests' requests elsewhere
# (besides every TEMPORAL_* variable, which envconfig reads).
DEVELOPER_VARIABLES = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
    "ANTHROPIC_API_BASE",
    "OLLAMA_HOST",
    "OLLAMA_API_KEY",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)


def is_developer_setting(name: str) -> bool:
    return name in DEVELOPER_VARIABLES or name.startswith("TEMPORAL_")


def isolated_environment(*, without: Collection[str] = (), **overrides: str) -> dict[str, str]:
    """This process's environment minus developer settings and `without`, plus `overrides`."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not is_developer_setting(name) and name not in without
    }
    environment["PYTHONUNBUFFERED"] = "1"  # Log lines arrive as they are written.
    # No user config profile: the process must reach the server it is given.
    environment["TEMPORAL_CONFIG_FILE"] = str(Path(tempfile.gettempdir()) / "no-temporal.toml")
    environment.update(overrides)
    return environment
