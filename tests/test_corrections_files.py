"""Corrections replace the file the index reads, whatever its zero padding; status changes
keep the sidecar they replace."""

from __future__ import annotations

import json

from indexer import indexing
from indexer.archive import lifecycle
from indexer.search import SearchRequest
from tests.archive_support import archive_env, config, sign_in
from tests.conftest import write_letter
from webapp import create_app


def found(env, q: str) -> list[str]:
    s = env.search()
    try:
        return [h.id for h in s.search(SearchRequest(q=q)).hits]
    finally:
        s.close()


def transcripts(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.suffix == ".txt")


def test_correcting_a_page_with_old_padding_replaces_its_file(env):
    folder = write_letter(env.archive.root, "alpha", [])
    (folder / "page-01.txt").write_text("The zeppelin brought the first draft.", encoding="utf-8")
    (folder / "page-02.txt").write_text("Second page about harbours.", encoding="utf-8")
    env.build()
    assert found(env, "zeppelin") == ["alpha"]

    lifecycle.write_transcript(env.archive, "alpha", 1, "The airship brought it.", by="alice")
    assert transcripts(folder) == ["page-01.txt", "page-02.txt"]
    assert (folder / "page-01.txt").read_text() == "The airship brought it."
    entry = lifecycle.history(env.archive, "alpha")[-1]
    assert entry["file"] == "page-01.txt"
    assert (folder / entry["previous"]).read_text() == "The zeppelin brought the first draft."

    indexing.update(env.archive, env.engine, env.reader)
    assert found(env, "zeppelin") == [] and found(env, "airship") == ["alpha"]
    s = env.search()
    try:
        assert s.get("alpha")["pages_text"] == [
            "The airship brought it.",
            "Second page about harbours.",
        ]
    finally:
        s.close()


def test_a_correction_retires_a_duplicate_transcript_of_the_same_page(env):
    folder = write_letter(env.archive.root, "alpha", ["The walrus wrote page one."])
    (folder / "page-1.txt").write_text("The narwhal wrote page one.", encoding="utf-8")
    env.build()

    lifecycle.write_transcript(env.archive, "alpha", 1, "The seal wrote page one.", by="alice")
    assert transcripts(folder) == ["page-001.txt"]
    log = lifecycle.history(env.archive, "alpha")
    assert [e["action"] for e in log] == ["edit-transcript", "remove-duplicate"]
    assert (folder / log[0]["previous"]).read_text() == "The walrus wrote page one."
    assert log[1]["file"] == "page-1.txt" and log[1]["replaced_by"] == "page-001.txt"
    assert (folder / log[1]["previous"]).read_text() == "The narwhal wrote page one."

    indexing.update(env.archive, env.engine, env.reader)
    assert found(env, "walrus") == [] and found(env, "narwhal") == []
    assert found(env, "seal") == ["alpha"]


def test_a_transcript_only_letter_with_gaps_keeps_its_pages(env):
    """Its pages are its transcripts in order: page 1 is page-002.txt here."""
    folder = write_letter(env.archive.root, "alpha", [])
    (folder / "page-002.txt").write_text("Quagga on the first page.", encoding="utf-8")
    (folder / "page-005.txt").write_text("Okapi on the second page.", encoding="utf-8")
    env.build()

    lifecycle.write_transcript(env.archive, "alpha", 1, "Zebra on the first page.", by="alice")
    assert transcripts(folder) == ["page-002.txt", "page-005.txt"]
    indexing.update(env.archive, env.engine, env.reader)
    s = env.search()
    try:
        assert s.get("alpha")["pages_text"] == [
            "Zebra on the first page.",
            "Okapi on the second page.",
        ]
    finally:
        s.close()


def test_the_sidecar_names_the_transcript_a_correction_replaces(env):
    folder = write_letter(env.archive.root, "alpha", [], {"pages": [{"transcript": "typed.txt"}]})
    (folder / "typed.txt").write_text("An ibex in the text.", encoding="utf-8")
    name, twins = lifecycle.transcript_files(folder, 1)
    assert (name, twins) == ("typed.txt", [])
    lifecycle.write_transcript(env.archive, "alpha", 1, "A chamois in the text.", by="alice")
    assert (folder / "typed.txt").read_text() == "A chamois in the text."
    assert not (folder / "page-001.txt").exists()


def test_the_web_correction_of_an_old_padded_page_leaves_no_old_text(tmp_path):
    env = archive_env(tmp_path)
    folder = write_letter(env.archive.root, "gamma", [])
    (folder / "page-01.txt").write_text("A letter about the albatross.", encoding="utf-8")
    indexing.update(env.archive, env.engine, env.reader)
    app = create_app(config(env))
    client = app.test_client()
    try:
        token = sign_in(client)
        page = client.get("/archive/letters/gamma/pages/1").get_data(as_text=True)
        assert "A letter about the albatross." in page
        r = client.post(
            "/archive/letters/gamma/pages/1",
            data={"csrf_token": token, "text": "A letter about the cormorant."},
        )
        assert r.status_code == 303
        assert transcripts(folder) == ["page-01.txt"]
        assert found(env, "albatross") == [] and found(env, "cormorant") == ["gamma"]
        assert client.get("/search?q=albatross").get_data(as_text=True).count("gamma") == 0
    finally:
        app.extensions["missive.jobs"].shutdown()


def test_status_changes_keep_the_previous_sidecar_and_are_logged(env):
    write_letter(env.archive.root, "alpha", ["text"], {"title": "A letter", "status": "draft"})
    folder = env.archive.folder("alpha")
    before = (folder / "letter.json").read_text()

    lifecycle.set_status(env.archive, "alpha", "published", by="alice")
    lifecycle.set_status(env.archive, "alpha", "withdrawn", by="bob", reason="A duplicate")
    log = lifecycle.history(env.archive, "alpha")
    assert [(e["action"], e["by"]) for e in log] == [("published", "alice"), ("withdrawn", "bob")]
    assert log[1]["reason"] == "A duplicate"
    assert (folder / log[0]["previous"]).read_text() == before
    published = json.loads((folder / log[1]["previous"]).read_text())
    assert published == {"title": "A letter", "status": "published"}
    now = json.loads((folder / "letter.json").read_text())
    assert now["status"] == "withdrawn" and now["withdrawn"]["at"] == log[1]["at"]


def test_a_status_change_is_listed_with_its_kept_sidecar_on_the_history_page(tmp_path):
    env = archive_env(tmp_path)
    app = create_app(config(env))
    client = app.test_client()
    try:
        token = sign_in(client)
        r = client.post(
            "/archive/letters/beta/withdraw", data={"csrf_token": token, "reason": "Misfiled"}
        )
        assert r.status_code == 303
        entry = lifecycle.history(env.archive, "beta")[-1]
        assert entry["action"] == "withdrawn" and entry["previous"].startswith(
            "history/letter.json."
        )
        name = entry["previous"].split("/")[-1]
        html = client.get("/archive/letters/beta/history").get_data(as_text=True)
        assert name in html and "Withdrew" in html
        kept = client.get(f"/archive/letters/beta/revisions/{name}")
        assert kept.status_code == 200 and "&#34;title&#34;: &#34;Beta&#34;" in kept.get_data(
            as_text=True
        ).replace("&quot;", "&#34;")
    finally:
        app.extensions["missive.jobs"].shutdown()
