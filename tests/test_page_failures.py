"""Pages that could not be read are recorded, listed by `check`, shown to archivists and
read again by `update`; a PDF's text is never read inside the upload request."""

from __future__ import annotations

import binascii
import io
import re

import pytest
from click.testing import CliRunner

from indexer.cli import main as cli
from indexer.ingest import drafts
from indexer.ingest.extract import describe_source, pdftext, read_source
from indexer.ingest.reader import Reader
from indexer.search import SearchRequest
from tests.archive_support import archive_env, config, page_scans, sign_in, upload, wait_processed
from tests.conftest import need_corpus
from webapp import create_app

HARBOUR = b"BT /F1 36 Tf 72 700 Td (Harbour ships sail at dawn) Tj ET"
LIGHTHOUSE = b"BT /F1 36 Tf 72 700 Td (Lighthouse keepers wave) Tj ET"
# A content stream pypdf cannot decode (a stray "zz" in its hex), which pdfium still draws.
BROKEN = (b"/Filter /ASCIIHexDecode ", binascii.hexlify(LIGHTHOUSE) + b" zz>")
# 6.7 KB of PDF whose 4 MB content stream takes pypdf about a minute to read as text:
# each ' operator starts a line, and pypdf's plain-text extraction is quadratic in lines.
SLOW = (b"/Filter /FlateDecode ", b"BT /F1 12 Tf 14 TL " + b"(a) ' " * 666_666 + b"ET")


