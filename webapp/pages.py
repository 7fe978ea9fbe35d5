"""A page's image file and word boxes, for display: found from the archive and OCR cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from indexer.archive import Archive, file_digest
from indexer.errors import MissiveError
from indexer.ingest.extract import ocr
from indexer.ingest.extract.words import read_words
from indexer.ingest.reader import OcrCache, page_files
from indexer.records import Word


def page_meta(meta: dict[str, Any], n: int) -> dict[str, Any] | None:
    """The stored description of page `n` (1-based) of a letter, or None."""
    pages = meta.get("pages") or []
    return pages[n - 1] if 1 <= n <= len(pages) else None


def page_source(archive: Archive, meta: dict[str, Any], n: int) -> tuple[Path, int] | None:
    """The image or PDF file holding page `n`, and the frame inside it; None if text-only."""
    page = page_meta(meta, n)
    if not page or not page.get("image"):
        return None
    folder = archive.folder(meta["id"])
    path = (folder / page["image"]).resolve()
    if path.parent != folder.resolve() or not path.is_file():
        raise MissiveError(f"{meta['id']}: page {n}'s file {page['image']!r} is missing")
    return path, int(page.get("frame") or 0)


def page_words(
    archive: Archive, ocr_cache: Path | None, meta: dict[str, Any], n: int
) -> list[Word]:
    """Word boxes of page `n` in its image's pixels: the archive's word file, else OCR's."""
    page = page_meta(meta, n)
    if not page:
        return []
    folder = archive.folder(meta["id"])
    files = page_files(folder).get(n, {})
    if "words" in files:
        return read_words(files["words"], width=page.get("width"), height=page.get("height"))
    if page.get("origin") != "ocr" or not page.get("image"):
        return []
    given = (meta.get("provenance") or {}).get("languages", {}).get("source") == "archivist"
    langs = ocr.tesseract_langs(meta.get("languages") or [] if given else [])
    cache = OcrCache(ocr_cache)
    result = cache.get(cache.key(file_digest(folder / page["image"]), page["frame"], langs))
    return result.words if result else []
