"""IIIF Content State: a page region as a link. "Cite this passage" on the letter page
gives the permanent URL of the page with the region outlined
(`/letters/<id>/pages/<n>?region=x,y,w,h`) and the same region as a content state, which
IIIF viewers open (`?iiif-content=...` in Mirador, Universal Viewer, Clover).

    /iiif/<id>/state/<n>?region=x,y,w,h     the content state (an Annotation) as JSON
    /iiif/state?iiif-content=<state>         a content state (encoded, or a URL of ours),
                                             resolved: 303 to the letter page, region outlined

Encoding as the Content State API 1.0 says: JSON, URI-encoded, base64url without padding.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from flask import Response, redirect, request, url_for

from ..errors import api_error
from ..letters import LetterNotFound, load_letter, page_number
from . import bp, ids
from .cors import ld_json

_REGION = re.compile(r"^(\d{1,6}),(\d{1,6}),(\d{1,6}),(\d{1,6})$")
MAX_STATE = 8000  # characters of an encoded content state


class BadState(ValueError):
    """A region or content state that cannot be read; the message says what is accepted."""


def parse_region(text: str, page: dict[str, Any]) -> tuple[int, int, int, int]:
    """x,y,w,h in the page image's pixels, inside the image and not empty."""
    found = _REGION.match(text.strip())
    if not found:
        raise BadState(f"region={text[:40]!r} is not a region; accepted: x,y,w,h in pixels")
    x, y, w, h = (int(v) for v in found.groups())
    width, height = page.get("width") or 0, page.get("height") or 0
    if w < 1 or h < 1 or x + w > width or y + h > height:
        raise BadState(f"region={text!r} is not inside the page image of {width} x {height} pixels")
    return x, y, w, h


def region_arg(meta: dict[str, Any], n: int) -> tuple[int, int, int, int] | None:
    """The letter page's `region` parameter, when it is a region of page n's image."""
    raw = request.args.get("region")
    page = meta["pages"][n - 1] if meta.get("pages") else {}
    if not raw or not page.get("image"):
        return None
    try:
        return parse_region(raw, page)
    except BadState:
        return None


def passage_url(letter_id: str, n: int, box: tuple[int, int, int, int]) -> str:
    region = ",".join(map(str, box))
    return url_for("letters.page", letter_id=letter_id, n=n, region=region, _external=True)


def content_state(letter_id: str, n: int, box: tuple[int, int, int, int]) -> dict[str, Any]:
    return {
        "@context": ids.PRESENTATION,
        "id": passage_url(letter_id, n, box),
        "type": "Annotation",
        "motivation": ["contentState"],
        "target": {
            "id": f"{ids.canvas(letter_id, n)}#{ids.xywh(box)}",
            "type": "Canvas",
            "partOf": [{"id": ids.manifest(letter_id), "type": "Manifest"}],
        },
    }


def encode(state: dict[str, Any]) -> str:
    text = quote(json.dumps(state, ensure_ascii=False, separators=(",", ":")), safe="-_.!~*'()")
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def decode(value: str) -> dict[str, Any]:
    if len(value) > MAX_STATE:
        raise BadState(f"iiif-content is {len(value)} characters; accepted: at most {MAX_STATE}")
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        state = json.loads(unquote(raw.decode("utf-8")))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadState(
            "iiif-content is not a content state; accepted: base64url of URI-encoded JSON, "
            "or a URL of this site"
        ) from None
    if not isinstance(state, dict):
        raise BadState("iiif-content is not a JSON object; accepted: a content state Annotation")
    return state


def _target_id(state: dict[str, Any]) -> str:
    target = state.get("target", state)
    if isinstance(target, list) and target:
        target = target[0]
    if isinstance(target, dict):
        if target.get("type") == "SpecificResource":  # source + FragmentSelector
            source = target.get("source")
            source = source.get("id") if isinstance(source, dict) else source
            selector = target.get("selector") or {}
            selector = selector[0] if isinstance(selector, list) and selector else selector
            value = selector.get("value") if isinstance(selector, dict) else None
            return f"{source}#{value}" if value else str(source)
        target = target.get("id") or ""
    return target if isinstance(target, str) else ""


def resolve(state: dict[str, Any]) -> tuple[str, int, str | None]:
    """(letter id, page, region or None) a content state points at; BadState otherwise."""
    target = _target_id(state)
    canvas_base = ids.canvas("LETTER", 1).split("LETTER")[0]
    path, _, fragment = target.partition("#")
    if not path.startswith(canvas_base):
        raise BadState(
            f"the content state targets {target[:80]!r}; "
            f"accepted: a canvas of this site, {canvas_base}<id>/canvas/<n>"
        )
    parts = path[len(canvas_base) :].split("/")
    if len(parts) != 3 or parts[1] != "canvas" or not parts[2].isdigit():
        raise BadState(f"{target[:80]!r} is not a canvas; accepted: {canvas_base}<id>/canvas/<n>")
    region = fragment.removeprefix("xywh=") if fragment.startswith("xywh=") else None
    return parts[0], int(parts[2]), region


@bp.get("/<letter_id>/state/<n>")
def state_of(letter_id: str, n: str) -> Response:
    try:
        meta = load_letter(letter_id)
        number = page_number(meta, n)
        box = parse_region(request.args.get("region") or "", meta["pages"][number - 1])
    except LetterNotFound as exc:
        return api_error(exc.status, exc.message)
    except BadState as exc:
        return api_error(400, str(exc))
    state = content_state(letter_id, number, box)
    response = ld_json(state, ids.PRESENTATION)
    response.headers["Link"] = f'<{passage_url(letter_id, number, box)}>; rel="alternate"'
    return response


@bp.get("/state")
def open_state():
    value = (request.args.get("iiif-content") or "").strip()
    try:
        if value.startswith(("http://", "https://")):
            parts = urlsplit(value)
            state = {
                "target": f"{parts.scheme}://{parts.netloc}{parts.path}"
                + (f"#{parts.fragment}" if parts.fragment else "")
            }
        else:
            state = decode(value)
        letter_id, n, region = resolve(state)
        meta = load_letter(letter_id)
        n = page_number(meta, str(n))
        if region is not None:
            parse_region(region, meta["pages"][n - 1])
    except LetterNotFound as exc:
        return api_error(exc.status, exc.message)
    except BadState as exc:
        return api_error(400, str(exc))
    params = {"region": region} if region else {}
    return redirect(
        url_for("letters.page", letter_id=letter_id, n=n, **params, _external=True), 303
    )


def page_context(meta: dict[str, Any], n: int) -> dict[str, Any]:
    """What the letter page shows of IIIF: the manifest (its link and the drag-and-drop
    link) and, with `?region=x,y,w,h`, the passage outlined with its links."""
    if not meta.get("pages"):  # a catalogue record has no manifest
        return {"iiif_manifest": None, "passage": None}
    manifest = ids.manifest(meta["id"])
    box = region_arg(meta, n)
    passage = None
    if box:
        page = meta["pages"][n - 1]
        state = encode(content_state(meta["id"], n, box))
        passage = {
            "x": box[0],
            "y": box[1],
            "w": box[2],
            "h": box[3],
            "width": page["width"],
            "height": page["height"],
            "url": passage_url(meta["id"], n, box),
            "state": state,
            "state_json": url_for(
                "iiif.state_of",
                letter_id=meta["id"],
                n=n,
                region=",".join(map(str, box)),
                _external=True,
            ),
            "opens": url_for("iiif.open_state", **{"iiif-content": state}, _external=True),
        }
    return {"iiif_manifest": manifest, "passage": passage}