def make_pdf(pages: list[tuple[bytes, bytes]], catalog: bytes = b"") -> bytes:
    """A PDF with one page per (stream dictionary entries, content stream) pair; `catalog`:
    more entries of its catalog dictionary."""
    import zlib

    objs: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R %s>>" % catalog, b"", b"<< /Type /Font "
                         b"/Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for head, data in pages:
        if b"FlateDecode" in head:
            data = zlib.compress(data, 9)
        elif b"BrotliDecode" in head:
            import brotli

            data = brotli.compress(data)
        objs.append(b"<< /Length %d %s>>\nstream\n" % (len(data), head) + data + b"\nendstream")
        objs.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % len(objs)
        )
        kids.append(b"%d 0 R" % len(objs))
    objs[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    out.writelines(b"%010d 00000 n \n" % o for o in offsets)
    trailer = b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
    out.write(trailer % (len(objs) + 1, xref))
    return out.getvalue()


def run_cli(env, *args: str):
    paths = ["--archive", str(env.archive.root), "--index", str(env.index_dir)]
    return CliRunner().invoke(cli, [*paths, *args])


def found(env, q: str) -> list[str]:
    s = env.search()
    try:
        return [h.id for h in s.search(SearchRequest(q=q, unpublished=True)).hits]
    finally:
        s.close()


@pytest.fixture
def scanned(tmp_path):
    """An indexed archive (two transcript letters, user alice) and a new scan-only letter."""
    env = archive_env(tmp_path)
    folder = env.archive.letters_dir / "scanned"
    folder.mkdir()
    (folder / "page-001.jpg").write_bytes(page_scans("walrus tapestry treaty", pages=1)[0])
    return env


def archivist_page(env, letter_id: str) -> str:
    app = create_app(config(env))
    try:
        client = app.test_client()
        sign_in(client)
        r = client.get(f"/archive/letters/{letter_id}")
        assert r.status_code == 200
        return r.get_data(as_text=True)
    finally:
        app.extensions["missive.jobs"].shutdown()


def test_an_ocr_timeout_is_recorded_listed_shown_and_tried_again(scanned, monkeypatch):
    env = scanned
    monkeypatch.setenv("MISSIVE_OCR_TIMEOUT", "0")
    result = run_cli(env, "update")
    assert result.exit_code == 0, result.output
    why = "OCR took longer than 0 s and was stopped"
    assert env.engine.failures() == {"scanned": [(1, "ocr", why)]}
    assert not list((env.root / "cache" / "ocr").glob("*.json"))  # a failure is not cached
    result = run_cli(env, "check")
    assert result.exit_code == 1
    assert f"scanned: 1 page could not be read (page 1: OCR: {why});" in result.output
    assert "1 problems" in result.output
    html = archivist_page(env, "scanned")
    assert "Pages not read" in html and f"OCR: {why}" in html
    assert found(env, "walrus") == []

    monkeypatch.delenv("MISSIVE_OCR_TIMEOUT")
    result = run_cli(env, "update")
    assert result.exit_code == 0, result.output
    assert "1 letters indexed, 2 unchanged" in result.output  # only the failed letter
    assert env.engine.failures() == {}
    assert run_cli(env, "check").exit_code == 0
    assert found(env, "walrus") == ["scanned"]
    assert "Pages not read" not in archivist_page(env, "scanned")


def test_a_missing_tesseract_is_recorded_and_tried_again(scanned, monkeypatch, tmp_path):
    env = scanned
    path = tmp_path / "bin-without-tesseract"
    path.mkdir()
    with monkeypatch.context() as m:
        m.setenv("PATH", str(path))
        assert run_cli(env, "update").exit_code == 0
    [(n, step, why)] = env.engine.failures()["scanned"]
    assert (n, step) == (1, "ocr") and "tesseract program is not installed" in why
    result = run_cli(env, "check")
    assert result.exit_code == 1 and "scanned: 1 page could not be read" in result.output

    assert run_cli(env, "update").exit_code == 0  # Tesseract is back on PATH
    assert run_cli(env, "check").exit_code == 0
    assert found(env, "walrus") == ["scanned"]


def test_a_pdf_page_whose_text_layer_pypdf_cannot_read_is_read_by_pdfium(env):
    folder = env.archive.letters_dir / "broken-layer"
    folder.mkdir()
    (folder / "letter.pdf").write_bytes(make_pdf([(b"", HARBOUR), BROKEN]))
    reader = Reader(env.archive, use_ocr=False)  # no OCR: the text is the text layer's
    from indexer import indexing

    report = indexing.build(env.archive, env.engine, reader)
    assert report.indexed == ["broken-layer"]
    assert env.engine.failures() == {}
    assert found(env, "harbour") == ["broken-layer"]  # page 1, read by pypdf
    assert found(env, "lighthouse") == ["broken-layer"]  # page 2, read by pdfium
    assert indexing.check(env.archive, env.engine) == []


def test_fuzzed_pdf_pages_pypdf_cannot_read_are_read_by_pdfium(env):
    source = need_corpus("hostile", "pdf_pdfjs", "poppler-90-0-fuzzed.pdf")
    folder = env.archive.letters_dir / "fuzzed"
    folder.mkdir()
    (folder / "letter.pdf").write_bytes(source.read_bytes())
    # pypdf fails on most of its 16 pages' content streams; pdfium reads every one.
    assert sum(page.text is None for page in read_source(folder / "letter.pdf")) < 16
    reader = Reader(env.archive, use_ocr=False)
    from indexer import indexing

    indexing.build(env.archive, env.engine, reader)
    assert env.engine.failures() == {}
    assert indexing.check(env.archive, env.engine) == []


def test_a_draft_is_saved_without_reading_its_pdf_text(env):
    slow = make_pdf([SLOW, (b"", HARBOUR)])
    assert len(slow) < 8_000
    pdftext.stop_helper()
    letter_id = drafts.create_draft(
        env.archive, [("slow.pdf", io.BytesIO(slow))], by="alice", via="upload"
    )
    # Text layers are read only by the helper process; saving the draft never started it.
    assert not pdftext.helper_running()
    saved = env.archive.folder(letter_id) / "page-001.pdf"
    assert [p.text for p in describe_source(saved)] == [None, None]
    assert not pdftext.helper_running()


@pytest.mark.slow  # waits out a page's time budget
def test_a_page_over_its_text_budget_is_recorded_and_the_rest_indexed(tmp_path, monkeypatch):
    monkeypatch.setenv("MISSIVE_PDF_TEXT_BUDGET", "2")
    env = archive_env(tmp_path)
    app = create_app(config(env))
    try:
        client = app.test_client()
        token = sign_in(client)
        r = upload(client, token, [(make_pdf([SLOW, (b"", HARBOUR)]), "slow.pdf")])
        assert r.status_code == 303
        draft = re.search(r"/archive/letters/([^/]+)/processing", r.headers["Location"]).group(1)
        assert wait_processed(client, draft)["state"] == "done"
        why = "took longer than 2 s and was stopped"
        assert env.engine.failures()[draft] == [(1, "pdf-text", why)]
        assert found(env, "dawn") == [draft]  # page 2 read as usual
        html = client.get(f"/archive/letters/{draft}").get_data(as_text=True)
        assert f"PDF text layer: {why}" in html
        dashboard = client.get("/archive/").get_data(as_text=True)
        assert "1 page not read" in dashboard
    finally:
        app.extensions["missive.jobs"].shutdown()


@pytest.mark.slow  # waits out a page's time budget
def test_every_page_of_a_pdf_keeps_its_place_after_a_timeout(tmp_path, monkeypatch):
    path = tmp_path / "mixed.pdf"
    path.write_bytes(make_pdf([(b"", HARBOUR), SLOW, BROKEN, (b"", LIGHTHOUSE)]))
    texts = pdftext.read_texts(path, 4, budget=2)
    assert texts[0].text.strip() == "Harbour ships sail at dawn" and texts[0].error is None
    assert texts[1].text is None and "took longer than 2 s" in texts[1].error
    # The page pypdf cannot decode is read by pdfium, in the same helper.
    assert texts[2].text.strip() == "Lighthouse keepers wave" and texts[2].error is None
    assert texts[3].text.strip() == "Lighthouse keepers wave" and texts[3].error is None
    # read_source gives the same, the budget taken from the environment
    monkeypatch.setenv("MISSIVE_PDF_TEXT_BUDGET", "1")
    pages = read_source(path)
    assert [p.text_error is None for p in pages] == [True, False, True, True]
    assert "took longer than 1 s" in pages[1].text_error
    assert pages[3].text.strip() == "Lighthouse keepers wave"


def test_after_three_pages_over_budget_the_rest_of_the_pdf_is_given_up(tmp_path):
    path = tmp_path / "hostile.pdf"
    path.write_bytes(make_pdf([SLOW, SLOW, SLOW, (b"", HARBOUR)]))
    texts = pdftext.read_texts(path, 4, budget=0.5)
    assert [t.error for t in texts] == ["took longer than 0.5 s and was stopped"] * 3 + [
        "not read: 3 earlier pages ran over the budget or crashed"
    ]


def test_read_again_from_the_review_page_clears_a_failure(scanned, monkeypatch):
    env = scanned
    monkeypatch.setenv("MISSIVE_OCR_TIMEOUT", "0")
    assert run_cli(env, "update").exit_code == 0
    monkeypatch.delenv("MISSIVE_OCR_TIMEOUT")
    app = create_app(config(env))
    try:
        client = app.test_client()
        sign_in(client)
        html = client.get("/archive/letters/scanned").get_data(as_text=True)
        assert "Pages not read" in html and "Read the letter again" in html
        action = re.search(r'<form method="post" action="([^"]+/process)">', html).group(1)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        r = client.post(action, data={"csrf_token": token})
        assert r.status_code == 303
        assert wait_processed(client, "scanned")["state"] == "done"
        html = client.get("/archive/letters/scanned").get_data(as_text=True)
        assert "Pages not read" not in html
        assert env.engine.failures() == {}
        assert found(env, "walrus") == ["scanned"]
    finally:
        app.extensions["missive.jobs"].shutdown()
