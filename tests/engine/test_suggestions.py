"""Did-you-mean (a word of a letter the asker may read, for a word no such letter holds)
and more-like-this."""

from __future__ import annotations

import random

from tests.engine import scan
from tests.engine.conftest import need, search


def _words(letters) -> set[str]:
    return {w for x in letters for w in scan.text_words(x)}


def test_a_misspelt_word_gets_the_nearest_published_word(engine):
    need(engine, "did_you_mean")
    result = search(engine, "munitoins")
    assert result.total == 0
    assert result.did_you_mean == "munitions"
    # Each unknown word of the query is corrected, the rest kept as typed.
    assert search(engine, "lighthuose keepers").did_you_mean == "lighthouse keepers"
    # Nothing to correct: no suggestion.
    assert search(engine, "gazebo").did_you_mean is None
    assert search(engine, "").did_you_mean is None


def test_suggestions_are_words_of_published_letters_only(engine, corpus):
    need(engine, "did_you_mean")
    # "quixotical" and "marmalade" stand only in a draft and a withdrawn letter.
    assert "quixotical" not in _words(corpus.published.values())
    for typo, hidden in (("quixoticel", "quixotical"), ("marmalada", "marmalade")):
        public = search(engine, typo).did_you_mean
        assert public is None or hidden not in public, public
        assert search(engine, typo, unpublished=True).did_you_mean == hidden


def test_every_suggestion_is_a_published_word_near_the_typed_one(engine, corpus):
    need(engine, "did_you_mean")
    published = _words(corpus.published.values())
    rng = random.Random(9)
    pool = sorted(w for w in published if len(w) >= 6 and w.isalpha())
    suggested = 0
    for word in rng.sample(pool, 40):
        i = rng.randrange(len(word))
        typo = word[:i] + "q" + word[i + 1 :]  # one letter changed
        if typo in published:
            continue
        result = search(engine, typo)
        if result.did_you_mean is None:
            continue
        suggested += 1
        assert result.did_you_mean in published, (typo, result.did_you_mean)
        assert scan.osa(result.did_you_mean, typo) <= 2, (typo, result.did_you_mean)
    assert suggested >= 30


def test_more_like_this_finds_the_twin_and_never_the_letter_itself(engine, corpus):
    need(engine, "more_like_this")
    similar = engine.more_like_this("1901-lighthouse-a")
    ids = [m["id"] for m in similar]
    assert ids and ids[0] == "1901-lighthouse-b"
    assert "1901-lighthouse-a" not in ids
    assert len(ids) <= 5 and len(engine.more_like_this("1901-lighthouse-a", limit=1)) == 1
    # Metadata as search hits carry it, of public letters only.
    assert similar[0]["title"] == corpus.letters["1901-lighthouse-b"].display_title()
    for letter_id in (
        "2009-02-16-pakistan-mofa",
        "2009-08-18-russia-embassy-wellington",
        "2009-05-draft",
    ):
        found = [m["id"] for m in engine.more_like_this(letter_id, limit=10)]
        assert found, letter_id
        assert all(corpus.letters[i].status == "published" for i in found), letter_id
        assert letter_id not in found
    assert engine.more_like_this("no-such-letter") == []
    assert engine.more_like_this("1920-scan-unread") == []  # no text to compare


def test_a_deleted_letters_words_are_no_longer_suggested(small_index):
    small = small_index(
        {
            "harbour": (["The harbour master wrote about the tides."], None),
            "lighthouse": (["The lighthouse keeper kept his lamp burning."], None),
        }
    )
    need(small.engine, "did_you_mean")
    assert search(small.engine, "lighthuose").did_you_mean == "lighthouse"
    with small.engine.write_lock(), small.engine.writer() as w:
        w.delete("lighthouse")
    # Right after the write: no letter holds the word, so it is not offered.
    suggestion = search(small.engine, "lighthuose").did_you_mean
    assert suggestion is None or "lighthouse" not in suggestion, suggestion
    assert search(small.engine, "harbuor").did_you_mean == "harbour"
