"""Every hostile file in the shared corpus reads, or fails with an IngestError that says why;
`add` makes it a letter or refuses it in one line, and the archive stays whole."""

from __future__ import annotations

import re
import threading
import traceback
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from indexer import indexing
from indexer.archive import slugify
from indexer.errors import IngestError, MissiveError
from indexer.ingest.extract import RENDER_DPI, SourcePage, load_page_image, read_source
from indexer.ingest.reader import Reader
from indexer.search import SearchRequest
from tests.conftest import Env, write_letter
from tests.test_sample import cli

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
HOSTILE = CORPUS / "hostile"
if not HOSTILE.is_dir():
    pytest.skip(f"shared corpus not present: {HOSTILE}", allow_module_level=True)

FILES = sorted(p for d in ("img_pillow", "pdf_pdfjs", "pdf_pypdf") for p in (HOSTILE / d).iterdir())
BOMB = "is over the limit of 120,000,000 pixels (decompression bomb?)"
PASSWORD = "the PDF is protected by a password; open it with its password, save a copy"
PDF_DAMAGED = "damaged PDF (its structure cannot be read); save or export the PDF again"
NOT_DRAWN = "damaged PDF (its pages cannot be displayed); save or export the PDF again"
IMAGES = "JPEG, PNG, TIFF, JPEG 2000, WebP"
AGAIN = f"scan or export the page again from the original; accepted: {IMAGES}"
DAMAGED = f"damaged file (its beginning is not that of any image format); {AGAIN}"
UNDECODABLE = f"damaged file (the image data cannot be decoded); {AGAIN}"
TRUNCATED = f"damaged file (the end of the image is missing); {AGAIN}"
NOT_A_SOURCE = "not a page image, PDF, TEI file or transcript (a transcript is a UTF-8 text "

