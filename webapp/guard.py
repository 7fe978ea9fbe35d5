"""Archivists' pages: only for the signed in, never cached, never framed."""

from __future__ import annotations

from flask import Blueprint, Response, current_app
from flask_login import current_user


def archivists_only(bp: Blueprint) -> None:
    """Every view of `bp` needs a signed-in archivist; others are sent to sign in (or 401)."""

    @bp.before_request
    def _signed_in():
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        return None

    @bp.after_request
    def _private(response: Response) -> Response:
        if not response.cache_control.private:  # page images say private themselves
            response.headers["Cache-Control"] = "no-store"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
