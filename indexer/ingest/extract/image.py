"""Page scans: validate JPEG, PNG, TIFF, JPEG 2000 and WebP files and load their frames upright."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from PIL import Image

from indexer.errors import IngestError
from indexer.ingest.extract import MAX_FRAMES, SourcePage, quiet_library
from indexer.ingest.refusals import image_reason, refuse

MAX_PIXELS = 120_000_000
# Pillow warns above this and refuses above twice this; read() turns the warning into a
# rejection too, so one limit holds.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

ACCEPTED_IMAGES = "JPEG, PNG, TIFF, JPEG 2000, WebP"
# MPO (a camera's stereo JPEG) is a JPEG whose first frame is the picture.
_PAGE_FORMATS = {"JPEG", "MPO", "PNG", "TIFF", "JPEG2000", "WEBP"}
# Only TIFF holds pages in its frames; other formats' frames are animation or views.
_SINGLE_FRAME = {"JPEG", "MPO", "PNG", "JPEG2000", "WEBP"}

# The page formats' magic bytes, each with the extension its file gets in the archive.
SIGNATURES = {
    b"\xff\xd8\xff": ".jpg",  # JPEG
    b"\x89PNG\r\n\x1a\n": ".png",
    b"II*\x00": ".tif",  # TIFF, little- and big-endian
    b"MM\x00*": ".tif",
    b"II+\x00": ".tif",  # BigTIFF
    b"MM\x00+": ".tif",
    b"\x00\x00\x00\x0cjP  \r\n\x87\n": ".jp2",  # JPEG 2000 file (JP2; JPX: see below)
    b"\xff\x4f\xff\x51": ".j2k",  # JPEG 2000 codestream without a file wrapper
}
_JP2 = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
# Formats we recognise only to reject them with a precise message (and catch bombs).
_OTHER_MAGIC = (
    b"GIF87a",
    b"GIF89a",
    b"icns",
    b"8BPS",  # Photoshop
)
_PNM = re.compile(rb"P[1-7]\s+(?:#|\d)")
_BMP_HEADERS = {bytes([n, 0, 0, 0]) for n in (12, 40, 52, 56, 64, 108, 124)}

_ORIENT_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_DEEP_MODES = {"I", "I;16", "I;16L", "I;16B", "I;16N", "F"}
# Modes whose pixels can be averaged (Image.reduce); palette indices and bits cannot.
_REDUCIBLE = {"L", "LA", "RGB", "RGBA", "CMYK", "YCbCr", "I", "F"}


def _webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def page_extension(head: bytes) -> str | None:
    """The extension a page scan gets in the archive, from its first bytes: ".jpg", ".png",
    ".tif", ".jp2" (".jpx" for a JPX file), ".j2k", ".webp"; None for other content."""
    if _webp(head):
        return ".webp"
    if head.startswith(_JP2) and head[16:24] == b"ftypjpx ":
        return ".jpx"  # the ftyp box right after the signature names the brand
    return next((ext for magic, ext in SIGNATURES.items() if head.startswith(magic)), None)


def _other_image(head: bytes) -> bool:
    if head.startswith(_OTHER_MAGIC) or _PNM.match(head):
        return True
    # BMP and ICO magics are two or four common bytes; check a header field as well.
    if head[:2] == b"BM" and head[14:18] in {
        bytes([n, 0, 0, 0]) for n in (12, 40, 52, 56, 108, 124)
    }:
        return True
    return head[:4] in (b"\x00\x00\x01\x00", b"\x00\x00\x02\x00") and head[4:6] != b"\x00\x00"


def _bomb(path: Path, pixels: int | None) -> IngestError:
    size = f"image of {pixels:,} pixels" if pixels else "image"
    accepted = f"{ACCEPTED_IMAGES} of at most {MAX_PIXELS:,} pixels"
    over = f"{size} is over the limit of {MAX_PIXELS:,} pixels"
    return refuse(path.name, "too-many-pixels", detail=over, accepted=accepted)


def _tiff_compression(path: Path) -> int | None:
    """A TIFF's compression (tag 259), None for other files or when it cannot be told."""
    try:
        with Image.open(path) as img:
            return img.tag_v2.get(0x0103) if img.format == "TIFF" else None
    except Exception:
        return None