# file -> number of pages, or a fragment of the rejection message.
EXPECTED: dict[str, int | str] = {
    "12in16bit.tif": 1,
    "16bit.cropped.jp2": 1,
    "16bit.cropped.tif": 1,
    "broken.png": DAMAGED,
    "broken_data_stream.png": UNDECODABLE,
    # A fuzzed file libtiff decodes or not, by what its memory held: 1 page, or UNDECODABLE.
    "crash-0da013a13571cc8eb457a39fee8db18f8a3c7127.tif": 1,
    "crash-86214e58da443d2b80820cff9677a38a33dcbbca.tif": UNDECODABLE,
    "cross_scan_line_truncated.tga": NOT_A_SOURCE,
    "decompression_bomb.gif": f"image of 4,364,696,535 pixels {BOMB}",
    "decompression_bomb.ico": f"image of 4,294,836,225 pixels {BOMB}",
    "decompression_bomb_extents.gif": f"image of 4,307,953,225 pixels {BOMB}",
    "duplicate_xref_entry.pdf": 2,
    "exif-dpi-zerodivision.jpg": 1,
    "exif_imagemagick_orientation.png": 1,
    "frozenpond.mpo": 1,
    "g4-multi.tiff": 3,
    "hopper_16bit.pgm": "PPM images are not accepted as page scans; save the page as PNG",
    "hopper_bad_exif.jpg": 1,
    "hopper_bigtiff.tif": 1,
    "hopper_g4.tif": 1,
    "hopper_orientation_2.jpg": 1,
    "hopper_orientation_6.jpg": 1,
    "hopper_orientation_8.jpg": 1,
    "icc_profile_big.jpg": 1,
    "invalid-exif.jpg": 1,
    "junk_jpeg_header.jpg": 1,
    "libtiff_segfault.tif": DAMAGED,
    "multipage-lastframe.tif": 1,
    "multipage.tiff": 3,
    "multipage_out_of_order.tiff": 3,
    "old-style-jpeg-compression.tif": 1,
    "oom-8ed3316a4109213ca96fb8a256a0bfefdece1461.icns": f"of 259,634,678,784 pixels {BOMB}",
    "orientation_rectangle.jpg": 1,
    "pil_sample_cmyk.jpg": 1,
    "seek_too_large.tif": UNDECODABLE,
    "shortfile.bmp": TRUNCATED,
    "sugarshack_bad_mpo_header.jpg": 1,
    "test-card-lossy-tiled.jp2": 1,
    "tiff_16bit_RGB.tiff": 1,
    "tiff_overflow_rows_per_strip.tif": DAMAGED,
    "tiff_strip_cmyk_jpeg.tif": 1,
    "tiff_tiled_cmyk_jpeg.tif": 1,
    "truncated_app14.jpg": 1,
    "truncated_end_chunk.png": TRUNCATED,
    "truncated_exif_dpi.jpg": 1,
    "truncated_image.png": TRUNCATED,
    "truncated_jpeg.jpg": TRUNCATED,
    "GHOSTSCRIPT-698804-1-fuzzed.pdf": 1,
    "PDFBOX-3148-2-fuzzed.pdf": 1,  # pypdf cannot read its trailer; pdfium can
    "bad-PageLabels.pdf": 1,
    "big_freeculture.pdf": 352,
    "bug1782186.pdf": PASSWORD,
    "empty.pdf": 1,
    "empty_protected.pdf": 1,
    "encrypted-attachment.pdf": 1,  # only its attachment is encrypted
    "helloworld-bad.pdf": 1,
    "issue15893_reduced.pdf": PASSWORD,
    "issue21579.pdf": PASSWORD,
    "issue3371.pdf": PASSWORD,
    "issue6010_1.pdf": PASSWORD,
    "issue6010_2.pdf": PASSWORD,
    "multiple-filters-length-zero.pdf": 1,
    "pdfjsbad1586.pdf": 1,
    "poppler-395-0-fuzzed.pdf": NOT_DRAWN,  # pypdf reads its text; pdfium cannot open it
    "poppler-742-0-fuzzed.pdf": PDF_DAMAGED,
    "poppler-90-0-fuzzed.pdf": 16,
    "poppler-937-0-fuzzed.pdf": "damaged PDF (page 1 cannot be displayed); save or export",
    "saslprep-r6.pdf": PASSWORD,
    "scan-bad.pdf": 1,
    "xref_command_missing.pdf": 1,
    "zz_pillow_duplicate_xref_entry.pdf": 2,
    "Seige_of_Vicksburg_Sample_OCR.pdf": 6,
    "crazyones-encrypted-256.pdf": PASSWORD,
    "encrypted_doc_no_id.pdf": 3,
    "issue-297.pdf": 1,
    "issue-301.pdf": 1,
    "missing_info.pdf": 1,
    "outlines-with-invalid-destinations.pdf": 4,
    "r2-user-password.pdf": PASSWORD,
    "r4-aes-user-password.pdf": PASSWORD,
    "r6-both-passwords.pdf": PASSWORD,
    "r6-user-password.pdf": PASSWORD,  # pypdf opens it as its owner; pdfium cannot draw it
    "selenium-pypdf-issue-177.pdf": 1,
}
# Files read one way or the other from run to run, and what each way gives.
EITHER = {"crash-0da013a13571cc8eb457a39fee8db18f8a3c7127.tif": UNDECODABLE}
# A library's words an archivist should never meet in a refusal.
JARGON = re.compile(
    r"\b[A-Z]\w*(Error|Exception|Warning)\b|\bstruct\.error\b|Traceback|decoder error|"
    r"\b(errno|PdfReadError|FileNotDecrypted|Pdfium|PIL|pypdf)\b",
    re.IGNORECASE,
)


def assert_plain(name: str, line: str) -> None:
    """One line naming the file, without a library's words, saying what is accepted."""
    assert "\n" not in line, line
    assert line.startswith(f"{name}: ") and len(line) > len(name) + 20, line
    assert not JARGON.search(line), line
    assert "; accepted: " in line, line


