"""The archivist's work through the web app: upload, review, publish, correct, withdraw."""

from __future__ import annotations

import json
import re

import pytest

from indexer import indexing
from indexer.archive import lifecycle
from indexer.search import SearchRequest
from tests.archive_support import (
    archive_env,
    config,
    page_scans,
    sign_in,
    upload,
    wait_processed,
)
from webapp import create_app


@pytest.fixture
def desk(tmp_path):
    """(env, app, signed-in client, CSRF token) over a small archive."""
    env = archive_env(tmp_path)
    app = create_app(config(env))
    client = app.test_client()
    token = sign_in(client)
    yield env, app, client, token
    app.extensions["missive.jobs"].shutdown()


def public_search(env, q: str) -> list[str]:
    s = env.search()
    try:
        return [h.id for h in s.search(SearchRequest(q=q)).hits]
    finally:
        s.close()


def transcript_upload(client, token, phrase: str):
    """Two page scans with their transcripts (no OCR needed)."""
    scan = page_scans(phrase, pages=1)[0]
    files = [(scan, "scan-1.jpg"), (scan, "scan-2.jpg")]
    files += [(f"Page {n} about the {phrase}.\n".encode(), f"scan-{n}.txt") for n in (1, 2)]
    return upload(client, token, files)


def test_upload_is_saved_as_a_draft_before_it_is_read(desk):
    env, _app, client, token = desk
    scans = page_scans("walrus tapestry treaty", pages=1)
    r = upload(client, token, [(scans[0], "scan 1.jpg"), (b"Walrus tapestry treaty.\n", "t.txt")])
    assert r.status_code == 303
    draft = re.search(r"/archive/letters/([^/]+)/processing", r.headers["Location"]).group(1)
    assert re.fullmatch(r"draft-\d{8}-[0-9a-f]{6}", draft)
    folder = env.archive.folder(draft)
    assert sorted(p.name for p in folder.iterdir()) == [
        "letter.json",
        "page-001.jpg",
        "page-001.txt",
    ]
    sidecar = json.loads((folder / "letter.json").read_text())
    assert sidecar["status"] == "draft"
    assert [f["name"] for f in sidecar["added"]["files"]] == ["scan 1.jpg", "t.txt"]
    assert sidecar["added"]["by"] == "alice" and sidecar["added"]["via"] == "upload"
    assert not list((env.archive.letters_dir / ".staging").iterdir())
    assert wait_processed(client, draft)["state"] == "done"
    # A draft: not in public search, pages or API; archivists see it.
    assert public_search(env, "walrus") == []
    assert client.get(f"/letters/{draft}").status_code == 404
    assert client.get(f"/api/letters/{draft}").status_code == 404
    assert client.get(f"/letters/{draft}/pages/1/image/thumb.jpg").status_code == 404
    assert client.get(f"/archive/letters/{draft}").status_code == 200
    with client.get(f"/archive/letters/{draft}/pages/1/image/thumb.jpg") as image:
        assert image.status_code == 200 and "private" in image.headers["Cache-Control"]
    assert indexing.check(env.archive, env.engine) == []


@pytest.mark.slow  # OCR of two rendered pages
def test_review_shows_suggestions_with_their_lines_and_publishing_gives_a_readable_id(desk):
    env, _app, client, token = desk
    scans = page_scans("albatross quartet accord", pages=2)
    r = upload(client, token, [(scans[1], "scan-2.jpg"), (scans[0], "scan-1.jpg")])
    draft = r.headers["Location"].split("/")[-2]
    waiting = client.get(f"/archive/letters/{draft}/processing")  # without JS: it reloads
    assert waiting.status_code == 303 or 'http-equiv="refresh"' in waiting.get_data(as_text=True)
    progress = wait_processed(client, draft)
    assert progress["state"] == "done" and progress["total"] == 2
    html = client.get(f"/archive/letters/{draft}").get_data(as_text=True)
    # Page order follows the file names; suggestions name the line they were read from.
    assert "Read from" in html and "Oslo, 3 March 2011" in html
    assert re.search(r'name="date" type="text" value="2011-03-03"', html)
    assert re.search(r'name="sender.country" type="text" value="NO"', html)
    meta = env.search().get(draft)
    assert "albatross" in meta["pages_text"][0].lower()
    assert meta["provenance"]["sender.country"]["source"] == "extracted"

    form = {
        "csrf_token": token,
        "date": "2011-03-03",
        "sender.organisation": "Embassy of Norway",
        "sender.country": "Sweden",  # a correction, by name: stored as the code
        "languages": "en",
        "action": "publish",
    }
    r = client.post(f"/archive/letters/{draft}/metadata", data=form)
    assert r.status_code == 303, r.get_data(as_text=True)[:800]
    final = r.headers["Location"].rsplit("/", 1)[-1]
    assert final == "2011-03-03-embassy-of-norway"
    assert not (env.archive.letters_dir / draft).exists()
    data = json.loads((env.archive.folder(final) / "letter.json").read_text())
    assert data["status"] == "published" and data["sender"]["country"] == "SE"
    assert public_search(env, '"albatross quartet accord"') == [final]
    page = client.get(f"/letters/{final}").get_data(as_text=True)
    assert "Sweden" in page
    log = [e["action"] for e in lifecycle.history(env.archive, final)]
    assert log == ["edit-metadata", "published"]
    assert indexing.check(env.archive, env.engine) == []
    # The old draft URL is gone for archivists too; the job file is cleaned up.
    assert client.get(f"/archive/letters/{draft}").status_code == 404
    assert not (env.root / "jobs" / f"{draft}.json").exists()

    # Correcting an OCR page: the OCR text it showed is kept as the text before.
    ocr_text = env.search().get(final)["pages_text"][0]
    r = client.post(
        f"/archive/letters/{final}/pages/1",
        data={"csrf_token": token, "text": "The albatross quartet accord, corrected."},
    )
    assert r.status_code == 303
    entry = lifecycle.history(env.archive, final)[-1]
    assert entry["previous_origin"] == "ocr" and entry["by"] == "alice"
    assert (env.archive.folder(final) / entry["previous"]).read_text() == ocr_text
    assert env.search().get(final)["changed"] == entry["at"]


