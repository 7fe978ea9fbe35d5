"""Render letter transcripts into scan-like page images (and text PDFs).

Missive's sample archive (``archive/letters/``) is made from the project's seed
transcripts: this script draws each letter on paper-toned A4 pages at 200 dpi with a
letterhead, a little skew, noise and blur, and keeps the word boxes it knows beside the
images as ``page-NNN.words.json``. The UK letter becomes a PDF with a real text layer.

    python scripts/render_pages.py sample --seeds ../shared/seeds --out archive/letters
    python scripts/render_pages.py letter transcript.txt --out /tmp/letter --seed 3

Everything is deterministic: the same input and seed give the same bytes.

Input model (``render_letter`` and ``render_pdf``): a list of lines (or a text split on
newlines). A non-empty line is a paragraph, word-wrapped to the margins; an empty line
is a paragraph gap; a line equal to ``SIGNATURE`` draws a scribbled signature that is not
part of the transcript. A page's transcript is one line per drawn line, so that a word's
``line`` points straight into it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import math
import random
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from indexer.records import Word  # noqa: E402

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SERIF = FONT_DIR / "DejaVuSerif.ttf"
SERIF_BOLD = FONT_DIR / "DejaVuSerif-Bold.ttf"

SIGNATURE = "<signature>"  # a body line that draws a signature, kept out of the transcript

# Letterhead styles: (size as a multiple of the body size, bold).
LETTERHEAD_STYLES = {"title": (1.45, True), "subtitle": (1.0, True), "small": (0.82, False)}

LetterheadLine = str | tuple[str, str]


@dataclass
class RenderedPage:
    """One rendered page: the image, the text drawn on it, and the drawn words' boxes."""

    image: Image.Image
    text: str
    words: list[Word] = field(default_factory=list)


# --------------------------------------------------------------------------- fonts