@cache
def outcome(name: str) -> list[SourcePage] | IngestError:
    path = next(p for p in FILES if p.name == name)
    try:
        return read_source(path)
    except IngestError as exc:
        return exc


def path_of(name: str) -> Path:
    return next(p for p in FILES if p.name == name)


def test_every_file_is_in_the_table():
    assert sorted(p.name for p in FILES) == sorted(EXPECTED)


# The 352-page book takes seconds to read: only the full run reads it.
READ_CASES = [
    pytest.param(p, marks=pytest.mark.slow) if p.name == "big_freeculture.pdf" else p
    for p in FILES
]


@pytest.mark.parametrize("path", READ_CASES, ids=lambda p: p.name)
def test_reads_or_says_why(path):
    result = outcome(path.name)
    expected = EXPECTED[path.name]
    if isinstance(result, IngestError):
        message = str(result)
        assert_plain(path.name, message)
        if path.name in EITHER:
            expected = EITHER[path.name]
        assert isinstance(expected, str), message
        assert expected in message
        return
    assert expected == len(result)
    assert [p.frame for p in result] == list(range(len(result)))
    first = result[0]
    dpi = RENDER_DPI if path.suffix == ".pdf" or first.width is None else 72
    # Every file accepted is drawn: its pages are shown and OCR'd.
    image = load_page_image(path, 0, dpi=dpi)
    assert image.mode in ("RGB", "L")
    assert image.size == (first.width, first.height)


@pytest.mark.parametrize(
    "name,transpose",
    [
        ("hopper_orientation_2.jpg", Image.Transpose.FLIP_LEFT_RIGHT),
        ("hopper_orientation_6.jpg", Image.Transpose.ROTATE_270),
        ("hopper_orientation_8.jpg", Image.Transpose.ROTATE_90),
        ("exif_imagemagick_orientation.png", Image.Transpose.ROTATE_180),
    ],
)
def test_exif_orientation_turns_the_pixels(name, transpose):
    # The hopper files are square, so compare pixels, not sizes.
    with Image.open(path_of(name)) as raw:
        expected = raw.convert("RGB").transpose(transpose)
    assert load_page_image(path_of(name)).tobytes() == expected.tobytes()


def test_exif_orientation_swaps_a_rectangle():
    with Image.open(path_of("orientation_rectangle.jpg")) as raw:
        assert raw.size == (2, 1)
    [page] = outcome("orientation_rectangle.jpg")
    assert (page.width, page.height) == (1, 2)


@pytest.mark.parametrize(
    "name,mode",
    [
        ("pil_sample_cmyk.jpg", "RGB"),
        ("tiff_strip_cmyk_jpeg.tif", "RGB"),
        ("tiff_16bit_RGB.tiff", "RGB"),
        ("12in16bit.tif", "L"),
        ("16bit.cropped.tif", "L"),
        ("hopper_g4.tif", "L"),
    ],
)
def test_odd_modes_load_as_rgb_or_l(name, mode):
    image = load_page_image(path_of(name))
    assert image.mode == mode
    low, high = image.convert("L").getextrema()
    assert high > low  # not flattened to one colour


def test_multipage_tiff_frames_all_load():
    pages = outcome("g4-multi.tiff")
    assert [(p.width, p.height) for p in pages] == [(3307, 4677)] * 3
    assert load_page_image(path_of("g4-multi.tiff"), 2).size == (3307, 4677)
    # Each frame of these palette TIFFs is one flat colour, in file order.
    green, red, blue = (0, 128, 0), (255, 0, 0), (0, 0, 255)
    for name, colours in [
        ("multipage.tiff", [green, red, blue]),
        ("multipage_out_of_order.tiff", [green, blue, red]),
    ]:
        loaded = [load_page_image(path_of(name), i) for i in range(3)]
        assert [im.getpixel((5, 5)) for im in loaded] == colours


