"""The extraction evaluation runs on the dev corpus and writes its table (a smoke test: the
counts add up; how good the figures are is docs/extraction.md's business, not this test's)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import REPO, SEEDS, need_corpus

# One row: | source | language | letters | date | date stated | country | country named |
_ROW = re.compile(r"^\| (\*\*all\*\*|\w+) \|\s*(\w*|\?)\s*\| (\d+) \|(.*)\|$")
_CELL = re.compile(r"^(\d+) / (\d+) / (\d+) / (\d+) \((\d+)\)$")


def _letters_on_disk() -> int:
    letters = need_corpus("letters")
    count = len(list((letters / "escher_sample" / "briefe").glob("*.xml")))
    for source in ("calvin_fr", "suriano_it", "israels_nl"):
        count += len(list((letters / source / "letters").rglob("*.xml")))
    seeds = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    # The first seed file holds two letters: a cover letter and the ministry's letter.
    count += len(seeds) + sum("## MINISTRY" in p.read_text(encoding="utf-8") for p in seeds)
    return count


@pytest.mark.slow  # reads every letter of the dev corpus twice
def test_the_evaluation_writes_a_table_whose_counts_add_up(tmp_path):
    need_corpus("letters", "escher_sample")
    out = tmp_path / "extraction.md"
    done = subprocess.run(
        [sys.executable, "-m", "indexer.ingest.metadata.evaluate", "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    text = out.read_text(encoding="utf-8")
    rows = [m for line in text.splitlines() if (m := _ROW.match(line))]
    assert rows and rows[-1][1] == "**all**"
    sources = {m[1] for m in rows[:-1]}
    assert {"escher", "calvin_fr", "suriano_it", "israels_nl"} <= sources

    sums = [[0] * 5 for _ in range(4)]
    letters = 0
    for m in rows[:-1]:
        letters += int(m[3])
        cells = [c.strip() for c in m[4].split("|")]
        assert len(cells) == 4
        for k, cell in enumerate(cells):
            if cell == "–":
                continue
            got = _CELL.match(cell)
            assert got, cell
            right, wrong, missing, suggested, total = map(int, got.groups())
            assert right + wrong + missing + suggested == total <= int(m[3])
            sums[k] = [a + b for a, b in zip(sums[k], map(int, got.groups()), strict=True)]
    assert letters == int(rows[-1][3]) == _letters_on_disk()
    totals = [c.strip() for c in rows[-1][4].split("|")]
    for k, cell in enumerate(totals):
        assert list(map(int, _CELL.match(cell).groups())) == sums[k]
    # Letters whose dateline states the full date are among those the edition dates.
    assert sums[1][4] <= sums[0][4] and sums[3][4] <= sums[2][4]
    assert "## Against the targets" in text


def test_the_evaluation_names_a_missing_corpus(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "indexer.ingest.metadata.evaluate", "--corpus", str(tmp_path),
         "--out", str(tmp_path / "x.md")],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert f"{tmp_path}: no letters/ folder" in done.stderr
    assert not (tmp_path / "x.md").exists()
