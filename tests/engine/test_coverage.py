"""Coverage: how the matching letters' text came to be (transcribed, OCR only, image
only), and how many image-only letters within the filters a text query could not search."""

from __future__ import annotations

from collections import Counter

from tests.engine.conftest import found, search


def _sources(corpus, ids) -> dict[str, int]:
    return dict(Counter(corpus.letters[i].text_source for i in ids))


def test_coverage_of_every_letter_counts_each_text_source(engine, corpus):
    result = search(engine)
    expected = _sources(corpus, corpus.published)
    # Image only: the sample's letter from Peru and a blank scan; OCR: a telegram's scan.
    assert expected == {"transcribed": len(corpus.published) - 3, "ocr": 1, "image-only": 2}
    assert result.coverage == expected
    assert result.unsearched == 0  # no text query: nothing went unsearched


def test_coverage_of_a_query_counts_the_letters_it_found(engine, corpus):
    for q in ("munitions", "rifles", "treaty OR telegram", "NOT gazebo"):
        result = search(engine, q)
        assert result.coverage == _sources(corpus, found(engine, q)), q
        assert sum(result.coverage.values()) == result.total
    assert search(engine, "rifles").coverage == {"ocr": 1}  # the OCR'd telegram


def _unsearched(engine, corpus, q: str, **kw) -> int:
    """Image-only public letters within the request's filters that `q` did not find."""
    within = {i for i in found(engine, "", **kw) if corpus.letters[i].text_source == "image-only"}
    return len(within - found(engine, q, **kw))


def test_unsearched_counts_image_only_letters_within_the_filters(engine, corpus):
    for q, kw in (
        ("munitions", {}),
        ("munitions", {"filters": {"country": ["PE"]}}),
        ("munitions", {"filters": {"country": ["PK"]}}),
        ("rifles", {"filters": {"source": ["ocr"]}}),
        ("rifles", {"date_from": "1920", "date_to": "1920"}),
        ("rifles OR lighthouse", {"date_from": "1900", "date_to": "1930"}),
    ):
        assert search(engine, q, **kw).unsearched == _unsearched(engine, corpus, q, **kw), (q, kw)
    assert search(engine, "rifles").unsearched == 2
    assert search(engine, "rifles", date_from="1920", date_to="1920").unsearched == 1
    assert search(engine, "rifles", filters={"country": ["PK"]}).unsearched == 0
    # Drafts and withdrawn letters are no one's business but an archivist's.
    assert search(engine, "rifles", unpublished=True).unsearched == 2
