"""A script's `main` run in this process: what a script checks and reports, without the
seconds a fresh interpreter costs. The scripts' argument parsers and `run_script` itself
are proven by a few real-process tests; these cover every case in between."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from openai_agents.model_providers.providers import DEFAULT_MAX_TOKENS
from openai_agents.model_providers.support.arguments import (
    DEFAULT_CONTEXT_TOKENS,
    DEFAULT_HEARTBEAT_TIMEOUT_SECONDS,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_CONCURRENT_CALLS,
    DEFAULT_MODEL_CALL_TIMEOUT_SECONDS,
    DEFAULT_PROMPT,
)
from openai_agents.model_providers.support.script import failure_line
from openai_agents.model_providers.workflows.approvals import DEFAULT_APPROVAL_TIMEOUT
from openai_agents.model_providers.workflows.shared import MODEL_CALLS_TASK_QUEUE

# Every option any script has, at its parser's default; a script reads only its own.
_DEFAULTS: dict[str, Any] = {
    "prompt": DEFAULT_PROMPT,
    "prompt_file": None,
    "workflow_id": None,
    "verbose": False,
    "timeout": DEFAULT_MODEL_CALL_TIMEOUT_SECONDS,
    "heartbeat_timeout": DEFAULT_HEARTBEAT_TIMEOUT_SECONDS,
    "max_attempts": DEFAULT_MAX_ATTEMPTS,
    "max_tokens": DEFAULT_MAX_TOKENS,
    "fast_path": False,
    "api": "openai-compatible",
    "default_prefix": "ollama",
    "check_model": [],
    "model_task_queue": None,
    "task_queue": MODEL_CALLS_TASK_QUEUE,
    "calls_per_second": None,
    "max_concurrent_calls": DEFAULT_MAX_CONCURRENT_CALLS,
    "context_tokens": DEFAULT_CONTEXT_TOKENS,
    "sample": "gpt-oss",
    "keep_server": False,
    "trace": False,
    "bundled_model": None,
    "conversation_id": None,
    "memory_budget": None,
    "fallback_model": [],
    "require_approval": [],
    "approval_timeout": DEFAULT_APPROVAL_TIMEOUT,
    "list": False,
    "approve": None,
    "reject": None,
    "reason": "",
    "by": "tester",
}

ScriptMain = Callable[[argparse.Namespace], Awaitable[int]]


def script_arguments(**options: Any) -> argparse.Namespace:
    """A script's parsed arguments: `options`, and every other option at its default."""
    return argparse.Namespace(**{**_DEFAULTS, **options})


async def failure_of(main: ScriptMain, **options: Any) -> tuple[str, int]:
    """The line and exit code the script would end with; fails if `main` succeeds."""
    with pytest.raises(Exception) as raised:
        await main(script_arguments(**options))
    return failure_line(raised.value)
