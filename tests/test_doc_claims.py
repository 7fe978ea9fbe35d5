"""What the guides promise about drafts, withdrawn letters and the inbox, checked against the app.

docs/archivists.md: "drafts are not in public search, on letter pages, in exports or in the
API"; a withdrawn letter "leaves search, and its permanent URL answers 410 Gone"; "Save and
publish on the same page publishes it again under the same id". docs/letters.md and
docs/web.md: a draft's URLs (pages, images, citations, word boxes) answer 404 like an
unknown letter's, a withdrawn letter's 410. The inbox's limits (docs/archivists.md §6).
"""

from __future__ import annotations

import io
import json
import os

import pytest
from PIL import Image

from indexer.archive import lifecycle
from indexer.ingest.drafts import MAX_PAGES, MAX_TRANSCRIPT_BYTES
from indexer.ingest.inbox import Inbox
from indexer.ingest.processing import JobFiles
from tests.archive_support import archive_env, config, sign_in
from tests.conftest import REPO, Env, LiveServer, app_config, write_letter
from webapp import create_app

WORD = "albatross"
LETTERS = {
    "kept": ("Kept letter title", "PK"),
    "draft": ("Zzdraft letter title", "NO"),
    "gone": ("Zzwithdrawn letter title", "SE"),
}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 420), "white").save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A published, a draft and a withdrawn letter (each a page image and its transcript)."""
    root = tmp_path_factory.mktemp("claims")
    (root / "archive" / "letters").mkdir(parents=True)
    env = Env(root)
    for letter_id, (title, country) in LETTERS.items():
        meta = {"title": title, "sender": {"country": country}, "date": "1905-03-01"}
        if letter_id == "draft":
            meta["status"] = "draft"
        folder = write_letter(env.archive.root, letter_id, [f"A letter about the {WORD}."], meta)
        (folder / "page-001.jpg").write_bytes(_jpeg())
    lifecycle.set_status(env.archive, "gone", "withdrawn", by="alice", reason="Misfiled here")
    env.build()
    server = LiveServer(create_app(app_config(env)))
    yield server
    server.stop()


LETTER_URLS = [
    "/letters/{id}",
    "/letters/{id}/pages/1",
    "/letters/{id}/pages/1/image/thumb.jpg",
    "/letters/{id}/pages/1/image/full.jpg",
    "/letters/{id}/citation.bib",
    "/letters/{id}/citation.json",
    "/api/letters/{id}",
    "/api/letters/{id}/pages/1/words",
    "/iiif/{id}/manifest",
    "/iiif/{id}/lines/1",
    "/iiif/{id}/text/1.txt",
    "/iiif/image/{id}/1/info.json",
    "/iiif/image/{id}/1/full/max/0/default.jpg",
    f"/iiif/{{id}}/search/1?q={WORD}",
    f"/iiif/{{id}}/search/2?q={WORD}",
    "/iiif/{id}/autocomplete/1?q=alb",
    "/iiif/{id}/autocomplete/2?q=alb",
    "/iiif/{id}/state/1?region=0,0,10,10",
]


@pytest.mark.parametrize("template", LETTER_URLS)
def test_a_draft_is_unknown_and_a_withdrawn_letter_gone_at_every_letter_url(served, template):
    assert served.get(template.format(id="kept"))[0] == 200
    status, _, body = served.get(template.format(id="draft"))
    assert status == 404 and b"There is no letter " in body
    status, _, body = served.get(template.format(id="gone"))
    assert status == 410 and b"Misfiled here" in body


SEARCH_URLS = [
    f"/search?q={WORD}",
    f"/api/search?q={WORD}",
    f"/search.csv?q={WORD}",
    f"/search.json?q={WORD}",
    f"/search.bib?q={WORD}",
    f"/search.ris?q={WORD}",
    "/search",  # browsing every letter
    "/api/search",
    "/search.csv",
    "/api/search?q=id:draft OR id:gone".replace(" ", "+"),
    "/",  # the home page: counts and sender countries
    "/letters/kept",  # more like this
    "/iiif/collection/1",  # the IIIF collection's manifests
]


@pytest.mark.parametrize("path", SEARCH_URLS)
def test_no_list_names_a_draft_or_a_withdrawn_letter(served, path):
    status, _, body = served.get(path)
    assert status == 200
    text = body.decode()
    for secret in ("Zzdraft", "Zzwithdrawn", "/letters/draft", "/letters/gone", "Norway", "Sweden"):
        assert secret not in text, f"{path} shows {secret!r}"


def test_the_lists_do_show_the_published_letter(served):
    """The check above is not vacuous: the same pages list what is published."""
    data = json.loads(served.get(f"/api/search?q={WORD}")[2])
    assert [h["id"] for h in data["hits"]] == ["kept"] and data["total"] == 1
    assert [v["value"] for v in data["facets"]["sender_country"]] == ["PK"]
    assert json.loads(served.get("/api/search")[2])["total"] == 1
    assert b"Kept letter title" in served.get(f"/search.csv?q={WORD}")[2]
    assert b"Pakistan" in served.get("/")[2]
    assert b"Kept letter title" in served.get("/iiif/collection/1")[2]


def test_a_withdrawn_letter_is_published_again_under_the_same_id(tmp_path):
    env = archive_env(tmp_path)
    app = create_app(config(env))
    client = app.test_client()
    try:
        token = sign_in(client)
        r = client.post("/archive/letters/beta/withdraw", data={"csrf_token": token, "reason": "x"})
        assert r.status_code == 303 and client.get("/letters/beta").status_code == 410
        page = client.get("/archive/letters/beta").get_data(as_text=True)
        assert "Save and publish" in page
        r = client.post("/archive/letters/beta/publish", data={"csrf_token": token})
        assert r.status_code == 303 and r.headers["Location"].endswith("/archive/letters/beta")
        assert client.get("/letters/beta").status_code == 200
        assert "beta" in env.archive.ids()
        assert [e["action"] for e in lifecycle.history(env.archive, "beta")] == [
            "withdrawn",
            "published",
        ]
    finally:
        app.extensions["missive.jobs"].shutdown()


def test_exports_hold_the_whole_result_whatever_page_and_per_page_say(env):
    """docs/web.md: `page` and `per_page` do not change what is exported; bad values are 400."""
    for n in range(5):
        write_letter(env.archive.root, f"letter-{n}", [f"A letter about the {WORD}, number {n}."])
    env.build()
    client = create_app(app_config(env)).test_client()
    whole = client.get(f"/search.json?q={WORD}").get_json()
    paged = client.get(f"/search.json?q={WORD}&page=3&per_page=2").get_json()
    assert whole["exported"] == paged["exported"] == 5
    assert [h["id"] for h in paged["hits"]] == [h["id"] for h in whole["hits"]]
    rows = client.get(f"/search.csv?q={WORD}&page=2&per_page=1").get_data(as_text=True)
    assert sum(line.startswith("letter-") for line in rows.splitlines()) == 5
    bad = client.get(f"/search.csv?q={WORD}&per_page=500")
    assert bad.status_code == 400 and "per_page=500 is out of range" in bad.get_data(as_text=True)


# -- the inbox -----------------------------------------------------------------------------
@pytest.fixture
def inbox(env, tmp_path):
    env.build()
    box = Inbox(
        tmp_path / "inbox",
        env.archive,
        env.engine,
        env.reader,
        JobFiles(tmp_path / "jobs"),
        settle=0,
        log=lambda line: None,
    )
    box.root.mkdir()
    return box


def error_of(inbox, name: str) -> str:
    return (inbox.root / "failed" / f"{name}.error.txt").read_text()


@pytest.mark.slow  # 501 files, each copied and flushed to disk
def test_the_inbox_takes_at_most_max_pages_pages_per_letter(inbox):
    folder = inbox.root / "long-letter"
    folder.mkdir()
    for n in range(1, MAX_PAGES + 2):
        (folder / f"p{n}.txt").write_text(f"Page {n}.")
    assert inbox.run(interval=0, once=True) == []
    assert error_of(inbox, "long-letter") == (
        f"long-letter: the files hold {MAX_PAGES + 1} pages; accepted: at most "
        f"{MAX_PAGES} pages per letter\n"
    )


def test_the_inbox_takes_a_transcript_of_at_most_5_mb(inbox):
    (inbox.root / "huge.txt").write_bytes(b"word " * (MAX_TRANSCRIPT_BYTES // 5 + 1))
    (inbox.root / "fine.txt").write_bytes(b"A short letter.")
    made = inbox.run(interval=0, once=True)
    assert len(made) == 1 and (inbox.root / "done" / "fine.txt").exists()
    assert error_of(inbox, "huge.txt").startswith("huge.txt: a transcript of 5,242,885 bytes")
    assert MAX_TRANSCRIPT_BYTES == 5 * 1024 * 1024


def test_the_inbox_leaves_hidden_and_lock_files_and_refuses_nested_folders(inbox):
    (inbox.root / ".partial.jpg").write_bytes(b"\xff\xd8\xff")
    (inbox.root / "~lock.txt").write_text("an editor's lock file")
    nested = inbox.root / "bundle" / "inner"
    nested.mkdir(parents=True)
    (nested / "a.txt").write_text("A page.")
    assert inbox.run(interval=0, once=True) == []
    assert (inbox.root / ".partial.jpg").exists() and (inbox.root / "~lock.txt").exists()
    assert error_of(inbox, "bundle").startswith("bundle/inner: a folder inside a letter's folder")


def test_the_inbox_waits_for_size_and_modification_time_to_settle(inbox):
    inbox.settle = 2.0
    note = inbox.root / "note.txt"
    note.write_text("Same size.")
    assert inbox.settled(now=0.0) == []
    note.write_text("Same size!")  # the size is unchanged, the file was written again
    os.utime(note, ns=(5, 5))
    assert inbox.settled(now=1.5) == []
    assert inbox.settled(now=3.0) == []  # 1.5 s since the change
    assert inbox.settled(now=3.6) == [note]


# -- the map -------------------------------------------------------------------------------
def test_the_map_names_every_module():
    """docs/architecture.md is the map: each module of indexer/ and webapp/ is on it."""
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 150
    missing = []
    for package in ("indexer", "webapp"):
        for path in sorted((REPO / package).rglob("*.py")):
            if path.name == "__init__.py" and path.parent.name in ("indexer", "webapp"):
                continue
            name = path.name if path.name != "__init__.py" else f"{path.parent.name}/"
            if f"`{name}`" not in text and f"`{path.stem}`" not in text:
                missing.append(str(path.relative_to(REPO)))
    assert not missing, f"not on docs/architecture.md: {missing}"
