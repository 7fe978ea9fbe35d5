"""/favicon.ico: browsers ask for it at the root whatever the page links."""

from __future__ import annotations

from flask import Flask, Response, current_app


def favicon() -> Response:
    return current_app.send_static_file("favicon.ico")


def init_app(app: Flask) -> None:
    app.add_url_rule("/favicon.ico", "favicon", favicon)
