"""`add` accepts a file only when every stage that must read it can, says why in one plain
line when it cannot, and names a letter from what a person gave, never from its text."""

from __future__ import annotations

import io
import re

import pytest
from click.testing import CliRunner
from PIL import Image

from indexer.cli import main as cli
from indexer.errors import IngestError
from indexer.ingest.extract import load_page_image, ocr, read_source
from indexer.ingest.refusals import refuse
from tests.archive_support import page_scans
from tests.conftest import Env, write_letter
from tests.test_page_failures import HARBOUR, LIGHTHOUSE, SLOW, make_pdf

# The page tree's object renumbered: pypdf finds the pages by the cross-reference table's
# offsets (and reads their text); pdfium checks the number, and cannot open the file.
NOT_DRAWN = make_pdf([(b"", HARBOUR)]).replace(b"\n2 0 obj\n", b"\n9 0 obj\n")
# A catalog array over pypdf's limit of 100,000 elements: pypdf refuses the whole file,
# pdfium opens it, draws its page and reads its text.
OVER_PYPDF_LIMIT = make_pdf([(b"", HARBOUR)], catalog=b"/Junk [" + b"0 " * 100_001 + b"] ")


@pytest.fixture
def env(tmp_path) -> Env:
    env = Env(tmp_path)
    write_letter(env.archive.root, "first-letter", ["An early letter about the lighthouse."])
    env.build()
    return env


def run(env: Env, *args: str, ocr: bool = False):
    paths = ["--archive", str(env.archive.root), "--index", str(env.index_dir)]
    return CliRunner().invoke(cli, [*paths, *([] if ocr else ["--no-ocr"]), *args])


def snapshot(env: Env) -> dict[str, int]:
    """Every file of the archive and the index, with its size."""
    return {
        str(p.relative_to(env.root)): p.stat().st_size
        for top in (env.archive.root, env.index_dir)
        for p in top.rglob("*")
        if p.is_file() and not p.name.endswith(".lock")
    }


