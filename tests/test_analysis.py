"""The fast indexing path gives the Whoosh analyzers' terms; word-gram phrases find what
positional phrases find."""

from __future__ import annotations

import random

import pytest
from whoosh import fields, query

from benchmarks import generate
from indexer import analysis
from indexer.query import for_matching
from indexer.schema import FOLD, STEM, Text, WordGrams
from tests.conftest import SEEDS, Env

SAMPLES = [
    "Perú's Ministère des Affaires Étrangères, l'élève — co-chair of the U.S. delegation.",
    "Straße, Œuvre, naïve café; 3.5 mm M85 cluster-munitions, rn/m OCR slips: c1uster.",
    "Ελληνικά και русский текст, 中文 mixed with English words and_underscores.",
    "",
    "   \n\n  ",
]


def texts() -> list[str]:
    out = list(SAMPLES)
    out += [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    return out


@pytest.mark.parametrize("stemmed,phrase", [(True, True), (False, False), (True, False)])
def test_fast_terms_equal_the_analyzer_terms(stemmed, phrase):
    fast = Text(stemmed=stemmed, phrase=phrase)
    slow = fields.TEXT(analyzer=STEM if stemmed else FOLD, phrase=phrase)
    assert len(texts()) > len(SAMPLES)  # the seeds are there
    for text in texts():
        assert sorted(fast.index(text)) == sorted(slow.index(text)), text[:60]


def test_word_lists_follow_the_analyzers():
    for text in texts():
        assert analysis.folded_words(text) == [t.text for t in FOLD(text)]
        assert analysis.stemmed_words(text) == [t.text for t in STEM(text)]
        spans = [(t.text, t.startchar, t.endchar) for t in FOLD(text, chars=True)]
        assert list(analysis.word_spans(text)) == spans


def test_grams_are_pairs_and_triples_of_stems():
    terms = {t.decode() for t, *_ in WordGrams().index("The arms trade treaties.")}
    assert terms == {"the arm", "arm trade", "trade treati", "the arm trade", "arm trade treati"}


def test_gram_phrases_match_exactly_the_positional_phrases(tmp_path):
    """Over 300 synthetic letters: 2- to 5-word phrases (taken from the texts, and
    shuffled so some words occur but not in that order) give the same letters both ways."""
    env = Env(tmp_path)
    generate.generate(tmp_path / "archive", 300, seed=7, images=0)
    assert not env.build().errors
    search = env.search()
    s = search.searcher()
    rng = random.Random(3)
    stems = [analysis.stemmed_words(s.stored_fields(d)["pages_text"][0]) for d in range(40)]
    checked = nonempty = differs = 0
    for words in stems:
        for n in (2, 3, 4, 5):
            for _ in range(3):
                i = rng.randrange(0, len(words) - n)
                phrase = words[i : i + n]
                if rng.random() < 0.3:
                    phrase = rng.sample(phrase, n)
                positional = query.Phrase("content", phrase)
                fast = for_matching(positional)
                assert fast != positional
                expected = set(s.docs_for_query(positional))
                assert search._docs(s, fast) == expected, phrase
                assert set(s.docs_for_query(fast)) == expected, phrase
                checked += 1
                nonempty += bool(expected)
                differs += len(expected) < len(
                    set.intersection(
                        *(set(s.docs_for_query(query.Term("content", w))) for w in phrase)
                    )
                )
    search.close()
    assert checked == 480
    assert nonempty > 300  # phrases taken from the texts are found
    assert differs > 50  # and many have letters with all the words, not in that order