def _failure(path: Path, exc: BaseException) -> IngestError:
    if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
        found = re.search(r"\((\d+) pixels\)", str(exc))
        return _bomb(path, int(found[1]) if found else None)
    key, detail = image_reason(exc, _tiff_compression(path))
    return refuse(path.name, key, detail=detail, accepted=ACCEPTED_IMAGES, cause=exc)


def _check_size(path: Path, img: Image.Image) -> None:
    width, height = img.size
    if width <= 0 or height <= 0:
        raise refuse(path.name, "no-pixels", detail=f"{width}x{height}", accepted=ACCEPTED_IMAGES)
    if width * height > MAX_PIXELS:
        raise _bomb(path, width * height)


def _orientation(img: Image.Image) -> int:
    try:
        value = img.getexif().get(0x0112, 1)
    except Exception:
        # A damaged EXIF block loses only the rotation; the scan itself is fine.
        return 1
    return value if isinstance(value, int) and value in _ORIENT_UPRIGHT else 1


def _flatten(img: Image.Image, mode: str) -> Image.Image:
    # Transparent areas become white paper, not black, so OCR sees ink on a page.
    rgba = img.convert("LA" if mode == "L" else "RGBA")
    page = Image.new(mode, img.size, "white")
    page.paste(rgba.convert(mode), mask=rgba.getchannel("A"))
    return page


def _deep_to_l(img: Image.Image) -> Image.Image:
    if img.mode != "F":
        img = img.convert("I")
    low, high = img.getextrema()
    if img.mode == "F" and high <= 1.0:
        top = 1.0
    else:
        # 12-bit scanners store 0..4095 in 16-bit files; scaling by the container's
        # 65535 would leave them nearly black, so take the smallest depth that fits.
        bits = next((b for b in (8, 10, 12, 14, 16) if high < 2**b), None)
        top = float(2**bits - 1) if bits else float(high)
    scale = 255.0 / top if top > 0 else 1.0
    return img.point(lambda v: v * scale).convert("L")


def _page_mode(img: Image.Image) -> Image.Image:
    mode = img.mode
    if mode in ("RGB", "L"):
        # No copy: leaving `with Image.open()` closes the file, the decoded pixels stay.
        return img
    if mode == "1":
        return img.convert("L")
    if mode in _DEEP_MODES:
        return _deep_to_l(img)
    if mode in ("LA", "La"):
        return _flatten(img, "L")
    if mode in ("RGBA", "RGBa", "PA") or (mode == "P" and "transparency" in img.info):
        return _flatten(img, "RGB")
    return img.convert("RGB")  # CMYK, P, YCbCr, LAB, HSV, RGBX


def _shrunk(img: Image.Image, width: int, sideways: bool) -> Image.Image:
    """A decoded page reduced by the largest whole factor that keeps it `width` across.

    PNG and TIFF cannot be decoded smaller, as JPEG can: the full-size pixels exist once,
    here, under the library lock (so one per process at a time), and are let go as soon as
    the reduced copy is made.
    """
    factor = (img.height if sideways else img.width) // width
    if factor < 2:
        return img
    if img.mode not in _REDUCIBLE:
        img = _page_mode(img)
    # Called through the class: a JPEG 2000 image's own `reduce` is its resolution level.
    return Image.Image.reduce(img, factor)


def _j2k_levels(path: Path) -> int:
    """The wavelet levels of a JPEG 2000 codestream (its main header's COD segment): how
    many times it can be decoded at half the size. 0 when the header is not found."""
    with open(path, "rb") as fh:
        head = fh.read(65536)
    at = head.find(b"\xff\x4f\xff\x51")  # start of codestream, then its SIZ segment
    if at < 0:
        return 0
    at += 2
    while at + 9 < len(head) and head[at] == 0xFF:
        marker, length = head[at + 1], int.from_bytes(head[at + 2 : at + 4], "big")
        if marker == 0x52:  # COD: Lcod, Scod, order, layers (2), transform, then levels
            return head[at + 9]
        if marker in (0x90, 0x93) or length < 2:  # a tile starts: no COD in the main header
            return 0
        at += 2 + length
    return 0


