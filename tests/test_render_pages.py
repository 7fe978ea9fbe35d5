"""scripts/render_pages.py: deterministic pages, word boxes that match the transcript, PDF text."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "render_pages.py"


@pytest.fixture(scope="module")
def rp():
    spec = importlib.util.spec_from_file_location("render_pages", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("render_pages", module)
    spec.loader.exec_module(module)
    return module


LETTERHEAD = ["Ministry of Examples", "1 Sample Street, Lima"]


def letter(rp) -> list[str]:
    return [
        "Lima, April 10th 2007",
        "",
        "Dear Sir,",
        "",
        "I am pleased to invite your country to the Lima Conference on Cluster Munitions, "
        "held from May 23rd to May 25th, 2007, to discuss a legally binding instrument on "
        "cluster munitions and the “humanitarian” issues their use implies.",
        "",
        "The agenda of the meeting, as well as other information of interest to participants, "
        "will be subsequently submitted by the Ministry.",
        "",
        "I avail myself to express you my highest consideration.",
        rp.SIGNATURE,
        "José Antonio García Belaunde",
    ]


def render(rp, seed: int = 7):
    # A small page so that the letter runs onto a second page and the test stays fast.
    return rp.render_letter(
        letter(rp), letterhead=LETTERHEAD, seed=seed, width=900, height=700, font_size=24
    )


def test_same_seed_same_bytes(rp, tmp_path: Path) -> None:
    first = rp.write_pages(render(rp), tmp_path / "a")
    second = rp.write_pages(render(rp), tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    assert len([p for p in first if p.suffix == ".jpg"]) >= 2
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    other = rp.write_pages(render(rp, seed=8), tmp_path / "c")
    assert other[0].read_bytes() != first[0].read_bytes()


def test_transcript_and_word_boxes_agree(rp, tmp_path: Path) -> None:
    pages = render(rp)
    assert len(pages) >= 2
    assert pages[0].text.split("\n")[:2] == LETTERHEAD
    for page in pages:
        lines = page.text.split("\n")
        assert rp.SIGNATURE not in page.text
        # every drawn word has a box, in transcript order
        assert [w.text for w in page.words] == page.text.split()
        for word in page.words:
            assert 0 <= word.x and 0 <= word.y and word.w > 0 and word.h > 0
            assert word.x + word.w <= page.image.width
            assert word.y + word.h <= page.image.height
            assert 1 <= word.line <= len(lines)
            assert word.text in lines[word.line - 1].split()
    drawn = " ".join(" ".join(p.text.split()) for p in pages)
    source = " ".join([*LETTERHEAD, *(x for x in letter(rp) if x != rp.SIGNATURE)])
    assert drawn == " ".join(source.split())

    written = rp.write_pages(pages, tmp_path)
    boxes = json.loads((tmp_path / "page-001.words.json").read_text(encoding="utf-8"))
    assert (boxes["width"], boxes["height"]) == (900, 700)
    assert set(boxes["words"][0]) == {"text", "x", "y", "w", "h", "line"}
    transcript = (tmp_path / "page-002.txt").read_text(encoding="utf-8")
    assert transcript == pages[1].text + "\n"
    assert all(p.exists() for p in written)


def test_image_only_pages(rp, tmp_path: Path) -> None:
    rp.write_pages(render(rp), tmp_path, transcripts=False, words=False)
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".jpg"] * len(render(rp))


def test_builtin_font_fallback(rp) -> None:
    pages = rp.render_letter(
        ["Dear Sir,", "", "A short letter."],
        seed=1,
        width=600,
        height=400,
        font_path=None,
        bold_font_path=None,
        font_size=20,
    )
    assert pages[0].text == "Dear Sir,\nA short letter."
    assert [w.text for w in pages[0].words] == ["Dear", "Sir,", "A", "short", "letter."]


def test_pdf_has_a_text_layer(rp) -> None:
    data = rp.render_pdf(letter(rp), letterhead=LETTERHEAD, seed=3)
    assert data == rp.render_pdf(letter(rp), letterhead=LETTERHEAD, seed=3)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    flat = " ".join(text.split())
    assert "Ministry of Examples" in flat
    assert "Lima Conference on Cluster Munitions" in flat
    assert "José Antonio García Belaunde" in flat
    assert "“humanitarian”" in flat or '"humanitarian"' in flat
