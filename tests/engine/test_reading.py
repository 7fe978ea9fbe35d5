"""What an engine gives back besides searches: a letter by id, the ids by status, the
fingerprints, page failures and skips `update` and `check` read, the home page's figures
and the vocabulary wildcards and suggestions draw on."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from indexer.search import QueryError
from indexer.search.meta import letter_meta
from tests.engine import scan
from tests.engine.conftest import search


def test_get_gives_a_letters_stored_metadata_and_page_texts(engine, corpus):
    for letter_id in ("1850-03-01-paris", "2009-02-16-pakistan-mofa", "2009-05-draft", "tie-a"):
        letter = corpus.letters[letter_id]
        expected = json.loads(json.dumps(letter_meta(letter)))
        expected |= {
            "pages_text": [p.text for p in letter.pages],
            "fingerprint": letter.fingerprint,
        }
        assert engine.get(letter_id) == expected, letter_id
    assert engine.get("no-such-letter") is None
    assert engine.get("broken-sidecar") is None  # skipped, not indexed


def test_hits_carry_the_same_metadata(engine):
    for hit in search(engine, "treaty").hits:
        stored = engine.get(hit.id)
        assert hit.meta == {k: v for k, v in stored.items() if k in hit.meta}
        assert (hit.title, hit.date) == (stored["title"], stored["date"])


def test_ids_by_status(engine, corpus):
    assert engine.ids() == sorted(corpus.letters)
    for status in ("published", "draft", "withdrawn"):
        expected = sorted(i for i, x in corpus.letters.items() if x.status == status)
        assert engine.ids(status=status) == expected
    assert engine.ids(status="draft") == ["2009-05-draft"]


def test_fingerprints_failures_and_skips_are_what_was_written(engine, corpus):
    assert engine.fingerprints() == {i: x.fingerprint for i, x in corpus.letters.items()}
    assert all(len(f) == 32 for f in engine.fingerprints().values())
    failed = {
        i: [(p.n, step, why) for p in x.pages for step, why in p.failures]
        for i, x in corpus.letters.items()
        if any(p.failures for p in x.pages)
    }
    assert engine.failures() == failed
    assert engine.skips() == corpus.skips
    assert set(engine.skips()) == {"broken-sidecar"}
    assert "not valid UTF-8 JSON" in engine.skips()["broken-sidecar"]["reason"]
    assert engine.damaged() is None


def test_stats_describe_the_published_collection(engine, corpus):
    published = list(corpus.published.values())
    dated = [x for x in published if x.date]
    stats = engine.stats()
    assert stats["letters"] == len(published)
    assert stats["pages"] == sum(len(x.pages) for x in published)
    assert stats["first_year"] == min(x.date.year for x in dated) == 1850
    assert stats["last_year"] == max(x.date.year for x in dated)
    assert stats["text_sources"] == dict(Counter(x.text_source for x in published))
    assert stats["years"] == dict(Counter(str(x.date.year) for x in dated))
    assert list(stats["years"]) == sorted(stats["years"])
    countries = Counter(x.sender.country for x in published if x.sender.country)
    assert stats["countries"] == dict(countries)
    assert list(stats["countries"].values()) == sorted(countries.values(), reverse=True)


def test_vocabulary_holds_the_words_as_written_folded(engine, corpus):
    vocabulary = engine.vocabulary()
    assert vocabulary == sorted(vocabulary) == engine.vocabulary("text")
    words = {w for x in corpus.letters.values() for w in scan.text_words(x)}
    # Every word of every letter, drafts' too, up to how far an engine folds letters
    # beyond the Latin accents ("й", "ß"): that is its own.
    assert {scan.fold(w) for w in vocabulary} == words
    assert {"peru", "traite", "munitions", "munition", "quixotical"} <= set(vocabulary)
    assert "Perú" not in vocabulary and "munit" not in vocabulary  # folded, not stemmed
    sender = engine.vocabulary("sender")
    assert {"garcia", "jose", "palmerston"} - set(sender) == {"palmerston"}  # a recipient
    assert "palmerston" in engine.vocabulary("to")
    with pytest.raises(QueryError, match="not a query field"):
        engine.vocabulary("colour")
