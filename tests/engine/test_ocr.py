"""The OCR-tolerant mode (README "OCR-tolerant search", search/ocr.py): every word of a
phrase or proximity query may be an OCR variant, variants rank below the words typed, the
variants are chosen by length and OCR's usual confusions (short words get few), and a
snippet shows a variant with its reading."""

from __future__ import annotations

from indexer.search import ocr
from tests.engine import scan
from tests.engine.conftest import found, ranked, search

NOISY = "2009-01-noisy"  # "c1uster munitlons" (letters.py)


def holding(corpus, *words: str, title: bool = True) -> set[str]:
    """The public letters whose text (or title) holds `words` side by side (up to word
    endings), read without any engine."""

    def holds(letter) -> bool:
        seqs = [scan.text_words(letter)] + ([scan.title_words(letter)] if title else [])
        return any(scan.contains_loosely(seq, list(words)) for seq in seqs)

    return scan.having(corpus.published.values(), holds)


def test_a_phrase_finds_its_ocr_variants_and_the_variants_find_the_phrase(engine, corpus):
    exact = holding(corpus, "cluster", "munitions")
    assert len(exact) >= 3 and NOISY not in exact
    assert found(engine, '"cluster munitions"') == exact
    assert found(engine, '"cluster munitions"', ocr=True) == exact | {NOISY}
    # The other way round: the misread phrase typed finds the letters whose text (what
    # OCR reads; a title is typed) holds it right.
    in_text = holding(corpus, "cluster", "munitions", title=False)
    assert found(engine, '"c1uster munitlons"') == {NOISY}
    assert found(engine, '"c1uster munitlons"', ocr=True) == in_text | {NOISY}
    # A phrase's words in another order are not the phrase, variants or not.
    assert NOISY not in found(engine, '"munitions cluster"', ocr=True)


def test_exact_hits_rank_above_variants(engine, corpus):
    exact = holding(corpus, "cluster", "munitions")
    order = ranked(engine, '"cluster munitions"', ocr=True)
    assert set(order[: len(exact)]) == exact and order[-1] == NOISY
    order = ranked(engine, '"c1uster munitlons"', ocr=True)
    assert order[0] == NOISY
    order = ranked(engine, "munitions", ocr=True)
    assert order.index(NOISY) >= len(found(engine, "munitions"))


def test_proximity_queries_take_variants_too(small_index):
    small = small_index(
        {
            "a-near": (["The cluster of old munitions was found."], None),
            "b-near-misread": (["The c1uster of old rnunitions was found."], None),
            "c-far": (["A cluster, then many other words, and only then munitions."], None),
        }
    )
    assert found(small.engine, '"cluster munitions"~4') == {"a-near"}
    assert found(small.engine, '"cluster munitions"~4', ocr=True) == {"a-near", "b-near-misread"}
    assert found(small.engine, '"c1uster munitlons"~4', ocr=True) == {"a-near", "b-near-misread"}
    assert ranked(small.engine, '"cluster munitions"~4', ocr=True)[0] == "a-near"
    # Both words misread, five words between them.
    small.write("d-lima", ["The Lirna conference on old and new rnunitions."])
    small.build()
    assert found(small.engine, '"Lima munitions"~8') == set()
    assert found(small.engine, '"Lima munitions"~8', ocr=True) == {"d-lima"}
    assert found(small.engine, '"Lima munitions"~4', ocr=True) == set()


def test_variants_follow_the_word_length_and_ocr_confusions(small_index):
    small = small_index(
        {
            "night": (["They rode at night."], None),
            "niglit": (["They rode at niglit."], None),  # li read for h: a slip
            "right": (["They rode to the right."], None),  # another word: a whole edit
            "light": (["They rode by light."], None),
            "national": (["The national archive."], None),
            "katlonal": (["The katlonal archive."], None),  # the first letter misread too
            "arms": (["The arms trade."], None),
            "arrns": (["The arrns trade."], None),  # rn read for m
            "aims": (["The aims of trade."], None),  # r for i: no OCR slip
            "war": (["The war ended."], None),
            "wax": (["The wax melted."], None),
            "tho-war": (["Then tho war ended."], None),  # e read as o
        }
    )

    def ocr_found(q: str) -> set[str]:
        return found(small.engine, q, ocr=True)

    assert ocr_found("night") == {"night", "niglit"}
    assert ocr_found("national") == {"national", "katlonal"}
    assert ocr_found("katlonal") == {"national", "katlonal"}
    # Short words stay precise: one slip at four letters, none at three.
    assert ocr_found("arms") == {"arms", "arrns"}
    assert ocr_found("war") == {"war", "tho-war"}
    assert ocr.budget("war") == 0 and ocr.budget("arms") < ocr.EDIT
    # In a phrase the other word keeps a short word precise: one slip at three letters.
    assert ocr_found("the") == found(small.engine, "the") and "tho-war" not in ocr_found("the")
    assert ocr_found('"the war"') == {"war", "tho-war"}
    assert ocr_found('"the wax"') == {"wax"}


def test_two_common_words_are_no_misreadings_of_each_other(small_index):
    # "beard" is one slip from "heard" (h read as b): one letter holding "beard" beside
    # six holding "heard" may be a misreading; four beside six are two words.
    written = {f"heard-{n}": ([f"She heard it {n} times."], None) for n in range(6)}
    written["beard"] = (["A grey beard."], None)
    small = small_index(written)
    assert "beard" in found(small.engine, "heard", ocr=True)
    assert found(small.engine, "beard", ocr=True) == set(written)
    for n in range(3):
        small.write(f"beard-{n}", [f"A beard {n} times grey."])
    small.build()
    assert found(small.engine, "heard", ocr=True) == {f"heard-{n}" for n in range(6)}


def test_a_snippet_shows_a_variant_with_its_reading(engine):
    [hit] = [h for h in search(engine, '"cluster munitions"', ocr=True).hits if h.id == NOISY]
    html = " ".join(s.html for s in hit.snippets)
    assert '<mark>c1uster</mark> <span class="reading">≈ cluster</span>' in html
    assert '<mark>munitlons</mark> <span class="reading">≈ munitions</span>' in html
    # The words typed are shown as they are; without OCR mode there is nothing to read.
    exact = [h for h in search(engine, '"cluster munitions"', ocr=True).hits if h.id != NOISY]
    assert exact and all('class="reading"' not in s.html for h in exact for s in h.snippets)
    marks = engine.marks("munitions", ocr=True)
    assert [t for t in ("munitlons", "munitions") if marks.spans(t)] == ["munitlons", "munitions"]
    assert marks.reading("munitlons") == "munitions" and marks.reading("munitions") is None
