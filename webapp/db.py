"""The search engine and archive, opened once per process and shared by requests."""

from __future__ import annotations

from flask import Flask, current_app

from indexer.archive import Archive
from indexer.engines import Engine, EngineConfig, open_engine


def get_search() -> Engine:
    """The process's engine (MISSIVE_ENGINE); it reopens itself when the index changes."""
    return current_app.extensions["missive.search"]


def get_archive() -> Archive:
    return current_app.extensions["missive.archive"]


def init_app(app: Flask) -> None:
    app.extensions["missive.search"] = open_engine(
        EngineConfig(app.config["INDEX_DIR"], deadline=app.config.get("SEARCH_DEADLINE"))
    )
    app.extensions["missive.archive"] = Archive(app.config["ARCHIVE_DIR"])
