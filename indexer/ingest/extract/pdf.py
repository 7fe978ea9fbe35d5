"""PDF letters: pages described and rendered by pdfium, text layers read with pypdf.

A PDF is accepted when pdfium opens it and finds every page's dictionary: those are the
pages shown and OCR'd. The text layers are read in a helper process, each page within a time
budget (indexer.ingest.extract.pdftext), by pypdf, or by pdfium where pypdf cannot;
describing the pages (count, size) reads the page tree only, never a content stream.
"""

from __future__ import annotations

import logging
import math
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image
from pypdf import PdfReader

from indexer.errors import IngestError
from indexer.ingest.extract import MAX_FRAMES, RENDER_DPI, SourcePage, quiet_library
from indexer.ingest.extract.image import MAX_PIXELS
from indexer.ingest.extract.pdftext import budget_from_env, read_texts
from indexer.ingest.refusals import refuse

# pypdf logs a warning for every repair it makes to a damaged file; the outcome that
# matters (the page's text, or the file's rejection) is reported by our own errors.
logging.getLogger("pypdf").setLevel(logging.ERROR)

ACCEPTED_PDF = "PDF files that open without a password and whose pages can be displayed"


def _pypdf_pages(path: Path) -> int | None:
    """How many pages pypdf finds in a PDF without encryption; None when it finds none of
    either (encrypted, or not readable)."""
    try:
        reader = PdfReader(path, strict=False)
        return None if reader.is_encrypted else len(reader.pages)
    except Exception:
        return None


def _open(path: Path) -> pdfium.PdfDocument:
    """The PDF opened by pdfium, which renders its pages; a refusal when it cannot be.

    pdfium, not pypdf, decides whether a PDF is readable: the pages must be rendered (for
    display and OCR), while a text layer pypdf cannot read is read by pdfium instead. A PDF
    whose attachments alone are encrypted opens without a password, and is accepted.
    """
    try:
        return pdfium.PdfDocument(str(path), password="")
    except Exception as exc:
        pages = _pypdf_pages(path)
        if pages == 0:  # pdfium opens no PDF without pages
            raise refuse(path.name, "pdf-no-pages", accepted="PDFs with pages") from exc
        if pages:
            key = "pdf-no-display"  # pypdf finds pages (and maybe text), pdfium cannot draw
        elif "password" in str(exc).lower():
            key = "pdf-password"
        else:
            key = "pdf-damaged"
        raise refuse(path.name, key, accepted=ACCEPTED_PDF, cause=exc) from exc


def render_scale(width_pt: float, height_pt: float, dpi: int) -> float:
    """Return the points-to-pixels factor for a page, reduced if the page would be huge."""
    scale = dpi / 72
    pixels = width_pt * scale * height_pt * scale
    if pixels > MAX_PIXELS:
        # A poster-sized (or corrupt) box would make a gigapixel bitmap; render it
        # smaller instead, the way a scanner would cap its resolution.
        scale *= math.sqrt(MAX_PIXELS / pixels)
    return scale


def _pixel_size(width: float, height: float, dpi: int) -> tuple[int | None, int | None]:
    """The size of a page's image rendered at `dpi`, from its size in points (its crop box,
    turned by its rotation), as `load` renders it."""
    if not (math.isfinite(width) and math.isfinite(height)) or width < 1e-3 or height < 1e-3:
        return None, None
    scale = render_scale(width, height, dpi)
    # pypdfium2 sizes its bitmap with ceil(), so the same rounding gives the same size.
    return math.ceil(width * scale), math.ceil(height * scale)


def _clean(text: str | None) -> str | None:
    if not text or not text.strip():
        return None
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


class PdfSource:
    """A PDF: one page per PDF page, with its text layer when it has one."""

    kind = "pdf"

    def matches(self, head: bytes, path: Path) -> bool:
        # Readers accept a header preceded by junk within the first kilobyte.
        return b"%PDF-" in head[:1024]

    def read(self, path: Path) -> list[SourcePage]:
        """Describe the pages, with their text layers. A page whose text layer cannot be
        read (broken, or over the time budget) keeps text None and says why in text_error:
        it loses its text layer only; the page is still rendered and OCR'd."""
        pages = self.describe(path)
        for page, found in zip(pages, read_texts(path, len(pages), budget_from_env()), strict=True):
            page.text, page.text_error = _clean(found.text), found.error
        return pages

    def describe(self, path: Path) -> list[SourcePage]:
        """The pages with their sizes, as pdfium (which renders them) finds them in the
        page tree; no content stream is read (text is None)."""
        with quiet_library():
            doc = _open(path)
            try:
                return self._pages(path, doc)
            finally:
                doc.close()

    @staticmethod
    def _pages(path: Path, doc: pdfium.PdfDocument) -> list[SourcePage]:
        count = len(doc)
        if count == 0:
            raise refuse(path.name, "pdf-no-pages", accepted="PDFs with pages")
        if count > MAX_FRAMES:
            accepted = f"at most {MAX_FRAMES:,} pages per file"
            raise refuse(path.name, "pdf-too-many-pages", detail=f"{count:,}", accepted=accepted)
        pages = []
        for index in range(count):
            try:
                # The page's dictionary only: loading the page itself would parse its
                # content streams, which takes time in proportion to what they draw.
                width, height = doc.get_page_size(index)
            except Exception as exc:
                raise refuse(
                    path.name, "pdf-page", detail=str(index + 1), accepted=ACCEPTED_PDF, cause=exc
                ) from exc
            pages.append(SourcePage(index, *_pixel_size(width, height, RENDER_DPI)))
        return pages

    def load(self, path: Path, frame: int, dpi: int, width: int | None = None) -> Image.Image:
        with quiet_library():
            doc = _open(path)
            try:
                if not 0 <= frame < len(doc):
                    raise IngestError(
                        f"{path.name}: has no page {frame + 1}; it has {len(doc)} pages"
                    )
                return self._render(doc, frame, dpi)
            except IngestError:
                raise
            except Exception as exc:
                raise refuse(
                    path.name, "pdf-page", detail=str(frame + 1), accepted=ACCEPTED_PDF, cause=exc
                ) from exc
            finally:
                doc.close()

    @staticmethod
    def _render(doc: pdfium.PdfDocument, frame: int, dpi: int) -> Image.Image:
        page = doc[frame]
        try:
            width, height = page.get_size()
            if not (width > 0 and height > 0):
                raise ValueError(f"page size {width}x{height}")
            scale = render_scale(width, height, dpi)
            bitmap = page.render(scale=scale)
            try:
                # convert() copies, so the image outlives pdfium's buffer.
                image = bitmap.to_pil().convert("RGB")
            finally:
                bitmap.close()
        finally:
            page.close()
        # Tesseract sizes its expectations of text height by the resolution.
        image.info["dpi"] = (round(scale * 72), round(scale * 72))
        return image
