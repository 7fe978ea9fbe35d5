"""IIIF Image API 3, level 1 (and region and size by percent, size confined to w,h): a page
image's regions at the sizes a viewer asks for, from the page's scan through Pillow.

    /iiif/image/<id>/<n>                 303 to info.json
    /iiif/image/<id>/<n>/info.json       size, sizes, tiles, limits
    /iiif/image/<id>/<n>/<region>/<size>/<rotation>/<quality>.jpg

Region `full`, `square`, `x,y,w,h`, `pct:x,y,w,h`; size `max`, `w,`, `,h`, `pct:n`, `w,h`,
`!w,h` (no `^`: never enlarged); rotation `0`; quality `default`, `color`, `gray`; jpg.
The page is found and checked as for the page images (webapp/images.py: a letter id the
index knows, a page of it, a file inside the letter's folder) and decoded the same way:
a JPEG at the smallest of ½, ¼, ⅛ of its size that still gives the pixels asked for, one
image at a time per worker (the page images' lock). No output is larger than MAX_AREA.
Tiles and the listed sizes are kept in the derivative cache; other regions are made anew.
"""

from __future__ import annotations

import io
import math
import re
from pathlib import Path
from typing import Any

from flask import Response, current_app, redirect, request, send_file, url_for
from PIL import Image

from indexer.archive import atomic_file
from indexer.errors import MissiveError
from indexer.ingest.extract import RENDER_DPI, load_page_image
from webapp.images import _MAKING, derivative_key  # one decoded scan at a time per worker
from webapp.pages import page_source

from ..db import get_archive
from ..errors import api_error
from ..letters import LetterNotFound, load_letter, page_number
from . import bp, ids
from .cors import ld_json

TILE = 1024
THUMB_WIDTH = 240  # the manifest's thumbnails
MAX_AREA = 25_000_000  # pixels of one response: "max" of a larger scan is scaled to it
QUALITY = 85
MAX_AGE = 86400
_NUM = r"\d+(?:\.\d+)?"
_XYWH = re.compile(rf"^(pct:)?({_NUM}),({_NUM}),({_NUM}),({_NUM})$")
_SIZE_WH = re.compile(r"^(!)?(\d+)?,(\d+)?$")
_PCT = re.compile(rf"^pct:({_NUM})$")

Box = tuple[int, int, int, int]


class BadRequest(Exception):
    """A parameter the service cannot serve: status and a message naming it."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def parse_region(text: str, width: int, height: int) -> Box:
    """The region in the page's pixels, cut to the image; BadRequest when outside it."""
    if text == "full":
        return 0, 0, width, height
    if text == "square":
        side = min(width, height)
        return (width - side) // 2, (height - side) // 2, side, side
    found = _XYWH.match(text)
    if not found:
        raise BadRequest(
            f"region {text[:40]!r} is not a region; accepted: full, square, x,y,w,h or pct:x,y,w,h"
        )
    x, y, w, h = (float(v) for v in found.groups()[1:])
    if found.group(1):  # percent of the full image
        x, w = x * width / 100, w * width / 100
        y, h = y * height / 100, h * height / 100
    elif "." in text:
        raise BadRequest(f"region {text!r}: pixels are whole numbers; accepted: x,y,w,h")
    x0, y0 = round(x), round(y)
    x1, y1 = min(width, round(x + w)), min(height, round(y + h))
    if w <= 0 or h <= 0 or x0 >= width or y0 >= height or x1 <= x0 or y1 <= y0:
        raise BadRequest(
            f"region {text!r} is empty or outside the image of {width} x {height} pixels"
        )
    return x0, y0, x1 - x0, y1 - y0


