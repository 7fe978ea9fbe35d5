"""Page sources (scans, PDFs, transcripts): sniff their kind, describe and render their pages.

Each source kind lives in its own module and is an object with ``kind``,
``matches(head, path)``, ``read(path)`` and ``load(path, frame, dpi)``; `read_source` and
`load_page_image` pick the kind from the file's content, never from its name alone.
`describe_source` is `read_source` without a PDF's text layer: cheap enough for a request.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from indexer.errors import IngestError

if TYPE_CHECKING:
    from PIL import Image

__all__ = [
    "ACCEPTED",
    "MAX_FRAMES",
    "RENDER_DPI",
    "SourceKind",
    "SourcePage",
    "describe_source",
    "kinds",
    "load_page_image",
    "extension",
    "read_source",
    "sniff",
]

RENDER_DPI = 200
MAX_FRAMES = 2_000  # frames of one TIFF or pages of one PDF
ACCEPTED = "JPEG, PNG, TIFF, JPEG 2000, WebP, PDF, plain text (.txt)"
HEAD_BYTES = 2048


@dataclass
class SourcePage:
    """One page inside a source file, as `read_source` describes it."""

    frame: int  # 0-based frame (TIFF) or page index (PDF) inside the file
    width: int | None  # page image size in pixels (PDF: at RENDER_DPI)
    height: int | None
    text: str | None = None  # PDF text layer; None when the page has none or only whitespace
    text_error: str | None = None  # why the PDF text layer could not be read, if it could not


class SourceKind(Protocol):
    kind: str

    def matches(self, head: bytes, path: Path) -> bool: ...

    def read(self, path: Path) -> list[SourcePage]: ...

    def load(self, path: Path, frame: int, dpi: int, width: int | None = None) -> Image.Image:
        """One page, upright; `width`: the caller needs no more than this many pixels
        across, so a source may decode a smaller version that is still at least that wide."""
        ...


# Pillow, pypdf and pdfium are called from OCR worker threads.  pdfium is not thread-safe,
# and warnings.catch_warnings swaps process-wide state, so both are only touched under
# this one lock; the slow part of OCR (the Tesseract processes) runs outside it.
_LIBRARY_LOCK = threading.RLock()


@contextmanager
def quiet_library() -> Iterator[None]:
    """Hold the library lock and keep library warnings from escaping to the caller."""
    with _LIBRARY_LOCK, warnings.catch_warnings(), _c_stderr_discarded():
        # Library warnings about odd files are not the user's business: the file either
        # reads (and is used) or fails (and the IngestError says why).  Without this,
        # pytest's filterwarnings=error would turn harmless warnings into failures.
        warnings.simplefilter("ignore")
        yield


@contextmanager
def _c_stderr_discarded() -> Iterator[None]:
    """Keep C libraries (libtiff) from printing onto the process's stderr meanwhile."""
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, ValueError, OSError):
        yield  # no real stderr (e.g. captured by a test runner): nothing to protect
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), fd)
        try:
            yield
        finally:
            os.dup2(saved, fd)
            os.close(saved)


def reason(exc: BaseException) -> str:
    """Describe a library exception in one short line: its class and first message line."""
    lines = str(exc).strip().splitlines()
    first = lines[0].strip() if lines else ""
    if len(first) > 160:
        first = first[:157] + "..."
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def seconds_setting(name: str, default: float) -> float:
    """A number of seconds from the environment variable `name`, else `default`."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise IngestError(f"{name}={raw[:40]!r} is not a number of seconds; accepted: 0 or more")
    return value


@cache
def kinds() -> tuple[SourceKind, ...]:
    """Return the registered source kinds, in the order they are tried."""
    # Imported here so each kind's module can import SourcePage from this package.
    from indexer.ingest.extract.image import ImageSource
    from indexer.ingest.extract.pdf import PdfSource
    from indexer.ingest.extract.text import TextSource

    # Text last: it matches on the name, the others on magic bytes.
    return (PdfSource(), ImageSource(), TextSource())


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(HEAD_BYTES)


def _kind_of(head: bytes, path: Path) -> SourceKind | None:
    for kind in kinds():
        if kind.matches(head, path):
            return kind
    return None


def sniff(path: Path) -> str | None:
    """Name the kind of page source ("text", "image", "pdf") from content, None if unknown."""
    path = Path(path)
    try:
        head = _head(path)
    except OSError:
        return None
    kind = _kind_of(head, path)
    return kind.kind if kind else None


def extension(path: Path) -> str:
    """The extension a page image or PDF gets in the archive, by its content: ".pdf",
    ".jpg", ".png", ".tif", ".jp2", ".jpx", ".j2k" or ".webp"; ".img" for another format
    `read_source` accepts."""
    from .image import page_extension

    path = Path(path)
    head = _head(path)
    kind = _kind_of(head, path)
    if kind is not None and kind.kind == "pdf":
        return ".pdf"
    return page_extension(head) or ".img"


def _pick(path: Path) -> SourceKind:
    from indexer.ingest.refusals import TRANSCRIPT, refuse  # it imports this package

    try:
        head = _head(path)
    except OSError as exc:
        why = (exc.strerror or "").lower() or "the system refused"
        raise refuse(path.name, "cannot-open", detail=why, accepted=ACCEPTED, cause=exc) from exc
    kind = _kind_of(head, path)
    if kind is not None:
        return kind
    if not head:
        raise refuse(path.name, "empty", accepted=ACCEPTED)
    raise refuse(path.name, "not-a-source", detail=TRANSCRIPT, accepted=ACCEPTED)


def read_source(path: Path) -> list[SourcePage]:
    """Validate a page source and describe its pages; raise IngestError when it is unusable."""
    path = Path(path)
    return _pick(path).read(path)


def describe_source(path: Path) -> list[SourcePage]:
    """Validate a page source and describe its pages, without reading a PDF's text layer
    (pages have text None): bounded by the file's size, not by what its pages draw."""
    path = Path(path)
    kind = _pick(path)
    describe = getattr(kind, "describe", kind.read)
    return describe(path)


def load_page_image(
    path: Path, frame: int = 0, *, dpi: int = RENDER_DPI, width: int | None = None
) -> Image.Image:
    """Return one page as an upright RGB or L image (PDF pages rendered at `dpi`).

    With `width`, a JPEG may be decoded at a half, quarter or eighth of its size when that
    is still at least `width` pixels wide (for derivatives; never for OCR).
    """
    path = Path(path)
    return _pick(path).load(path, frame, dpi, width)
