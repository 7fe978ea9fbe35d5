"""The searcher and archive, opened once per process and shared by requests."""

from __future__ import annotations

from flask import Flask, current_app

from indexer.archive import Archive
from indexer.search import LetterSearch
from indexer.store import IndexStore


def get_search() -> LetterSearch:
    """The process's LetterSearch; it reopens itself when the index changes."""
    return current_app.extensions["missive.search"]


def get_archive() -> Archive:
    return current_app.extensions["missive.archive"]


def init_app(app: Flask) -> None:
    app.extensions["missive.search"] = LetterSearch(
        IndexStore(app.config["INDEX_DIR"]), deadline=app.config.get("SEARCH_DEADLINE")
    )
    app.extensions["missive.archive"] = Archive(app.config["ARCHIVE_DIR"])
