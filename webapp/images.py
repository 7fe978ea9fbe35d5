"""Page images: derivatives made on first request and cached on disk."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("images", __name__)
