"""OCR with the real Tesseract: words, boxes, line numbers, parallel pages, real scans."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from indexer.errors import IngestError
from indexer.ingest.extract import load_page_image, read_source
from indexer.ingest.extract import ocr as ocr_mod
from indexer.ingest.extract.ocr import DEFAULT_LANGS, ocr_image, ocr_many, tesseract_langs
from indexer.ingest.extract.words import read_words

pytestmark = [
    pytest.mark.ocr,
    pytest.mark.skipif(not ocr_mod.available(), reason="tesseract is not installed"),
]

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def need_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not present: {CORPUS}")


def draw(lines: list[str], size: tuple[int, int], font_size: int = 40):
    """A white page with the lines drawn in black; returns it and each word's drawn box."""
    page = Image.new("L", size, 255)
    pen = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=font_size)
    boxes = []
    y = font_size * 2
    for line in lines:
        x = font_size * 2
        for word in line.split():
            box = pen.textbbox((x, y), word, font=font)
            pen.text((x, y), word, fill=0, font=font)
            boxes.append((word, box))
            x = box[2] + font_size // 2
        y += font_size * 2
    return page, boxes


def centre_inside(word, box, slack: float) -> bool:
    cx, cy = word.x + word.w / 2, word.y + word.h / 2
    return box[0] - slack <= cx <= box[2] + slack and box[1] - slack <= cy <= box[3] + slack


def check_against_drawing(result, boxes, size, slack):
    assert (result.width, result.height) == size
    found = {w.text: w for w in result.words}
    for text, box in boxes:
        assert text in found, (text, result.text)
        assert centre_inside(found[text], box, slack), (text, found[text], box)
    for w in result.words:
        assert 0 <= w.x and w.x + w.w <= size[0] and 0 <= w.y and w.y + w.h <= size[1]
        # Word.line points at the line of `text` the word stands on.
        assert w.text in result.text.splitlines()[w.line - 1].split()


def test_language_codes():
    installed = ocr_mod.languages()
    assert {"eng", "fra"} <= installed
    assert tesseract_langs(["en", "fr"]) == "eng+fra"
    assert tesseract_langs(["fr-FR", "fr", "xx", "FR"]) == "fra"
    default = "+".join(c for c in DEFAULT_LANGS.split("+") if c in installed)
    assert tesseract_langs([]) == default
    assert tesseract_langs(["tlh"]) == default  # Klingon is not installed


def test_sentence_comes_back_with_its_boxes():
    lines = ["The quick brown fox jumps over", "the lazy dog near Grenoble"]
    page, boxes = draw(lines, (1500, 320))
    result = ocr_image(page, langs="eng")
    check_against_drawing(result, boxes, page.size, slack=4)
    assert result.text.index("quick") < result.text.index("Grenoble")
    assert result.mean_conf is not None and result.mean_conf > 80


def test_huge_page_is_downscaled_but_boxes_stay_in_its_pixels():
    page, boxes = draw(["Archives nationales", "Fonds des correspondances"], (6000, 900), 150)
    result = ocr_image(page, langs="fra")
    check_against_drawing(result, boxes, page.size, slack=10)


def test_blank_page():
    result = ocr_image(Image.new("L", (600, 400), 255), langs="eng")
    assert (result.text, result.words, result.mean_conf) == ("", [], None)


def test_tesseract_failure_is_an_ingest_error_naming_the_page():
    page, _ = draw(["Hello"], (400, 200))
    with pytest.raises(IngestError, match=r"^scan\.png: OCR failed \(tesseract exit \d+: "):
        ocr_image(page, langs="qqq", name="scan.png")


def test_ocr_many_keeps_order_and_isolates_failures():
    words = ["Harbour", "Mountain", "Railway"]
    pages = [draw([w], (700, 200), 60)[0] for w in words]

    def gone():
        raise IngestError("page-009.png: gone")

    def buggy():
        raise ValueError("bad frame")

    jobs = [lambda: pages[0], gone, pages[1], buggy, lambda: pages[2]]
    done: list[int] = []
    results = ocr_many(jobs, langs="eng", workers=2, progress=done.append)
    assert done == [1, 2, 3, 4, 5]
    assert [r.text for r in results[0:5:2]] == words
    # A page whose image could not be made fails at the render step, named by its place;
    # the library's own words are kept apart (for --verbose), not in the line.
    assert str(results[1]) == "page 2: gone" and results[1].step == "render"
    assert str(results[3]) == "page 4: the page image could not be made"
    assert results[3].step == "render" and results[3].detail == "ValueError: bad frame"


def test_printed_scan_matches_its_text_layer():
    need_corpus()
    path = CORPUS / "hostile" / "pdf_pypdf" / "Seige_of_Vicksburg_Sample_OCR.pdf"
    layer = read_source(path)[0].text
    result = ocr_image(load_page_image(path, 0), langs="eng")

    def words(text):
        return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 4}

    expected = words(layer)
    assert len(expected) > 100
    assert len(expected & words(result.text)) >= 0.8 * len(expected)


def iou(a, b) -> float:
    x0, y0 = max(a.x, b.x), max(a.y, b.y)
    x1, y1 = min(a.x + a.w, b.x + b.w), min(a.y + a.h, b.y + b.h)
    inter = max(0, x1 - x0) * max(0, y1 - y0)
    return inter / (a.w * a.h + b.w * b.h - inter)


@pytest.mark.parametrize("zoom", [1, 5])
def test_fraktur_page_boxes_agree_with_the_hocr_ground_truth(zoom):
    # zoom 5 makes a 4000 x 5475 page: OCR runs on a downscaled copy, boxes come back.
    need_corpus()
    base = CORPUS / "ocr_gt" / "wetzel_alto_hocr" / "wetzel_reisebegleiter_1901_0021"
    with Image.open(base.with_name(base.name + "_800px.jpg")) as scan:
        page = scan.convert("RGB").resize((800 * zoom, 1095 * zoom), Image.Resampling.BICUBIC)
    truth = read_words(base.with_suffix(".hocr"), width=page.width, height=page.height)
    result = ocr_image(page, langs="deu")
    agree = [w for w in result.words if any(t.text == w.text and iou(w, t) > 0.5 for t in truth)]
    # Of 211 ground-truth words, about 130 come back with the same text and box.
    assert len(agree) >= 100, len(agree)


def test_a_sparse_page_on_mottled_paper_still_reads():
    # Two short lines on a large, unevenly toned sheet: contrast stretching must not turn
    # the paper into blotches that hide the words.
    import random

    from PIL import ImageDraw, ImageFont

    rng = random.Random(7)
    page = Image.new("L", (1654, 2339), 226)
    draw = ImageDraw.Draw(page)
    for _ in range(4000):
        x, y, r = rng.randrange(1654), rng.randrange(2339), rng.randrange(4, 40)
        draw.ellipse((x, y, x + r, y + r), fill=rng.randrange(212, 240))
    font = ImageFont.load_default(size=44)
    draw.text((200, 300), "Received with thanks", fill=40, font=font)
    draw.text((200, 380), "the consul in Trieste", fill=40, font=font)
    words = {w.lower() for w in ocr_image(page, langs="eng").text.split()}
    assert {"received", "thanks", "consul", "trieste"} <= words, words
