"""The samples README's "Read it in this order" tables: each sample's walk through its
worker, starter, workflow and tool is at most 5 files and 300 lines, and the line counts
the README gives are the files' real ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "openai_agents" / "model_providers"
ROW = re.compile(r"^\|\s*(\d*)\s*\|\s*`?([^|`]+?)`?\s*\|\s*(\d+)\s*\|", re.MULTILINE)


def reading_order(sample: str) -> list[tuple[str, str, int]]:
    """(order, file, lines) rows of one sample's table; order "" for the total row."""
    readme = (SAMPLES_DIR / "README.md").read_text()
    section = readme.split("### Read it in this order", 1)[1]
    table = section.split(f"**{sample}**", 1)[1].split("\n\n**", 1)[0].split("\n\n#", 1)[0]
    return [(order, name, int(lines)) for order, name, lines in ROW.findall(table)]


@pytest.mark.parametrize("sample", ["GPT-OSS", "LiteLLM", "Router", "Streaming", "Chat"])
def test_each_sample_reads_in_at_most_5_files_and_300_lines(sample: str) -> None:
    """The walk is the rows above "total"; rows below it are further reading."""
    rows = reading_order(sample)
    total_row = next(i for i, (order, name, _lines) in enumerate(rows) if name == "total")
    walk = [(name, lines) for _order, name, lines in rows[:total_row]]
    total = rows[total_row][2]

    for name, lines in [(name, lines) for order, name, lines in rows if order]:
        assert len((SAMPLES_DIR / name).read_text().splitlines()) == lines, name
    assert len(walk) <= 5
    assert sum(lines for _name, lines in walk) == total
    assert total <= 300
