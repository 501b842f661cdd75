"""Samples to summaries: the median and the 10th-90th percentile spread.

Medians, not means: a benchmark on a shared 2-core machine sees occasional long pauses
(garbage collection, another process scheduled), and one of them would move a mean a lot
while it barely moves a median. p10-p90 shows how wide the usual spread is without being
set by the single worst sample, which min/max (also kept) are.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Summary:
    """A sample set in one unit (milliseconds, seconds, MB, workflows/s...)."""

    n: int
    median: float
    p10: float
    p90: float
    min: float
    max: float

    @classmethod
    def of(cls, samples: Sequence[float]) -> Summary:
        if not samples:
            raise ValueError("no samples to summarize")
        ordered = sorted(samples)
        if len(ordered) == 1:
            # `statistics.quantiles` needs two points; one sample is its own spread.
            p10 = p90 = ordered[0]
        else:
            # "inclusive" treats the samples as the whole population, so p10/p90 stay within
            # [min, max] even for a handful of samples (the default would extrapolate).
            deciles = statistics.quantiles(ordered, n=10, method="inclusive")
            p10, p90 = deciles[0], deciles[-1]
        return cls(
            n=len(ordered),
            median=statistics.median(ordered),
            p10=p10,
            p90=p90,
            min=ordered[0],
            max=ordered[-1],
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
