"""Rows of results, the printed table, the targets checked against them, and the JSON file
that lets two runs be compared."""

from __future__ import annotations

import json
import os
import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.environment import virtualenv_has_bytecode
from bench.timing import Summary


@dataclass(frozen=True)
class Row:
    """One line of the table. `summary` is None for what was not measured (`note` says why).

    `key` is stable across runs and versions of this benchmark: compare JSON files by it.
    """

    key: str
    label: str
    unit: str
    summary: Summary | None
    note: str = ""
    cpu_ms: float | None = None
    """Median CPU of the benchmark process per sample, where the row records it (row 13)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "unit": self.unit,
            "measured": self.summary is not None,
            **(self.summary.as_dict() if self.summary else {}),
            **({"cpu_ms": self.cpu_ms} if self.cpu_ms is not None else {}),
            "note": self.note,
        }


@dataclass(frozen=True)
class Target:
    """One of the issue's goals, and whether this run met it."""

    goal: str
    met: bool | None  # None: not measurable on this machine.
    evidence: str


def load_average() -> float | None:
    """The 1-minute load average, where the system reports one. Recorded at the start
    and the end of a run: a load near or above the core count means other processes
    shared the machine, and the numbers are not comparable with a quiet run's."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):  # Windows has no load average.
        return None


@dataclass
class Results:
    load_before: float | None = field(default_factory=load_average)
    rows: list[Row] = field(default_factory=list)
    # Facts that are not timings: which modules a worker imported, its top import costs.
    findings: dict[str, Any] = field(default_factory=dict)

    def row(self, key: str) -> Row | None:
        return next((row for row in self.rows if row.key == key), None)

    def median(self, key: str) -> float | None:
        row = self.row(key)
        return row.summary.median if row and row.summary else None


def machine() -> dict[str, Any]:
    """What a reader needs to know before comparing this run's numbers with another's."""
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "processor": platform.machine(),
        # Without it, worker start-up with --read-only-bytecode includes compiling.
        "virtualenv_bytecode": virtualenv_has_bytecode(),
    }


def _number(value: float) -> str:
    """Three significant figures at most, never in exponent notation."""
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}" if value >= 1 else f"{value:.3f}"


def table(rows: Sequence[Row]) -> str:
    header = ("what", "median", "p10-p90", "n", "unit", "note")
    lines = [header]
    for row in rows:
        summary = row.summary
        if summary is None:
            lines.append((row.label, "-", "-", "0", row.unit, row.note))
            continue
        spread = f"{_number(summary.p10)}-{_number(summary.p90)}"
        lines.append(
            (row.label, _number(summary.median), spread, str(summary.n), row.unit, row.note)
        )
    widths = [max(len(line[column]) for line in lines) for column in range(len(header) - 1)]

    def render(line: Sequence[str]) -> str:
        cells = [
            cell.ljust(width) if column == 0 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(line, widths, strict=False))
        ]
        return "  ".join([*cells, line[-1]]).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([render(lines[0]), rule, *(render(line) for line in lines[1:])])


def targets(results: Results) -> list[Target]:
    """The issue's targets, judged from this run alone (each compares rows of one run, on
    one machine, so a slower machine does not fail them)."""
    found: list[Target] = []
    regular, fast = results.median("workflow_regular"), results.median("workflow_local_eager")
    if regular is not None and fast is not None:
        found.append(
            Target(
                "fast path (local activities + eager start) median >= 4x lower than regular",
                regular >= 4 * fast,
                f"{regular:.1f} ms / {fast:.1f} ms = {regular / fast:.2f}x",
            )
        )
    native, compatible = (
        results.median("model_call_cpu_native"),
        results.median("model_call_cpu_openai"),
    )
    if native is not None and compatible is not None:
        found.append(
            Target(
                "native Ollama client CPU per call <= OpenAI-compatible path",
                native <= compatible,
                f"{native:.3f} ms vs {compatible:.3f} ms CPU",
            )
        )
    floor = results.median("import_floor")
    for worker in ("gpt_oss", "router"):
        start = results.median(f"startup_{worker}")
        if floor is not None and start is not None:
            found.append(
                Target(
                    f"{worker} worker starts within 1.3x of `import agents, temporalio`",
                    start <= 1.3 * floor,
                    f"{start:.2f} s / {floor:.2f} s = {start / floor:.2f}x (limit 1.30x)",
                )
            )
        imported = results.findings.get("litellm_imported", {}).get(worker)
        if imported is not None:
            found.append(
                Target(
                    f"{worker} worker does not import LiteLLM before serving",
                    not imported,
                    "litellm imported" if imported else "litellm not imported",
                )
            )
    for measure in ("input", "history"):
        middle = results.median(f"conversation_{measure}_middle")
        late = results.median(f"conversation_{measure}_late")
        if middle is not None and late is not None:
            found.append(
                Target(
                    f"long conversation: {measure} per exchange flat (late <= 1.2x middle)",
                    late <= 1.2 * middle,
                    f"{late:.0f} / {middle:.0f} bytes = {late / middle:.2f}x",
                )
            )
    warnings = results.median("conversation_warnings")
    if warnings is not None:
        found.append(
            Target("long conversation: no warning from Temporal", warnings == 0, f"{warnings:.0f}")
        )
    off, on = results.median("tracing_off_real_model"), results.median("tracing_on_real_model")
    off_row, on_row = results.row("tracing_off_real_model"), results.row("tracing_on_real_model")
    if off is not None and on is not None and off_row and on_row:
        # Judged on the worker CPU tracing adds, which is what it costs: the wall-clock ratio
        # of two samples of a real model call swings more than 5% either way on its own.
        if off_row.cpu_ms is not None and on_row.cpu_ms is not None:
            added = on_row.cpu_ms - off_row.cpu_ms
            met: bool | None = added < 0.05 * off
            cpu = f"worker CPU +{added:.1f} ms a call / {off:.1f} ms = {added / off:.1%}"
        else:
            met, cpu = None, "worker CPU not recorded"
        found.append(
            Target(
                "tracing adds under 5% to a real model call (worker CPU added / call median)",
                met,
                f"{cpu}; wall on/off {on:.1f} ms / {off:.1f} ms = {on / off:.2f}x",
            )
        )
    return found


def targets_text(found: Sequence[Target]) -> str:
    lines = ["Targets (judged within this run):"]
    for target in found:
        verdict = {True: "met", False: "NOT MET", None: "n/a"}[target.met]
        lines.append(f"  [{verdict}] {target.goal}: {target.evidence}")
    return "\n".join(lines)


def write_json(path: Path, results: Results, options: dict[str, Any]) -> None:
    document = {
        "machine": {
            **machine(),
            "load_average_before": results.load_before,
            "load_average_after": load_average(),
        },
        "options": options,
        "argv": sys.argv[1:],
        "rows": [row.as_dict() for row in results.rows],
        "findings": results.findings,
        "targets": [
            {"goal": t.goal, "met": t.met, "evidence": t.evidence} for t in targets(results)
        ],
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
