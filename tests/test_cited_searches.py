"""Cited searches (issue: a search cited like a letter): cite a search on the sample, then
add a letter that matches, withdraw one that was found and correct a third so it no
longer matches; the cited search still lists the original letters with their revisions
then, reports exactly those three changes, its hash verifies, `as_of` at its time gives
the original list and today's search differs. Over the real app, archive and index."""

from __future__ import annotations

import hashlib
import json
import re
import shutil

import pytest

from indexer import indexing
from indexer.archive import lifecycle
from indexer.search.cited import FOLDER
from tests.archive_support import csrf_token
from tests.conftest import SAMPLE, Env, app_config, write_letter

Q = "oslo"
FIXED = "2009-02-16-pakistan-mofa"  # its transcript names Oslo: corrected not to
GONE = "2009-08-18-russia-embassy-wellington"  # withdrawn after the citation
NEW = "2010-01-05-norway-oslo-follow-up"


@pytest.fixture
def cite_env(tmp_path, sample_env) -> Env:
    """A copy of the sample with the session's OCR cache (nothing is read twice)."""
    shutil.copytree(SAMPLE, tmp_path / "archive")
    shutil.copytree(sample_env.root / "cache", tmp_path / "cache")
    env = Env(tmp_path)
    assert not env.build().errors
    return env


def _client(env: Env, **config):
    from webapp import create_app

    app = create_app({**app_config(env), **config})
    return app, app.test_client()


def _reindex(env: Env, *ids: str) -> None:
    with env.engine.write_lock(), env.engine.writer() as w:
        for letter_id in ids:
            w.replace(env.reader.read(letter_id))


def _change_the_collection(env: Env) -> None:
    archive = env.archive
    folder = write_letter(
        archive.root,
        NEW,
        ["A follow-up on the Oslo process and the convention."],
        {"title": "Norway on the Oslo process", "date": "2010-01-05"},
    )
    lifecycle.record_added(folder, by="test")
    lifecycle.set_status(archive, GONE, "withdrawn", by="test", reason="a duplicate copy")
    for n, page in enumerate(sorted(archive.folder(FIXED).glob("page-*.txt")), start=1):
        text = page.read_text(encoding="utf-8")
        if "oslo" in text.lower():
            fixed = re.sub("oslo", "Lisbon", text, flags=re.IGNORECASE)
            lifecycle.write_transcript(archive, FIXED, n, fixed, by="test")
    _reindex(env, NEW, GONE, FIXED)


