"""The Missive web app: search, letters and the JSON API over the index; the archivists' desk."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from indexer.config import resolve_paths

from .origin import App


def _configure(app: Flask, test_config: dict | None) -> None:
    """The defaults, then instance/config.py or the test's config over them."""
    paths = resolve_paths()
    app.config.from_mapping(
        ARCHIVE_DIR=str(paths.archive.resolve()),
        INDEX_DIR=str(paths.index.resolve()),
        CACHE_DIR=str(paths.cache.resolve()),  # OCR results and image derivatives
        PER_PAGE=20,
        SEARCH_DEADLINE=2.0,  # seconds one search may run before it stops with a 503
        # Request bodies (webapp.guard): an archivist's upload; smaller for everything else.
        MAX_CONTENT_LENGTH=200 * 1024 * 1024,
        MAX_FORM_LENGTH=10 * 1024 * 1024,
        MAX_ANONYMOUS_LENGTH=8 * 1024,
        MAX_FORM_MEMORY_SIZE=8 * 1024 * 1024,  # one form field: a long transcript
        JSON_SORT_KEYS=False,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the app; tests pass their own archive and index folders."""
    app = App(__name__, instance_relative_config=True)  # URLs built on BASE_URL when set
    _configure(app, test_config)

    from . import (
        api,
        archivist,
        auth,
        citation_tags,
        cited,
        cmif,
        corrections,
        db,
        errors,
        export,
        favicon,
        guard,
        headers,
        iiif,
        images,
        jobs,
        letter_search,
        letter_view,
        letters_api,
        origin,
        search,
        upload,
    )

    origin.init_app(app)  # BASE_URL, TRUSTED_HOSTS: checked before anything is served
    headers.init_app(app)  # CSP, nosniff, referrer policy, no framing on every response
    favicon.init_app(app)
    db.init_app(app)
    guard.limit_bodies(app)  # body limits from the session cookie: before any form is read
    auth.init_app(app)  # sessions, CSRF, sign-in limit: before the blueprints
    jobs.init_app(app)
    app.register_blueprint(search.bp)
    app.register_blueprint(letter_view.bp)
    app.register_blueprint(citation_tags.bp)
    app.register_blueprint(letters_api.bp)  # /api/letters/...: before api.bp, so it wins
    app.register_blueprint(letter_search.bp)  # /api/letters/<id>/search
    app.register_blueprint(api.bp)
    app.register_blueprint(images.bp)
    app.register_blueprint(export.bp)
    app.register_blueprint(cmif.bp)
    app.register_blueprint(iiif.bp)  # /iiif/...: manifests, images, search, content state
    upload.init_app(app)
    app.register_blueprint(archivist.bp)
    app.register_blueprint(corrections.bp)
    cited.init_app(app)  # cited searches: /cite/s/<id>, /api/cited-searches
    errors.init_app(app)
    os.environ.setdefault("MISSIVE_APP", "1")
    return app
