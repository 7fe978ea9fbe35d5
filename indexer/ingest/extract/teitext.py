"""A TEI letter's `text` as pages: split at `pb`, the reading text shown, the other readings
and the editorial notes kept apart (indexer.ingest.extract.tei reads the header).

- `choice`: the reading text (`reg`, `expan`, `corr`) is the page's text; the other side
  (`orig`, `abbr`, `sic`) goes to the page's `readings`, searched and never shown. `del`
  goes there too: the writer struck it out, a reader still looks for it.
- `note`: the page's `notes`, never its text. A note pointed at by `ptr`/`ref`
  (`target="#id"`, notes gathered at the end or in `standOff`) goes to the page of the
  pointer; one nobody points at stays where it stands.
- `div type="translation"`: a translation printed beside the letter goes to `readings`
  (searched in its words, not shown as the letter's own).
- Forme work, figures, gaps, spaces and the `facsimile` are not text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

_SPACE = re.compile(r"\s+")
_SKIP = {"teiHeader", "facsimile", "standOff", "fw", "figure", "gap", "space", "metamark"}
_SKIP |= {"sourceDoc", "graphic", "surface", "zone", "certainty", "index", "interpGrp"}
# Elements that stand apart from their neighbours: a paragraph break around each.
_BLOCKS = {"p", "ab", "head", "opener", "closer", "postscript", "dateline", "salute"}
_BLOCKS |= {"signed", "address", "addrLine", "div", "lg", "l", "item", "list", "row"}
_BLOCKS |= {"trailer", "byline", "docDate", "argument", "epigraph", "floatingText", "quote"}
_READING = ("reg", "expan", "corr")  # the side of a `choice` shown


def local(tag: object) -> str:
    """An element's name without its namespace ("" for comments and PIs)."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


class _Sink:
    """Text being gathered: runs of white space fold to one space, `lb` gives a line."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def data(self, text: str | None) -> None:
        if text:
            self.parts.append(_SPACE.sub(" ", text))

    def brk(self, mark: str) -> None:
        self.parts.append(mark)

    def render(self) -> str:
        lines = (line.strip() for line in "".join(self.parts).split("\n"))
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


@dataclass
class TeiPage:
    """One page of a TEI letter, before it is a records.Page."""

    label: str | None = None  # pb/@n
    facs: str | None = None  # pb/@facs resolved to an image's name, when it names one
    marked: bool = False  # began at a `pb`
    text: _Sink = field(default_factory=_Sink)
    readings: _Sink = field(default_factory=_Sink)
    notes: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.marked or self.text.render() or self.readings.render() or self.notes)


def _facs_name(root: Element, ids: dict[str, Element], facs: str | None) -> str | None:
    """The image a `pb/@facs` names: "#zone" or "#surface" through its graphic's url, a
    URL or path by its last part."""
    if not facs:
        return None
    value = facs.split()[0]
    if value.startswith("#"):
        target = ids.get(value[1:])
        while target is not None and local(target.tag) == "zone":
            target = next((s for s in root.iter(f"{TEI}surface") if target in list(s)), None)
        graphic = target.find(f"{TEI}graphic") if target is not None else None
        value = graphic.get("url", "") if graphic is not None else ""
    name = value.rstrip("/").rpartition("/")[2].split("?")[0]
    return name or None


class _Pages:
    """Walks `text` once, writing each piece to the page it stands on."""

    def __init__(self, root: Element) -> None:
        self.root = root
        self.ids = {el.get(XML_ID): el for el in root.iter() if el.get(XML_ID)}
        self.pages = [TeiPage()]
        self.current = 0  # the page being written: the last, or a translation's page
        self.placed: set[int] = set()  # notes already put on a page, by id()
        self.by_label: dict[str, TeiPage] = {}

    @property
    def page(self) -> TeiPage:
        return self.pages[self.current]

    def sink(self, target: str | _Sink) -> _Sink:
        if isinstance(target, _Sink):
            return target
        return self.page.text if target == "text" else self.page.readings

    def page_break(self, el: Element, target: str | _Sink) -> None:
        label = (el.get("n") or "").strip() or None
        if target == "read" and label in self.by_label:
            # A translation's page break: its words go to that page's readings.
            self.current = self.pages.index(self.by_label[label])
            return
        if target != "text":
            return
        if not self.page.is_empty():
            self.pages.append(TeiPage())
            self.current = len(self.pages) - 1
        self.page.marked = True
        self.page.label = label
        self.page.facs = _facs_name(self.root, self.ids, el.get("facs"))
        if label and label not in self.by_label:
            self.by_label[label] = self.page

    def note(self, el: Element) -> None:
        if id(el) in self.placed:
            return
        self.placed.add(id(el))
        sink = _Sink()
        sink.data(el.text)
        for child in el:
            self.walk(child, sink)
        text = sink.render()
        if text:
            self.page.notes.append(text)

    def pointed(self, el: Element) -> None:
        for target in (el.get("target") or "").split():
            note = self.ids.get(target[1:]) if target.startswith("#") else None
            if note is not None and local(note.tag) == "note":
                self.note(note)

    def choice(self, el: Element, target: str | _Sink) -> None:
        sides = [c for c in el if local(c.tag)]
        shown = next((c for c in sides if local(c.tag) in _READING), sides[0] if sides else None)
        for side in sides:
            if side is shown:
                self.inner(side, target)
            else:
                self.sink("read").brk(" ")
                self.inner(side, "read")
                self.sink("read").brk(" ")

    def inner(self, el: Element, target: str | _Sink) -> None:
        self.sink(target).data(el.text)
        for child in el:
            self.walk(child, target)

    def walk(self, el: Element, target: str | _Sink) -> None:
        name = local(el.tag)
        if name == "pb":
            self.page_break(el, target)
        elif name == "note":
            self.note(el)
        elif name == "lb":
            if el.get("break") != "no":
                self.sink(target).brk("\n")
        elif name == "choice":
            self.choice(el, target)
        elif name == "del":
            self.sink("read").brk(" ")
            self.inner(el, "read")
            self.sink("read").brk(" ")
        elif name == "div" and el.get("type") == "translation":
            self.inner(el, "read")
            self.current = len(self.pages) - 1
        elif name in _SKIP or not name:
            pass  # not the letter's words (comments and PIs have no name)
        else:
            if name in ("ptr", "ref"):
                self.pointed(el)
            block = name in _BLOCKS
            if block:
                self.sink(target).brk("\n\n")
            self.inner(el, target)
            if block:
                self.sink(target).brk("\n\n")
        self.sink(target).data(el.tail)


def read_pages(root: Element) -> list[TeiPage]:
    """The pages of a TEI document's `text` (its front, body and back), in order."""
    text = root.find(f"{TEI}text")
    walker = _Pages(root)
    if text is not None:
        walker.inner(text, "text")
    pages = [p for p in walker.pages if not p.is_empty()]
    return pages or [TeiPage()]
