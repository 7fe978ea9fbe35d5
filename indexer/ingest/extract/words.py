"""Word boxes kept in the archive: read *.words.json, hOCR, ALTO and PAGE XML; write
*.words.json. ALTO and PAGE also give the page's text, line by line (`read_word_file`)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from xml.parsers import expat

from indexer.archive.files import write_atomic
from indexer.errors import IngestError
from indexer.ingest.extract import reason
from indexer.ingest.extract.pagexml import PageXml, PageXmlError, spread
from indexer.ingest.extract.text import decode_text
from indexer.records import Word

ACCEPTED_WORDS = (
    "*.words.json, hOCR (ocrx_word spans with bbox), ALTO XML (String elements), "
    "PAGE XML (TextLine elements with Coords and TextEquiv)"
)
_LINE_CLASSES = {"ocr_line", "ocrx_line", "ocr_textfloat", "ocr_header", "ocr_caption"}


@dataclass
class _Parsed:
    """A parser's output: words and page size in the file's own units."""

    words: list[Word]
    width: float | None
    height: float | None
    pixels: bool = True  # False: ALTO mm10/inch1200, convertible only by scaling to the scan
    lines: list[str] | None = None  # the page's text line by line (ALTO, PAGE), else None


def _bad(path: Path, what: str) -> IngestError:
    return IngestError(f"{path.name}: {what}; accepted: {ACCEPTED_WORDS}")


def _number(value: object, *, text: bool = True) -> float | None:
    """Return a finite number from a JSON number (or, if `text`, a numeral string)."""
    kinds = (int, float, str) if text else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _read_json(path: Path, data: bytes) -> _Parsed:
    try:
        doc = json.loads(decode_text(data))
    except ValueError as exc:
        where = f"line {exc.lineno}: " if isinstance(exc, json.JSONDecodeError) else ""
        what = exc.msg if isinstance(exc, json.JSONDecodeError) else "not readable as JSON"
        bad = _bad(path, f"not valid JSON ({where}{what.lower()})")
        bad.detail = reason(exc)
        raise bad from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("words"), list):
        raise _bad(path, 'expected an object with a "words" list')
    words = []
    for i, item in enumerate(doc["words"], start=1):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise _bad(path, f'word {i} is not an object with a "text" string')
        x, y, w, h = (_number(item.get(k), text=False) for k in ("x", "y", "w", "h"))
        if x is None or y is None or w is None or h is None or w < 0 or h < 0:
            raise _bad(path, f'word {i} needs numbers "x", "y" and non-negative "w", "h"')
        conf, line = item.get("conf"), item.get("line")
        if conf is not None and _number(conf, text=False) is None:
            raise _bad(path, f'word {i} has a "conf" that is not a number')
        if line is not None and (type(line) is not int or line < 1):
            raise _bad(path, f'word {i} has a "line" that is not a positive whole number')
        words.append(Word(item["text"], x, y, w, h, conf, line))
    size = (_number(doc.get(k), text=False) for k in ("width", "height"))
    return _Parsed(words, *size)


def _title(title: str) -> dict[str, list[float | None]]:
    """Parse an hOCR title ("bbox 1 2 3 4; x_wconf 90") into numbers per property."""
    props = {}
    for part in title.split(";"):
        key, _, rest = part.strip().partition(" ")
        props[key] = [_number(v) for v in rest.split()]
    return props


class _Hocr(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[Word] = []
        self.page: tuple[float, float] | None = None
        self.line = self.pages = 0
        self.problem: str | None = None
        self._word: tuple[str, list[float], float | None] | None = None
        self._text: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._word is not None:
            self._depth += tag == self._word[0]
            return
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        props = _title(values.get("title") or "")
        box = props.get("bbox", [])
        if "ocr_page" in classes:
            self.pages += 1
            if self.pages == 1 and len(box) == 4 and None not in box:
                self.page = (box[2], box[3])
        if classes & _LINE_CLASSES:
            self.line += 1
        # A file holds the words of one scan; later pages belong to other scans.
        if "ocrx_word" in classes and self.pages <= 1:
            if len(box) != 4 or None in box or box[2] < box[0] or box[3] < box[1]:
                self.problem = self.problem or f"word {len(self.words) + 1} has no valid bbox"
                return
            conf = (props.get("x_wconf") or [None])[0]
            self._word, self._text, self._depth = (tag, box, conf), [], 1

    def handle_endtag(self, tag: str) -> None:
        if self._word is None or tag != self._word[0]:
            return
        self._depth -= 1
        if self._depth:
            return
        _, (x0, y0, x1, y1), conf = self._word
        text = " ".join("".join(self._text).split())
        if text:
            line = self.line or None
            self.words.append(Word(text, x0, y0, x1 - x0, y1 - y0, conf, line))
        self._word = None

    def handle_data(self, data: str) -> None:
        if self._word is not None:
            self._text.append(data)


def _read_hocr(path: Path, data: bytes) -> _Parsed:
    # html.parser expands no declared entities, so hostile DOCTYPEs are inert here.
    parser = _Hocr()
    parser.feed(decode_text(data))
    parser.close()
    if parser.problem:
        raise _bad(path, parser.problem)
    if parser.page is None and not parser.words:
        raise _bad(path, "no ocr_page or ocrx_word elements found")
    width, height = parser.page or (None, None)
    return _Parsed(parser.words, width, height)


class _Alto:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.words: list[Word] = []
        self.page: tuple[float | None, float | None] | None = None
        self.unit = ""
        self.root: str | None = None
        self._pages = 0
        self._line = 0
        self._line_used = True
        self._in_unit = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition("}")[2]
        if self.root is None:
            self.root = local
        self._in_unit = local == "MeasurementUnit"
        if local == "Page":
            self._pages += 1
            if self._pages == 1:
                self.page = (_number(attrs.get("WIDTH")), _number(attrs.get("HEIGHT")))
        elif local == "TextLine":
            self._line_used = False
        elif local == "String" and self._pages <= 1:
            self._string(attrs)

    def _string(self, attrs: dict[str, str]) -> None:
        text = " ".join((attrs.get("CONTENT") or "").split())
        if not text:
            return
        box = [_number(attrs.get(k)) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT")]
        if None in box:
            raise _bad(self.path, f"String {text[:30]!r} lacks HPOS, VPOS, WIDTH or HEIGHT")
        if not self._line_used:  # lines are numbered by those that hold words
            self._line, self._line_used = self._line + 1, True
        if " " in text:
            # A line-level ALTO (eScriptorium, Transkribus) has one String per line: its
            # words get boxes spread along it, as PAGE lines without Word elements do.
            x, y, w, h = box
            self.words.extend(spread(text, (x, y, x + w, y + h), self._line))
            return
        wc = _number(attrs.get("WC"))
        conf = None if wc is None else round(wc * 100, 2)
        self.words.append(Word(text, *box, conf, self._line or None))

    def end(self, name: str) -> None:
        self._in_unit = False

    def data(self, text: str) -> None:
        if self._in_unit:
            self.unit += text



def _parse_xml(path: Path, data: bytes, target: _Alto | PageXml) -> None:
    """Stream `data` through expat into `target`; DOCTYPEs with declarations and entity
    declarations are refused, so no entity expansion (billion laughs) and no external
    file is ever read."""

    def refuse_dtd(name: str, sysid: str | None, pubid: str | None, internal: int) -> None:
        if internal:
            raise _bad(path, "a DOCTYPE with its own declarations is not accepted in XML")

    def refuse_entity(*args: object) -> None:
        raise _bad(path, "entity declarations are not accepted in XML")

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = target.start
    parser.EndElementHandler = target.end
    parser.CharacterDataHandler = target.data
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_entity
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise _bad(path, f"not well-formed XML ({exc})") from exc
    except PageXmlError as exc:
        raise _bad(path, str(exc)) from exc


def _read_alto(path: Path, data: bytes) -> _Parsed:
    alto = _Alto(path)
    _parse_xml(path, data, alto)
    if (alto.root or "").lower() != "alto":
        raise _bad(path, f"the XML root is <{alto.root}>, not <alto>")
    width, height = alto.page or (None, None)
    unit = alto.unit.strip().lower() or "pixel"
    if unit != "pixel" and (not width or not height):
        raise _bad(path, f"coordinates in {unit} and no Page WIDTH/HEIGHT to convert them")
    return _Parsed(alto.words, width, height, unit == "pixel", _lines_of(alto.words))


def _lines_of(words: list[Word]) -> list[str]:
    """The text of words that carry line numbers, one string per line."""
    lines: dict[int, list[str]] = {}
    for w in words:
        lines.setdefault(w.line or 0, []).append(w.text)
    return [" ".join(lines[n]) for n in sorted(lines)]


def _read_page(path: Path, data: bytes) -> _Parsed:
    page = PageXml()
    _parse_xml(path, data, page)
    try:
        page.check()
    except PageXmlError as exc:
        raise _bad(path, str(exc)) from exc
    lines, words = page.result()
    return _Parsed(words, page.width, page.height, lines=lines)


def _format(data: bytes) -> str | None:
    """"json", "page", "alto" or "hocr" by content (word files are named freely: .alto,
    .alto.xml, .page.xml, .xml, .hocr, .html ...); None for anything else."""
    head = data[:8192].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"{", b"[")):
        return "json"
    if b"<pcgts" in head or b":pcgts" in head:
        return "page"
    if b"<alto" in head or b":alto" in head:
        return "alto"
    if b"ocr_page" in head or b"ocrx_word" in head or b"<html" in head:
        return "hocr"
    return None


def _detect(path: Path, data: bytes) -> str:
    found = _format(data)
    if found is None:
        raise _bad(path, "not a word-box file")
    return found


def words_suffix(path: Path, *, name: str | None = None) -> str | None:
    """The archive suffix of a word-box file given beside a letter's pages (`.words.json`,
    `.alto.xml`, `.page.xml`, `.hocr`), None for any other file. JSON only by its name (a
    sidecar is JSON too); ALTO, PAGE and hOCR by content, hOCR only with its OCR classes
    (not any HTML). `name`:
    the file's name as given, when `path` is a staged copy."""
    path = Path(path)
    if (name or path.name).endswith(".words.json"):
        return ".words.json"
    with open(path, "rb") as fh:
        data = fh.read(8192)
    found = _format(data)
    if found == "hocr" and b"ocr_page" not in data.lower() and b"ocrx_word" not in data.lower():
        return None
    return {"alto": ".alto.xml", "page": ".page.xml", "hocr": ".hocr"}.get(found or "")


