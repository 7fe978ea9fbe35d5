"""Transcripts decode whatever their encoding, and the registry sniffs kinds from content."""

from __future__ import annotations

import codecs
import random
import unicodedata
from pathlib import Path

import pytest

from indexer.errors import IngestError
from indexer.ingest.extract import load_page_image, read_source, sniff
from indexer.ingest.extract.text import decode_text, read_text
from indexer.ingest.extract.words import read_word_file

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
POILUS = CORPUS / "letters" / "poilus_sample"


def corpus_file(path: Path) -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not present: {CORPUS}")
    return path


def test_real_windows_1252_transcript_reads_with_its_accents():
    path = corpus_file(POILUS / "TestamentsDePoilus_will_AN_0183.txt")
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the file really is not UTF-8
    text = read_text(path)
    assert "Je sousigné Charles Gruber, à la" in text
    assert "entiérement le Propriété de ma" in text
    assert "Faite à Paris le 12 Août 1914" in text
    # Byte 0x92 is a curly apostrophe in Windows-1252 and a control code in Latin-1.
    assert "jusqu\u2019a" in text
    assert not any(0x80 <= ord(c) <= 0x9F for c in text)
    assert "\r" not in text


def test_transcript_lines_equal_the_utf8_alto_lines_of_the_same_page():
    text = read_text(corpus_file(POILUS / "TestamentsDePoilus_will_AN_0183.txt"))
    # A line-level ALTO: one String per line, whose words get boxes spread along it.
    alto, alto_text = read_word_file(POILUS / "TestamentsDePoilus_will_AN_0183-0.xml")
    page_one = [line.strip() for line in text.split("[Page]")[1].strip().splitlines()]
    assert alto_text.splitlines() == page_one
    assert [w.text for w in alto] == " ".join(page_one).split()
    assert [w.line for w in alto] == [n for n, line in enumerate(page_one, 1) for _ in line.split()]


def test_utf8_bom_is_dropped_and_newlines_normalised():
    data = codecs.BOM_UTF8 + "Chère Sœur,\r\nà bientôt\rHector\n".encode()
    assert decode_text(data) == "Chère Sœur,\nà bientôt\nHector\n"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    data = bom + "Lieber Vater,\r\nGrüße aus Zürich".encode(codec)
    assert decode_text(data) == "Lieber Vater,\nGrüße aus Zürich"


def test_cp1252_curly_quotes_dashes_and_euro(tmp_path):
    original = "\u201cMon cher ami\u201d \u2013 l\u2019été coûte 5 \u20ac\u2026"
    path = tmp_path / "page-001.txt"
    path.write_bytes(original.encode("cp1252"))
    assert read_text(path) == original


def test_bytes_cp1252_leaves_undefined_decode_as_latin1():
    assert decode_text(b"a\x81b\x8d\x8f\x90\x9dc\xe9") == "a\x81b\x8d\x8f\x90\x9dcé"


def test_decomposed_accents_become_nfc():
    assert decode_text("Ce\u0301sar".encode()) == "César"


def test_random_bytes_never_raise():
    rng = random.Random(1823)
    for _ in range(300):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 400)))
        text = decode_text(data)
        assert text == unicodedata.normalize("NFC", text)
        assert "\r" not in text


def test_missing_file_is_an_ingest_error_naming_it(tmp_path):
    with pytest.raises(IngestError, match=r"^nowhere\.txt: cannot read the file"):
        read_text(tmp_path / "nowhere.txt")


def test_text_source_is_one_page_without_image(tmp_path):
    path = tmp_path / "page-002.txt"
    path.write_text("Dear Sir,\nthank you.", encoding="utf-8")
    assert sniff(path) == "text"
    [page] = read_source(path)
    assert (page.frame, page.width, page.height, page.text) == (0, None, None, path.read_text())
    blank = tmp_path / "blank.txt"
    blank.write_text(" \n\t\n", encoding="utf-8")
    assert read_source(blank)[0].text is None
    with pytest.raises(IngestError, match=r"^page-002\.txt: a text file has no page image"):
        load_page_image(path)


def test_kind_comes_from_content_not_name(tmp_path):
    fake_txt = tmp_path / "notes.txt"
    fake_txt.write_bytes(b"%PDF-1.4\n%garbage")
    assert sniff(fake_txt) == "pdf"
    png_named_pdf = tmp_path / "scan.pdf"
    png_named_pdf.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    assert sniff(png_named_pdf) == "image"
    sidecar = tmp_path / "letter.json"
    sidecar.write_text('{"title": "x"}', encoding="utf-8")
    assert sniff(sidecar) is None
    assert sniff(tmp_path / "missing.jpg") is None


def test_unknown_and_empty_files_are_rejected_listing_accepted_kinds(tmp_path):
    unknown = tmp_path / "letter.doc"
    unknown.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old Word file")
    with pytest.raises(IngestError) as err:
        read_source(unknown)
    assert str(err.value) == (
        "letter.doc: not a page image, PDF, TEI file or transcript (a transcript is a UTF-8 "
        "text file ending in .txt); convert it to one of these, or leave it out of the letter; "
        "accepted: JPEG, PNG, TIFF, JPEG 2000, WebP, PDF, plain text (.txt)"
    )
    empty = tmp_path / "scan.jpg"
    empty.write_bytes(b"")
    with pytest.raises(IngestError, match=r"^scan\.jpg: the file is empty; .+; accepted: JPEG"):
        read_source(empty)
