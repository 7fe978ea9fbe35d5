"""Word boxes from *.words.json, hOCR and ALTO, scaled to the scan, and written back
(PAGE XML: tests/test_pagexml.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.errors import IngestError
from indexer.ingest.extract.words import read_words, write_words_json
from indexer.records import Word

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
WETZEL = CORPUS / "ocr_gt" / "wetzel_alto_hocr" / "wetzel_reisebegleiter_1901_0021"


def corpus_file(path: Path) -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not present: {CORPUS}")
    return path


def test_tesseract_hocr():
    words = read_words(corpus_file(WETZEL.with_suffix(".hocr")))
    # 212 ocrx_word spans, one of them a blank sliver along the right edge.
    assert len(words) == 211
    assert words[0] == Word("..-15-.", 314, 155, 127, 22, 71.0, 1)
    assert words[1] == Word("Schachteln", 98, 210, 110, 26, 78.0, 2)
    assert words[-1].text == "daran." and words[-1].line == 30
    assert all(0 <= w.x and w.x + w.w <= 800 and 0 <= w.y and w.y + w.h <= 1095 for w in words)
    assert all(w.conf is not None and 0 <= w.conf <= 100 for w in words)


def test_alto_of_the_same_page_gives_the_same_words():
    hocr = read_words(corpus_file(WETZEL.with_suffix(".hocr")))
    alto = read_words(WETZEL.with_suffix(".alto"))
    assert [(w.text, w.x, w.y, w.w, w.h, w.line) for w in alto] == [
        (w.text, w.x, w.y, w.w, w.h, w.line) for w in hocr
    ]


def test_boxes_scale_to_the_scan_size():
    words = read_words(corpus_file(WETZEL.with_suffix(".hocr")), width=1600, height=2190)
    assert words[1] == Word("Schachteln", 196, 420, 220, 52, 78.0, 2)
    alto = read_words(WETZEL.with_suffix(".alto"), width=400, height=1095)
    assert (alto[1].x, alto[1].y, alto[1].w, alto[1].h) == (49, 210, 55, 26)


def test_poilus_alto_v4_has_one_string_per_line_whose_words_share_its_box():
    path = CORPUS / "letters" / "poilus_sample" / "TestamentsDePoilus_will_AN_0183-0.xml"
    words = read_words(corpus_file(path))
    assert sorted({w.line for w in words}) == list(range(1, 12))
    # The String "Je sousigné Charles Gruber, à la" at 150,766 (1310 x 102): its words
    # spread along it by characters, the line's height each.
    second = [w for w in words if w.line == 2]
    assert " ".join(w.text for w in second) == "Je sousigné Charles Gruber, à la"
    assert (second[0].text, second[0].x, second[0].y, second[0].h) == ("Je", 150, 766, 102)
    assert 1450 <= second[-1].x + second[-1].w <= 1460  # the String's right edge, 1460
    assert all(w.y == 766 and w.h == 102 and w.conf is None for w in second)


def test_berlioz_alto_scales_from_the_300_dpi_scan_to_our_render():
    path = CORPUS / "letters" / "berlioz" / "Lettre01_04-11-1823" / "Lettre01_04-11-1823_ALTO_1.xml"
    native = read_words(corpus_file(path))
    scaled = read_words(path, width=2845, height=3789)  # the PDF page at 200 dpi
    assert len(native) == len(scaled) > 18  # 18 line Strings, their words spread
    assert len({w.line for w in native}) == 18
    for a, b in zip(native, scaled, strict=True):
        assert abs(b.x - a.x * 2845 / 4266) <= 1 and abs(b.h - a.h * 3789 / 5683) <= 1


def test_words_json_round_trip(tmp_path):
    words = [Word("Dear", 180, 610, 96, 34, 91.5, 12), Word("Sir,", 290, 610, 60, 34)]
    path = tmp_path / "page-001.words.json"
    write_words_json(path, words, 1654, 2339)
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["width"], data["height"], len(data["words"])) == (1654, 2339, 2)
    assert read_words(path) == words
    half = read_words(path, width=827, height=1170)
    assert half[0] == Word("Dear", 90, 305, 48, 17, 91.5, 12)


@pytest.mark.parametrize(
    "content,reason",
    [
        ("{not json", "not valid JSON (line 1: expecting property name enclosed in double"),
        ('{"width": 10}', 'expected an object with a "words" list'),
        ('{"words": [{"text": "a", "x": "left", "y": 0, "w": 1, "h": 1}]}', "word 1 needs"),
        ('{"words": [{"text": "a", "x": NaN, "y": 0, "w": 1, "h": 1}]}', "word 1 needs"),
        ('{"words": [{"text": "a", "x": 0, "y": 0, "w": -1, "h": 1}]}', "word 1 needs"),
        ('{"words": [{"x": 0, "y": 0, "w": 1, "h": 1}]}', 'word 1 is not an object with a "text"'),
        (
            '{"words": [{"text": "a", "x": 0, "y": 0, "w": 1, "h": 1, "line": 0}]}',
            'word 1 has a "line"',
        ),
    ],
)
def test_malformed_words_json_names_the_file(tmp_path, content, reason):
    path = tmp_path / "page-003.words.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(IngestError) as err:
        read_words(path)
    assert str(err.value).startswith(f"page-003.words.json: {reason}")
    assert "accepted: *.words.json" in str(err.value)
    assert "Error" not in str(err.value)  # a parser's class name stays in the log


ALTO_MM10 = """<?xml version="1.0"?>
<a:alto xmlns:a="http://schema.ccs-gmbh.com/ALTO">
  <a:Description><a:MeasurementUnit>mm10</a:MeasurementUnit></a:Description>
  <a:Layout><a:Page WIDTH="2100" HEIGHT="2970"><a:PrintSpace>
    <a:TextLine>
      <a:String CONTENT="Hochgeehrter" HPOS="210" VPOS="297" WIDTH="420" HEIGHT="59.4" WC=".9"/>
      <a:SP/><a:String CONTENT="Herr" HPOS="700" VPOS="297" WIDTH="140" HEIGHT="59.4"/>
    </a:TextLine>
    <a:TextLine/>
    <a:TextLine>
      <a:String CONTENT="Escher" HPOS="210" VPOS="400" WIDTH="300" HEIGHT="60"/>
    </a:TextLine>
  </a:PrintSpace></a:Page></a:Layout>