def test_transcript_corrections_keep_revisions_and_the_public_page_says_when(desk):
    env, _app, client, token = desk
    r = client.post(
        "/archive/letters/alpha/pages/1",
        data={"csrf_token": token, "text": "A letter about ships and <b>harbours</b>, corrected."},
    )
    assert r.status_code == 303
    assert env.archive.folder("alpha").joinpath("page-001.txt").read_text().endswith("corrected.")
    assert public_search(env, "corrected") == ["alpha"]
    public = client.get("/letters/alpha").get_data(as_text=True)
    assert "Text corrected" in public and "&lt;b&gt;harbours&lt;/b&gt;" in public
    history = client.get("/archive/letters/alpha/history").get_data(as_text=True)
    assert "alice" in history and "page-001.txt" in history
    kept = re.search(r"/archive/letters/alpha/revisions/([^\"]+)\"", history).group(1)
    old = client.get(f"/archive/letters/alpha/revisions/{kept}").get_data(as_text=True)
    assert "A letter about ships and harbours." in old
    # Saving the same text again changes nothing.
    r = client.post(
        "/archive/letters/alpha/pages/1",
        data={"csrf_token": token, "text": "A letter about ships and <b>harbours</b>, corrected."},
    )
    assert r.status_code == 303
    assert len(env.archive.folder("alpha").joinpath("history.jsonl").read_text().splitlines()) == 1


def test_metadata_errors_name_the_field_and_change_nothing(desk):
    env, _app, client, token = desk
    before = (env.archive.folder("beta") / "letter.json").read_text()
    r = client.post(
        "/archive/letters/beta/metadata",
        data={"csrf_token": token, "title": "Beta", "sender.country": "Narnia"},
    )
    assert r.status_code == 400
    assert "Sender country: &#39;Narnia&#39; is not a country" in r.get_data(as_text=True)
    r = client.post(
        "/archive/letters/beta/metadata",
        data={"csrf_token": token, "title": "Beta", "date": "last week"},
    )
    assert r.status_code == 400 and "not ISO 8601" in r.get_data(as_text=True)
    assert (env.archive.folder("beta") / "letter.json").read_text() == before


def test_withdrawal_needs_a_reason_then_the_url_answers_410(desk):
    env, _app, client, token = desk
    r = client.post("/archive/letters/beta/withdraw", data={"csrf_token": token, "reason": " "})
    assert r.status_code == 400 and "needs a reason" in r.get_data(as_text=True)
    assert client.get("/letters/beta").status_code == 200
    r = client.post(
        "/archive/letters/beta/withdraw",
        data={"csrf_token": token, "reason": "A duplicate of alpha"},
    )
    assert r.status_code == 303
    gone = client.get("/letters/beta")
    assert gone.status_code == 410 and "A duplicate of alpha" in gone.get_data(as_text=True)
    assert public_search(env, "lighthouses") == []
    assert "Withdrawn on" in client.get("/archive/letters/beta").get_data(as_text=True)
    r = client.post("/archive/letters/beta/withdraw", data={"csrf_token": token, "reason": "x"})
    assert r.status_code == 400  # only a published letter can be withdrawn


def test_refused_uploads_leave_nothing_behind(desk):
    env, _app, client, token = desk
    before = env.archive.ids()
    r = upload(client, token, [(b"\x00\x01binary junk", "notes.doc")])
    assert r.status_code == 400
    refusal = "notes.doc: not a page image, PDF, TEI file or transcript (a transcript is a UTF-8"
    assert refusal in r.get_data(as_text=True)
    r = upload(client, token, [(b"%PDF-1.4 broken", "a.pdf")], Accept="application/json")
    assert r.status_code == 400 and r.get_json()["error"].startswith("Not saved: a.pdf:")
    r = upload(client, token, [(b"", "empty.txt")])
    assert r.status_code == 400 and "empty.txt: the file is empty" in r.get_data(as_text=True)
    assert env.archive.ids() == before
    assert not list((env.archive.letters_dir / ".staging").iterdir())


def test_page_count_limit(tmp_path):
    env = archive_env(tmp_path)
    app = create_app(config(env, MAX_PAGES=2))
    client = app.test_client()
    token = sign_in(client)
    scan = page_scans("otter", pages=1)[0]
    r = upload(client, token, [(scan, f"p{n}.jpg") for n in range(3)])
    assert r.status_code == 413
    assert "3 pages; accepted: at most 2 pages per letter" in r.get_data(as_text=True)
    assert [i for i in env.archive.ids() if i.startswith("draft-")] == []


def test_dashboard_lists_drafts_and_the_desk_finds_unpublished_letters(desk):
    env, _app, client, token = desk
    r = transcript_upload(client, token, "narwhal sonata")
    draft = r.headers["Location"].split("/")[-2]
    wait_processed(client, draft)
    html = client.get("/archive/").get_data(as_text=True)
    assert draft in html and "Ready for review" in html
    found = client.get("/archive/letters?q=narwhal").get_data(as_text=True)
    assert draft in found and "Draft" in found
