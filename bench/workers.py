"""Row 7: how long each sample worker takes from launch to polling, and its peak memory,
against the bare `python -c "import agents, temporalio"` the issue measures them by; and
`import_profile`, one more start under `python -X importtime`, to see what start-up is made
of and whether a worker imported LiteLLM.

Each worker is the sample script itself, as a user starts it, in its own process, against
the benchmark's dev server (`TEMPORAL_ADDRESS`). The samples of different workers are
interleaved round by round, so slow drift on the machine falls on all of them alike.

This module's functions block (they wait on child processes): call them in a thread.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.environment import child_environment
from bench.fake_ollama import REPOSITORY, FakeOllamaURLs
from bench.report import Row
from bench.timing import Summary

SCRIPTS = REPOSITORY / "openai_agents" / "model_providers"
READY = "Worker serving"  # What each worker logs once it polls its task queue.
START_TIMEOUT_SECONDS = 120.0
STOP_TIMEOUT_SECONDS = 30.0
IMPORTED = "imported"
IMPORT_FLOOR = (
    "-c",
    f"import agents, temporalio; import sys; print({IMPORTED!r}, file=sys.stderr)",
)
TOP_IMPORTS = 8  # Entries kept per list in the import profile.


@dataclass(frozen=True)
class WorkerCommand:
    key: str
    label: str
    script: str
    arguments: tuple[str, ...] = ()
    environment: dict[str, str] = field(default_factory=dict)


def worker_commands(temporal_address: str, fakes: FakeOllamaURLs) -> list[WorkerCommand]:
    temporal = {"TEMPORAL_ADDRESS": temporal_address}
    return [
        # Its start-up check asks the OpenAI-compatible fake for gpt-oss:20b.
        WorkerCommand(
            "gpt_oss",
            "GPT-OSS worker",
            "run_gpt_oss_worker.py",
            environment={**temporal, "OLLAMA_HOST": fakes.openai_compatible},
        ),
        # The dummy key passes the worker's credential check; no model call is made.
        WorkerCommand(
            "litellm",
            "LiteLLM worker",
            "run_litellm_provider_worker.py",
            ("--model", "anthropic/claude-sonnet-4-5"),
            {**temporal, "ANTHROPIC_API_KEY": "bench-dummy-key"},
        ),
        WorkerCommand(
            "router",
            "router worker",
            "run_multi_provider_worker.py",
            environment={**temporal, "OLLAMA_HOST": fakes.native},
        ),
    ]


@dataclass(frozen=True)
class StartSample:
    seconds: float  # Launch to the line awaited (READY for a worker).
    peak_mib: float | None  # VmHWM just before the stop; None where /proc is missing.
    log: list[str]  # Everything the worker wrote to stderr up to READY.


def _peak_mib(pid: int) -> float | None:
    """The process's peak resident set size (VmHWM), read from /proc while it still runs.

    `getrusage(RUSAGE_CHILDREN)` would not do: it is the maximum over all children that
    have ended, so one heavy worker would hide every lighter one measured after it.
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # Not Linux.
        return None
    match = re.search(r"^VmHWM:\s+(\d+)\s+kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


def _launch_until(
    label: str, argv: list[str], environment: dict[str, str], marker: str
) -> tuple[subprocess.Popen[str], StartSample]:
    """Launch `argv` and wait until it writes a line holding `marker` to stderr; the
    process is left running. The sample's peak memory is read at that moment."""
    launched = time.perf_counter()
    process = subprocess.Popen(
        argv,
        cwd=REPOSITORY,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,  # Logging goes to stderr, and so does -X importtime.
        text=True,
    )
    # A process that never gets there is killed, which ends the loop below.
    watchdog = threading.Timer(START_TIMEOUT_SECONDS, process.kill)
    watchdog.start()
    log: list[str] = []
    after: float | None = None
    try:
        assert process.stderr is not None
        for line in process.stderr:
            log.append(line)
            if marker in line:
                after = time.perf_counter() - launched
                break
    finally:
        watchdog.cancel()
    if after is None:
        process.wait()
        tail = "".join(log[-15:])
        raise RuntimeError(f"{label} never wrote {marker!r}; its last words:\n{tail}")
    return process, StartSample(after, _peak_mib(process.pid), log)


def _wait_for_exit(label: str, process: subprocess.Popen[str]) -> None:
    try:
        # `communicate` keeps reading stderr, so a process logging its shutdown never
        # blocks on a full pipe.
        process.communicate(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as error:
        process.kill()
        process.communicate()
        raise RuntimeError(f"{label} did not exit within {STOP_TIMEOUT_SECONDS} s") from error
    if process.returncode != 0:
        raise RuntimeError(f"{label} exited with {process.returncode}")


def start_and_stop(command: WorkerCommand, python_flags: tuple[str, ...] = ()) -> StartSample:
    """Launch the worker, wait for READY, read its peak memory, stop it with SIGTERM."""
    process, sample = _launch_until(
        command.label,
        [sys.executable, *python_flags, str(SCRIPTS / command.script), *command.arguments],
        child_environment(**command.environment),
        READY,
    )
    process.send_signal(signal.SIGTERM)
    _wait_for_exit(command.label, process)
    return sample


def import_floor_seconds() -> float:
    """Launch to the end of `import agents, temporalio` in a fresh interpreter.

    Timed, like the workers, up to a line the process writes (here right after the
    imports), so neither figure includes interpreter teardown, which `time python -c
    "import agents, temporalio"` would add to the reference alone.
    """
    process, sample = _launch_until(
        "the import floor", [sys.executable, *IMPORT_FLOOR], child_environment(), IMPORTED
    )
    _wait_for_exit("the import floor", process)
    return sample.seconds


def startup_rows(commands: list[WorkerCommand], samples: int, warm_up: bool = True) -> list[Row]:
    """The import floor and each worker, `samples` times, round by round.

    An unmeasured first round (unless `warm_up` is off, as in the suite's smoke test) fills
    the bytecode cache (see `environment.private_bytecode_cache`) and the page cache, so
    that every measured start finds what a worker's second start on a machine finds.
    """
    if warm_up:
        import_floor_seconds()
        for command in commands:
            start_and_stop(command)
    floor: list[float] = []
    starts: dict[str, list[StartSample]] = defaultdict(list)
    for _ in range(samples):
        floor.append(import_floor_seconds())
        for command in commands:
            starts[command.key].append(start_and_stop(command))
    rows = [
        Row(
            "import_floor",
            '7 python -c "import agents, temporalio"',
            "s",
            Summary.of(floor),
            "reference: launch to imported",
        )
    ]
    rows += [
        Row(
            f"startup_{c.key}",
            f"7 start-up, {c.label}",
            "s",
            Summary.of([s.seconds for s in starts[c.key]]),
            f"launch to {READY!r}",
        )
        for c in commands
    ]
    for command in commands:
        peaks = [s.peak_mib for s in starts[command.key] if s.peak_mib is not None]
        rows.append(
            Row(
                f"memory_{command.key}",
                f"7 peak memory, {command.label}",
                "MiB",
                Summary.of(peaks) if peaks else None,
                "VmHWM at serving" if peaks else "n/a: needs Linux /proc/<pid>/status",
            )
        )
    return rows


# `-X importtime` writes "import time: <self us> | <cumulative us> | <indent><module>".
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|( *)(\S+)\s*$")


def import_profile(command: WorkerCommand) -> dict[str, Any]:
    """One start with `-X importtime`: what the imports before READY cost, biggest first.

    Not a timed sample (the profiler slows imports down); it explains the timed ones.
    `top_level_imports` are the imports made outside any other import (mostly by the
    worker's own code), each with everything it pulled in; `by_package` adds up the
    modules' own time per top-level package.
    """
    sample = start_and_stop(command, python_flags=("-X", "importtime"))
    top_level: list[tuple[str, float]] = []
    by_package: dict[str, float] = defaultdict(float)
    imported: set[str] = set()
    for line in sample.log:
        match = _IMPORT_LINE.match(line)
        if match is None:
            continue
        own_us, cumulative_us, indent, module = match.groups()
        imported.add(module)
        by_package[module.split(".")[0]] += int(own_us) / 1e6
        if len(indent) == 1:  # The format puts one space before a top-level module.
            top_level.append((module, int(cumulative_us) / 1e6))
    top_level.sort(key=lambda entry: entry[1], reverse=True)
    packages = sorted(by_package.items(), key=lambda entry: entry[1], reverse=True)
    return {
        "seconds_to_ready_under_importtime": round(sample.seconds, 3),
        "import_seconds_total": round(sum(by_package.values()), 3),
        "litellm_imported": any(m == "litellm" or m.startswith("litellm.") for m in imported),
        "top_level_imports": [[m, round(s, 3)] for m, s in top_level[:TOP_IMPORTS]],
        "by_package": [[p, round(s, 3)] for p, s in packages[:TOP_IMPORTS]],
    }