def test_encrypted_with_empty_password_opens_and_renders():
    pages = outcome("encrypted_doc_no_id.pdf")
    # No page has a text layer: page 2 is a scanned image, pages 1 and 3 are blank.
    assert [p.text for p in pages] == [None, None, None]
    path = path_of("encrypted_doc_no_id.pdf")
    assert load_page_image(path, 0, dpi=30).convert("L").getextrema() == (255, 255)
    assert load_page_image(path, 1, dpi=30).convert("L").getextrema()[0] < 50


@pytest.mark.parametrize("name", ["PDFBOX-3148-2-fuzzed.pdf", "encrypted-attachment.pdf"])
def test_a_pdf_pypdf_refuses_has_its_pages_and_text_from_pdfium(name):
    [page] = outcome(name)
    assert page.text_error is None
    assert load_page_image(path_of(name), 0).size == (page.width, page.height)
    if name == "encrypted-attachment.pdf":
        assert page.text == "Example"


def test_real_scan_with_text_layer():
    pages = outcome("Seige_of_Vicksburg_Sample_OCR.pdf")
    assert all(p.text and len(p.text) > 500 for p in pages)
    assert "SIEGE" in pages[0].text and "VICKSBURG" in pages[0].text


@pytest.mark.slow  # the 352-page book
def test_big_book_reads_with_text():
    pages = outcome("big_freeculture.pdf")
    assert sum(1 for p in pages if p.text) >= 350


def test_empty_pdf_is_one_blank_page_without_text():
    [page] = outcome("empty.pdf")
    assert page.text is None
    image = load_page_image(path_of("empty.pdf"), 0, dpi=30)
    assert image.convert("L").getextrema() == (255, 255)


def test_content_streams_pypdf_cannot_read_are_read_by_pdfium():
    pages = outcome("poppler-90-0-fuzzed.pdf")
    assert len(pages) == 16 and all(p.text_error is None for p in pages)
    assert "Key Distribution" in pages[2].text and "Practical Issues" in pages[9].text


# -- `add`, as `python -m indexer --no-ocr add FILE` runs it ---------------------------------
# In this process (the same function the command calls, with the same reader), so 88 files
# cost 88 adds, not 88 interpreter starts; a few go through the real command line below,
# which must say exactly what the function said. Each add runs under a hang guard; PDF
# text layers are read in a helper process with a time budget anyway.
HANG_S = 300.0
# The 352-page book goes last: while it is the newest segment, every later commit merges it
# again, which would make each following add take seconds more without testing anything new.
ADD_ORDER = sorted(
    (p for p in HOSTILE.glob("*/*") if p.is_file()),
    key=lambda p: (p.name == "big_freeculture.pdf", str(p)),
)
EARLIER = {"harbour": "first-letter", "lighthouse": "second-letter"}
CLI_CASES = [
    "decompression_bomb.gif",
    "truncated_image.png",
    "r2-user-password.pdf",
    "multipage.tiff",
    "Seige_of_Vicksburg_Sample_OCR.pdf",
]