def test_a_pdf_pypdf_reads_but_pdfium_cannot_draw_is_refused_and_nothing_written(env, tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(NOT_DRAWN)
    before = snapshot(env)
    result = run(env, "--verbose", "add", str(path))
    assert result.exit_code == 1 and result.stdout == ""
    line = (
        "Error: letter.pdf: damaged PDF (its pages cannot be displayed); save or export the "
        "PDF again, or add its pages as images; accepted: PDF files that open without a "
        "password and whose pages can be displayed\n"
    )
    assert result.stderr.endswith(line)
    # --verbose: pdfium's own words on a line of their own, before the refusal.
    assert result.stderr.startswith("(the library said: PdfiumError: Failed to load document")
    assert snapshot(env) == before
    assert run(env, "check").exit_code == 0
    quiet = run(env, "add", str(path))
    assert quiet.stderr == line  # without --verbose, the one line alone


def test_a_pdf_pdfium_reads_but_pypdf_refuses_is_added_with_its_page_drawn(env, tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(OVER_PYPDF_LIMIT)
    result = run(env, "add", str(path))
    assert result.exit_code == 0, result.output
    letter_id = result.stdout.strip()
    assert letter_id == "undated-letter"
    stored = env.archive.folder(letter_id) / "page-001.pdf"
    [page] = read_source(stored)
    assert page.text == "Harbour ships sail at dawn"  # pdfium's text layer
    image = load_page_image(stored, 0)
    assert image.size == (page.width, page.height) == (1700, 2200)
    assert image.convert("L").getextrema()[0] < 128  # ink drawn on the page
    assert env.found("harbour") == {letter_id}
    assert run(env, "check").exit_code == 0


def test_a_brotli_compressed_pdf_is_read(tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(make_pdf([(b"/Filter /BrotliDecode ", LIGHTHOUSE)]))
    [page] = read_source(path)
    assert page.text == "Lighthouse keepers wave"


def png(tmp_path, name: str, phrase: str):
    path = tmp_path / name
    Image.open(io.BytesIO(page_scans(phrase)[0])).save(path, "PNG")
    return path


@pytest.mark.ocr
def test_add_names_a_scan_by_its_file_not_its_ocr_text_and_id_sets_one(env, tmp_path):
    scan = png(tmp_path, "scan-12.png", "walrus tapestry treaty")
    result = run(env, "add", str(scan), ocr=True)
    assert result.exit_code == 0, result.output
    assert result.stdout == "undated-scan-12\n"  # the OCR text named Norway's embassy
    assert env.found("walrus") == {"undated-scan-12"}
    result = run(env, "add", "--id", "1948-05-02-walrus", str(scan), ocr=True)
    assert result.exit_code == 0 and result.stdout == "1948-05-02-walrus\n"
    assert env.found("walrus") == {"undated-scan-12", "1948-05-02-walrus"}


def test_id_is_refused_when_taken_or_malformed_and_nothing_is_written(env, tmp_path):
    scan = tmp_path / "scan.png"
    Image.new("L", (40, 60), 255).save(scan)
    before = snapshot(env)
    taken = run(env, "add", "--id", "first-letter", str(scan))
    assert taken.exit_code == 1 and taken.stdout == ""
    assert taken.stderr == (
        "Error: scan.png: not added: --id first-letter: a letter with this id exists already; "
        "accepted: an id no letter has\n"
    )
    for bad in ("Letter_1", "draft-20261203-abcdef", "-x", "a" * 101):
        result = run(env, "add", "--id", bad, str(scan))
        assert result.exit_code == 1 and result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith(f"Error: scan.png: not added: --id {bad[:120]!r} is not")
        assert "accepted: 1 to 100 lower-case letters, digits and hyphens" in result.stderr
    assert snapshot(env) == before
    ok = run(env, "add", "--id", "harbour-2", str(scan))
    assert ok.exit_code == 0 and ok.stdout == "harbour-2\n"


def test_a_page_whose_ocr_fails_stops_add_naming_the_page(env, tmp_path, monkeypatch):
    scan = tmp_path / "scan.png"
    Image.new("L", (400, 600), 255).save(scan)
    monkeypatch.setenv("MISSIVE_OCR_TIMEOUT", "0")  # no page's OCR ends in no time
    before = snapshot(env)
    result = run(env, "add", str(scan), ocr=True)
    assert result.exit_code == 1 and result.stdout == ""
    assert re.fullmatch(
        r"Error: scan\.png: not added, the archive is unchanged: 1 page could not be read "
        r"\(page 1: OCR: [^;]+\); OCR results are remembered, so adding it again redoes only "
        r"the pages that failed, and `python -m indexer --no-ocr add` adds it without OCR\n",
        result.stderr,
    )
    assert snapshot(env) == before


def test_a_page_whose_image_cannot_be_made_fails_at_the_render_step():
    def damaged():
        raise refuse("page-001.pdf", "pdf-page", detail="3", accepted="PDF files", cause="x")

    [failed] = ocr.ocr_many([damaged])
    assert isinstance(failed, IngestError)
    assert (failed.step, failed.why) == (
        "render",
        "damaged PDF (page 3 cannot be displayed); save or export the PDF again, or add its "
        "pages as images",
    )


def test_a_page_whose_text_layer_fails_and_nothing_else_reads_stops_add(env, tmp_path, monkeypatch):
    path = tmp_path / "slow.pdf"
    path.write_bytes(make_pdf([SLOW, (b"", HARBOUR)]))
    monkeypatch.setenv("MISSIVE_PDF_TEXT_BUDGET", "0.5")
    before = snapshot(env)
    result = run(env, "add", str(path))  # --no-ocr: nothing else reads page 1
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        "Error: slow.pdf: not added, the archive is unchanged: 1 page could not be read "
        "(page 1: PDF text layer: took longer than 0.5 s and was stopped)\n"
    )
    assert snapshot(env) == before


@pytest.mark.ocr
def test_a_page_whose_text_layer_fails_but_ocr_reads_is_kept_and_said(env, tmp_path, monkeypatch):
    # SLOW's lines run below the page from its foot; the page shows the harbour's line.
    head, slow = SLOW
    path = tmp_path / "slow.pdf"
    path.write_bytes(make_pdf([(head, HARBOUR.replace(b"36 Tf", b"20 Tf") + b" " + slow)]))
    monkeypatch.setenv("MISSIVE_PDF_TEXT_BUDGET", "0.5")
    result = run(env, "add", str(path), ocr=True)
    assert result.exit_code == 0 and result.stdout == "undated-slow\n"
    assert result.stderr == (
        "undated-slow: added; its text was read by OCR where the text layer failed (page 1: "
        "PDF text layer: took longer than 0.5 s and was stopped); `check` lists it until "
        "`update` reads the layer\n"
    )
    assert env.found("harbour") == {"undated-slow"}
