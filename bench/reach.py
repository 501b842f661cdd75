"""`uv run python -m bench.reach`: how much of this repository each sample's worker, starter
and workflow import, and how deep `providers/`' chains of module-level imports go.

Information, not a gate (the samples' README shows the output). The modules counted are
the ones Python executes: every `import` of a repository module, at module level or inside
a function (as a worker's first call would run it), and the `__init__.py` of each package
on the way. Imports under `if TYPE_CHECKING:` are not run and are not counted.
"""

from __future__ import annotations

import argparse
import ast
import functools
import sys
from collections.abc import Iterator
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
SAMPLES_DIR = REPOSITORY / "openai_agents" / "model_providers"
PACKAGE = "openai_agents.model_providers"
PROVIDERS = f"{PACKAGE}.providers"

# Each sample's worker, starter and workflow module.
SAMPLES = {
    "GPT-OSS": ("run_gpt_oss_worker.py", "run_gpt_oss_workflow.py", "gpt_oss_workflow"),
    "LiteLLM": (
        "run_litellm_provider_worker.py",
        "run_litellm_auto_workflow.py",
        "litellm_auto_workflow",
    ),
    "Router": (
        "run_multi_provider_worker.py",
        "run_multi_provider_workflow.py",
        "multi_provider_workflow",
    ),
    "Streaming": (
        "run_multi_provider_worker.py",
        "run_streaming_workflow.py",
        "streaming_workflow",
    ),
    "Chat": ("run_multi_provider_worker.py", "run_chat_workflow.py", "chat_workflow"),
    "Handoffs": ("run_multi_provider_worker.py", "run_handoffs_workflow.py", "handoffs_workflow"),
    "Typed-answers": (
        "run_multi_provider_worker.py",
        "run_structured_output_workflow.py",
        "structured_output_workflow",
    ),
    "Approval": ("run_multi_provider_worker.py", "run_approval_workflow.py", "approval_workflow"),
    "MCP": ("run_multi_provider_worker.py", "run_mcp_workflow.py", "mcp_workflow"),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPOSITORY).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_path(name: str) -> Path | None:
    """The repository file of module `name` (a package's `__init__.py`), or None."""
    base = REPOSITORY.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _import_nodes(node: ast.AST, module_level_only: bool) -> Iterator[ast.Import | ast.ImportFrom]:
    for child in ast.iter_child_nodes(node):
        if _is_type_checking(child):
            continue
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child
        elif module_level_only and isinstance(
            child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
        ):
            continue
        else:
            yield from _import_nodes(child, module_level_only)


@functools.cache
def imports(path: Path, module_level_only: bool = False) -> tuple[Path, ...]:
    """The repository modules `path` imports, each the module named (a package's
    `__init__.py`, or a submodule where `from package import name` names one)."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path.parent)
    found: list[Path] = []
    for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8")), module_level_only):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        for name in names:
            target = module_path(name)
            if target is not None and target != path and target not in found:
                found.append(target)
    return tuple(found)


def with_parents(path: Path) -> list[Path]:
    """`path` and the `__init__.py` of every package above it, which Python runs first."""
    parents = [
        parent / "__init__.py"
        for parent in path.parents
        if parent != REPOSITORY and REPOSITORY in parent.parents
    ]
    return [*(p for p in parents if p.is_file() and p != path), path]


def reach(start: Path) -> list[Path]:
    """Every repository module that running `start` can execute."""
    seen: list[Path] = []
    pending = [start]
    while pending:
        for path in with_parents(pending.pop()):
            if path not in seen:
                seen.append(path)
                pending.extend(imports(path))
    return seen


def lines(paths: list[Path]) -> int:
    return sum(len(path.read_text(encoding="utf-8").splitlines()) for path in paths)


def providers_chain(with_packages: bool) -> list[Path]:
    """The longest chain of module-level imports among `providers/`' modules: each module
    in it imports the next when it is imported. Without `with_packages`, among the modules
    that do the work, the packages' `__init__.py` (which list their names) left out."""
    root = SAMPLES_DIR / "providers"
    modules = [
        module
        for module in sorted(root.rglob("*.py"))
        if with_packages or module.name != "__init__.py"
    ]

    @functools.cache
    def longest(path: Path) -> tuple[Path, ...]:
        chains = [
            longest(target)
            for target in imports(path, module_level_only=True)
            if root in target.parents and target in modules
        ]
        return (path, *max(chains, key=len, default=()))

    chains = sorted((longest(module) for module in modules), key=len)
    return list(chains[-1])


def report() -> str:
    rows = ["| Sample | Worker | Starter | Workflow |", "| --- | --- | --- | --- |"]
    for sample, (worker, starter, workflow) in SAMPLES.items():
        cells = []
        for start in (
            SAMPLES_DIR / worker,
            SAMPLES_DIR / starter,
            SAMPLES_DIR / "workflows" / f"{workflow}.py",
        ):
            reached = reach(start)
            cells.append(f"{len(reached)} modules, {lines(reached):,} lines")
        rows.append(f"| {sample} | {' | '.join(cells)} |")
    modules = len(list((SAMPLES_DIR / "providers").rglob("*.py")))
    rows += ["", f"providers/: {modules} modules; the longest chains of module-level imports:"]
    for with_packages, among in ((False, "modules"), (True, "with the packages' __init__.py")):
        chain = providers_chain(with_packages)
        shown = " -> ".join(str(p.relative_to(SAMPLES_DIR / "providers")) for p in chain)
        rows.append(f"  {among}: {len(chain)}: {shown}")
    return "\n".join(rows)


def repository_module(argument: str) -> Path:
    """A module path given on the command line, checked: the report follows only this
    repository's imports."""
    path = Path(argument).resolve()
    if path.suffix != ".py" or not path.is_file() or REPOSITORY not in path.parents:
        raise argparse.ArgumentTypeError(f"{argument} is not a Python module of this repository")
    return path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.reach",
        description="How much of this repository each sample's worker, starter and workflow "
        "import, and how deep providers/' chains of module-level imports go.",
    )
    parser.add_argument(
        "modules",
        nargs="*",
        type=repository_module,
        metavar="MODULE",
        help="instead of the report: the modules each of these files reaches, and their lines",
    )
    arguments = parser.parse_args(argv)
    if not arguments.modules:
        print(report())
    for path in arguments.modules:
        for reached in reach(path):
            print(f"{lines([reached]):6} {reached.relative_to(REPOSITORY)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
