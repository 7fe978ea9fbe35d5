"""Fixture chain: an archive on disk -> an index built from it -> a searcher / app / client."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from indexer import indexing
from indexer.archive import Archive
from indexer.pipeline import Reader
from indexer.search import LetterSearch
from indexer.store import IndexStore

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SEEDS = SHARED / "seeds"
SAMPLE = REPO / "archive"


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
    """An archive, an index store and a reader over temporary folders."""

    def __init__(self, root: Path, archive_root: Path | None = None):
        self.root = root
        self.archive = Archive(archive_root or root / "archive")
        self.store = IndexStore(root / "index")
        self.reader = Reader(self.archive, ocr_cache=root / "cache" / "ocr")

    def build(self):
        return indexing.build(self.archive, self.store, self.reader)

    def search(self) -> LetterSearch:
        return LetterSearch(self.store)


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
