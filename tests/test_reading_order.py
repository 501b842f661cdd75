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


@pytest.mark.parametrize("sample", ["GPT-OSS", "LiteLLM", "Router"])
def test_each_sample_reads_in_at_most_5_files_and_300_lines(sample: str) -> None:
    rows = reading_order(sample)
    walk = [(name, lines) for order, name, lines in rows if order and order <= "4"]
    [total] = [lines for order, name, lines in rows if not order and name == "total"]

    for name, lines in [(name, lines) for order, name, lines in rows if order]:
        assert len((SAMPLES_DIR / name).read_text().splitlines()) == lines, name
    assert len(walk) <= 5
    assert sum(lines for _name, lines in walk) == total
    assert total <= 300
