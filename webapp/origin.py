"""Where absolute URLs point: a configured base URL, or a trusted host — never any Host header.

Permalinks, citations, Highwire tags, API links, OpenSearch and exports hold absolute URLs.
Built from the request's Host header, a forged header (`Host: evil.example`, sent directly
or through a cache) would put another site's address into pages people cite and copy.

- `BASE_URL` (env `MISSIVE_BASE_URL`, e.g. `https://letters.example.org`): every absolute
  URL is built from it, whatever the request's Host says. A path in it
  (`https://example.org/missive`) is the prefix under which a proxy serves the app.
- `TRUSTED_HOSTS` (env `MISSIVE_TRUSTED_HOSTS`, comma separated): requests for any other
  host are refused with 400. Unset, it is the base URL's host (if any) plus `localhost` and
  `127.0.0.1`, so an unconfigured server answers only on the loopback names (which also
  blocks DNS rebinding). `*` answers any host, and is accepted only with a base URL.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from flask import Flask, Request, Response, url_for
from werkzeug.exceptions import SecurityError
from werkzeug.routing import MapAdapter

LOOPBACK = ("localhost", "127.0.0.1")


class ConfigError(ValueError):
    """A setting the app cannot start with; the message names it and what is accepted."""


def _split_base(base: str) -> tuple[str, str, str]:
    """(scheme, host[:port], path prefix) of a base URL; ConfigError when it is not one."""
    parts = urlsplit(base.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(
            f"BASE_URL={base!r} is not a base URL; accepted: http(s)://host[:port][/prefix], "
            "e.g. https://letters.example.org"
        )
    return parts.scheme, parts.netloc.lower(), parts.path.rstrip("/")


class App(Flask):
    """Flask whose URLs, when BASE_URL is set, are built on it instead of on the request."""

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        adapter = super().create_url_adapter(request)
        base = self.config.get("BASE_URL")
        if request is None or adapter is None or not base:
            return adapter
        scheme, netloc, prefix = _split_base(base)
        # The request was routed by its path alone; only building changes.
        return self.url_map.bind(
            netloc,
            script_name=prefix or "/",
            subdomain=adapter.subdomain,
            url_scheme=scheme,
            path_info=adapter.path_info,
            default_method=adapter.default_method,
            query_args=adapter.query_args,
        )


def absolute(path: str) -> str:
    """An absolute URL for a path built by url_for() (which already holds any prefix)."""
    # The site's root is what an external URL holds before the relative one.
    relative = url_for("static", filename="")
    external = url_for("static", filename="", _external=True)
    return external.removesuffix(relative) + path


def _host_list(value: str | list[str] | tuple[str, ...] | None) -> list[str] | None:
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else value
    return [h.strip() for h in items if h.strip()]


def _trusted_hosts(app: Flask) -> list[str]:
    """The hosts the app answers for; [] (`*`) answers any host, allowed with BASE_URL only."""
    hosts = _host_list(app.config.get("TRUSTED_HOSTS"))
    if hosts is None:
        hosts = _host_list(os.environ.get("MISSIVE_TRUSTED_HOSTS")) or None
    if hosts is None:
        base = app.config.get("BASE_URL")
        hosts = [*([urlsplit(base).hostname or ""] if base else []), *LOOPBACK]
    if hosts == ["*"]:
        hosts = []
    hosts = list(dict.fromkeys(hosts))  # the base URL's host may be a loopback name
    if not hosts and not app.config.get("BASE_URL"):
        raise ConfigError(
            "TRUSTED_HOSTS is empty or * and BASE_URL is unset: absolute URLs would follow "
            "any Host header; accepted: MISSIVE_BASE_URL, or MISSIVE_TRUSTED_HOSTS naming "
            "the hosts the app is served under"
        )
    return hosts


def init_app(app: Flask) -> None:
    """Read BASE_URL and TRUSTED_HOSTS (config, else environment) and check them at start."""
    if not app.config.get("BASE_URL"):
        app.config["BASE_URL"] = os.environ.get("MISSIVE_BASE_URL", "").strip() or None
    if app.config["BASE_URL"]:
        app.config["BASE_URL"] = app.config["BASE_URL"].strip()
        _split_base(app.config["BASE_URL"])
    hosts = app.config["TRUSTED_HOSTS"] = _trusted_hosts(app)

    def untrusted(exc: SecurityError) -> Response:
        # Plain text: with the host refused there is no URL adapter to render site pages.
        message = (
            f"400 Bad Request: {exc.description} Accepted hosts: {', '.join(hosts)} "
            "(MISSIVE_TRUSTED_HOSTS or MISSIVE_BASE_URL set them).\n"
        )
        return Response(message, 400, mimetype="text/plain")

    app.register_error_handler(SecurityError, untrusted)
