"""The OCR-noise benchmark's parts (benchmarks/ocr_noise.py): both sources read whole, a
letter judged by its clean text, and the measure on a small index of its own. The
figures on the real corpus are the benchmark's (`make bench`), not a test's."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import ocr_noise

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared/corpus/ocr_noise"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")
def test_both_sources_are_read_whole():
    texts = ocr_noise.read_corpus(CORPUS)
    overproof = [i for i in texts if i.startswith("overproof-")]
    icdar = [i for i in texts if i.startswith("icdar-")]
    raw = (CORPUS / "overproof_dataset3" / "allArticles.txt").read_text(errors="replace")
    assert len(overproof) == raw.count("*$*OVERPROOF*$*")
    assert len(icdar) == len(list((CORPUS / "icdar2017_eng").rglob("*.txt")))
    assert all(ocr.strip() and clean.strip() for ocr, clean in texts.values())
    assert not any("@" in clean for _, clean in texts.values())  # alignment marks gone
    # The first article's first line, as OCR read it and as it was corrected.
    ocr, clean = texts["overproof-001"]
    assert ocr.startswith("The country precincts of Alexander\ncounty arc opposed")
    assert clean.startswith("The country precincts of Alexander\ncounty are opposed")
    words, phrases = ocr_noise.draw(texts, 12)
    assert len(words) == ocr_noise.WORDS and len(phrases) == ocr_noise.PHRASES
    assert words == ocr_noise.draw(texts, 12)[0] != ocr_noise.draw(texts, 7)[0]


def test_a_letter_is_right_when_its_clean_text_holds_the_query():
    texts = {
        "a": ("", "The cluster munitions were counted."),
        "b": ("", "A cluster of old munition."),
        "c": ("", "Munitions; cluster."),
    }
    held = ocr_noise.holders(texts, ["munition", "cluster munitions", "munitions cluster"])
    assert held == {
        "munition": {"a", "b", "c"},  # the same stem
        "cluster munitions": {"a"},
        "munitions cluster": {"c"},  # punctuation between is no gap
    }


def test_the_measure_counts_what_each_mode_finds(tmp_path):
    texts = {
        "right": ("The cluster munitions.", "The cluster munitions."),
        "misread": ("The c1uster munitlons.", "The cluster munitions."),
        "other": ("The harbour.", "The harbour."),
        "noise": ("The c1uster.", "The harbour."),  # OCR made a word the page lacks
    }
    queries = ["cluster", "cluster munitions"]
    truth = ocr_noise.holders(texts, queries)
    engine, built = ocr_noise.index(texts, tmp_path)
    try:
        assert built["letters"] == 4
        words = ocr_noise.measure(engine, ["cluster"], truth, phrase=False)
        phrases = ocr_noise.measure(engine, ["cluster munitions"], truth, phrase=True)
    finally:
        engine.close()
    assert words["relevant"] == 2 and words["queries"] == 1
    assert words["normal"] == {"recall": 0.5, "precision": 1.0}
    # OCR mode adds "misread" (right) and "noise" (wrong).
    assert words["ocr"] == {"recall": 1.0, "precision": round(2 / 3, 3)}
    assert (words["added"], words["added_right"]) == (2, 0.5)
    assert phrases["normal"] == {"recall": 0.5, "precision": 1.0}
    assert phrases["ocr"] == {"recall": 1.0, "precision": 1.0}
