"""Phrase search against a brute scan of the letters' text: every letter holding the
phrase as written is found, and every hit holds it up to case, accents and word endings."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET

import pytest

from indexer.engines import Engine
from indexer.records import Letter
from tests.conftest import need_corpus
from tests.engine import scan
from tests.engine.conftest import found, search

TEI = "{http://www.tei-c.org/ns/1.0}"


def check_phrases(
    engine: Engine, letters: dict[str, Letter], *, phrases: int, seed: int, unpublished=False
) -> int:
    """Search `phrases` random 2- to 4-word phrases taken from the letters' pages; return
    how many were checked."""
    pages = {i: scan.page_words(x) for i, x in letters.items()}
    # Each page as one string of words, to find a phrase as written quickly.
    joined = {i: [f" {' '.join(words)} " for words in p] for i, p in pages.items()}
    # A bare phrase searches the text and the title; pages may run into each other.
    anywhere = {i: [scan.text_words(x), scan.title_words(x)] for i, x in letters.items()}
    rng = random.Random(seed)
    ids = sorted(i for i, p in pages.items() if any(len(words) > 4 for words in p))
    checked = 0
    for _ in range(phrases):
        source = rng.choice([p for p in pages[rng.choice(ids)] if len(p) > 4])
        n = rng.choice((2, 3, 4))
        start = rng.randrange(len(source) - n)
        phrase = source[start : start + n]
        written = f" {' '.join(phrase)} "
        exact = {i for i, texts in joined.items() if any(written in t for t in texts)}
        q = '"' + " ".join(phrase) + '"'
        hits = found(engine, q, unpublished=unpublished)
        # Every letter with the phrase as written is found ...
        assert exact <= hits, (phrase, exact - hits)
        # ... and every hit has the phrase, up to case, accents and word endings.
        assert hits <= letters.keys(), (phrase, hits - letters.keys())
        loose = [i for i in hits if not any(scan.contains_loosely(s, phrase) for s in anywhere[i])]
        assert not loose, (phrase, loose)
        checked += 1
    return checked


def test_every_letter_holding_a_phrase_is_found_and_only_those(engine, corpus):
    assert check_phrases(engine, corpus.published, phrases=150, seed=1234) == 150


def test_archivists_phrases_reach_drafts_and_withdrawn_letters(engine, corpus):
    assert check_phrases(engine, corpus.letters, phrases=60, seed=99, unpublished=True) == 60
    # A phrase only a draft holds: the public does not find it, an archivist does.
    assert found(engine, '"quixotical negotiations"') == set()
    assert found(engine, '"quixotical negotiations"', unpublished=True) == {"2009-05-draft"}


def test_a_phrase_matches_only_words_side_by_side_in_that_order(engine, corpus):
    def side_by_side(*words: str) -> set[str]:
        return scan.having(letters, lambda x: scan.contains(scan.text_words(x), list(words)))

    letters = corpus.published.values()
    treaty = side_by_side("arms", "trade", "treaty")
    assert found(engine, '"Arms Trade Treaty"') == treaty >= {"1850-03-01-paris"}
    assert found(engine, '"Treaty Trade Arms"') == set()
    # The words are in the text apart: within 8 words of each other, not side by side.
    assert found(engine, 'text:"Lima Munitions"~8') == {"2007-04-11-lima-conference"}
    assert found(engine, 'text:"Lima Munitions"') == set()
    assert search(engine, 'text:"Lima Munitions"~8').total == 1


def tei_body(path) -> str:
    root = ET.parse(path).getroot()
    body = root.find(f".//{TEI}body")
    if body is None:
        return ""
    lines = []
    for block in body.iter():
        if block.tag in (f"{TEI}p", f"{TEI}opener", f"{TEI}closer", f"{TEI}dateline"):
            text = " ".join("".join(block.itertext()).split())
            if text:
                lines.append(text)
    return "\n".join(lines)


@pytest.mark.corpus
@pytest.mark.slow  # indexes 290 letters of the Escher edition, then searches 80 phrases
def test_phrases_of_real_letters_are_found(small_index):
    briefe = need_corpus("letters", "escher_sample", "briefe")
    written = {}
    for path in sorted(briefe.glob("*.xml")):
        text = tei_body(path)
        if len(text) >= 40:
            letter_id = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
            written[letter_id] = ([text], {"languages": ["de"]})
    assert len(written) >= 100
    small = small_index(written)
    assert check_phrases(small.engine, small.letters, phrases=80, seed=1234) == 80
    # German word forms find each other: every letter with "Brief" or "Haus" as written.
    letters = small.letters.values()
    for q, forms in (("Briefe", {"brief"}), ("Häuser", {"haus"})):
        holding = scan.having(letters, lambda x, f=forms: bool(f & set(scan.text_words(x))))
        assert holding and holding <= found(small.engine, q), q
