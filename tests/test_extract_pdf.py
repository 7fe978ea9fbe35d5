"""PDFs: text layer per page, page size at the render resolution, encryption, rendering."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfWriter
from pypdf.generic import RectangleObject

from indexer.errors import IngestError
from indexer.ingest.extract import RENDER_DPI, load_page_image, read_source, sniff
from indexer.ingest.extract.image import MAX_PIXELS

LINE = "Dear Mr Goose, thank you for your letter on cluster munitions."


@pytest.fixture
def letter_pdf(tmp_path) -> Path:
    """Two A4 pages: one with a line of text, one blank."""
    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=14)
    pdf.add_page()
    pdf.cell(text=LINE)
    pdf.add_page()
    path = tmp_path / "letter.pdf"
    pdf.output(str(path))
    return path


def rewrite(src: Path, dst: Path, edit) -> Path:
    writer = PdfWriter(clone_from=src)
    edit(writer)
    with dst.open("wb") as fh:
        writer.write(fh)
    return dst


def test_pages_text_and_size(letter_pdf):
    assert sniff(letter_pdf) == "pdf"
    first, second = read_source(letter_pdf)
    assert LINE in " ".join(first.text.split())
    assert second.text is None  # a blank page has no text layer
    a4 = (math.ceil(595.28 * RENDER_DPI / 72), math.ceil(841.89 * RENDER_DPI / 72))
    assert (first.frame, first.width, first.height) == (0, *a4)
    assert (second.frame, second.width, second.height) == (1, *a4)


def test_render_matches_the_size_read_and_the_dpi(letter_pdf):
    first = read_source(letter_pdf)[0]
    image = load_page_image(letter_pdf, 0)
    assert image.mode == "RGB"
    assert image.size == (first.width, first.height)
    assert image.convert("L").getextrema()[0] < 60  # the text line is drawn in black
    assert load_page_image(letter_pdf, 0, dpi=100).size == (827, 1170)
    assert load_page_image(letter_pdf, 1, dpi=100).convert("L").getextrema() == (255, 255)


def test_rotation_swaps_width_and_height(letter_pdf, tmp_path):
    rotated = rewrite(letter_pdf, tmp_path / "rotated.pdf", lambda w: w.pages[0].rotate(90))
    first = read_source(rotated)[0]
    assert first.width > first.height
    assert load_page_image(rotated, 0).size == (first.width, first.height)


def test_missing_page_is_refused(letter_pdf):
    with pytest.raises(IngestError, match=r"^letter\.pdf: has no page 3; it has 2 pages"):
        load_page_image(letter_pdf, 2)


def test_empty_password_opens(letter_pdf, tmp_path):
    locked = rewrite(
        letter_pdf,
        tmp_path / "owner-only.pdf",
        lambda w: w.encrypt(user_password="", owner_password="archivist", algorithm="AES-256"),
    )
    assert b"/Encrypt" in locked.read_bytes()
    first = read_source(locked)[0]
    assert LINE in " ".join(first.text.split())
    assert load_page_image(locked, 0, dpi=50).convert("L").getextrema()[0] < 100


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_user_password_is_refused(letter_pdf, tmp_path, algorithm):
    locked = rewrite(
        letter_pdf,
        tmp_path / "secret.pdf",
        lambda w: w.encrypt(user_password="secret", owner_password="x", algorithm=algorithm),
    )
    expected = (
        "secret.pdf: the PDF is protected by a password; open it with its password, save a "
        "copy without one and add that; accepted: PDF files that open without a password and "
        "whose pages can be displayed"
    )
    with pytest.raises(IngestError) as err:
        read_source(locked)
    assert str(err.value) == expected
    assert "Incorrect password" in err.value.detail  # pdfium's own words, for the log
    with pytest.raises(IngestError, match=r"^secret\.pdf: the PDF is protected by a password"):
        load_page_image(locked, 0)


def test_zero_pages_is_refused(tmp_path):
    path = tmp_path / "nothing.pdf"
    with path.open("wb") as fh:
        PdfWriter().write(fh)
    with pytest.raises(IngestError) as err:
        read_source(path)
    assert str(err.value) == (
        "nothing.pdf: the PDF has no pages; add a PDF with the letter's pages; "
        "accepted: PDFs with pages"
    )


def test_huge_page_is_measured_within_the_pixel_limit(tmp_path):
    path = tmp_path / "poster.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=14_400, height=14_400)  # 200 x 200 inches
    with path.open("wb") as fh:
        writer.write(fh)
    [page] = read_source(path)
    assert page.width == page.height
    assert 0.99 * MAX_PIXELS < page.width * page.height <= MAX_PIXELS + 2 * page.width


def test_zero_sized_page_is_described_as_it_renders(letter_pdf, tmp_path):
    def flatten(writer):
        writer.pages[0].mediabox = RectangleObject([0, 0, 0, 0])

    flat = rewrite(letter_pdf, tmp_path / "flat.pdf", flatten)
    first = read_source(flat)[0]
    assert first.text is not None  # the text layer does not depend on the box
    # pdfium substitutes a default page size; the page is described as it renders.
    image = load_page_image(flat, 0)
    assert image.mode == "RGB" and image.size == (first.width, first.height)


def test_garbage_after_header_is_refused(tmp_path):
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    damaged = r"^junk\.pdf: damaged PDF \(its structure cannot be read\); "
    with pytest.raises(IngestError, match=damaged):
        read_source(path)
    with pytest.raises(IngestError, match=damaged):
        load_page_image(path)


def test_header_after_leading_junk_is_still_a_pdf(letter_pdf, tmp_path):
    padded = tmp_path / "padded.pdf"
    padded.write_bytes(b"\r\n junk from a mail gateway \r\n" + letter_pdf.read_bytes())
    assert sniff(padded) == "pdf"
    assert len(read_source(padded)) == 2