def parse_size(text: str, region_w: int, region_h: int) -> tuple[int, int]:
    """The output size for a region; BadRequest for an enlargement or over MAX_AREA."""
    if text.startswith("^"):
        raise BadRequest(f"size {text[:40]!r}: images are not enlarged; accepted: without ^")
    if text == "max":
        scale = min(1.0, math.sqrt(MAX_AREA / (region_w * region_h)))
        return max(1, int(region_w * scale)), max(1, int(region_h * scale))
    pct = _PCT.match(text)
    found = _SIZE_WH.match(text)
    if pct:
        scale = float(pct.group(1)) / 100
        w, h = round(region_w * scale), round(region_h * scale)
    elif found and (found.group(2) or found.group(3)):
        bang, w_text, h_text = found.groups()
        w, h = int(w_text or 0), int(h_text or 0)
        if bang:
            if not (w_text and h_text):
                raise BadRequest(f"size {text!r}: !w,h needs both; accepted: !w,h")
            scale = min(w / region_w, h / region_h)
            w, h = round(region_w * scale), round(region_h * scale)
        elif not w:
            w = round(region_w * h / region_h)
        elif not h:
            h = round(region_h * w / region_w)
    else:
        raise BadRequest(
            f"size {text[:40]!r} is not a size; accepted: max, w,, ,h, pct:n, w,h or !w,h"
        )
    if w < 1 or h < 1:
        raise BadRequest(f"size {text!r} gives an empty image")
    if w > region_w or h > region_h:
        raise BadRequest(
            f"size {text!r} is larger than the region ({region_w} x {region_h}); "
            "images are not enlarged"
        )
    if w * h > MAX_AREA:
        raise BadRequest(f"size {text!r} is over the limit of {MAX_AREA:,} pixels (maxArea)")
    return w, h


def scale_factors(width: int, height: int) -> list[int]:
    """1, 2, 4 ... until one tile holds the whole page."""
    factors = [1]
    while math.ceil(width / factors[-1]) > TILE or math.ceil(height / factors[-1]) > TILE:
        factors.append(factors[-1] * 2)
    return factors


def sizes(width: int, height: int) -> list[tuple[int, int]]:
    """The whole page at each scale factor of the tiles, smallest first. Only these: a
    viewer (OpenSeadragon) takes the listed sizes for the levels of its tile pyramid."""
    out = [(math.ceil(width / f), math.ceil(height / f)) for f in scale_factors(width, height)]
    return [s for s in reversed(out) if s[0] * s[1] <= MAX_AREA]


def is_kept(region: Box, out: tuple[int, int], width: int, height: int) -> bool:
    """Whether a request is one viewers make again and again (a tile of info.json, or the
    whole page at a listed size or as a thumbnail): those are kept in the cache."""
    x, y, w, h = region
    if region == (0, 0, width, height):
        return out[0] == THUMB_WIDTH or out in (
            *sizes(width, height),
            parse_size("max", width, height),
        )
    for f in scale_factors(width, height):
        step = TILE * f
        if (
            x % step == 0
            and y % step == 0
            and (w, h) == (min(step, width - x), min(step, height - y))
        ):
            return out == (math.ceil(w / f), math.ceil(h / f))
    return False


def _page(letter_id: str, n: str) -> tuple[dict[str, Any], int, int, int]:
    """The letter, page number and the page image's size; LetterNotFound otherwise."""
    meta = load_letter(letter_id)
    number = page_number(meta, n)
    page = meta["pages"][number - 1]
    if not page.get("image") or not page.get("width") or not page.get("height"):
        raise LetterNotFound(
            404, f"Page {number} of {letter_id} has no image: the letter is a transcript only."
        )
    return meta, number, int(page["width"]), int(page["height"])


@bp.get("/image/<letter_id>/<n>", endpoint="image_base")
def base(letter_id: str, n: str):
    return redirect(url_for("iiif.info", letter_id=letter_id, n=n, _external=True), 303)