def _font(path: str | Path | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A TrueType font, or Pillow's built-in font when the file is missing."""
    if path is not None and Path(path).is_file():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def _as_lines(lines_or_text: str | Sequence[str]) -> list[str]:
    if isinstance(lines_or_text, str):
        return lines_or_text.split("\n")
    return list(lines_or_text)


def _letterhead_items(letterhead: Sequence[LetterheadLine] | None) -> list[tuple[str, str]]:
    items = []
    for i, entry in enumerate(letterhead or []):
        if isinstance(entry, tuple):
            text, style = entry
        else:
            text, style = entry, "title" if i == 0 else "small"
        if style not in LETTERHEAD_STYLES:
            raise ValueError(f"letterhead style {style!r}; accepted: {sorted(LETTERHEAD_STYLES)}")
        items.append((" ".join(text.split()), style))
    return items


# --------------------------------------------------------------------------- layout


def _wrap(text: str, font, max_width: float) -> list[list[str]]:
    """Greedy word wrap: a list of lines, each a list of words."""
    lines: list[list[str]] = []
    current: list[str] = []
    for word in text.split():
        candidate = " ".join([*current, word])
        if current and font.getlength(candidate) > max_width:
            lines.append(current)
            current = [word]
        else:
            current.append(word)
    if current:
        lines.append(current)
    return lines


class _PageBuilder:
    """Collects one page's ink, signature strokes, transcript lines and word boxes."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.ink = Image.new("L", (width, height), 0)
        self.sig = Image.new("L", (width, height), 0)
        self.draw = ImageDraw.Draw(self.ink)
        self.sig_draw = ImageDraw.Draw(self.sig)
        self.lines: list[str] = []
        self.boxes: list[tuple[str, tuple[float, float, float, float], int]] = []
        self.rules: list[tuple[int, int, int, int]] = []

    def line(self, words: list[str], xs: list[float], baseline: float, font) -> None:
        """Draw one line of words at the given x positions on a baseline."""
        self.lines.append(" ".join(words))
        line_no = len(self.lines)
        top_ref = self.draw.textbbox((0, baseline), "Hg", font=font, anchor="ls")
        for word, x in zip(words, xs, strict=True):
            self.draw.text((x, baseline), word, font=font, fill=255, anchor="ls")
            box = self.draw.textbbox((x, baseline), word, font=font, anchor="ls")
            x0, y0 = box[0] - 2, min(box[1], top_ref[1]) - 2
            x1, y1 = box[2] + 2, max(box[3], top_ref[3]) + 2
            self.boxes.append((word, (x0, y0, x1, y1), line_no))


def _layout(
    lines: list[str],
    letterhead: list[tuple[str, str]],
    *,
    width: int,
    height: int,
    font_path,
    bold_font_path,
    font_size: int,
    rng: random.Random,
) -> list[_PageBuilder]:
    body = _font(font_path, font_size)
    fonts = {
        style: _font(bold_font_path if bold else font_path, round(font_size * scale))
        for style, (scale, bold) in LETTERHEAD_STYLES.items()
    }
    margin_x = round(width * 0.115)
    top = round(height * 0.07)
    bottom = height - round(height * 0.08)
    text_w = width - 2 * margin_x
    step = round(font_size * 1.5)
    gap = round(font_size * 0.9)
    sig_h = round(font_size * 3.9)

    pages = [_PageBuilder(width, height)]
    page = pages[0]
    y = top  # top of the next line box

    # Letterhead: centred, then a rule.
    if letterhead:
        for text, style in letterhead:
            font = fonts[style]
            size = font.size if hasattr(font, "size") else font_size
            baseline = y + round(size * 1.05)
            w = font.getlength(text)
            page.line(
                text.split(), _spaced(text.split(), font, (width - w) / 2, None), baseline, font
            )
            y = baseline + round(size * 0.45)
        y += round(font_size * 0.5)
        rule_w = round(text_w * 0.8)
        page.rules.append((round((width - rule_w) / 2), y, round((width + rule_w) / 2), y + 2))
        y += round(font_size * 2.2)

    def new_page() -> None:
        nonlocal page, y
        page = _PageBuilder(width, height)
        pages.append(page)
        y = top

    for raw in lines:
        text = " ".join(raw.split())
        if not text:
            if y > top:
                y += gap
            continue
        if raw.strip() == SIGNATURE:
            if y + sig_h + step > bottom:  # keep the signature with the name under it
                new_page()
            _scribble(page.sig_draw, rng, margin_x + round(font_size * 0.4), y, font_size)
            y += sig_h
            continue
        wrapped = _wrap(text, body, text_w)
        for i, words in enumerate(wrapped):
            if y + step > bottom:
                new_page()
            last = i == len(wrapped) - 1
            xs = _spaced(words, body, margin_x, None if last else text_w)
            page.line(words, xs, y + round(font_size * 1.05), body)
            y += step
    return pages  # a page is only started for something to draw on it


def _spaced(words: list[str], font, x0: float, justify_to: float | None) -> list[float]:
    """Left edges of the words on a line; justified to `justify_to` pixels when given."""
    space = font.getlength(" ")
    widths = [font.getlength(w) for w in words]
    extra = 0.0
    if justify_to is not None and len(words) > 1:
        slack = justify_to - sum(widths) - space * (len(words) - 1)
        per_gap = slack / (len(words) - 1)
        if 0 < per_gap < space * 2.5:
            extra = per_gap
    xs, x = [], x0
    for w in widths:
        xs.append(round(x))
        x += w + space + extra
    return xs


# --------------------------------------------------------------------------- drawing


def _catmull_rom(points: list[tuple[float, float]], steps: int = 10) -> list[tuple[float, float]]:
    """A smooth curve through the points."""
    pts = [points[0], *points, points[-1]]
    out = []
    for i in range(1, len(pts) - 2):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        for s in range(steps):
            t = s / steps
            t2, t3 = t * t, t * t * t
            out.append(
                tuple(
                    0.5
                    * (
                        2 * p1[k]
                        + (-p0[k] + p2[k]) * t
                        + (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k]) * t2
                        + (-p0[k] + 3 * p1[k] - 3 * p2[k] + p3[k]) * t3
                    )
                    for k in (0, 1)
                )
            )
    out.append(points[-1])
    return out


def _signature_strokes(
    rng: random.Random, x: float, y: float, font_size: int
) -> list[list[tuple[float, float]]]:
    """Looping, slanted strokes that read as a handwritten signature.

    Each name is a prolate cycloid (a pen moving right while circling), its loop heights
    varying letter by letter; a flourish underlines the whole. It fits in a box about
    3.6 x `font_size` high whose top left is (x, y).
    """
    base = y + font_size * 2.7
    xh = font_size * 0.75
    slant = rng.uniform(0.25, 0.4)
    strokes = []
    cx = x
    for part in range(rng.randint(2, 3)):
        letters = rng.randint(3, 6) if part else rng.randint(4, 7)
        heights = [xh * rng.uniform(2.8, 3.4)]  # a capital
        heights += [
            xh * (rng.uniform(1.8, 2.4) if rng.random() < 0.3 else rng.uniform(0.7, 1.1))
            for _ in range(letters - 1)
        ]
        v = font_size * rng.uniform(0.45, 0.6) / (2 * math.pi)
        r = v * rng.uniform(1.2, 1.6)
        drift = rng.uniform(-0.15, 0.15) * font_size
        steps = 16
        pts = []
        for i in range(letters * steps + 1):
            t = 2 * math.pi * i / steps
            k, frac = divmod(i / steps, 1)
            k = int(k)
            h0, h1 = heights[min(k, letters - 1)], heights[min(k + 1, letters - 1)]
            a = h0 + (h1 - h0) * (1 - math.cos(math.pi * frac)) / 2
            py = base - a * (1 - math.cos(t)) / 2 + drift * i / (letters * steps)
            px = cx + v * t + r * math.sin(t) + slant * (base - py)
            pts.append((px, py))
        strokes.append(pts)
        cx = pts[-1][0] + font_size * rng.uniform(0.5, 0.9)
    end = cx
    strokes.append(
        _catmull_rom(
            [
                (x - font_size * 0.2, base + font_size * 0.45),
                ((x + end) / 2, base + font_size * rng.uniform(0.5, 0.75)),
                (end + font_size * 0.3, base + font_size * rng.uniform(0.05, 0.3)),
            ]
        )
    )
    return strokes


def _scribble(draw: ImageDraw.ImageDraw, rng: random.Random, x, y, font_size: int) -> None:
    width = max(2, round(font_size / 10))
    for stroke in _signature_strokes(rng, x, y, font_size):
        draw.line(
            [(round(px), round(py)) for px, py in stroke], fill=255, width=width, joint="curve"
        )


def _noise_field(rng: random.Random, size: tuple[int, int], grid: tuple[int, int]) -> Image.Image:
    """Smooth random variation 0..255: a coarse random grid, upsampled."""
    small = Image.frombytes("L", grid, rng.randbytes(grid[0] * grid[1]))
    return small.resize(size, Image.Resampling.BICUBIC)


def _paper(rng: random.Random, width: int, height: int) -> Image.Image:
    """Grey-level paper: uneven shading, faint grain and a darker scanner edge."""
    shade = _noise_field(rng, (width, height), (7, 10)).point(lambda v: 224 + v * 16 // 255)
    grain = Image.frombytes(
        "L", (width // 3, height // 3), rng.randbytes((width // 3) * (height // 3))
    )
    # Faint and not per-pixel: fine grain is what makes a JPEG big.
    grain = grain.resize((width, height), Image.Resampling.BILINEAR).point(lambda v: v * 3 // 255)
    paper = ImageChops.add(shade, grain, scale=1.0, offset=-1)
    edge = Image.new("L", (width, height), 0)
    edge_draw = ImageDraw.Draw(edge)
    band = max(4, width // 60)
    left = rng.random() < 0.5
    for i in range(band):
        x = i if left else width - 1 - i
        edge_draw.line([(x, 0), (x, height)], fill=round(34 * (1 - i / band) ** 2))
    return ImageChops.subtract(paper, edge)


def _rotate_point(x: float, y: float, angle: float, cx: float, cy: float) -> tuple[float, float]:
    """Where PIL's `Image.rotate(angle)` (counter-clockwise, about cx, cy) moves a point."""
    a = math.radians(angle)
    dx, dy = x - cx, y - cy
    return cx + dx * math.cos(a) + dy * math.sin(a), cy - dx * math.sin(a) + dy * math.cos(a)


def _finish(page: _PageBuilder, rng: random.Random, grey: bool) -> RenderedPage:
    width, height = page.width, page.height
    angle = rng.uniform(-0.6, 0.6)
    draw = page.draw
    for rule in page.rules:
        draw.rectangle(rule, fill=255)
    # Toner is never quite even: modulate the ink, soften it, skew it.
    strength = _noise_field(rng, (width, height), (12, 17)).point(lambda v: 200 + v * 55 // 255)
    ink = ImageChops.multiply(page.ink, strength).filter(ImageFilter.GaussianBlur(0.9))
    rotate = {"resample": Image.Resampling.BICUBIC, "fillcolor": 0}
    ink = ink.rotate(angle, **rotate)
    sig = page.sig.filter(ImageFilter.GaussianBlur(0.8)).rotate(angle, **rotate)

    grey_page = Image.composite(
        Image.new("L", (width, height), 38), _paper(rng, width, height), ink
    )
    specks = ImageDraw.Draw(grey_page)
    for _ in range(rng.randint(60, 140)):
        sx, sy = rng.uniform(0, width), rng.uniform(0, height)
        r = rng.uniform(0.5, 1.9)
        specks.ellipse((sx - r, sy - r, sx + r, sy + r), fill=rng.randint(70, 180))
    if grey:
        image = Image.composite(Image.new("L", (width, height), 45), grey_page, sig)
    else:
        warm = Image.merge(
            "RGB",
            (
                grey_page.point(lambda v: min(255, round(v * 1.02 + 3))),
                grey_page.point(lambda v: round(v * 0.985)),
                grey_page.point(lambda v: round(v * 0.925)),
            ),
        )
        image = Image.composite(Image.new("RGB", (width, height), (28, 36, 92)), warm, sig)

    cx, cy = width / 2, height / 2
    words = []
    for text, (x0, y0, x1, y1), line in page.boxes:
        corners = [_rotate_point(px, py, angle, cx, cy) for px in (x0, x1) for py in (y0, y1)]
        bx0 = max(0, math.floor(min(p[0] for p in corners)))
        by0 = max(0, math.floor(min(p[1] for p in corners)))
        bx1 = min(width, math.ceil(max(p[0] for p in corners)))
        by1 = min(height, math.ceil(max(p[1] for p in corners)))
        words.append(Word(text=text, x=bx0, y=by0, w=bx1 - bx0, h=by1 - by0, line=line))
    return RenderedPage(image=image, text="\n".join(page.lines), words=words)


def render_letter(
    lines_or_text: str | Sequence[str],
    *,
    letterhead: Sequence[LetterheadLine] | None = None,
    seed: int,
    width: int = 1654,
    height: int = 2339,
    font_path: str | Path | None = SERIF,
    bold_font_path: str | Path | None = SERIF_BOLD,
    font_size: int = 32,
    grey: bool = False,
) -> list[RenderedPage]:
    """Render a letter into scan-like pages (A4 at 200 dpi by default).

    `letterhead` lines are centred at the top of page 1 (the first line large and bold,
    the rest small; a ``(text, style)`` pair picks "title", "subtitle" or "small") and are
    part of page 1's transcript. Word boxes are in the final, skewed image's pixels.
    """
    rng = random.Random(seed)
    builders = _layout(
        _as_lines(lines_or_text),
        _letterhead_items(letterhead),
        width=width,
        height=height,
        font_path=font_path,
        bold_font_path=bold_font_path,
        font_size=font_size,
        rng=rng,
    )
    return [_finish(page, rng, grey) for page in builders]


def jpeg_bytes(image: Image.Image, quality: int = 80) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def words_json(page: RenderedPage) -> dict:
    """The page's word boxes in the archive's ``page-NNN.words.json`` form."""
    return {
        "width": page.image.width,
        "height": page.image.height,
        "words": [
            {"text": w.text, "x": w.x, "y": w.y, "w": w.w, "h": w.h, "line": w.line}
            for w in page.words
        ],
    }


def write_pages(
    pages: Sequence[RenderedPage],
    folder: str | Path,
    *,
    transcripts: bool = True,
    words: bool = True,
    quality: int = 80,
) -> list[Path]:
    """Write page-NNN.jpg (and .txt, .words.json) into `folder`; returns the files written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for n, page in enumerate(pages, 1):
        stem = folder / f"page-{n:03d}"
        image_path = stem.with_suffix(".jpg")
        image_path.write_bytes(jpeg_bytes(page.image, quality))
        written.append(image_path)
        if transcripts:
            path = stem.with_suffix(".txt")
            path.write_text(page.text + "\n", encoding="utf-8")
            written.append(path)
        if words:
            path = folder / f"page-{n:03d}.words.json"
            path.write_text(
                json.dumps(words_json(page), ensure_ascii=False) + "\n", encoding="utf-8"
            )
            written.append(path)
    return written


# --------------------------------------------------------------------------- PDF

_LATIN1_FALLBACK = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."}
)


def render_pdf(
    lines_or_text: str | Sequence[str],
    *,
    letterhead: Sequence[LetterheadLine] | None = None,
    seed: int = 0,
    font_path: str | Path | None = SERIF,
    bold_font_path: str | Path | None = SERIF_BOLD,
    title: str | None = None,
    author: str | None = None,
) -> bytes:
    """A4 PDF with a real text layer: letterhead centred at the top, then the body.

    The body is set ragged-right: fpdf2 justifies by widening spaces in the text layer,
    which pypdf reads back as runs of spaces.

    Uses the DejaVu Serif TrueType fonts (curly quotes, accents, Cyrillic); without them
    falls back to the PDF core font Times, with the text folded to Latin-1.
    """
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_creation_date(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    pdf.set_creator("Missive scripts/render_pages.py")
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    pdf.set_margins(25, 22, 25)
    pdf.set_auto_page_break(True, margin=22)
    unicode = font_path is not None and Path(font_path).is_file()
    if unicode:
        pdf.add_font("Serif", "", str(font_path))
        bold_ok = bold_font_path is not None and Path(bold_font_path).is_file()
        pdf.add_font("Serif", "B", str(bold_font_path if bold_ok else font_path))
        family = "Serif"
    else:
        family = "Times"

    def clean(text: str) -> str:
        text = " ".join(text.split())
        if unicode:
            return text
        return text.translate(_LATIN1_FALLBACK).encode("latin-1", "replace").decode("latin-1")

    rng = random.Random(seed)
    pdf.add_page()
    items = _letterhead_items(letterhead)
    if items:
        for text, style in items:
            scale, bold = LETTERHEAD_STYLES[style]
            size = 11 * scale
            pdf.set_font(family, "B" if bold else "", size)
            pdf.cell(0, size * 0.5, clean(text), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        y = pdf.get_y()
        pdf.set_line_width(0.3)
        pdf.line(40, y, pdf.w - 40, y)
        pdf.ln(10)
    pdf.set_font(family, "", 11)
    for raw in _as_lines(lines_or_text):
        text = " ".join(raw.split())
        if not text:
            pdf.ln(3.5)
            continue
        if raw.strip() == SIGNATURE:
            if pdf.get_y() + 24 > pdf.h - pdf.b_margin:
                pdf.add_page()
            x, y = pdf.l_margin + 3, pdf.get_y()
            pdf.set_draw_color(28, 36, 92)
            pdf.set_line_width(0.45)
            scale = 0.18  # the strokes are drawn for a 32 px font: 0.18 mm per unit
            for stroke in _signature_strokes(rng, 0, 0, 32):
                pdf.polyline([(x + px * scale, y + py * scale) for px, py in stroke])
            pdf.set_draw_color(0, 0, 0)
            pdf.set_y(y + 24)
            continue
        pdf.multi_cell(0, 5.6, clean(text), align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


# --------------------------------------------------------------------------- the sample

COLLECTION = "Cluster munitions and arms trade correspondence (sample)"
RIGHTS = (
    "Sample letters for demonstration; the page images are renderings made by Missive "
    "from the transcripts, not scans of the originals."
)
GOOSE = {
    "name": "Stephen D. Goose",
    "role": "Executive Director, Arms Division",
    "organisation": "Human Rights Watch",
    "country": "US",
    "place": "Washington, DC",
}

SIDECARS: dict[str, dict] = {
    "2009-02-24-pakistan-embassy-washington": {
        "title": "Embassy of Pakistan to Human Rights Watch: cover letter on Pakistan's "
        "cluster munitions policy",
        "date": "2009-02-24",
        "date_as_written": "24 February 2009",
        "sender": {
            "name": "Mumtaz Zahra Baloch",
            "role": "Counsellor",
            "organisation": "Embassy of Pakistan",
            "country": "PK",
            "place": "Washington, D.C.",
        },
        "recipient": GOOSE,
        "languages": ["en"],
        "collection": COLLECTION,
        "rights": RIGHTS,
        "notes": "Reference No.Pol.9/4/09. Answers Human Rights Watch's letter of "
        "30 January 2009 to the Foreign Minister of Pakistan.",
        "related": [{"id": "2009-02-16-pakistan-mofa", "relation": "encloses"}],
    },
    "2009-02-16-pakistan-mofa": {
        "title": "Ministry of Foreign Affairs of Pakistan to Human Rights Watch on "
        "cluster munitions",
        "date": "2009-02-16",
        "date_as_written": "16 February 2009",
        "sender": {
            "name": "Irfan Yusuf Shami",
            "role": "Director General (Disarmament)",
            "organisation": "Ministry of Foreign Affairs",
            "country": "PK",
            "place": "Islamabad",
        },
        "recipient": GOOSE,
        "languages": ["en"],
        "collection": COLLECTION,
        "rights": RIGHTS,
        "notes": "Enclosed with the Embassy of Pakistan's letter of 24 February 2009. "
        "The transcript reads the signatory's middle name as 'Yasui'.",
        "related": [{"id": "2009-02-24-pakistan-embassy-washington", "relation": "enclosed-in"}],
    },
    "2009-08-18-russia-embassy-wellington": {
        "title": "Ambassador of the Russian Federation to the Aotearoa New Zealand "
        "Cluster Munition Coalition",
        "date": "2009-08-18",
        "date_as_written": "18 August 2009",
        "sender": {
            "name": "Andrey Tatarinov",
            "role": "Ambassador of the Russian Federation to New Zealand",
            "organisation": "Embassy of the Russian Federation",
            "country": "RU",
            "place": "Wellington",
        },
        "recipient": {
            "name": "Mary Wareham",
            "role": "Coordinator",
            "organisation": "Aotearoa New Zealand Cluster Munition Coalition",
            "country": "NZ",
            "place": "Wellington",
        },
        "languages": ["en"],
        "collection": COLLECTION,
        "rights": RIGHTS,
        "notes": "Answers the Coalition's letter of 12 August 2009.",
    },
    "2007-04-10-peru-mfa-lima": {
        "title": "Minister of Foreign Affairs of Peru: invitation to the Lima Conference "
        "on Cluster Munitions",
        "date": "2007-04-10",
        "date_as_written": "April 10th 2007",
        "sender": {
            "name": "José Antonio García Belaunde",
            "role": "Minister of Foreign Affairs",
            "organisation": "Ministry of Foreign Affairs",
            "country": "PE",
            "place": "Lima",
        },
        "languages": ["en"],
        "collection": COLLECTION,
        "rights": RIGHTS,
        "notes": "A circular invitation to the Lima Conference of 23–25 May 2007.",
    },
    "2008-10-10-uk-fco-miliband": {
        "title": "Foreign Secretary David Miliband to Amnesty International on the "
        "Arms Trade Treaty",
        "date": "2008-10-10",
        "date_as_written": "10 October 2008",
        "sender": {
            "name": "David Miliband",
            "role": "Secretary of State for Foreign and Commonwealth Affairs",
            "organisation": "Foreign & Commonwealth Office",
            "country": "GB",
            "place": "London",
        },
        "recipient": {
            "name": "Jo Franks",
            "organisation": "Amnesty International, International Secretariat",
            "country": "GB",
            "place": "London",
        },
        "languages": ["en"],
        "collection": COLLECTION,
        "rights": RIGHTS,
        "notes": "Reply to the campaign 'The World is Watching – Support an Arms Trade "
        "Treaty' of Oxfam, Amnesty International, IANSA and Control Arms.",
    },
}


class SeedError(ValueError):
    """A seed transcript is not what the sample builder expects."""


def clean_seed(text: str) -> list[str]:
    """Seed text to lines: whitespace normalised, one blank line between blocks at most."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    out: list[str] = []
    for raw in text.split("\n"):
        line = " ".join(raw.replace("&nbsp;", " ").split())
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def _read_seed(seeds: Path, prefix: str) -> list[str]:
    found = sorted(seeds.glob(f"{prefix}_*.txt"))
    if len(found) != 1:
        raise SeedError(f"expected one seed {prefix}_*.txt in {seeds}, found {len(found)}")
    return clean_seed(found[0].read_text(encoding="utf-8-sig"))


def _index(lines: list[str], line: str, *, startswith: bool = False) -> int:
    for i, candidate in enumerate(lines):
        if candidate == line or (startswith and candidate.startswith(line)):
            return i
    raise SeedError(f"seed line not found: {line!r}")


def _replace(lines: list[str], old: str, new: list[str]) -> list[str]:
    """Replace one whole line; the replacement must keep its words (plus a SIGNATURE)."""
    i = _index(lines, old)
    kept = " ".join(x for x in new if x and x != SIGNATURE)
    if kept.split() != old.split():
        raise SeedError(f"replacement changes the words of {old!r}")
    return [*lines[:i], *new, *lines[i + 1 :]]


def _strip_blanks(lines: list[str]) -> list[str]:
    while lines and not lines[0]:
        lines = lines[1:]
    while lines and not lines[-1]:
        lines = lines[:-1]
    return lines


def sample_letters(seeds: Path) -> dict[str, dict]:
    """The five sample letters: id -> {letterhead, lines, form, seed}."""
    letters: dict[str, dict] = {}

    # 000: the Embassy of Pakistan's cover letter, then the Ministry's letter it encloses.
    seed0 = _read_seed(seeds, "000")
    split = _index(seed0, "## MINISTRY OF FOREIGN AFFAIRS ISLAMABAD", startswith=True)
    cover, mofa = _strip_blanks(seed0[:split]), _strip_blanks(seed0[split:])

    head = "EMBASSY OF PAKISTAN "
    if not cover[0].startswith(head):
        raise SeedError(f"cover letter does not start with {head!r}")
    cover_head = ["EMBASSY OF PAKISTAN", cover[0][len(head) :]]
    body = _strip_blanks(cover[1:])
    body = _replace(
        body,
        "(Mumtaz Zahra Baloch) Counsellor",
        [SIGNATURE, "(Mumtaz Zahra Baloch)", "Counsellor"],
    )
    body = _replace(
        body,
        "Mr. Stephen D. Goose, Executive Director, Arms Division, Human Rights Watch, "
        "Editor, ICBL Landmine Monitor, Co-Chair, Cluster Munitions Coalition, Human Rights "
        "Watch, 1630 Connecticut Av., NW, # 500, Washington, DC 20009",
        [
            "Mr. Stephen D. Goose,",
            "Executive Director, Arms Division, Human Rights Watch,",
            "Editor, ICBL Landmine Monitor,",
            "Co-Chair, Cluster Munitions Coalition,",
            "Human Rights Watch,",
            "1630 Connecticut Av., NW, # 500,",
            "Washington, DC 20009",
        ],
    )
    letters["2009-02-24-pakistan-embassy-washington"] = {
        "letterhead": cover_head,
        "lines": _drop_blank_before_signature(body),
        "form": "images",
        "seed": 2402,
    }

    mofa_head = mofa[0].removeprefix("## ")
    if mofa_head != "MINISTRY OF FOREIGN AFFAIRS ISLAMABAD":
        raise SeedError(f"unexpected Ministry letterhead {mofa_head!r}")
    body = [
        line[2:] if line[:4].startswith("- ") and line[2:3].isdigit() else line for line in mofa
    ]
    body = _strip_blanks(body[1:])
    # The numbered paragraphs were a Markdown list: give them paragraph gaps.
    spaced: list[str] = []
    for line in body:
        if line[:1].isdigit() and line[1:3] == ". " and spaced and spaced[-1]:
            spaced.append("")
        spaced.append(line)
    body = _replace(spaced, "(Dr. Irfan Yasui Shami)", [SIGNATURE, "(Dr. Irfan Yasui Shami)"])
    body = _replace(
        body,
        "Director General (Disarmament) Ministry of Foreign Affairs, Pakistan",
        ["Director General (Disarmament)", "Ministry of Foreign Affairs, Pakistan"],
    )
    letters["2009-02-16-pakistan-mofa"] = {
        "letterhead": ["MINISTRY OF FOREIGN AFFAIRS", "ISLAMABAD"],
        "lines": _drop_blank_before_signature(body),
        "form": "images",
        "seed": 1602,
    }

    # 001: Russia. The garbled top lines are OCR of the Cyrillic letterhead.
    seed1 = _read_seed(seeds, "001")
    expected = [
        "NOCON",
        "",
        "POCCV1~CKO~ <|>E.IIEPAUV1V1",
        "",
        "*AMBASSADOR OF",
        "THE RUSSIAN FEDERATION*",
        "",
        "57 Messines Road, Karori,",
        "Wellington, New Zealand",
        "",
        "Tel: (04) 476-6113, Fax: (04) 476-3843",
        "",
    ]
    if seed1[: len(expected)] != expected:
        raise SeedError("the Russian seed's letterhead is not as expected")
    body = seed1[len(expected) :]
    # The original page break split a paragraph: "... key CM producers" / "and users ...".
    i = _index(body, "and users participants of the Oslo Process.", startswith=True)
    if body[i - 1] != "" or not body[i - 2].endswith("key CM producers"):
        raise SeedError("the Russian seed's split paragraph is not as expected")
    body = [*body[: i - 2], body[i - 2] + " " + body[i], *body[i + 1 :]]
    sig = (
        "A handwritten signature in black ink, appearing to read 'Andrey Tatarinov', "
        "is written over a light grey rectangular background."
    )
    body[_index(body, sig)] = SIGNATURE
    letters["2009-08-18-russia-embassy-wellington"] = {
        "letterhead": [
            ("ПОСОЛ РОССИЙСКОЙ ФЕДЕРАЦИИ", "title"),
            ("AMBASSADOR OF THE RUSSIAN FEDERATION", "subtitle"),
            "57 Messines Road, Karori,",
            "Wellington, New Zealand",
            "Tel: (04) 476-6113, Fax: (04) 476-3843",
        ],
        "lines": _drop_blank_before_signature(body),
        "form": "images",
        "seed": 1808,
    }

    # 003: Peru, image only (no transcript: its text comes from OCR).
    body = _read_seed(seeds, "003")
    name = "José Antonio García Belaunde"
    body = [*body[: _index(body, name)], SIGNATURE, *body[_index(body, name) :]]
    letters["2007-04-10-peru-mfa-lima"] = {
        "letterhead": ["Ministerio de Relaciones Exteriores del Perú"],
        "lines": body,
        "form": "images-only",
        "seed": 1004,
    }

    # 004: UK, a PDF. The seed's header is scattered by extraction: put it in order.
    seed4 = _read_seed(seeds, "004")
    expected = [
        "10 October 2008",
        "",
        "Amnesty International International Secretariat,",
        "1 Easton Street",
        "London",
        "WC1X 0DW",
        "",
        "Foreign &",
        "Commonwealth",
        "Office",
        "",
        "London SW1A 2AH",
        "",
        "From the Secretary of State",
        "",
    ]
    if seed4[: len(expected)] != expected:
        raise SeedError("the UK seed's header is not as expected")
    body = seed4[len(expected) :]
    closing = _index(body, "DAVID MILIBAND")
    if body[closing - 1] != "":
        raise SeedError("the UK seed's closing is not as expected")
    body = [*body[: closing - 1], SIGNATURE, *body[closing:]]
    letters["2008-10-10-uk-fco-miliband"] = {
        "letterhead": [
            "Foreign & Commonwealth Office",
            "London SW1A 2AH",
            "From the Secretary of State",
        ],
        "lines": [*expected[:6], "", *body],
        "form": "pdf",
        "seed": 1010,
    }
    return letters


def _drop_blank_before_signature(lines: list[str]) -> list[str]:
    return [
        line
        for i, line in enumerate(lines)
        if line or i + 1 >= len(lines) or lines[i + 1] != SIGNATURE
    ]


def build_sample(seeds: Path, out: Path) -> list[Path]:
    """Rebuild the five sample letters' folders in `out`; returns the files written."""
    written = []
    for letter_id, spec in sample_letters(seeds).items():
        folder = out / letter_id
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        sidecar = folder / "letter.json"
        sidecar.write_text(
            json.dumps(SIDECARS[letter_id], ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        written.append(sidecar)
        if spec["form"] == "pdf":
            pdf = folder / "letter.pdf"
            pdf.write_bytes(
                render_pdf(
                    spec["lines"],
                    letterhead=spec["letterhead"],
                    seed=spec["seed"],
                    title=SIDECARS[letter_id]["title"],
                    author=SIDECARS[letter_id]["sender"]["name"],
                )
            )
            written.append(pdf)
            continue
        pages = render_letter(spec["lines"], letterhead=spec["letterhead"], seed=spec["seed"])
        with_text = spec["form"] == "images"
        written += write_pages(pages, folder, transcripts=with_text, words=with_text)
    return written


# --------------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Render letter transcripts into scan-like page images or text PDFs."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sample = sub.add_parser("sample", help="rebuild the sample archive from the seed transcripts")
    sample.add_argument(
        "--seeds", type=Path, default=ROOT.parent / "shared" / "seeds", help="seed folder"
    )
    sample.add_argument(
        "--out", type=Path, default=ROOT / "archive" / "letters", help="letters folder"
    )
    one = sub.add_parser("letter", help="render one transcript file into a folder")
    one.add_argument("transcript", type=Path, help="UTF-8 text: one paragraph a line")
    one.add_argument("--out", type=Path, required=True, help="folder to write pages into")
    one.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    one.add_argument(
        "--letterhead", action="append", default=[], help="a letterhead line (repeatable)"
    )
    one.add_argument("--pdf", action="store_true", help="write letter.pdf instead of images")
    one.add_argument("--image-only", action="store_true", help="write no transcripts or word boxes")
    args = parser.parse_args(argv)

    if args.command == "sample":
        written = build_sample(args.seeds, args.out)
    else:
        lines = clean_seed(args.transcript.read_text(encoding="utf-8-sig"))
        if args.pdf:
            args.out.mkdir(parents=True, exist_ok=True)
            path = args.out / "letter.pdf"
            path.write_bytes(render_pdf(lines, letterhead=args.letterhead, seed=args.seed))
            written = [path]
        else:
            pages = render_letter(lines, letterhead=args.letterhead, seed=args.seed)
            text = not args.image_only
            written = write_pages(pages, args.out, transcripts=text, words=text)
    total = sum(p.stat().st_size for p in written)
    print(f"wrote {len(written)} files, {total / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
