"""Page images: derivatives made on first request and cached on disk.

    /letters/<id>/pages/<n>/image/thumb.jpg    240 px wide
    /letters/<id>/pages/<n>/image/medium.jpg   800 px wide (never enlarged): phones
    /letters/<id>/pages/<n>/image/screen.jpg   1400 px wide (never enlarged)
    /letters/<id>/pages/<n>/image/full.jpg     the scan at its own size (PDF pages at RENDER_DPI)

Only a page the index knows can be served: the id must be a letter id (`is_id`), the page number
must be a page of that letter, and the file is the one `page_source` finds inside the
letter's folder (it refuses paths that leave it).  Derivatives live under
CACHE_DIR/images/<id>/, named by a key over the letter's fingerprint and the source file's
size and modification time, so a changed scan gets a new derivative; the key is the ETag.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from flask import Blueprint, Response, current_app, request, send_file
from PIL import Image

from indexer.archive import atomic_file
from indexer.errors import MissiveError
from indexer.ingest.extract import RENDER_DPI, load_page_image
from webapp.pages import page_source

from .db import get_archive
from .errors import api_error
from .letters import LetterNotFound, load_letter, page_number

bp = Blueprint("images", __name__)

# size -> (width in pixels or None for the full scan, JPEG quality)
# A phone shows a page about 350 px wide: "medium" is its image (the letter page's srcset),
# at quality 70 under half the bytes of "screen" (the sample's pages: 95-130 KB against
# 280-330 KB; a scan's paper grain costs most of them), so a phone's page stays < 150 KB.
SIZES = {"thumb": (240, 80), "medium": (800, 70), "screen": (1400, 85), "full": (None, 90)}
MAX_AGE = 86400  # a day; after that the browser revalidates with If-None-Match
RECIPE = 3  # bump when the way derivatives are made changes
# One derivative at a time per process.  A screen or thumbnail of a JPEG is decoded at up
# to 1/8 scale, but a PNG or TIFF (and every "full" size) is decoded whole: 480 MB for a
# 120 MP colour scan (Pillow keeps 4 bytes a pixel).  With this lock a worker holds one
# such image at most, whatever its threads ask for (benchmarks/README.md, "Limits").
_MAKING = threading.Lock()


class ImageFailed(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _cache_root() -> Path:
    return Path(current_app.config["CACHE_DIR"]) / "images"


def derivative_key(fingerprint: str, source: Path, frame: int, size: str) -> str:
    """A key that changes whenever the letter or the page's file changes."""
    st = source.stat()
    raw = f"{RECIPE}|{fingerprint}|{source.name}|{frame}|{st.st_size}|{st.st_mtime_ns}|{size}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _render(source: Path, frame: int, size: str, target: Path) -> None:
    """Make the derivative and write it atomically (temp file in the same folder, replace)."""
    with _MAKING:
        _make(source, frame, size, target)


def _make(source: Path, frame: int, size: str, target: Path) -> None:
    width, quality = SIZES[size]
    try:
        img = load_page_image(source, frame, dpi=RENDER_DPI, width=width)
    except MissiveError as exc:
        raise ImageFailed(422, f"The page image cannot be read: {exc}") from exc
    if img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    if width and img.width > width:
        height = max(1, round(img.height * width / img.width))
        # Hamming: a downscaling filter about as sharp as Lanczos at these ratios, in
        # half the time (47 against 110 ms for a 2000 px scan to 1400 px).
        img = img.resize((width, height), resample=Image.Resampling.HAMMING)
    target.parent.mkdir(parents=True, exist_ok=True)
    # A cache: replaced whole or not at all, not flushed to disk (a crash only costs a redo).
    with atomic_file(target, durable=False) as fh:
        # Baseline, not progressive: a progressive encode took 4 times as long (110 ms
        # against 25 ms for a 1400 px page) for little gain on a local network.
        # Optimised Huffman tables hold the whole image in libjpeg and in Pillow's
        # buffer (350 MB more for a 120 MP scan) to save a few per cent: not for "full".
        img.save(fh, "JPEG", quality=quality, optimize=width is not None)
    # Derivatives of an older version of the same page and size are of no further use.
    prefix = target.name.rsplit("-", 1)[0] + "-"
    for old in target.parent.glob(f"{prefix}*.jpg"):
        if old != target:
            old.unlink(missing_ok=True)


def _cached(response: Response, etag: str, public: bool = True) -> Response:
    response.set_etag(etag)
    if public:
        response.cache_control.public = True
    else:
        response.cache_control.private = True
    response.cache_control.max_age = MAX_AGE
    return response


@bp.get("/letters/<letter_id>/pages/<n>/image/<size>.jpg")
def page_image(letter_id: str, n: str, size: str):
    try:
        meta = load_letter(letter_id)
        number = page_number(meta, n)
    except LetterNotFound as exc:
        return api_error(exc.status, exc.message)
    return send_page_image(meta, number, size)


def send_page_image(meta: dict, number: int, size: str, *, public: bool = True):
    """The derivative of page `number` of a letter (meta as stored in the index).

    `public=False` (archivists' views of drafts) keeps it out of shared caches.
    """
    letter_id = meta["id"]
    if size not in SIZES:
        return api_error(404, f"{size[:20]!r} is not an image size; accepted: {', '.join(SIZES)}")
    try:
        found = page_source(get_archive(), meta, number)
    except MissiveError as exc:
        current_app.logger.warning("page image missing: %s", exc)
        return api_error(404, f"The image of page {number} of {letter_id} is missing: {exc}")
    if found is None:
        return api_error(
            404, f"Page {number} of {letter_id} has no image: the letter is a transcript only."
        )
    source, frame = found
    try:
        key = derivative_key(meta.get("fingerprint") or "", source, frame, size)
    except OSError as exc:
        return api_error(404, f"The image of page {number} of {letter_id} is unreadable: {exc}")
    if request.if_none_match.contains(key):
        return _cached(Response(status=304), key, public)
    target = _cache_root() / letter_id / f"p{number}-{size}-{key}.jpg"
    for _attempt in range(2):
        if not target.is_file():
            try:
                _render(source, frame, size, target)
            except ImageFailed as exc:
                current_app.logger.warning("page image failed: %s", exc.message)
                return api_error(exc.status, exc.message)
        try:
            response = send_file(target, mimetype="image/jpeg", conditional=False, etag=False)
        except FileNotFoundError:  # removed meanwhile by a request for a newer version
            continue
        return _cached(response, key, public)
    return api_error(503, f"The image of page {number} of {letter_id} is being replaced; retry.")
