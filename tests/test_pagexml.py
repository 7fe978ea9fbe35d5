"""PAGE XML: lines, words and reading order read from real HTR/OCR output and small files;
its text becomes a page's text when there is no transcript; hostile files refused in one line."""

from __future__ import annotations

import io
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from indexer.errors import IngestError
from indexer.ingest.drafts import create_draft
from indexer.ingest.extract.words import read_word_file, read_words, words_suffix
from indexer.ingest.reader import Reader
from tests.conftest import need_corpus

NS2019 = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
NS2013 = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2013-07-15"
NS2010 = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2010-01-12"


def timeus(name: str = "PH 1858-2 c") -> tuple[Path, Path]:
    root = need_corpus("page_xml", "timeus")
    return root / "images" / f"{name}.jpg", root / "page" / f"{name}.xml"


def kant() -> Path:
    return need_corpus(
        "ocr_gt", "ocrd_kant_aufklaerung_1784", "data", "OCR-D-GT-PAGE", "PAGE_0017_PAGE.xml"
    )


def line_texts(path: Path) -> list[str]:
    """Each TextLine's own TextEquiv/Unicode, whitespace folded, as ElementTree reads it."""
    root = ET.parse(path).getroot()
    ns = {"p": root.tag[1:].split("}")[0]}
    texts = []
    for line in root.iterfind(".//p:TextLine", ns):
        uni = line.find("p:TextEquiv/p:Unicode", ns)
        text = " ".join((uni.text or "").split()) if uni is not None else ""
        if text:
            texts.append(text)
    return texts


def page_xml(body: str, ns: str = NS2019, size: str = 'imageWidth="1000" imageHeight="800"') -> str:
    return f'<?xml version="1.0"?><PcGts xmlns="{ns}"><Page {size}>{body}</Page></PcGts>'


def test_timeus_lines_become_text_and_spread_word_boxes():
    _image, xml = timeus()
    words, text = read_word_file(xml)
    assert text.splitlines() == line_texts(xml)
    assert len(text.splitlines()) == 13
    assert text.startswith("compte et d’après ses ordres, plus un indemnité")
    # Line-level PAGE (eScriptorium): each line's words, boxes spread along its bounding box.
    assert [w.text for w in words] == " ".join(text.splitlines()).split()
    first = [w for w in words if w.line == 1]
    assert [w.text for w in first[:3]] == ["compte", "et", "d’après"]
    assert first[0].x == 1530 and first[0].y == 309  # the line outline's left and top
    right = max(w.x + w.w for w in first)
    assert 3780 <= right <= 3800  # the outline's right edge (3799), rounding aside
    lefts = [w.x for w in first]
    assert lefts == sorted(lefts) and len(set(lefts)) == len(lefts)
    # wider words get wider boxes: "indemnité" (9 letters) is wider than "un" (2)
    width = {w.text: w.w for w in first}
    assert width["indemnité"] > 4 * width["un"]
    assert all(w.conf is None for w in words)  # estimated boxes claim no confidence


def test_timeus_every_page_reads_and_is_named_page_xml():
    root = need_corpus("page_xml", "timeus", "page")
    files = sorted(root.glob("*.xml"))
    assert len(files) == 8
    for xml in files:
        assert words_suffix(xml) == ".page.xml"
        words, text = read_word_file(xml)
        assert text.splitlines() == line_texts(xml), xml.name
        assert len(words) >= 50, xml.name


def test_kant_words_keep_their_own_boxes():
    xml = kant()
    words, text = read_word_file(xml)
    assert text.splitlines()[0] == "Berliniſche Monatsſchrift."
    assert len(words) == 161  # every Word element with text
    first = words[0]
    # <Word> r_1_1 ... Coords 114,368 ... 442,437: its own box, not a share of the line
    assert (first.text, first.line) == ("Berliniſche", 1)
    assert (first.x, first.y, first.w, first.h) == (114, 368, 328, 69)
    assert {w.line for w in words} == set(range(1, len(text.splitlines()) + 1))


