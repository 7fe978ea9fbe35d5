"""As-of searches (indexer.search.asof) through the protocol: `Engine.scratch()` gives a
private index that takes letters and answers like the served one, then is gone; a search
as of a moment finds the letters public then, matched against their text then, and
leaves the served index as it was."""

from __future__ import annotations

from indexer.archive import lifecycle, past
from indexer.ingest.reader import Reader
from indexer.search import SearchRequest
from indexer.search.asof import as_of
from tests.conftest import write_letter
from tests.engine.conftest import build, found

BEFORE = "2020-01-01T00:00:00Z"  # the letters below have no logged arrival: present then
LETTERS = {
    "alpha": (["The harbour master writes about lamp oil."], {"date": "1901-01-02"}),
    "beta": (["A note about harbour lanterns and lamp oil."], {"date": "1902-05-01"}),
    "gamma": (["The harbour ledgers and lamp wicks."], {"date": "1903"}),
    "delta": (["Customs duties on tea."], {"date": "1904"}),
}


def test_a_scratch_index_answers_and_leaves_the_served_one_alone(small_index):
    small = small_index(LETTERS)
    with small.engine.scratch() as scratch:
        build(scratch, [small.read("delta")])
        assert found(scratch, "customs") == {"delta"}
        assert found(scratch, "harbour") == set()
        assert scratch.get("delta")["id"] == "delta"
    assert found(small.engine, "harbour") == {"alpha", "beta", "gamma"}


def _reader(small):
    return lambda archive: Reader(archive, ocr_cache=small.archive.root.parent / "c", use_ocr=False)


def test_as_of_finds_the_letters_public_then_against_their_text_then(small_index):
    small = small_index(LETTERS)
    engine, archive = small.engine, small.archive
    req = SearchRequest(q="harbour lamp", sort="date")
    with engine.write_lock(), engine.writer() as w:
        lifecycle.write_transcript(archive, "beta", 1, "A note about lanterns only.", by="t")
        lifecycle.set_status(archive, "gamma", "withdrawn", by="t", reason="a copy")
        folder = write_letter(archive.root, "epsilon", ["The harbour lamp is lit."], {})
        lifecycle.record_added(folder)
        for letter_id in ("beta", "gamma", "epsilon"):
            w.replace(small.read(letter_id))
    assert [i for i, _ in engine.ordered(req, 100).letters] == ["alpha", "epsilon"]

    then = as_of(engine, archive, _reader(small), req, BEFORE)
    assert [i for i, _ in then.letters] == ["alpha", "beta", "gamma"]
    assert then.total == 3 and then.then == {"beta", "gamma"}
    assert then.rechecked == ["beta", "epsilon", "gamma"]
    assert [h.id for h in then.hits] == ["alpha", "beta", "gamma"]
    newest = SearchRequest(q="harbour", sort="-date")
    newest = as_of(engine, archive, _reader(small), newest, BEFORE)
    assert [i for i, _ in newest.letters] == ["gamma", "beta", "alpha"]
    # Now is now: the same as the served index.
    now = as_of(engine, archive, _reader(small), req, past.moment("2999-01-01"))
    assert [i for i, _ in now.letters] == ["alpha", "epsilon"] and now.then == set()
    # The served index is unchanged by it.
    assert found(engine, "harbour") == {"alpha", "epsilon"}
    assert as_of(engine, archive, _reader(small), req, BEFORE, limit=2).total == 3
