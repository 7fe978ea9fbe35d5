"""The Whoosh engine's searchers under threads: one searcher per search at a time, the
commit's arrays read once and shared, every file open from the start, replaced commits
closed when their last search ends."""

from __future__ import annotations

import threading

from indexer.engines import EngineConfig, open_engine
from indexer.engines.whoosh import pool as pool_module
from indexer.engines.whoosh.arrays import Arrays
from indexer.engines.whoosh.snapshot import open_commit
from indexer.engines.whoosh.store import IndexStore
from indexer.records import DateValue, Letter, Page, Party
from indexer.search import SearchRequest


def _letter(letter_id: str, text: str, country: str = "FR") -> Letter:
    return Letter(
        id=letter_id,
        title=f"Letter {letter_id}",
        date=DateValue.parse("1911-03-02"),
        sender=Party(name="A consul", country=country),
        pages=[Page(1, text=text, origin="transcript")],
    )


def _engine(tmp_path, count: int = 30):
    engine = open_engine(EngineConfig(tmp_path / "index"))
    with engine.write_lock(), engine.rebuild() as w:
        for i in range(count):
            w.replace(_letter(f"l{i:02d}", f"ships and harbours, letter {i}"))
    return engine


def _change(engine, letter_id: str, text: str, country: str = "FR") -> None:
    with engine.write_lock(), engine.writer() as w:
        w.replace(_letter(letter_id, text, country))


def test_searches_at_once_hold_searchers_of_their_own_and_share_the_arrays(tmp_path):
    engine = _engine(tmp_path)
    try:
        pool = engine.searching.pool
        with pool.borrow() as (s1, arrays1), pool.borrow() as (s2, arrays2):
            assert s1 is not s2 and s1.reader() is not s2.reader()
            assert arrays1 is arrays2  # read once for the commit
            assert arrays1.searcher not in (s1, s2)  # read through a searcher of its own
            # A third search runs to its end while the two are held: nothing waits.
            done: list = []
            t = threading.Thread(target=lambda: done.append(engine.search(SearchRequest("ships"))))
            t.start()
            t.join(60)
            assert done and done[0].total == 30
        with pool.borrow() as (s3, arrays3):
            assert s3 in (s1, s2) and arrays3 is arrays1  # given back, lent again
    finally:
        engine.close()


def test_a_commit_gives_new_arrays_and_closes_the_old_commit_after_its_last_search(tmp_path):
    engine = _engine(tmp_path)
    try:
        pool = engine.searching.pool
        with pool.borrow() as (old, old_arrays):
            _change(engine, "l00", "a kestrel over the harbour", "PK")
            result = engine.search(SearchRequest("kestrel"))  # the new commit, meanwhile
            assert [h.id for h in result.hits] == ["l00"]
            with pool.borrow() as (new, new_arrays):
                assert new_arrays is not old_arrays
            # The old commit still serves the search that holds it ...
            assert not old.reader().is_closed and not old_arrays.searcher.reader().is_closed
            assert old.document_number(id="l00") is not None
        # ... and is closed once that search ends.
        assert old.reader().is_closed and old_arrays.searcher.reader().is_closed
        assert not new.reader().is_closed
    finally:
        engine.close()
    assert new.reader().is_closed


def test_a_searcher_reads_its_commit_after_a_later_commit_deleted_its_files(tmp_path):
    engine = _engine(tmp_path)
    _change(engine, "l01", "a second segment")
    store = IndexStore(tmp_path / "index")
    key, s = open_commit(store)
    try:
        before = sorted(p.name for p in store.current_dir().iterdir())
        # Merge every segment into one: the files the searcher opened are deleted.
        w = store.open().writer()
        w.delete_by_term("id", "l02")
        w.commit(optimize=True)
        after = {p.name for p in store.current_dir().iterdir()}
        assert {n for n in before if n.endswith(".col")} - after, "no column file was deleted"
        # Nothing was read through the searcher yet; its stored fields, lengths and
        # columns are still those of its commit.
        arrays = Arrays(s)
        assert s.document_number(id="l02") is not None
        assert arrays.field_values("country") == [("FR",)] * s.doc_count_all()
        ids = arrays.columns()[2]
        assert sorted(ids[d] for d in arrays.all()) == [f"l{i:02d}" for i in range(30)]
        assert all(s.stored_fields(d)["id"] for d in arrays.all())
        assert s.reader().doc_field_length(0, "content") > 0
    finally:
        s.close()
    assert key != open_commit(store)[0]


def test_free_searchers_kept_are_at_most_idle(tmp_path, monkeypatch):
    monkeypatch.setattr(pool_module, "IDLE", 2)
    engine = _engine(tmp_path)
    try:
        pool = engine.searching.pool
        with pool.borrow() as (first, _), pool.borrow(), pool.borrow():
            assert len(pool.current().free) == 0
        assert len(pool.current().free) == 2
        assert first.reader().is_closed  # given back last, it found the pool full
    finally:
        engine.close()