def test_kant_glyph_level_file_reads_words_not_glyphs():
    folder = need_corpus("ocr_gt", "ocrd_kant_word_glyph", "OCR-D-GT-SEG-WORD_GLYPH")
    words, text = read_word_file(folder / "OCR-D-GT-SEG-WORD_GLYPH_0001.xml")
    # The word's own TextEquiv (with @conf 0.5362), never its first Glyph's "B".
    assert (words[0].text, words[0].conf) == ("Berliniſche", 53.62)
    assert text.splitlines()[0] == "Berliniſche Monatsſchrift."


def test_scaled_to_the_scan_like_other_word_files():
    xml = kant()
    native = read_words(xml)
    half = read_words(xml, width=1457 // 2, height=2083 // 2)
    assert half[0].x == round(native[0].x * (728 / 1457))
    assert half[0].y == round(native[0].y * (1041 / 2083))


def test_reading_order_older_schemas_and_the_chosen_reading(tmp_path):
    body = (
        '<ReadingOrder><OrderedGroup id="g"><RegionRefIndexed index="0" regionRef="b"/>'
        '<RegionRefIndexed index="1" regionRef="a"/></OrderedGroup></ReadingOrder>'
        '<TextRegion id="a"><TextLine id="l1"><Coords><Point x="10" y="20"/>'
        '<Point x="110" y="20"/><Point x="110" y="40"/><Point x="10" y="40"/></Coords>'
        '<TextEquiv index="2"><Unicode>second reading</Unicode></TextEquiv>'
        '<TextEquiv index="1"><Unicode>read  after</Unicode></TextEquiv></TextLine></TextRegion>'
        '<TextRegion id="b"><TextLine id="l2"><Coords points="0,0 50,0 50,10 0,10"/>'
        '<Word id="w1"><Coords points="0,0 20,0 20,10 0,10"/>'
        '<Glyph id="g1"><TextEquiv><Unicode>X</Unicode></TextEquiv></Glyph>'
        '<TextEquiv conf="0.5"><Unicode>read</Unicode></TextEquiv></Word>'
        '<Word id="w2"><Coords points="25,0 50,0 50,10 25,10"/>'
        "<TextEquiv><Unicode>first</Unicode></TextEquiv></Word></TextLine>"
        "<TextEquiv><Unicode>region text is not read</Unicode></TextEquiv></TextRegion>"
        '<TextRegion id="c"><TextLine id="l3"><Coords points="0,60 10,60 10,70 0,70"/>'
        "<TextEquiv><Unicode>not in the reading order</Unicode></TextEquiv></TextLine></TextRegion>"
    )
    for ns in (NS2010, NS2013, NS2019):
        path = tmp_path / "p.xml"
        path.write_text(page_xml(body, ns), encoding="utf-8")
        words, text = read_word_file(path)
        assert text == "read first\nread after\nnot in the reading order", ns
        assert [(w.text, w.x, w.w, w.line) for w in words[:2]] == [
            ("read", 0, 20, 1),
            ("first", 25, 25, 1),
        ]
        assert words[0].conf == 50.0 and words[1].conf is None
        assert [(w.text, w.x, w.y, w.h, w.line) for w in words[2:4]] == [
            ("read", 10, 20, 20, 2),
            ("after", 60, 20, 20, 2),
        ]


HOSTILE = {
    "doctype": (
        '<?xml version="1.0"?><!DOCTYPE PcGts [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f'<PcGts xmlns="{NS2019}"><Page><TextLine><TextEquiv><Unicode>&b;</Unicode>'
        "</TextEquiv></TextLine></Page></PcGts>",
        "a DOCTYPE with its own declarations is not accepted in XML",
    ),
    "external": (
        '<?xml version="1.0"?><!DOCTYPE PcGts SYSTEM "file:///etc/passwd">'
        f'<PcGts xmlns="{NS2019}"></PcGts>',
        "no Page element",
    ),
    "broken": (page_xml("<TextRegion>")[:-20], "not well-formed XML"),
    "foreign": (
        '<PcGts xmlns="http://example.org/other"><Page/></PcGts>',
        "the XML root is <{http://example.org/other}PcGts>, not PAGE's <PcGts>",
    ),
    "points": (
        page_xml('<TextRegion><TextLine id="x"><Coords points="1,2 3;4"/></TextLine></TextRegion>'),
        "TextLine 'x' has Coords points that are not \"x,y x,y ...\" numbers",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_bad_page_files_are_refused_in_one_line(tmp_path, case):
    data, why = HOSTILE[case]
    path = tmp_path / f"{case}.xml"
    path.write_text(data, encoding="utf-8")
    with pytest.raises(IngestError) as err:
        read_words(path)
    message = str(err.value)
    assert message.startswith(f"{case}.xml: ") and "\n" not in message
    assert why in message
    assert message.endswith("PAGE XML (TextLine elements with Coords and TextEquiv)")


def letter_folder(root: Path, name: str = "PH 1858-2 c") -> Path:
    image, xml = timeus(name)
    folder = root / "letters" / "timeus"
    folder.mkdir(parents=True)
    shutil.copy(image, folder / "page-001.jpg")
    shutil.copy(xml, folder / "page-001.page.xml")
    return folder


def test_the_page_text_is_the_htr_text_unless_a_transcript_is_there(env):
    folder = letter_folder(env.archive.root)
    reader = Reader(env.archive, use_ocr=False)
    letter = reader.read("timeus")
    [page] = letter.pages
    assert page.origin == "htr" and page.failures == []
    assert page.text.splitlines() == line_texts(folder / "page-001.page.xml")
    assert (page.width, page.height) == (4608, 3072)
    assert page.words and page.words[0].text == "compte"
    assert letter.text_source == "ocr"  # machine-read: nothing says a person corrected it
    (folder / "page-001.txt").write_text("A person's transcript.", encoding="utf-8")
    page = reader.read("timeus").pages[0]
    assert (page.origin, page.text) == ("transcript", "A person's transcript.")
    assert page.words and page.words[0].text == "compte"  # the boxes still come from PAGE


def test_alto_text_is_the_page_text_too(env):
    data = need_corpus("ocr_gt", "ocrd_kant_aufklaerung_1784", "data")
    folder = env.archive.root / "letters" / "kant"
    folder.mkdir(parents=True)
    with Image.open(data / "OCR-D-IMG" / "INPUT_0017.tif") as img:
        img.convert("L").save(folder / "page-001.png")
    shutil.copy(data / "OCR-D-GT-ALTO" / "PAGE_0017_ALTO.xml", folder / "page-001.alto.xml")
    page = Reader(env.archive, use_ocr=False).read("kant").pages[0]
    assert page.origin == "htr"
    assert page.text.splitlines()[0] == "Berliniſche Monatsſchrift ."  # String by String
    assert len(page.words) == 161


def test_an_upload_keeps_page_xml_as_word_boxes_and_refuses_a_broken_one(env):
    image, xml = timeus()
    files = [(image.name, io.BytesIO(image.read_bytes())), (xml.name, io.BytesIO(xml.read_bytes()))]
    draft = create_draft(env.archive, files, by="alice", via="upload")
    folder = env.archive.folder(draft)
    assert sorted(p.name for p in folder.iterdir()) == [
        "letter.json",
        "page-001.jpg",
        "page-001.page.xml",
    ]
    assert (folder / "page-001.page.xml").read_bytes() == xml.read_bytes()
    broken = xml.read_bytes()[:5000]
    files = [(image.name, io.BytesIO(image.read_bytes())), ("PH 1858-2 c.xml", io.BytesIO(broken))]
    with pytest.raises(IngestError) as err:
        create_draft(env.archive, files, by="alice", via="upload")
    assert re.match(r"PH 1858-2 c\.xml: not well-formed XML \(", str(err.value))
    assert "\n" not in str(err.value)
    assert env.archive.ids() == [draft]  # nothing of the refused upload is left
