"""Page scans: formats accepted and refused, frames, orientation, modes, and the pixel limit."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageOps

from indexer.errors import IngestError
from indexer.ingest.extract import extension, load_page_image, read_source, sniff
from indexer.ingest.extract import image as image_kind

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a size its data does not have (a bomb's shape)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def noisy(size=(200, 150)) -> Image.Image:
    return Image.effect_noise(size, 60).convert("RGB")


ACCEPTED = [
    ("JPEG", "jpg"),
    ("PNG", "png"),
    ("TIFF", "tif"),
    ("JPEG2000", "jp2"),
    ("JPEG2000", "j2k"),
    ("WEBP", "webp"),
]


@pytest.mark.parametrize("fmt,suffix", ACCEPTED)
def test_accepted_formats_read_and_load(tmp_path, fmt, suffix):
    path = tmp_path / f"page-001.{suffix}"
    noisy((120, 90)).save(path, fmt)
    assert sniff(path) == "image"
    # the archive's extension comes from the content, whatever the file was called
    unnamed = tmp_path / "incoming-001"
    unnamed.write_bytes(path.read_bytes())
    assert extension(unnamed) == f".{suffix}"
    [page] = read_source(path)
    assert (page.frame, page.width, page.height, page.text) == (0, 120, 90, None)
    loaded = load_page_image(path)
    assert loaded.mode == "RGB" and loaded.size == (120, 90)


def test_multipage_tiff_has_one_page_per_frame(tmp_path):
    path = tmp_path / "letter.tif"
    frames = [Image.new("L", size, 255) for size in [(30, 20), (40, 25), (50, 30)]]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    pages = read_source(path)
    assert [(p.frame, p.width, p.height) for p in pages] == [
        (0, 30, 20),
        (1, 40, 25),
        (2, 50, 30),
    ]
    assert load_page_image(path, 2).size == (50, 30)
    for frame in (3, -1):
        with pytest.raises(IngestError, match=rf"^letter\.tif: has no frame {frame}"):
            load_page_image(path, frame)


def test_frame_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(image_kind, "MAX_FRAMES", 3)
    path = tmp_path / "long.tif"
    frames = [Image.new("L", (8, 8), 255) for _ in range(4)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    with pytest.raises(IngestError, match=r"^long\.tif: the TIFF has more than 3 frames; "):
        read_source(path)


def test_exif_orientation_gives_upright_size_and_pixels(tmp_path):
    raw = Image.new("RGB", (40, 20), "white")
    raw.paste((255, 0, 0), (0, 0, 10, 20))  # a red strip on the left edge
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    path = tmp_path / "rotated.jpg"
    raw.save(path, exif=exif.tobytes(), quality=95)
    [page] = read_source(path)
    assert (page.width, page.height) == (20, 40)
    upright = load_page_image(path)
    assert upright.size == (20, 40)
    red, green, _ = upright.getpixel((10, 2))
    assert red > 200 and green < 80  # the left strip is now along the top
    with Image.open(path) as reference:
        expected = ImageOps.exif_transpose(reference).convert("RGB")
    assert upright.tobytes() == expected.tobytes()


def test_damaged_exif_falls_back_to_unrotated(tmp_path):
    path = tmp_path / "bad-exif.jpg"
    noisy((60, 30)).save(path, exif=b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff garbage")
    [page] = read_source(path)
    assert (page.width, page.height) == (60, 30)
    assert load_page_image(path).size == (60, 30)


@pytest.mark.parametrize("top", [4095, 65535])
def test_deep_greyscale_is_scaled_to_8_bits(tmp_path, top):
    deep = Image.new("I;16", (64, 4))
    deep.putdata([round(x * top / 63) for x in range(64)] * 4)
    path = tmp_path / "deep.png"
    deep.save(path)
    page = load_page_image(path)
    assert page.mode == "L"
    assert page.getextrema() == (0, 255)
    assert 120 <= page.getpixel((32, 0)) <= 135  # mid-grey stays mid-grey


@pytest.mark.parametrize(
    "mode,color,expected_mode,expected_pixel",
    [
        ("CMYK", (0, 0, 0, 0), "RGB", (255, 255, 255)),
        ("RGBA", (0, 0, 0, 0), "RGB", (255, 255, 255)),  # transparent -> white paper
        ("RGBA", (0, 0, 0, 255), "RGB", (0, 0, 0)),
        ("LA", (0, 0), "L", 255),
        ("P", 0, "RGB", (0, 0, 0)),
        ("1", 0, "L", 0),
    ],
)
def test_modes_become_rgb_or_l(tmp_path, mode, color, expected_mode, expected_pixel):
    path = tmp_path / "page.tif"
    Image.new(mode, (12, 12), color).save(path)
    page = load_page_image(path)
    assert page.mode == expected_mode
    assert page.getpixel((5, 5)) == expected_pixel


@pytest.mark.parametrize("fmt,suffix", [("GIF", "gif"), ("BMP", "bmp"), ("PPM", "pgm")])
def test_other_image_formats_are_refused_by_name(tmp_path, fmt, suffix):
    path = tmp_path / f"scan.{suffix}"
    Image.new("L", (10, 10), 128).save(path, fmt)
    assert sniff(path) == "image"
    with pytest.raises(IngestError) as err:
        read_source(path)
    assert str(err.value) == (
        f"scan.{suffix}: {fmt} images are not accepted as page scans; "
        "save the page as PNG, TIFF or JPEG; "
        "accepted: JPEG, PNG, TIFF, JPEG 2000, WebP"
    )


@pytest.mark.parametrize("side,pixels", [(20_000, "400,000,000"), (11_000, "121,000,000")])
def test_images_over_the_pixel_limit_are_refused(tmp_path, side, pixels):
    # 20,000^2 trips Pillow's hard limit; 11,000^2 only its warning, which must refuse too.
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header_only(side, side))
    with pytest.raises(IngestError) as err:
        read_source(path)
    assert str(err.value) == (
        f"bomb.png: image of {pixels} pixels is over the limit of 120,000,000 pixels "
        "(decompression bomb?); save the scan at a lower resolution; accepted: JPEG, PNG, "
        "TIFF, JPEG 2000, WebP of at most 120,000,000 pixels"
    )
    with pytest.raises(IngestError, match="120,000,000 pixels"):
        load_page_image(path)


def test_a_jpx_file_keeps_its_extension(tmp_path):
    jp2 = tmp_path / "scan.jp2"
    noisy((64, 48)).save(jp2, "JPEG2000")
    data = bytearray(jp2.read_bytes())
    assert data[16:24] == b"ftypjp2 "  # the brand of the file type box
    data[20:24] = b"jpx "
    jpx = tmp_path / "scan"
    jpx.write_bytes(bytes(data))
    assert extension(jpx) == ".jpx"
    assert [(p.width, p.height) for p in read_source(jpx)] == [(64, 48)]


@pytest.mark.parametrize("fmt,suffix", [("JPEG", "jpg"), ("PNG", "png")])
def test_truncated_files_are_refused(tmp_path, fmt, suffix):
    whole = tmp_path / f"whole.{suffix}"
    noisy().save(whole, fmt)
    cut = tmp_path / f"cut.{suffix}"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(IngestError) as err:
        read_source(cut)
    assert str(err.value) == (
        f"cut.{suffix}: damaged file (the end of the image is missing); "
        "scan or export the page again from the original; "
        "accepted: JPEG, PNG, TIFF, JPEG 2000, WebP"
    )


def test_garbage_after_magic_is_refused(tmp_path):
    path = tmp_path / "broken.tif"
    path.write_bytes(b"II*\x00" + bytes(range(256)) * 4)
    with pytest.raises(IngestError, match=r"^broken\.tif: damaged file \("):
        read_source(path)


def test_real_poilus_scan():
    path = CORPUS / "letters" / "poilus_sample" / "TestamentsDePoilus_will_AN_0183-0.jpg"
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not present: {CORPUS}")
    [page] = read_source(path)
    assert (page.width, page.height) == (1588, 2181)
    image = load_page_image(path)
    assert image.mode == "RGB" and image.size == (1588, 2181)


@pytest.mark.parametrize("orientation", [1, 6])
def test_a_width_hint_decodes_a_smaller_jpeg_never_narrower_than_asked(tmp_path, orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / "scan.jpg"
    noisy((2000, 1200)).save(path, exif=exif.tobytes(), quality=90)
    full = load_page_image(path)
    upright_width = full.width
    assert upright_width == (2000 if orientation == 1 else 1200)
    for want in (100, 240, 300, upright_width // 2, upright_width - 1):
        # The smallest of 1/8, 1/4, 1/2 and 1 that is still `want` wide.
        scale = next(s for s in (8, 4, 2, 1) if -(-upright_width // s) >= want)
        small = load_page_image(path, width=want)
        assert small.width >= want
        assert small.size == (-(-full.width // scale), -(-full.height // scale))
    assert load_page_image(path, width=100).width < upright_width // 4
    png = tmp_path / "scan.png"
    noisy((800, 600)).save(png)
    # PNG cannot be decoded smaller: reduced by a whole factor, never narrower than asked
    assert load_page_image(png, width=100).size == (100, 75)
    assert load_page_image(png, width=300).size == (400, 300)
    assert load_page_image(png, width=500).size == (800, 600)


@pytest.mark.parametrize("suffix", ["jp2", "j2k"])
def test_a_width_hint_decodes_jpeg_2000_at_a_lower_resolution(tmp_path, suffix):
    path = tmp_path / f"master.{suffix}"
    noisy((2000, 1000)).save(path, "JPEG2000", num_resolutions=4)  # 3 halvings at most
    assert load_page_image(path).size == (2000, 1000)
    assert load_page_image(path, width=900).size == (1000, 500)  # 1/2: still >= 900
    assert load_page_image(path, width=240).size == (250, 125)  # 1/8
    # below 1/8 the codestream has no level: 1/8 decoded, then reduced by a whole factor
    assert load_page_image(path, width=100).size == (125, 63)
    assert load_page_image(path, width=2000).size == (2000, 1000)


def test_damaged_webp_and_jpeg_2000_are_refused_in_one_line(tmp_path):
    for fmt, suffix in (("WEBP", "webp"), ("JPEG2000", "jp2")):
        whole = tmp_path / f"whole.{suffix}"
        noisy().save(whole, fmt)
        data = whole.read_bytes()
        cut = tmp_path / f"cut.{suffix}"
        cut.write_bytes(data[: len(data) // 2])
        with pytest.raises(IngestError) as err:
            read_source(cut)
        message = str(err.value)
        assert message.startswith(f"cut.{suffix}: damaged file (") and "\n" not in message
        assert message.endswith("accepted: JPEG, PNG, TIFF, JPEG 2000, WebP")


def test_webp_inside_tiff_is_refused_as_a_compression_this_installation_cannot_read(tmp_path):
    # A TIFF whose compression tag says WebP (50001): libtiff decodes it only when built
    # with libwebp. Either it reads, or the refusal names the compression in plain words.
    plain = tmp_path / "plain.tif"
    noisy((40, 30)).save(plain, "TIFF")
    data = plain.read_bytes()
    entry = b"\x03\x01\x03\x00\x01\x00\x00\x00\x01\x00"  # tag 259, SHORT, 1 value: 1 (none)
    assert data.count(entry) == 1
    path = tmp_path / "webp.tif"
    path.write_bytes(data.replace(entry, entry[:8] + (50001).to_bytes(2, "little")))
    with pytest.raises(IngestError) as err:
        read_source(path)
    assert str(err.value) == (
        "webp.tif: uses a compression this installation cannot read (WebP inside TIFF); save "
        "the scan again uncompressed, or as an LZW- or JPEG-compressed TIFF, PNG or JPEG; "
        "accepted: JPEG, PNG, TIFF, JPEG 2000, WebP"
    )
    assert err.value.detail  # the library's own message, for --verbose
