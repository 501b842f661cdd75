"""What a reader opens for each sample, as the samples README's "Read it in this order" table
states it: the sample's worker and starter, and every module of this repository they import,
followed through every module outside `providers/` (the provider library is read on its
own; a package's `__init__.py` only lists names). Only the file lists are checked; how long
the files are is information, printed by `uv run python -m tests.test_reading_order`."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
SAMPLES_DIR = REPOSITORY / "openai_agents" / "model_providers"
PACKAGE = "openai_agents.model_providers"
# Each sample's scripts: its worker, then its starter.
SAMPLES = {
    "GPT-OSS": ("run_gpt_oss_worker.py", "run_gpt_oss_workflow.py"),
    "LiteLLM": ("run_litellm_provider_worker.py", "run_litellm_auto_workflow.py"),
    "Router": ("run_multi_provider_worker.py", "run_multi_provider_workflow.py"),
    "Streaming": ("run_multi_provider_worker.py", "run_streaming_workflow.py"),
    "Chat": ("run_multi_provider_worker.py", "run_chat_workflow.py"),
    "Handoffs": ("run_multi_provider_worker.py", "run_handoffs_workflow.py"),
    "Typed-answers": ("run_multi_provider_worker.py", "run_structured_output_workflow.py"),
    "Approval": ("run_multi_provider_worker.py", "run_approval_workflow.py"),
    "MCP": ("run_multi_provider_worker.py", "run_mcp_workflow.py"),
}
ROW = re.compile(r"^\| (?P<sample>[\w-]+) \| (?P<files>[^|]+) \|$")


def imported_modules(path: Path) -> list[Path]:
    """The repository modules `path` imports (at any depth of its code), in order."""
    found: list[Path] = []
    for node in ast.walk(ast.parse(path.read_text())):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            module = module_file(name)
            if module is not None and module not in found:
                found.append(module)
    return found


def module_file(name: str) -> Path | None:
    """The file of a module under the samples' package, outside `providers/`, that is not a
    package's `__init__.py`; None for anything else."""
    if not name.startswith(f"{PACKAGE}."):
        return None
    parts = name.removeprefix(f"{PACKAGE}.").split(".")
    if parts[0] == "providers":
        return None
    candidate = SAMPLES_DIR.joinpath(*parts).with_suffix(".py")
    return candidate if candidate.is_file() else None


def reading_order(scripts: tuple[str, ...]) -> list[Path]:
    """The scripts, then what they import, depth first, each file once; `support/` (the
    plumbing a reader may skip) last."""
    order: list[Path] = []
    pending = [SAMPLES_DIR / script for script in reversed(scripts)]
    while pending:
        path = pending.pop()
        if path not in order:
            order.append(path)
            pending.extend(reversed(imported_modules(path)))
    return sorted(order, key=lambda path: path.parent.name == "support")


def readme_rows() -> dict[str, re.Match[str]]:
    readme = (SAMPLES_DIR / "README.md").read_text()
    section = readme.split("### Read it in this order", 1)[1]
    return {m["sample"]: m for m in map(ROW.match, section.splitlines()) if m}


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_the_readme_states_what_a_reader_opens_for_each_sample(sample: str) -> None:
    files = reading_order(SAMPLES[sample])
    row = readme_rows()[sample]
    named = [name.strip().strip("`") for name in row["files"].split(",")]
    assert named == [str(f.relative_to(SAMPLES_DIR)) for f in files]


if __name__ == "__main__":  # `uv run python -m tests.test_reading_order`: the README's rows.
    for name, scripts in SAMPLES.items():
        files = reading_order(scripts)
        listed = ", ".join(f"`{f.relative_to(SAMPLES_DIR)}`" for f in files)
        print(f"| {name} | {listed} |")
    print()
    for name, scripts in SAMPLES.items():
        files = reading_order(scripts)
        lines = sum(len(f.read_text().splitlines()) for f in files)
        print(f"{name}: {len(files)} files, {lines} lines")
