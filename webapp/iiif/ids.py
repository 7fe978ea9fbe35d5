"""The IIIF ids of a letter's resources: absolute URLs on the app's base URL (BASE_URL,
never the Host header; see webapp/origin.py). Canvases and annotations are named, not
served: a viewer finds them inside the manifest."""

from __future__ import annotations

from flask import url_for

PRESENTATION = "http://iiif.io/api/presentation/3/context.json"
IMAGE = "http://iiif.io/api/image/3/context.json"
SEARCH1 = "http://iiif.io/api/search/1/context.json"
SEARCH2 = "http://iiif.io/api/search/2/context.json"


def manifest(letter_id: str) -> str:
    return url_for("iiif.manifest", letter_id=letter_id, _external=True)


def canvas(letter_id: str, n: int) -> str:
    return f"{manifest(letter_id).removesuffix('/manifest')}/canvas/{n}"


def image_service(letter_id: str, n: int) -> str:
    return url_for("iiif.image_base", letter_id=letter_id, n=n, _external=True)


def search(letter_id: str, version: int) -> str:
    return url_for(f"iiif.search{version}", letter_id=letter_id, _external=True)


def autocomplete(letter_id: str, version: int) -> str:
    return url_for(f"iiif.autocomplete{version}", letter_id=letter_id, _external=True)


def xywh(box: tuple[int, int, int, int]) -> str:
    return "xywh=" + ",".join(str(int(v)) for v in box)
