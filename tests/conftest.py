"""Fixture chain: an archive on disk -> an index built from it -> a searcher / app / client."""

from __future__ import annotations

import json
import os
import shutil
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from indexer import indexing
from indexer.archive import Archive
from indexer.engines import Engine, open_engine
from indexer.ingest.reader import Reader

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SEEDS = SHARED / "seeds"
SAMPLE = REPO / "archive"

# The local SolrCloud fixture (`solr_cluster`) for the tests marked `solr`.
pytest_plugins = ["tests.solr_support"]


# Settings a developer's shell may hold that change what the app and the indexer answer
# (absolute URLs, the hosts served, time limits). The suite runs without them, its
# subprocesses too; a test that wants one sets it (monkeypatch.setenv).
SITE_SETTINGS = (
    "MISSIVE_BASE_URL",
    "MISSIVE_TRUSTED_HOSTS",
    "MISSIVE_SESSION_IDLE_MINUTES",
    "MISSIVE_OCR_TIMEOUT",
    "MISSIVE_PDF_TEXT_BUDGET",
)


@pytest.fixture(scope="session", autouse=True)
def _no_site_settings():
    saved = {name: os.environ.pop(name) for name in SITE_SETTINGS if name in os.environ}
    yield
    os.environ.update(saved)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tesseract and Chromium runs take seconds each: `-m "not slow"` leaves them out too."""
    for item in items:
        if item.get_closest_marker("ocr") or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


def need_corpus(*parts: str) -> Path:
    """The corpus path, or skip the test when the shared corpus is absent."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared corpus not present: {path}")
    return path


def write_letter(root: Path, letter_id: str, pages: list[str], meta: dict | None = None) -> Path:
    """Write a transcript-only letter into an archive folder."""
    folder = root / "letters" / letter_id
    folder.mkdir(parents=True, exist_ok=True)
    for n, text in enumerate(pages, start=1):
        (folder / f"page-{n:03d}.txt").write_text(text, encoding="utf-8")
    if meta is not None:
        (folder / "letter.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


class Env:
    """An archive, an index (the configured engine's) and a reader over temporary folders.

    `engine` is the one the test writes through; search() opens another, as a second
    process would (close it when done).
    """

    def __init__(self, root: Path, archive_root: Path | None = None):
        self.root = root
        self.archive = Archive(archive_root or root / "archive")
        self.index_dir = root / "index"
        self.engine = open_engine(self.index_dir)
        self.reader = Reader(self.archive, ocr_cache=root / "cache" / "ocr")

    def build(self):
        return indexing.build(self.archive, self.engine, self.reader)

    def search(self) -> Engine:
        return open_engine(self.index_dir)

    def found(self, q: str) -> set[str]:
        """The ids of the letters a public search for `q` finds (first page)."""
        from indexer.search import SearchRequest

        s = self.search()
        try:
            return {h.id for h in s.search(SearchRequest(q=q)).hits}
        finally:
            s.close()


@pytest.fixture
def env(tmp_path: Path) -> Env:
    (tmp_path / "archive" / "letters").mkdir(parents=True)
    return Env(tmp_path)


@pytest.fixture(scope="session")
def sample_env(tmp_path_factory) -> Env:
    """The shipped sample archive (copied), indexed once for the session, OCR included."""
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(SAMPLE, root / "archive")
    e = Env(root)
    report = e.build()
    assert not report.errors, report.errors
    return e


def app_config(env: Env) -> dict:
    return {
        "TESTING": True,
        "ARCHIVE_DIR": str(env.archive.root),
        "INDEX_DIR": str(env.index_dir),
        "CACHE_DIR": str(env.root / "cache"),
    }


class LiveServer:
    """The real app served over HTTP on a free loopback port, in a thread."""

    def __init__(self, app):
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def get(self, path: str, headers: dict | None = None):
        """GET over HTTP; returns (status, headers, body bytes) for any status."""
        req = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(5)


def serve(env: Env):
    """Build `env`'s index (no letter may fail) and serve the app over it: a generator for
    a fixture to `yield from`, the server stopped when the fixture ends."""
    from webapp import create_app

    report = env.build()
    assert not report.errors, report.errors
    server = LiveServer(create_app(app_config(env)))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def live_server(sample_env):
    from webapp import create_app

    server = LiveServer(create_app(app_config(sample_env)))
    yield server
    server.stop()
