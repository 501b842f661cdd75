"""The one list of failure types (`providers/errors/types.py`) is the list the providers
raise: read from their source, so a new or renamed type that is not on it fails here, and
not by silently dropping out of failover."""

from __future__ import annotations

import ast
from pathlib import Path

import openai_agents.model_providers.providers as providers
from openai_agents.model_providers.providers.errors.types import (
    FAILOVER_TYPES,
    FAILURE_TYPES,
    FailureType,
)
from openai_agents.model_providers.workflows import failover

SOURCES = sorted(Path(providers.__file__).parent.rglob("*.py"))


def raised_types() -> dict[str, list[str]]:
    """The `type` of every `ApplicationError(...)` the providers build, as written (a
    `FailureType.X` attribute, or anything else), with where each is."""
    found: dict[str, list[str]] = {}
    for source in SOURCES:
        for node in ast.walk(ast.parse(source.read_text())):
            if not (
                isinstance(node, ast.Call) and getattr(node.func, "id", "") == "ApplicationError"
            ):
                continue
            for keyword in node.keywords:
                if keyword.arg == "type":
                    written = ast.unparse(keyword.value)
                    found.setdefault(written, []).append(f"{source.name}:{node.lineno}")
    return found


def test_every_type_the_providers_raise_is_on_the_list_and_every_listed_one_is_raised() -> None:
    written = raised_types()
    # A recorded cause keeps its original class name: not a failure type of ours.
    written.pop("type(original).__name__")

    listed = {f"FailureType.{name}" for name in FAILURE_TYPES}
    off_the_list = {text: where for text, where in written.items() if text not in listed}
    assert off_the_list == {}, "raise these as FailureType names, listed in errors/types.py"
    assert set(written) == listed, "listed but raised nowhere"


def test_the_names_are_the_strings_temporal_records() -> None:
    for name in FAILURE_TYPES:
        assert getattr(FailureType, name) == name


def test_failover_reads_the_same_list() -> None:
    assert FAILOVER_TYPES < FAILURE_TYPES
    assert vars(failover)["FAILOVER_TYPES"] is FAILOVER_TYPES
    # A request no model could take is not failed over.
    assert FAILOVER_TYPES.isdisjoint(
        {FailureType.ContextWindowExceeded, FailureType.ModelOutputTruncated}
    )


def test_the_list_imports_only_the_standard_library() -> None:
    # Workflow code imports it inside Temporal's sandbox.
    tree = ast.parse((Path(providers.__file__).parent / "errors" / "types.py").read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert imported <= {"__future__", "typing"}