@bp.get("/image/<letter_id>/<n>/info.json")
def info(letter_id: str, n: str) -> Response:
    try:
        meta, number, width, height = _page(letter_id, n)
    except LetterNotFound as exc:
        return api_error(exc.status, exc.message)
    data = {
        "@context": ids.IMAGE,
        "id": ids.image_service(letter_id, number),
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level1",
        "width": width,
        "height": height,
        "maxArea": MAX_AREA,
        "sizes": [{"width": w, "height": h} for w, h in sizes(width, height)],
        "tiles": [{"width": TILE, "height": TILE, "scaleFactors": scale_factors(width, height)}],
        "extraQualities": ["color", "gray"],
        "extraFeatures": ["regionByPct", "sizeByPct", "sizeByConfinedWh"],
        "preferredFormats": ["jpg"],
    }
    return ld_json(data, ids.IMAGE)


def _check(rotation: str, quality: str, fmt: str) -> None:
    if rotation != "0":
        raise BadRequest(f"rotation {rotation[:20]!r} is not served; accepted: 0")
    if quality not in ("default", "color", "gray"):
        raise BadRequest(f"quality {quality[:20]!r} is not served; accepted: default, color, gray")
    if fmt != "jpg":
        raise BadRequest(f"format {fmt[:20]!r} is not served; accepted: jpg")


def render(
    source: Path, frame: int, size: tuple[int, int], region: Box, out: tuple[int, int], gray: bool
) -> Image.Image:
    """Decode the page at the smallest scale that still gives `out`, cut and resize."""
    width = size[0]
    need = math.ceil(width * out[0] / region[2])  # the whole page's width at the output scale
    with _MAKING:
        img = load_page_image(source, frame, dpi=RENDER_DPI, width=min(width, need))
        f = img.width / width
        x, y, w, h = region
        crop = img.crop((round(x * f), round(y * f), round((x + w) * f), round((y + h) * f)))
        del img
        if crop.size != out:
            crop = crop.resize(out, resample=Image.Resampling.LANCZOS)
    if gray:
        return crop.convert("L")
    return crop.convert("RGB") if crop.mode not in ("RGB", "L") else crop


def _cached(response: Response, key: str) -> Response:
    response.set_etag(key)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response


@bp.get("/image/<letter_id>/<n>/<region>/<size>/<rotation>/<quality>.<fmt>")
def image(letter_id: str, n: str, region: str, size: str, rotation: str, quality: str, fmt: str):
    try:
        meta, number, width, height = _page(letter_id, n)
        _check(rotation, quality, fmt)
        box = parse_region(region, width, height)
        out = parse_size(size, box[2], box[3])
        found = page_source(get_archive(), meta, number)
    except LetterNotFound as exc:
        return api_error(exc.status, exc.message)
    except BadRequest as exc:
        return api_error(exc.status, exc.message)
    except MissiveError as exc:
        return api_error(404, f"The image of page {number} of {letter_id} is missing: {exc}")
    if found is None:
        return api_error(404, f"Page {number} of {letter_id} has no image.")
    source, frame = found
    canonical = f"iiif|{','.join(map(str, box))}|{out[0]},{out[1]}|{quality == 'gray'}"
    try:
        key = derivative_key(meta.get("fingerprint") or "", source, frame, canonical)
    except OSError as exc:
        return api_error(404, f"The image of page {number} of {letter_id} is unreadable: {exc}")
    if request.if_none_match.contains(key):
        return _cached(Response(status=304), key)
    target = (
        Path(current_app.config["CACHE_DIR"])
        / "images"
        / letter_id
        / "iiif"
        / f"p{number}-{key}.jpg"
    )
    if target.is_file():
        return _cached(send_file(target, mimetype="image/jpeg", conditional=False, etag=False), key)
    try:
        img = render(source, frame, (width, height), box, out, quality == "gray")
    except MissiveError as exc:
        return api_error(422, f"The page image cannot be read: {exc}")
    if is_kept(box, out, width, height):
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(target, durable=False) as fh:
            img.save(fh, "JPEG", quality=QUALITY)
        return _cached(send_file(target, mimetype="image/jpeg", conditional=False, etag=False), key)
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=QUALITY)
    return _cached(Response(buffer.getvalue(), mimetype="image/jpeg"), key)