def within(seconds: float, what: str, fn: Callable[[], Any]) -> Any:
    """fn() in a daemon thread: fails the test, instead of stalling the suite, if it hangs."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"{what} did not end in {seconds:.0f} s (hung?)"
    if "error" in box:
        raise box["error"]
    return box["value"]


def small_env(root: Path) -> Env:
    env = Env(root)
    write_letter(env.archive.root, "first-letter", ["An early letter about the harbour."])
    write_letter(env.archive.root, "second-letter", ["A later letter about the lighthouse."])
    env.build()
    return env


@pytest.fixture(scope="module")
def added(tmp_path_factory) -> tuple[Env, dict[str, tuple[str, Any]]]:
    """Every hostile file added in turn: name -> ("added", letter), ("refused", message)
    or ("crashed", traceback)."""
    env = small_env(tmp_path_factory.mktemp("hostile-add"))
    reader = Reader(env.archive, ocr_cache=env.root / "cache" / "ocr", use_ocr=False)
    outcomes: dict[str, tuple[str, Any]] = {}
    for path in ADD_ORDER:

        def add(path: Path = path) -> tuple[str, Any]:
            try:
                return "added", indexing.add(env.archive, env.engine, reader, [path])
            except MissiveError as exc:  # what the command prints as "Error: ..."
                return "refused", str(exc)
            except Exception:  # noqa: BLE001 - the command would show a traceback
                return "crashed", traceback.format_exc()

        outcomes[path.name] = within(HANG_S, f"adding {path.name}", add)
    return env, outcomes


@pytest.mark.slow
def test_every_hostile_file_is_added_or_refused_in_one_plain_line(added):
    _env, outcomes = added
    assert len(outcomes) == len(ADD_ORDER) > 60
    crashed = {name: tb for name, (kind, tb) in outcomes.items() if kind == "crashed"}
    assert crashed == {}, "\n".join(f"{n}:\n{tb}" for n, tb in crashed.items())
    for name, (kind, value) in outcomes.items():
        if kind == "refused":
            assert_plain(name, value)
        else:  # named by its file, never by what was read off its pages
            assert value.id.startswith(f"undated-{slugify(Path(name).stem, limit=50)}"), value.id
    refused = {n for n, (kind, _) in outcomes.items() if kind == "refused"}
    # The reading table above says which files read and how many pages they have.
    unreadable = {n for n, v in EXPECTED.items() if isinstance(v, str)}
    assert refused - set(EITHER) == unreadable
    pages = {n: len(v.pages) for n, (kind, v) in outcomes.items() if kind == "added"}
    readable = {n: v for n, v in EXPECTED.items() if isinstance(v, int)}
    assert {n: v for n, v in pages.items() if n not in EITHER} == {
        n: v for n, v in readable.items() if n not in EITHER
    }
    assert len(refused) in (31, 32) and len(pages) + len(refused) == len(EXPECTED)
    # Every page of every letter added was read; none is kept half-read.
    assert [n for n, (kind, v) in outcomes.items() if kind == "added" and
            any(p.failures for p in v.pages)] == []


@pytest.mark.slow
def test_after_the_hostile_files_earlier_letters_are_found_and_check_passes(added):
    env, outcomes = added
    assert indexing.check(env.archive, env.engine) == []
    added_ids = {v.id for kind, v in outcomes.values() if kind == "added"}
    searcher = env.search()
    try:
        for word, letter_id in EARLIER.items():
            assert letter_id in {h.id for h in searcher.search(SearchRequest(q=word)).hits}
        _kind, vicksburg = outcomes["Seige_of_Vicksburg_Sample_OCR.pdf"]
        assert len(searcher.get(vicksburg.id)["pages"]) == 6
    finally:
        searcher.close()
    assert not list((env.archive.letters_dir / ".staging").glob("*"))
    assert set(env.archive.ids()) == added_ids | set(EARLIER.values())


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory) -> Env:
    return small_env(tmp_path_factory.mktemp("hostile-cli"))


@pytest.mark.slow
@pytest.mark.parametrize("name", CLI_CASES)
def test_the_command_line_says_what_add_says(added, cli_env, name):
    _env, outcomes = added
    kind, value = outcomes[name]
    out = cli(cli_env, "--no-ocr", "add", str(path_of(name)))
    assert "Traceback" not in out.stderr, out.stderr
    if kind == "refused":
        assert out.returncode == 1 and out.stdout == ""
        assert out.stderr == f"Error: {value}\n"
        return
    assert out.returncode == 0, out.stderr
    searcher = cli_env.search()
    try:
        stored = searcher.get(out.stdout.strip())
        assert len(stored["pages"]) == len(value.pages)
        for word, letter_id in EARLIER.items():
            assert letter_id in {h.id for h in searcher.search(SearchRequest(q=word)).hits}
    finally:
        searcher.close()
