"""Why a file is refused, in an archivist's words: one table, each reason with what to do.

The libraries that read files explain a failure in their own terms ("decoder error -2",
"PdfReadError: Trailer cannot be read", "SyntaxError: broken PNG file"). The one line an
archivist reads says what is wrong with the file and what to do about it; the library's own
message is kept on the error (`IngestError.detail`) for the log, which
`python -m indexer --verbose` prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import IngestError
from .extract import reason

TRANSCRIPT = "a transcript is a UTF-8 text file ending in .txt"  # on an archivist's disk
UPLOADED_TRANSCRIPT = "a transcript is a UTF-8 text file"  # an upload's names are the uploader's


@dataclass(frozen=True)
class Refusal:
    """One reason a file is refused: what is wrong, and what the archivist can do."""

    says: str  # may hold {detail}
    todo: str


AGAIN = "scan or export the page again from the original"
PDF_AGAIN = "save or export the PDF again, or add its pages as images"

REFUSALS: dict[str, Refusal] = {
    "truncated": Refusal("damaged file (the end of the image is missing)", AGAIN),
    "damaged-image": Refusal("damaged file (the image data cannot be decoded)", AGAIN),
    "unrecognised-image": Refusal(
        "damaged file (its beginning is not that of any image format)", AGAIN
    ),
    "compression": Refusal(
        "uses a compression this installation cannot read ({detail})",
        "save the scan again uncompressed, or as an LZW- or JPEG-compressed TIFF, PNG or JPEG",
    ),
    "memory": Refusal(
        "the image is too large to open in this installation's memory",
        "save it at a lower resolution",
    ),
    "too-many-pixels": Refusal(
        "{detail} (decompression bomb?)",
        "save the scan at a lower resolution",
    ),
    "image-format": Refusal(
        "{detail} images are not accepted as page scans", "save the page as PNG, TIFF or JPEG"
    ),
    "no-pixels": Refusal("damaged file (the image has no pixels: {detail})", AGAIN),
    "too-many-frames": Refusal(
        "the TIFF has more than {detail} frames", "split it into files of fewer pages"
    ),
    "pdf-password": Refusal(
        "the PDF is protected by a password",
        "open it with its password, save a copy without one and add that",
    ),
    "pdf-damaged": Refusal("damaged PDF (its structure cannot be read)", PDF_AGAIN),
    "pdf-no-display": Refusal("damaged PDF (its pages cannot be displayed)", PDF_AGAIN),
    "pdf-page": Refusal("damaged PDF (page {detail} cannot be displayed)", PDF_AGAIN),
    "pdf-no-pages": Refusal("the PDF has no pages", "add a PDF with the letter's pages"),
    "pdf-too-many-pages": Refusal(
        "the PDF has {detail} pages", "split it into letters of fewer pages"
    ),
    "not-a-source": Refusal(
        "not a page image, PDF, TEI file or transcript ({detail})",
        "convert it to one of these, or leave it out of the letter",
    ),
    "text-unnamed": Refusal(
        f"a text file whose name does not end in .txt ({TRANSCRIPT})",
        "rename it to end in .txt if it is the letter's transcript",
    ),
    "empty": Refusal("the file is empty", "add the file again from its original"),
    "cannot-open": Refusal(
        "the file cannot be opened ({detail})", "check that it exists and may be read"
    ),
}

# TIFF compressions that need a codec an installation may lack (TIFF tag 259's values).
OPTIONAL_TIFF_CODECS = {
    34712: "JPEG 2000",
    34887: "LERC",
    34925: "LZMA",
    50000: "Zstandard",
    50001: "WebP",
    50002: "JPEG XL",
}

# What a library's message says, tried in order: its class name and first line.
_IMAGE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"MemoryError"), "memory"),
    (re.compile(r"truncated|EOFError|premature end|end of (file|data|stream)", re.I), "truncated"),
    (re.compile(r"UnidentifiedImageError|cannot identify image"), "unrecognised-image"),
)


def refuse(
    name: str,
    key: str,
    *,
    accepted: str,
    detail: str = "",
    cause: BaseException | str | None = None,
) -> IngestError:
    """The one line refusing file `name` for reason `key` of REFUSALS, ending with what is
    accepted; the library's own message (`cause`) goes on the error's `detail`, for the log."""
    refusal = REFUSALS[key]
    error = IngestError(
        f"{name}: {refusal.says.format(detail=detail)}; {refusal.todo}; accepted: {accepted}"
    )
    if cause is not None:
        error.detail = cause if isinstance(cause, str) else reason(cause)
    return error


def image_reason(exc: BaseException, tiff_compression: int | None = None) -> tuple[str, str]:
    """The REFUSALS key (and its detail) for an image a library could not decode."""
    if tiff_compression in OPTIONAL_TIFF_CODECS:
        return "compression", f"{OPTIONAL_TIFF_CODECS[tiff_compression]} inside TIFF"
    said = reason(exc)
    for pattern, key in _IMAGE_RULES:
        if pattern.search(said):
            return key, ""
    return "damaged-image", ""


def plain_why(message: str) -> str:
    """A page source's refusal ("page-001.pdf: why; what to do; accepted: …") as the reason
    one of its pages failed: without the file's name and the formats accepted."""
    why = message.partition(": ")[2] or message
    return why.split("; accepted: ")[0]
