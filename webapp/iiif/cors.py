"""CORS on every IIIF response, errors and preflights included: viewers on other sites
(Mirador, Universal Viewer, Clover) read manifests, images and search results from here.
Everything under /iiif/ is public and read-only, so any origin may read it, without
credentials."""

from __future__ import annotations

import json
from typing import Any

from flask import Response

from . import bp

HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, Content-Type, If-None-Match, Range",
    "Access-Control-Expose-Headers": "Content-Type, ETag, Link",
    "Access-Control-Max-Age": "86400",
}


@bp.after_request
def _cors(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers[name] = value
    return response


def ld_json(data: Any, profile: str, status: int = 200) -> Response:
    """JSON-LD with the API's context as profile, as the IIIF specifications ask."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    mimetype = f'application/ld+json;profile="{profile}"'
    return Response(body, status, content_type=mimetype)
