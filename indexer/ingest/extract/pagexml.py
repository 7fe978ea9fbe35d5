"""PAGE XML (PRImA, the format of Transkribus, eScriptorium and OCR-D): lines and words.

A PAGE file describes one page image: text regions holding text lines, each line with its
outline (`Coords`) and its text (`TextEquiv/Unicode`), and, when the tool segmented them,
its words (`Word`, each with `Coords` and `TextEquiv`). Every published version of the
schema is read (2009 to 2019: its namespace ends in the version's date); outlines are
either `points="x,y x,y ..."` (2010-03 on) or `Point` elements (older files).

`PageXml` is fed by a streaming expat parser (words.py sets it up, refusing DTDs and
entities); `result()` gives the page's lines in reading order and its word boxes. A line
without `Word` elements gets boxes spread over its bounding box, each word as wide as its
share of the line's characters (spaces included): an estimate, good enough to point at a
word on the image, not to cut it out.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from indexer.records import Word

NAMESPACE = "http://schema.primaresearch.org/PAGE/gts/pagecontent/"
_REGION_SUFFIX = "Region"  # TextRegion, TableRegion ... all name the reading order's units
Box = tuple[float, float, float, float]  # x0, y0, x1, y1
_POINT_OWNERS = (["TextLine", "Coords"], ["Word", "Coords"])  # before 2010-03: Point elements


class PageXmlError(ValueError):
    """What is wrong with a PAGE file, in a few words (the caller names the file)."""


@dataclass
class _Equiv:
    """The text of one line or word: the TextEquiv with the lowest @index wins."""

    index: float = float("inf")
    text: str | None = None
    conf: float | None = None

    def offer(self, index: float, text: str, conf: float | None) -> None:
        if self.text is None or index < self.index:
            self.index, self.text, self.conf = index, text, conf


@dataclass
class _Item:
    """A TextLine or Word being read: its outline's points and its text."""

    ident: str
    points: list[tuple[float, float]] = field(default_factory=list)
    equiv: _Equiv = field(default_factory=_Equiv)
    words: list[_Item] = field(default_factory=list)
    region: tuple[str, ...] = ()  # ids of the regions around it, outermost first
    order: int = 0  # position in the file

    def box(self) -> Box | None:
        if not self.points:
            return None
        xs, ys = [p[0] for p in self.points], [p[1] for p in self.points]
        return min(xs), min(ys), max(xs), max(ys)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _points(value: str, what: str) -> list[tuple[float, float]]:
    found = []
    for pair in value.split():
        x, sep, y = pair.partition(",")
        try:
            point = float(x), float(y)
        except ValueError:
            point = None
        if not sep or point is None or point[0] != point[0] or point[1] != point[1]:
            raise PageXmlError(f'{what} has Coords points that are not "x,y x,y ..." numbers')
        found.append(point)
    return found


def _number(value: str | None) -> float | None:
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and abs(number) < float("inf") else None


