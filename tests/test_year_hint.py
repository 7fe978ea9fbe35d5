"""A dateline with a two-digit year ("Wien, 25. 6. 23") is read by the century of the
archive's dated letters: the reader takes the median year their sidecars give."""

from __future__ import annotations

import json
from pathlib import Path

from indexer.archive import Archive
from indexer.ingest.reader import Reader

BODY = "Wien, 25. 6. 23\n\nLieber Freund,\n\nich danke Dir für Deinen Brief.\n\nDein Karl\n"


def _letter(root: Path, letter_id: str, text: str, sidecar: dict | None = None) -> None:
    folder = root / "letters" / letter_id
    folder.mkdir(parents=True)
    (folder / "page-001.txt").write_text(text, encoding="utf-8")
    if sidecar is not None:
        (folder / "letter.json").write_text(json.dumps(sidecar), encoding="utf-8")


def test_two_digit_year_read_by_the_archives_century(tmp_path):
    for n, year in enumerate((1919, 1921, 1924, 1926, 1930)):
        _letter(tmp_path, f"dated-{n}", "Ein Brief.\n", {"date": f"{year}-03-0{n + 1}"})
    _letter(tmp_path, "undated-wien", BODY)
    reader = Reader(Archive(tmp_path), use_ocr=False)
    assert reader.year_hint() == 1924
    letter = reader.read("undated-wien")
    assert letter.date is not None and str(letter.date) == "1923-06-25"
    assert letter.provenance["date"].source == "extracted"


def test_without_dated_letters_a_two_digit_year_is_not_guessed(tmp_path):
    _letter(tmp_path, "undated-wien", BODY)
    reader = Reader(Archive(tmp_path), use_ocr=False)
    assert reader.year_hint() is None
    letter = reader.read("undated-wien")
    assert letter.date is None or "date" in letter.suggestions
