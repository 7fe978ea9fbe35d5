"""Transcripts: decode plain-text files whatever their encoding, without ever failing on bytes."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path
from typing import NoReturn

from indexer.errors import IngestError
from indexer.ingest.extract import SourcePage, reason


def _cp1252_table() -> dict[int, str]:
    # Latin-1 decoding maps bytes 0x80-0x9F to C1 controls; cp1252 puts curly quotes,
    # dashes, the euro sign there.  The five bytes cp1252 leaves undefined stay Latin-1.
    table = {}
    for byte in range(0x80, 0xA0):
        try:
            table[byte] = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            continue
    return table


_CP1252 = _cp1252_table()


def _windows_1252(data: bytes) -> str:
    return data.decode("latin-1").translate(_CP1252)


def decode_text(data: bytes) -> str:
    """Decode transcript bytes (UTF-8, UTF-16 with BOM, else Windows-1252) to NFC with \\n."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        text = data.decode("utf-32", errors="replace")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    else:
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # Not UTF-8: old transcripts are Windows-1252 or Latin-1, and every byte
            # decodes in the blend of the two, so odd bytes never stop an ingest.
            text = _windows_1252(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def read_text(path: Path) -> str:
    """Read a transcript file as text; see `decode_text` for the encodings accepted."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        why = (exc.strerror or "the system refused").lower()
        error = IngestError(f"{path.name}: cannot read the file ({why})")
        error.detail = reason(exc)
        raise error from exc
    return decode_text(data)


class TextSource:
    """A plain-text transcript: one page with text and no image."""

    kind = "text"

    def matches(self, head: bytes, path: Path) -> bool:
        # Text has no magic bytes; only files named .txt count, so that JSON sidecars
        # and word-box files next to the scans are never taken for transcripts.
        return path.suffix.lower() == ".txt"

    def read(self, path: Path) -> list[SourcePage]:
        text = read_text(path)
        return [SourcePage(0, None, None, text if text.strip() else None)]

    def load(self, path: Path, frame: int, dpi: int, width: int | None = None) -> NoReturn:
        raise IngestError(
            f"{path.name}: a text file has no page image; accepted page images: "
            "JPEG, PNG, TIFF, JPEG 2000, WebP, PDF"
        )
