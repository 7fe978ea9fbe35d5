"""Corrections kept as revisions; drafts and withdrawals recorded in the archive and index."""

from __future__ import annotations

import json

import pytest

from indexer import indexing
from indexer.archive import lifecycle
from indexer.archive.sidecar import SidecarError
from tests.conftest import write_letter


def test_transcript_corrections_keep_every_revision(env):
    write_letter(env.archive.root, "alpha", ["Teh first verison of the text."])
    env.build()
    folder = env.archive.folder("alpha")
    lifecycle.write_transcript(
        env.archive, "alpha", 1, "The first version of the text.", by="alice"
    )
    lifecycle.write_transcript(env.archive, "alpha", 1, "The corrected version.", by="bob")
    log = lifecycle.history(env.archive, "alpha")
    assert [(e["by"], e["action"]) for e in log] == [
        ("alice", "edit-transcript"),
        ("bob", "edit-transcript"),
    ]
    first = (folder / log[0]["previous"]).read_text()
    second = (folder / log[1]["previous"]).read_text()
    assert (first, second) == ("Teh first verison of the text.", "The first version of the text.")
    assert (folder / "page-001.txt").read_text() == "The corrected version."
    report = indexing.update(env.archive, env.engine, env.reader)
    assert report.indexed == ["alpha"]
    s = env.search()
    try:
        assert s.get("alpha")["changed"] == log[-1]["at"]
        assert s.get("alpha")["pages_text"] == ["The corrected version."]
    finally:
        s.close()


def test_withdrawal_needs_a_reason_and_is_recorded(env):
    write_letter(env.archive.root, "alpha", ["text"], {"title": "A letter"})
    with pytest.raises(lifecycle.ChangeError, match="needs a reason"):
        lifecycle.set_status(env.archive, "alpha", "withdrawn", by="alice")
    lifecycle.set_status(env.archive, "alpha", "withdrawn", by="alice", reason="Duplicate of beta")
    data = json.loads((env.archive.folder("alpha") / "letter.json").read_text())
    assert data["title"] == "A letter" and data["status"] == "withdrawn"
    assert data["withdrawn"]["reason"] == "Duplicate of beta"
    env.build()
    s = env.search()
    try:
        meta = s.get("alpha")
        assert meta["status"] == "withdrawn" and meta["withdrawn"]["by"] == "alice"
    finally:
        s.close()


def test_bad_metadata_edit_is_refused_and_the_sidecar_kept(env):
    write_letter(env.archive.root, "alpha", ["text"], {"date": "1850"})
    with pytest.raises(SidecarError, match=r"^letter\.json: date: .*'last week' is not ISO 8601"):
        lifecycle.write_sidecar(env.archive, "alpha", {"date": "last week"}, by="alice")
    assert json.loads((env.archive.folder("alpha") / "letter.json").read_text()) == {"date": "1850"}


def test_drafts_and_withdrawn_letters_stay_out_of_public_search(env):
    from indexer.search import SearchRequest

    root = env.archive.root
    write_letter(root, "public", ["a letter about ships"])
    write_letter(root, "draft", ["a draft about ships"], {"status": "draft"})
    write_letter(root, "gone", ["a withdrawn letter about ships"])
    lifecycle.set_status(env.archive, "gone", "withdrawn", by="alice", reason="Misfiled")
    env.build()
    s = env.search()
    try:
        public = s.search(SearchRequest(q="ships"))
        assert [h.id for h in public.hits] == ["public"] and public.total == 1
        assert s.stats()["letters"] == 1
        everything = s.search(SearchRequest(q="ships", unpublished=True))
        assert {h.id for h in everything.hits} == {"public", "draft", "gone"}
        assert all(m["id"] == "public" for m in s.more_like_this("draft"))
    finally:
        s.close()


def test_withdrawn_letter_url_answers_410_with_when_and_why_and_drafts_404(env):
    from tests.conftest import LiveServer, app_config
    from webapp import create_app

    write_letter(env.archive.root, "kept", ["a letter"], {"title": "Kept"})
    write_letter(env.archive.root, "draft", ["a draft"], {"status": "draft"})
    write_letter(env.archive.root, "gone", ["a letter"], {"title": "Gone"})
    lifecycle.set_status(env.archive, "gone", "withdrawn", by="alice", reason="Duplicate of kept")
    env.build()
    server = LiveServer(create_app(app_config(env)))
    try:
        status, _, body = server.get("/letters/gone")
        assert status == 410
        assert b"withdrawn from the collection on 20" in body and b"Duplicate of kept" in body
        status, _, body = server.get("/api/letters/gone")
        assert status == 410 and json.loads(body)["status"] == 410
        assert server.get("/letters/gone/pages/1")[0] == 410
        assert server.get("/letters/draft")[0] == 404
        assert server.get("/api/letters/draft")[0] == 404
        assert server.get("/letters/kept")[0] == 200
    finally:
        server.stop()