</a:alto>"""


def test_alto_in_tenths_of_millimetres_scales_to_the_scan(tmp_path):
    path = tmp_path / "page-001.alto.xml"
    path.write_text(ALTO_MM10, encoding="utf-8")
    words = read_words(path, width=1654, height=2339)  # A4 at 200 dpi
    assert [(w.text, w.line) for w in words] == [("Hochgeehrter", 1), ("Herr", 1), ("Escher", 2)]
    assert words[0] == Word("Hochgeehrter", 165, 234, 331, 47, 90.0, 1)
    with pytest.raises(IngestError, match=r"^page-001\.alto\.xml: coordinates are not in pixels"):
        read_words(path)


@pytest.mark.parametrize(
    "content,reason",
    [
        (
            '<?xml version="1.0"?><!DOCTYPE alto [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><alto><String CONTENT="&b;"'
            ' HPOS="0" VPOS="0" WIDTH="1" HEIGHT="1"/></alto>',
            "a DOCTYPE with its own declarations is not accepted",
        ),
        ("<alto><String CONTENT='x' HPOS='0'", "not well-formed XML"),
        (
            "<mets><alto><String CONTENT='x' HPOS='1' VPOS='1' WIDTH='1' HEIGHT='1'/></alto>"
            "</mets>",
            "the XML root is <mets>, not <alto>",
        ),
        (
            "<page><String CONTENT='x' HPOS='1' VPOS='1' WIDTH='1' HEIGHT='1'/></page>",
            "not a word-box file",
        ),
        ("<alto><String CONTENT='x' HPOS='1' VPOS='1'/></alto>", "lacks HPOS, VPOS, WIDTH"),
    ],
)
def test_hostile_or_broken_alto_is_refused(tmp_path, content, reason):
    path = tmp_path / "page-001.alto.xml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(IngestError) as err:
        read_words(path)
    assert str(err.value).startswith("page-001.alto.xml: ")
    assert reason in str(err.value)


def test_html_hocr_with_nested_spans_and_entities(tmp_path):
    path = tmp_path / "page-002.hocr"
    path.write_text(
        "<html><body><div class='ocr_page' title='bbox 0 0 1000 500'>"
        "<span class='ocr_line' title='bbox 10 10 400 40'>"
        "<span class='ocrx_word' title='bbox 10 10 120 40; x_wconf 88'>"
        "<b>Fr&eacute;d&eacute;ric</b></span>"
        '<span class="ocrx_word" title="bbox 130 10 200 40">&amp;&nbsp;Co</span><br>'
        "</span><span class='ocr_line'><span class='ocrx_word' title='bbox 10 50 90 80'>Paris"
        "</span></span></div></body></html>",
        encoding="utf-8",
    )
    words = read_words(path, width=2000, height=1000)
    assert words == [
        Word("Frédéric", 20, 20, 220, 60, 88.0, 1),
        Word("& Co", 260, 20, 140, 60, None, 1),
        Word("Paris", 20, 100, 160, 60, None, 2),
    ]


def test_hocr_word_without_bbox_is_refused(tmp_path):
    path = tmp_path / "page-004.hocr"
    path.write_text(
        "<div class='ocr_page' title='bbox 0 0 10 10'><span class='ocrx_word'>x</span></div>",
        encoding="utf-8",
    )
    with pytest.raises(IngestError, match=r"^page-004\.hocr: word 1 has no valid bbox"):
        read_words(path)


def test_not_a_word_file(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# nothing here", encoding="utf-8")
    with pytest.raises(IngestError, match=r"^notes\.md: not a word-box file; accepted"):
        read_words(path)