def test_a_cited_search_keeps_its_letters_and_says_what_changed(cite_env):
    env = cite_env
    app, client = _client(env)
    today = client.get(f"/api/search?q={Q}&per_page=100").get_json()
    first = sorted(h["id"] for h in today["hits"])
    assert FIXED in first and GONE in first and NEW not in first

    r = client.post("/api/cited-searches", json={"q": Q})
    assert r.status_code == 201, r.get_data(as_text=True)
    made = r.get_json()
    cite_id, url = made["id"], made["url"]
    assert url.endswith(f"/cite/s/{cite_id}") and r.headers["Location"] == url
    text = made["citation"]["text"]
    assert text.startswith(f"Search for “{Q}” in Missive, {len(first)} letters, ")
    assert text.endswith(url)
    assert '"type": "dataset"' in made["citation"]["csl-json"]
    assert made["citation"]["bibtex"].startswith("@dataset{")
    assert "TY  - DATA" in made["citation"]["ris"]
    assert url in made["citation"]["apa"]
    # The same search, the collection unchanged: the same citation.
    assert client.post("/api/cited-searches", json={"q": Q}).get_json()["id"] == cite_id

    stored_file = env.archive.root / FOLDER / f"{cite_id}.json"
    stored = json.loads(stored_file.read_text(encoding="utf-8"))
    assert stored["request"]["query"] == Q and stored["request"]["match"] == "all"
    assert not stored["cut"] and stored["total"] == len(first)
    pairs = sorted((e["id"], e["revision"]) for e in stored["letters"])
    lines = "".join(f"{i} {rev}\n" for i, rev in pairs)
    assert hashlib.sha256(lines.encode()).hexdigest() == stored["hash"]["value"]

    _change_the_collection(env)

    data = client.get(f"/api/cited-searches/{cite_id}").get_json()
    assert [e["id"] for e in data["letters"]] == [e["id"] for e in stored["letters"]]
    assert {e["id"]: e["revision"] for e in data["letters"]}[FIXED] == "original"
    assert data["reproducible"] is True and data["reproduced_hash"] == stored["hash"]["value"]
    since = data["since"]
    assert [e["id"] for e in since["added"]] == [NEW]
    assert [(e["id"], e["reason"]) for e in since["withdrawn"]] == [(GONE, "a duplicate copy")]
    assert [(e["id"], e["matches_today"]) for e in since["changed"]] == [(FIXED, False)]
    assert since["changed"][0]["revision_now"] != "original"
    assert since["dropped"] == []

    # As of the citation's time: the original list; today: another.
    then = client.get(f"/api/search?q={Q}&per_page=100&as_of={stored['at']}").get_json()
    assert sorted(h["id"] for h in then["hits"]) == first and then["total"] == len(first)
    assert sorted(then["rechecked"]) == sorted([NEW, GONE, FIXED])
    now = client.get(f"/api/search?q={Q}&per_page=100").get_json()
    assert sorted(h["id"] for h in now["hits"]) == sorted({*first, NEW} - {GONE, FIXED})
    html = client.get(f"/search?q={Q}&as_of={stored['at']}").get_data(as_text=True)
    assert f"as of {stored['at']}" in html and FIXED in html

    page = client.get(f"/cite/s/{cite_id}").get_data(as_text=True)
    assert "This list can be reproduced:\n      <strong>yes</strong>" in page
    assert "Withdrawn since (1)" in page and "a duplicate copy" in page
    assert "Text changed since (1)" in page and "Added since, and matching now (1)" in page
    # The corrected letter's text as found then; the withdrawn one's tombstone.
    found = client.get(f"/cite/s/{cite_id}/letters/{FIXED}")
    assert found.status_code == 200 and "Oslo" in found.get_data(as_text=True)
    assert "corrected since" in found.get_data(as_text=True)
    assert client.get(f"/cite/s/{cite_id}/letters/{GONE}").status_code == 410

    # Citing again now is another citation; the first stays, through a rebuild and check.
    assert client.post("/api/cited-searches", json={"q": Q}).get_json()["id"] != cite_id
    assert not env.build().errors
    assert indexing.check(env.archive, env.engine) == []
    assert json.loads(stored_file.read_text(encoding="utf-8")) == stored
    assert client.get(f"/api/cited-searches/{cite_id}").get_json()["reproducible"] is True


def test_cite_this_search_from_the_results_page_and_the_limits(cite_env):
    app, client = _client(cite_env, CITE_LIMIT=2)
    html = client.get(f"/search?q={Q}&country=PK").get_data(as_text=True)
    assert 'action="/cite/s"' in html and "Cite this search" in html
    token = csrf_token(html)
    assert client.post("/cite/s", data={"q": Q}).status_code == 400  # no CSRF token
    r = client.post("/cite/s", data={"csrf_token": token, "q": Q, "country": "PK"})
    assert r.status_code == 303 and "/cite/s/" in r.headers["Location"]
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Search for “oslo” (country: PK) in Missive, 1 letter, " in page
    assert client.get("/cite/s/zzzzzzzzzz").status_code == 404
    bad = client.post("/api/cited-searches", json={"q": Q, "sort": "sideways"})
    assert bad.status_code == 400 and "sort='sideways'" in bad.get_json()["error"]
    assert client.get(f"/api/search?q={Q}&as_of=yesterday").status_code == 400
    # Two per address in the window: the third is refused, with when to try again.
    refused = client.post("/api/cited-searches", json={"q": Q})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
