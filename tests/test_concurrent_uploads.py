"""Archivists working at the same time: every upload lands, every change is kept."""

from __future__ import annotations

import threading

import pytest

from indexer import indexing
from indexer.archive import lifecycle
from indexer.search import SearchRequest
from indexer.users import UserStore
from tests.archive_support import (
    HttpSession,
    archive_env,
    config,
    http_upload_and_publish,
    page_scans,
)
from tests.conftest import LiveServer
from webapp import create_app


def _run_together(*jobs):
    """Run the jobs in threads started at the same moment; return results or raise."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)
    errors: list = []

    def run(i, job):
        try:
            barrier.wait()
            results[i] = job()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, j)) for i, j in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert not any(t.is_alive() for t in threads), "a job still runs after 180 s (hung?)"
    assert not errors, errors
    return results


@pytest.mark.slow  # two servers reading two uploads
def test_two_uploads_at_once_through_two_workers_are_both_published(tmp_path):
    env = archive_env(tmp_path)
    UserStore(tmp_path / "users.sqlite3").add("bob", "another long password")
    # Two app instances over one archive and index: like two gunicorn workers, each with
    # its own writer queue, kept in turn by the index's file lock.
    apps = [create_app(config(env)), create_app(config(env))]
    servers = [LiveServer(app) for app in apps]
    try:
        sessions = [HttpSession(servers[0].url), HttpSession(servers[1].url)]
        sessions[0].sign_in()
        sessions[1].sign_in("bob", "another long password")
        scan = page_scans("kestrel", pages=1)[0]
        letters = {
            "kestrel oratorio": [("a.jpg", scan), ("a.txt", b"The kestrel oratorio, 1911.\n")],
            "falcon cantata": [("b.jpg", scan), ("b.txt", b"The falcon cantata, 1911.\n")],
        }
        jobs = [
            lambda s=s, files=files: http_upload_and_publish(s, files)
            for s, files in zip(sessions, letters.values(), strict=True)
        ]
        ids = _run_together(*jobs)
        assert len(set(ids)) == 2 and all(not i.startswith("draft-") for i in ids)
        searcher = env.search()
        try:
            for phrase, letter_id in zip(letters, ids, strict=True):
                hits = searcher.search(SearchRequest(q=f'"{phrase}"')).hits
                assert [h.id for h in hits] == [letter_id]
        finally:
            searcher.close()
        assert indexing.check(env.archive, env.engine) == []
    finally:
        for server in servers:
            server.stop()
        for app in apps:
            app.extensions["missive.jobs"].shutdown()


def test_two_corrections_of_one_page_at_once_are_both_kept(tmp_path):
    env = archive_env(tmp_path)
    app = create_app(config(env))
    server = LiveServer(app)
    try:
        sessions = [HttpSession(server.url), HttpSession(server.url)]
        for s in sessions:
            s.sign_in()
        texts = ["First correction of the ships.", "Second correction of the ships."]
        jobs = [
            lambda s=s, t=t: s.post_form("/archive/letters/alpha/pages/1", {"text": t})[0]
            for s, t in zip(sessions, texts, strict=True)
        ]
        assert _run_together(*jobs) == [303, 303]
        log = lifecycle.history(env.archive, "alpha")
        assert [e["action"] for e in log] == ["edit-transcript", "edit-transcript"]
        folder = env.archive.folder("alpha")
        kept = {(folder / e["previous"]).read_text() for e in log}
        final = (folder / "page-001.txt").read_text()
        # One is the current text; the other, and the original, are kept as revisions.
        assert {final} | kept == {"A letter about ships and harbours.", *texts}
        assert indexing.check(env.archive, env.engine) == []
    finally:
        server.stop()
        app.extensions["missive.jobs"].shutdown()