def _jp2_reduce(path: Path, img: Image.Image, across: int, width: int) -> None:
    """Ask a JPEG 2000 image to decode at 1/2^k of its size, k as large as keeps it
    `width` across and its codestream allows (a preservation master read for a screen
    derivative decodes only the resolution level it needs)."""
    k, levels = 0, _j2k_levels(path)
    while k < levels and (across + (1 << k)) >> (k + 1) >= width:
        k += 1
    if k:
        img.reduce = k  # Pillow's JPEG 2000 reader decodes that resolution level only


class ImageSource:
    """A page scan: JPEG, PNG, TIFF (one page per frame), JPEG 2000 or WebP."""

    kind = "image"

    def matches(self, head: bytes, path: Path) -> bool:
        return page_extension(head) is not None or _other_image(head)

    def read(self, path: Path) -> list[SourcePage]:
        with quiet_library():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                fmt, pages = self._decode_all(path)
            except IngestError:
                raise
            except Exception as exc:
                raise _failure(path, exc) from exc
        if fmt not in _PAGE_FORMATS:
            raise refuse(path.name, "image-format", detail=fmt, accepted=ACCEPTED_IMAGES)
        return pages

    def _decode_all(self, path: Path) -> tuple[str, list[SourcePage]]:
        pages = []
        with Image.open(path) as img:
            fmt = img.format or "unknown"
            frame = 0
            while True:
                _check_size(path, img)
                # Decoding every frame is what finds truncated and corrupt data.
                img.load()
                width, height = img.size
                if _orientation(img) >= 5:
                    width, height = height, width
                pages.append(SourcePage(frame, width, height))
                if fmt in _SINGLE_FRAME:
                    break
                try:
                    img.seek(frame + 1)
                except EOFError:
                    break
                frame += 1
                if frame >= MAX_FRAMES:
                    raise refuse(
                        path.name,
                        "too-many-frames",
                        detail=f"{MAX_FRAMES:,}",
                        accepted=f"TIFF files of at most {MAX_FRAMES:,} pages",
                    )
        return fmt, pages

    def load(self, path: Path, frame: int, dpi: int, width: int | None = None) -> Image.Image:
        try:
            return self._load(path, frame, width, reduce=True)
        except IngestError:
            with open(path, "rb") as fh:
                jpeg2000 = page_extension(fh.read(32)) in (".jp2", ".jpx", ".j2k")
            if not (width and jpeg2000):
                raise
            # A tile may have fewer wavelet levels than the main header says: decode whole.
            return self._load(path, frame, width, reduce=False)

    def _load(self, path: Path, frame: int, width: int | None, *, reduce: bool) -> Image.Image:
        with quiet_library():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                with Image.open(path) as img:
                    if img.format not in _PAGE_FORMATS:
                        raise refuse(
                            path.name, "image-format", detail=img.format, accepted=ACCEPTED_IMAGES
                        )
                    self._seek(path, img, frame)
                    _check_size(path, img)
                    orientation = _orientation(img)
                    sideways = orientation >= 5
                    drafts = img.format in ("JPEG", "MPO")
                    if width and drafts:
                        # Decode at 1/2, 1/4 or 1/8 scale when still at least `width` wide:
                        # a 120 MP scan becomes 1.9 MP for a 1400 px derivative.
                        img.draft(img.mode, (1, width) if sideways else (width, 1))
                    elif width and reduce and img.format == "JPEG2000":
                        _jp2_reduce(path, img, img.height if sideways else img.width, width)
                    img.load()
                    transpose = _ORIENT_UPRIGHT.get(orientation)
                    if width and not drafts:
                        img = _shrunk(img, width, sideways)
                    page = _page_mode(img)
            except IngestError:
                raise
            except Exception as exc:
                raise _failure(path, exc) from exc
        return page.transpose(transpose) if transpose is not None else page

    @staticmethod
    def _seek(path: Path, img: Image.Image, frame: int) -> None:
        missing = IngestError(f"{path.name}: has no frame {frame}; frames are numbered from 0")
        if frame < 0 or (frame > 0 and img.format in _SINGLE_FRAME):
            raise missing
        if frame:
            try:
                img.seek(frame)
            except EOFError as exc:
                raise missing from exc
