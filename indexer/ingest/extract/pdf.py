"""PDF letters: describe pages and read their text layers with pypdf, render with pdfium.

The text layers are read in a helper process, each page within a time budget
(indexer.ingest.extract.pdftext); describing the pages (count, size) reads the page tree only,
never a content stream, so it is bounded by the file's size.
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
from indexer.ingest.extract import MAX_FRAMES, RENDER_DPI, SourcePage, quiet_library, reason
from indexer.ingest.extract.image import MAX_PIXELS
from indexer.ingest.extract.pdftext import budget_from_env, read_texts

# pypdf logs a warning for every repair it makes to a damaged file; the outcome that
# matters (the page's text, or the file's rejection) is reported by our own errors.
logging.getLogger("pypdf").setLevel(logging.ERROR)

_PASSWORD = (
    "the PDF is encrypted and needs a password; "
    "only PDFs that open with an empty password are accepted"
)


def _unreadable(path: Path, exc: BaseException) -> IngestError:
    return IngestError(f"{path.name}: not a readable PDF ({reason(exc)}); accepted: PDF files")


def render_scale(width_pt: float, height_pt: float, dpi: int) -> float:
    """Return the points-to-pixels factor for a page, reduced if the page would be huge."""
    scale = dpi / 72
    pixels = width_pt * scale * height_pt * scale
    if pixels > MAX_PIXELS:
        # A poster-sized (or corrupt) box would make a gigapixel bitmap; render it
        # smaller instead, the way a scanner would cap its resolution.
        scale *= math.sqrt(MAX_PIXELS / pixels)
    return scale


def _pixel_size(page, dpi: int) -> tuple[int | None, int | None]:
    # pdfium renders the crop box (which defaults to the media box), so measure that.
    try:
        box = page.cropbox
        width, height = abs(float(box.width)), abs(float(box.height))
        rotation = int(page.rotation)
    except Exception:
        return None, None
    if not (math.isfinite(width) and math.isfinite(height)) or width < 1e-3 or height < 1e-3:
        return None, None
    if rotation % 180 == 90:
        width, height = height, width
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
        """The pages with their sizes; no content stream is read (text is None)."""
        with quiet_library():
            reader = self._open(path)
            try:
                count = len(reader.pages)
            except Exception as exc:
                raise _unreadable(path, exc) from exc
            if count == 0:
                raise IngestError(f"{path.name}: the PDF has no pages; accepted: PDFs with pages")
            if count > MAX_FRAMES:
                raise IngestError(
                    f"{path.name}: the PDF has {count:,} pages; accepted: at most "
                    f"{MAX_FRAMES:,} pages per file"
                )
            pages = []
            for index in range(count):
                try:
                    page = reader.pages[index]
                except Exception as exc:
                    raise IngestError(
                        f"{path.name}: page {index + 1} cannot be read ({reason(exc)}); "
                        "accepted: PDF files"
                    ) from exc
                width, height = _pixel_size(page, RENDER_DPI)
                pages.append(SourcePage(index, width, height))
        return pages

    @staticmethod
    def _open(path: Path) -> PdfReader:
        try:
            reader = PdfReader(path, strict=False)
            encrypted = reader.is_encrypted
        except Exception as exc:
            raise _unreadable(path, exc) from exc
        if not encrypted:
            return reader
        try:
            opened = reader.decrypt("")
        except Exception as exc:
            raise IngestError(f"{path.name}: {_PASSWORD} ({reason(exc)})") from exc
        if not opened:
            raise IngestError(f"{path.name}: {_PASSWORD}")
        return reader

    def load(self, path: Path, frame: int, dpi: int, width: int | None = None) -> Image.Image:
        with quiet_library():
            try:
                doc = pdfium.PdfDocument(str(path), password="")
            except Exception as exc:
                if "password" in str(exc).lower():
                    raise IngestError(
                        f"{path.name}: the PDF is encrypted and pdfium cannot open it with an "
                        "empty password, so its pages cannot be rendered; only PDFs that open "
                        "with an empty password are accepted"
                    ) from exc
                raise IngestError(
                    f"{path.name}: the PDF cannot be rendered ({reason(exc)}); accepted: PDF files"
                ) from exc
            try:
                if not 0 <= frame < len(doc):
                    raise IngestError(
                        f"{path.name}: has no page {frame + 1}; it has {len(doc)} pages"
                    )
                return self._render(doc, frame, dpi)
            except IngestError:
                raise
            except Exception as exc:
                raise IngestError(
                    f"{path.name}: page {frame + 1} cannot be rendered ({reason(exc)}); "
                    "accepted: PDF files"
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
