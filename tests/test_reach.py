"""`python -m bench.reach`, the samples' reach report: its command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]


def reach(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bench.reach", *arguments],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_help_is_usage_not_a_path() -> None:
    completed = reach("--help")

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("usage: python -m bench.reach")
    assert completed.stderr == ""


def test_a_path_outside_the_repository_is_refused_in_one_line(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.py"
    outside.write_text("import os\n")

    completed = reach(str(outside))

    assert completed.returncode == 2
    last = completed.stderr.splitlines()[-1]
    assert last == (
        f"python -m bench.reach: error: argument MODULE: {outside} is not a Python module of "
        "this repository"
    )
    assert "Traceback" not in completed.stderr


def test_a_module_lists_what_it_reaches() -> None:
    workflow = "openai_agents/model_providers/workflows/gpt_oss_workflow.py"

    completed = reach(workflow)

    assert completed.returncode == 0, completed.stderr
    reached = [line.split()[1] for line in completed.stdout.splitlines()]
    assert workflow in reached
    assert "openai_agents/__init__.py" in reached
