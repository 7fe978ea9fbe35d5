"""The conformance suite's fixtures: every test runs once per engine.

`engine` is one index per engine for the whole session, built through the protocol
(`Engine.rebuild()` given the Letters the real Reader read from the suite's archive);
tests only read it. A test that changes an index builds its own with `small_index` (on
Solr in a collection emptied and filled again: tests/solr_support.py's SolrIndexes).
Engines are those in `indexer.engines.ENGINES`, or the ones MISSIVE_ENGINE names
(comma-separated). Skip by `engine.features`, never by an engine's name.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from indexer.archive import Archive
from indexer.engines import ENGINES, Engine, EngineConfig, Skips, engine_name, open_engine
from indexer.ingest.reader import Reader
from indexer.records import Letter
from indexer.search import SearchRequest, SearchResult
from tests.conftest import write_letter
from tests.engine import letters as L


def engine_names() -> list[str]:
    """The engines to hold to the suite: MISSIVE_ENGINE's, else every one Missive has."""
    chosen = os.environ.get("MISSIVE_ENGINE", "")
    if chosen.strip():
        return [engine_name(name) for name in chosen.split(",") if name.strip()]
    return list(ENGINES)


@dataclass
class Corpus:
    """The suite's archive and the letters read from it."""

    archive: Archive
    letters: dict[str, Letter]  # every letter read, drafts and withdrawn ones too
    failed: dict[str, str]  # letters the Reader could not read: id -> why
    skips: Skips = field(default_factory=dict)

    @property
    def published(self) -> dict[str, Letter]:
        return {i: x for i, x in self.letters.items() if x.status == "published"}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Corpus:
    root = tmp_path_factory.mktemp("engine-archive")
    archive = L.write_archive(root / "archive")
    reader = L.reader(archive, root / "ocr-cache")
    letters, failed = L.read_all(archive, reader)
    skips = {i: {"fingerprint": archive.fingerprint(i), "reason": why} for i, why in failed.items()}
    return Corpus(archive, letters, failed, skips)


def build(engine: Engine, letters: list[Letter], skips: Skips | None = None) -> None:
    """Fill a new index with `letters` through the protocol, as a build does."""
    with engine.write_lock(), engine.rebuild() as w:
        for letter in letters:
            w.replace(letter)
        w.record_skips(skips or {})


# Engines that need a server run where its tests may (tests/solr_support.py): marked so.
SERVER_MARKS = {"solr": [pytest.mark.solr, pytest.mark.slow]}


@pytest.fixture(
    scope="session",
    params=[pytest.param(n, marks=SERVER_MARKS.get(n, [])) for n in engine_names()],
)
def engine_choice(request) -> Iterator[str]:
    if request.param != "solr":
        yield request.param
        return
    # The local SolrCloud; each index gets a collection of its own (named from its folder),
    # in this process and in the processes a test starts.
    cluster = request.getfixturevalue("solr_cluster")
    saved = {k: os.environ.pop(k, None) for k in ("MISSIVE_SOLR_URL", "MISSIVE_SOLR_COLLECTION")}
    os.environ["MISSIVE_SOLR_URL"] = ",".join(cluster.urls)
    try:
        yield request.param
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None)
            if v is not None:
                os.environ[k] = v


# Engines whose indexes live on a server: the fixture that says where and in what shape
# (tests/solr_support.py's SolrIndexes: the shared index 2 shards × 2 replicas; small
# ones 1 × 1 in collections emptied and filled again test after test, not created).
SERVER_INDEXES = {"solr": "solr_indexes"}


def server_indexes(engine_choice: str, request):
    name = SERVER_INDEXES.get(engine_choice)
    return request.getfixturevalue(name) if name else None


@pytest.fixture(scope="session")
def engine(engine_choice, corpus, tmp_path_factory, request) -> Iterator[Engine]:
    """The suite's index on one engine, built once; read only."""
    index = tmp_path_factory.mktemp(f"engine-{engine_choice}") / "index"
    server = server_indexes(engine_choice, request)
    if server:
        server.shared(index)
    e = open_engine(EngineConfig(index, name=engine_choice))
    build(e, list(corpus.letters.values()), corpus.skips)
    yield e
    e.close()


class SmallIndex:
    """An index of its own for a test that changes it: an archive of a few letters, the
    Reader over it and the engine (its index in `index`, else beside the archive)."""

    def __init__(self, root: Path, name: str, index: Path | None = None):
        self.archive = Archive(root / "archive")
        (self.archive.root / "letters").mkdir(parents=True)
        self.reader = Reader(self.archive, ocr_cache=root / "ocr-cache", use_ocr=False)
        self.config = EngineConfig(index or root / "index", name=name)
        self.engine = open_engine(self.config)
        self.letters: dict[str, Letter] = {}

    def write(self, letter_id: str, pages: list[str], meta: dict | None = None) -> None:
        """Write (or rewrite) a letter's folder in the archive; the index is not told."""
        for old in (self.archive.letters_dir / letter_id).glob("page-*.txt"):
            old.unlink()
        write_letter(self.archive.root, letter_id, pages, meta)

    def read(self, letter_id: str) -> Letter:
        return self.reader.read(letter_id)

    def build(self) -> None:
        """Rebuild the index from the archive; `letters` holds what the Reader read."""
        self.letters = {i: self.read(i) for i in self.archive.ids()}
        build(self.engine, list(self.letters.values()))

    def other(self) -> Engine:
        """A second engine over the same index, as another process would open it."""
        return open_engine(self.config)


@pytest.fixture
def small_index(engine_choice, tmp_path, request) -> Iterator[Callable[..., SmallIndex]]:
    made: list[SmallIndex] = []
    server = server_indexes(engine_choice, request)

    def make(written: dict[str, tuple[list[str], dict | None]]) -> SmallIndex:
        index = server.small(len(made)) if server else None
        small = SmallIndex(tmp_path / f"small-{len(made)}", engine_choice, index)
        made.append(small)
        for letter_id, (pages, meta) in written.items():
            small.write(letter_id, pages, meta)
        small.build()
        return small

    yield make
    for small in made:
        small.engine.close()


def need(engine: Engine, feature: str) -> None:
    """Skip the test unless the engine has `feature` (a field of `Features`)."""
    if not getattr(engine.features, feature):
        pytest.skip(f"the {engine.features.name} engine has no {feature}")


def search(engine: Engine, q: str = "", **kw) -> SearchResult:
    kw.setdefault("per_page", 100)
    return engine.search(SearchRequest(q=q, **kw))


def found(engine: Engine, q: str = "", **kw) -> set[str]:
    """Every letter a search finds, over all its pages of results."""
    return set(ranked(engine, q, **kw))


def ranked(engine: Engine, q: str = "", **kw) -> list[str]:
    """The ids a search finds in its order, page after page of search()."""
    out: list[str] = []
    page = 1
    while True:
        result = search(engine, q, page=page, **kw)
        out += [h.id for h in result.hits]
        if page >= result.pages:
            assert len(out) == result.total, (q, kw)
            return out
        page += 1