class PageXml:
    """An expat target collecting a PAGE file's lines, words and reading order."""

    def __init__(self) -> None:
        self.root: str | None = None
        self.namespace = ""
        self.width: float | None = None
        self.height: float | None = None
        self.pages = 0
        self.lines: list[_Item] = []
        self.reading_order: list[str] = []
        self._stack: list[str] = []  # local names of the open elements
        self._regions: list[str] = []
        self._line: _Item | None = None
        self._word: _Item | None = None
        self._equiv: tuple[_Item, float, float | None] | None = None
        self._unicode: list[str] | None = None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        namespace, _, local = name.rpartition("}")
        if self.root is None:
            self.root, self.namespace = local, namespace
        parent = self._stack[-1] if self._stack else ""
        self._stack.append(local)
        if local == "Page":
            self.pages += 1
            if self.pages == 1:
                self.width = _number(attrs.get("imageWidth"))
                self.height = _number(attrs.get("imageHeight"))
        if self.pages != 1:
            return  # one page per file; anything after a second Page is not this scan's
        if local in ("RegionRefIndexed", "RegionRef") and "ReadingOrder" in self._stack:
            self.reading_order.append(attrs.get("regionRef", ""))
        elif local.endswith(_REGION_SUFFIX) and local != "Region":
            self._regions.append(attrs.get("id", ""))
        elif local == "TextLine":
            ident = attrs.get("id") or f"line {len(self.lines) + 1}"
            self._line = _Item(ident, region=tuple(self._regions), order=len(self.lines))
        elif local == "Word" and self._line is not None:
            self._word = _Item(attrs.get("id") or f"a word of {self._line.ident}")
        elif local == "Coords" and parent in ("TextLine", "Word"):
            owner = self._owner(parent)
            if owner is not None and "points" in attrs:
                owner.points = _points(attrs["points"], f"{parent} {owner.ident!r}")
        elif local == "Point" and self._stack[-3:-1] in _POINT_OWNERS:
            owner = self._owner(self._stack[-3])
            x, y = _number(attrs.get("x")), _number(attrs.get("y"))
            if owner is not None and x is not None and y is not None:
                owner.points.append((x, y))
        elif local == "TextEquiv" and parent in ("TextLine", "Word"):
            owner = self._owner(parent)
            if owner is not None:
                index = _number(attrs.get("index"))
                conf = _number(attrs.get("conf"))
                self._equiv = (owner, float("inf") if index is None else index, conf)
        elif local == "Unicode" and parent == "TextEquiv" and self._equiv is not None:
            self._unicode = []

    def _owner(self, local: str) -> _Item | None:
        return self._word if local == "Word" else self._line

    def end(self, name: str) -> None:
        local = self._stack.pop() if self._stack else ""
        if self.pages != 1:
            return
        if local == "Unicode" and self._unicode is not None and self._equiv is not None:
            owner, index, conf = self._equiv
            owner.equiv.offer(index, _clean("".join(self._unicode)), conf)
            self._unicode = None
        elif local == "TextEquiv":
            self._equiv = None
        elif local == "Word" and self._word is not None and self._line is not None:
            self._line.words.append(self._word)
            self._word = None
        elif local == "TextLine" and self._line is not None:
            self.lines.append(self._line)
            self._line = None
        elif local.endswith(_REGION_SUFFIX) and local != "Region" and self._regions:
            self._regions.pop()

    def data(self, text: str) -> None:
        if self._unicode is not None:
            self._unicode.append(text)

    def check(self) -> None:
        """Raise PageXmlError unless this was a PAGE file with a Page element."""
        if self.root != "PcGts" or not self.namespace.startswith(NAMESPACE):
            shown = f"{{{self.namespace}}}{self.root}" if self.namespace else self.root
            raise PageXmlError(f"the XML root is <{shown}>, not PAGE's <PcGts> in {NAMESPACE}…")
        if not self.pages:
            raise PageXmlError("no Page element")

    def _ordered(self) -> list[_Item]:
        """Lines in reading order: by their region's place in ReadingOrder (a region
        outside it after those in it), then as the file lists them."""
        rank = {ident: i for i, ident in enumerate(self.reading_order) if ident}
        last = len(rank)

        def key(line: _Item) -> tuple[int, int]:
            place = next((rank[r] for r in line.region if r in rank), last)
            return place, line.order

        return sorted(self.lines, key=key)

    def result(self) -> tuple[list[str], list[Word]]:
        """The page's text lines and its word boxes (each word's `line` counts the lines
        returned, from 1), in the file's own pixels."""
        texts: list[str] = []
        words: list[Word] = []
        for line in self._ordered():
            given = [w for w in line.words if w.equiv.text and w.box() is not None]
            text = line.equiv.text or " ".join(w.equiv.text or "" for w in line.words).strip()
            if not text:
                continue
            texts.append(text)
            n = len(texts)
            if given:
                words.extend(_word(w.equiv.text or "", w.box(), w.equiv.conf, n) for w in given)
            elif (box := line.box()) is not None:
                words.extend(spread(text, box, n))
        return texts, words


def _word(text: str, box: Box | None, conf: float | None, line: int) -> Word:
    x0, y0, x1, y1 = box or (0, 0, 0, 0)
    score = None if conf is None else round(max(0.0, min(conf, 1.0)) * 100, 2)
    return Word(text, x0, y0, x1 - x0, y1 - y0, score, line)


def spread(text: str, box: Box, line: int) -> list[Word]:
    """Boxes for the words of a line whose words were not segmented: each over its share of
    the line's bounding box, in proportion to its characters (spaces count too)."""
    x0, y0, x1, y1 = box
    per_char = (x1 - x0) / len(text) if text else 0.0
    words, at = [], 0
    for token in text.split(" "):
        if token:
            left = x0 + at * per_char
            words.append(Word(token, left, y0, len(token) * per_char, y1 - y0, None, line))
        at += len(token) + 1
    return words