def read_words(path: Path, *, width: int | None = None, height: int | None = None) -> list[Word]:
    """Read word boxes, scaled to a `width` x `height` scan when the file's page differs."""
    return read_word_file(path, width=width, height=height)[0]


def read_word_file(
    path: Path, *, width: int | None = None, height: int | None = None
) -> tuple[list[Word], str | None]:
    """Word boxes (as `read_words`) and the page's text as the file gives it, lines joined
    by newlines: ALTO and PAGE carry the text of their lines; hOCR and *.words.json give
    None (their words are boxes for a text kept elsewhere)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        why = (exc.strerror or "the system refused").lower()
        error = IngestError(f"{path.name}: cannot read the file ({why})")
        error.detail = reason(exc)
        raise error from exc
    kind = _detect(path, data)
    readers = {"json": _read_json, "hocr": _read_hocr, "alto": _read_alto, "page": _read_page}
    parsed = readers[kind](path, data)
    fx = width / parsed.width if width and parsed.width and parsed.width > 0 else None
    fy = height / parsed.height if height and parsed.height and parsed.height > 0 else None
    if not parsed.pixels and (fx is None or fy is None):
        # Scaling the page to the scan is the only way to turn mm10/inch1200 into pixels.
        raise _bad(path, "coordinates are not in pixels; give the scan's width and height")
    fx, fy = fx or fy or 1.0, fy or fx or 1.0
    text = None if parsed.lines is None else "\n".join(parsed.lines)
    return [_scaled(w, fx, fy) for w in parsed.words], text


def _scaled(w: Word, fx: float, fy: float) -> Word:
    box = round(w.x * fx), round(w.y * fy), round(w.w * fx), round(w.h * fy)
    return Word(w.text, *box, w.conf, w.line)


def write_words_json(path: Path, words: list[Word], width: int, height: int) -> None:
    """Write word boxes as *.words.json atomically (temp file, then rename)."""
    path = Path(path)
    items = [
        {"text": w.text, "x": w.x, "y": w.y, "w": w.w, "h": w.h}
        | ({} if w.conf is None else {"conf": round(float(w.conf), 2)})
        | ({} if w.line is None else {"line": w.line})
        for w in words
    ]
    # One word per line: small, and readable in a diff.
    body = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    payload = f'{{"width": {int(width)}, "height": {int(height)}, "words": [\n{body}\n]}}'
    write_atomic(path, (payload + "\n").encode("utf-8"), durable=False)
