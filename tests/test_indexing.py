"""Build, update, check and add against a real index on disk; the writer's discipline."""

from __future__ import annotations

import json
import threading

import pytest

from indexer import indexing
from indexer.engines import IndexBusy, IndexMissing
from indexer.engines.whoosh import engine as whoosh_engine
from indexer.engines.whoosh.schema import SCHEMA_VERSION
from indexer.errors import IngestError
from indexer.search import SearchRequest
from tests.conftest import write_letter


def found(env, q: str) -> set[str]:
    s = env.search()
    try:
        return {h.id for h in s.search(SearchRequest(q=q, per_page=100)).hits}
    finally:
        s.close()


def test_update_indexes_new_changed_and_removed_letters(env):
    root = env.archive.root
    write_letter(root, "alpha", ["the first letter about apples"])
    write_letter(root, "beta", ["the second letter about pears"])
    env.build()
    assert indexing.check(env.archive, env.engine) == []

    write_letter(root, "alpha", ["the first letter about quinces now"])
    write_letter(root, "gamma", ["a third letter about plums"])
    (root / "letters" / "beta" / "page-001.txt").unlink()
    (root / "letters" / "beta").rmdir()
    problems = indexing.check(env.archive, env.engine)
    assert sorted(problems) == [
        "alpha: changed in the archive since it was indexed",
        "beta: in the index but not in the archive",
        "gamma: in the archive but not in the index",
    ]
    report = indexing.update(env.archive, env.engine, env.reader)
    assert sorted(report.indexed) == ["alpha", "gamma"]
    assert report.removed == ["beta"]
    assert indexing.check(env.archive, env.engine) == []
    assert found(env, "quinces") == {"alpha"}
    assert found(env, "apples") == set()
    assert found(env, "pears") == set()


def test_update_with_nothing_changed_touches_nothing(env):
    write_letter(env.archive.root, "alpha", ["apples"])
    env.build()
    report = indexing.update(env.archive, env.engine, env.reader)
    assert report.indexed == [] and report.unchanged == 1


def test_bad_letter_is_reported_and_the_batch_goes_on(env):
    root = env.archive.root
    write_letter(root, "good", ["a good letter"])
    bad = write_letter(root, "bad-sidecar", ["text"])
    (bad / "letter.json").write_text("{not json", encoding="utf-8")
    write_letter(root, "bad-date", ["text"], {"date": "yesterday"})
    report = env.build()
    assert report.indexed == ["good"]
    assert len(report.errors) == 2
    assert any(e.startswith("bad-sidecar/letter.json: not valid UTF-8 JSON") for e in report.errors)
    assert any(
        "bad-date/letter.json: date: date 'yesterday' is not ISO 8601" in e for e in report.errors
    )


def test_a_crash_mid_build_leaves_the_old_index_serving(env, monkeypatch):
    root = env.archive.root
    write_letter(root, "alpha", ["apples"])
    env.build()
    served = env.engine.store.current_name()
    write_letter(root, "beta", ["pears"])

    def explode(letter):
        raise RuntimeError("disk on fire")

    # The Whoosh engine turns each letter into a document as it writes it: fail there.
    monkeypatch.setattr(whoosh_engine, "to_document", explode)
    with pytest.raises(RuntimeError, match="disk on fire"):
        env.build()
    assert env.engine.store.current_name() == served
    assert [p.name for p in env.index_dir.glob("gen-*")] == [served]
    assert found(env, "apples") == {"alpha"}


def test_schema_version_mismatch_means_rebuild(env):
    write_letter(env.archive.root, "alpha", ["apples"])
    env.build()
    info_path = env.engine.store.current_dir() / "missive.json"
    info = json.loads(info_path.read_text())
    info["schema_version"] = SCHEMA_VERSION - 1
    info_path.write_text(json.dumps(info))
    with pytest.raises(IndexMissing, match="schema version"):
        env.engine.store.open()
    report = indexing.update(env.archive, env.engine, env.reader)
    assert report.rebuilt and report.indexed == ["alpha"]
    assert env.engine.store.is_current_schema()


def test_a_second_writer_waits_then_gets_a_clear_message(env):
    write_letter(env.archive.root, "alpha", ["apples"])
    env.build()
    held = threading.Event()
    release = threading.Event()

    def hold():
        with env.engine.write_lock():
            held.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    held.wait(5)
    try:
        with pytest.raises(IndexBusy, match="being written by another process"):
            with env.engine.write_lock(timeout=0.3):
                pass
    finally:
        release.set()
        t.join()
    with env.engine.write_lock(timeout=1):
        pass


def test_writer_cancels_and_reraises(env):
    write_letter(env.archive.root, "alpha", ["apples"])
    env.build()
    ix = env.engine.store.open()
    with pytest.raises(ValueError, match="boom"):
        with env.engine.store.writer(ix) as w:
            w.delete_by_term("id", "alpha")
            raise ValueError("boom")
    assert found(env, "apples") == {"alpha"}


def test_add_makes_a_new_letter_with_an_id_from_its_given_metadata(env, tmp_path):
    write_letter(env.archive.root, "alpha", ["apples"])
    env.build()
    src = tmp_path / "incoming"
    src.mkdir()
    (src / "a.txt").write_text("Lima, April 10th 2007\n\nDear Sir,\n\nOn cluster munitions.\n")
    (src / "b.txt").write_text("Second page about the Oslo process.\n\nJosé García\n")
    meta = {"sender": {"name": "José García", "country": "PE"}}
    letter = indexing.add(env.archive, env.engine, env.reader, [src], meta=meta)
    # The sender is given; the date is only read from the text, so it is not in the id.
    assert letter.id == "undated-jose-garcia"
    assert len(letter.pages) == 2
    assert letter.provenance["date"].source == "extracted"
    assert letter.provenance["sender.country"].source == "archivist"
    assert found(env, "Oslo") == {letter.id}
    assert indexing.check(env.archive, env.engine) == []
    dated = {**meta, "date": "2007-04-10"}
    again = indexing.add(env.archive, env.engine, env.reader, [src], meta=dated)
    assert again.id == "2007-04-10-jose-garcia"
    again = indexing.add(env.archive, env.engine, env.reader, [src], meta=dated)
    assert again.id == "2007-04-10-jose-garcia-2"


def test_add_rejects_unknown_files_and_writes_nothing(env, tmp_path):
    write_letter(env.archive.root, "alpha", ["apples"])
    env.build()
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01\x02garbage\xff" * 10)
    refusal = (
        r"^junk.bin: not a page image, PDF, TEI file or transcript \(a transcript is a UTF-8 "
        r"text file ending in .txt\); .+; accepted: "
    )
    with pytest.raises(IngestError, match=refusal):
        indexing.add(env.archive, env.engine, env.reader, [junk])
    notes = tmp_path / "notes.md"  # text, but a transcript's name ends in .txt
    notes.write_text("Dear Sir, the harbour is closed.\n", encoding="utf-8")
    unnamed = r"^notes.md: a text file whose name does not end in .txt \(.+\); rename it "
    with pytest.raises(IngestError, match=unnamed):
        indexing.add(env.archive, env.engine, env.reader, [notes])
    assert env.archive.ids() == ["alpha"]
    assert not any((env.archive.letters_dir / ".staging").glob("*"))
