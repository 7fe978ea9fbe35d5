"""Search within one letter: the lines of its pages that hold the words a query matched.

Whether the letter matches the query is the engine's search, limited to this letter (the
same matching as the main search: stems, phrases, wildcards, the OCR-tolerant mode); which
words stand where is the engine's Marks. Lines are numbered from 1 on each page, as the
letter page's line anchors (`#L<n>`) and the provenance of extracted values are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from ..engines.base import Engine, Marks
from .errors import QueryError
from .request import SearchRequest

MAX_LINES = 500  # lines listed at most; the counts cover every line


def page_lines(text: str) -> list[str]:
    """A page's text as its numbered lines (line n is item n - 1), trailing blank lines
    left out; [] for a page without text."""
    if not text.strip():
        return []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def marked(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` HTML-escaped, each span in <mark>."""
    out, pos = [], 0
    for a, b in spans:
        out.append(escape(text[pos:a]))
        out.append(f"<mark>{escape(text[a:b])}</mark>")
        pos = b
    out.append(escape(text[pos:]))
    return "".join(out)


def occurrences(text: str, spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """The marked spans grouped into occurrences of what was searched: words that stand
    side by side (only white space between them, different words) are one occurrence, so
    "Cluster Munitions" counts once for a phrase or for the two words typed."""
    groups: list[list[tuple[int, int]]] = []
    for a, b in spans:
        if groups:
            pa, pb = groups[-1][-1]
            gap = text[pb:a]
            if gap and not gap.strip() and text[pa:pb].lower() != text[a:b].lower():
                groups[-1].append((a, b))
                continue
        groups.append([(a, b)])
    return groups


@dataclass(frozen=True)
class LineHit:
    page: int
    line: int  # from 1 on its page
    text: str
    spans: list[tuple[int, int]]  # the matched words, as character spans of `text`

    @property
    def html(self) -> str:
        """The line escaped, each occurrence (a phrase's words together) in one <mark>."""
        groups = occurrences(self.text, self.spans)
        return marked(self.text, [(g[0][0], g[-1][1]) for g in groups])


@dataclass
class InLetter:
    """What a query finds in one letter."""

    q: str
    ocr: bool
    match: bool  # the letter matches the whole query (the main search would find it)
    lines: list[LineHit] = field(default_factory=list)  # up to MAX_LINES, in page order
    hits: int = 0  # occurrences of what was searched in the whole letter (a phrase once)
    line_count: int = 0  # lines holding one, in the whole letter
    page_hits: dict[int, int] = field(default_factory=dict)  # page -> occurrences there

    @property
    def truncated(self) -> bool:
        return self.line_count > len(self.lines)


def line_hits(pages_text: list[str], marks: Marks) -> InLetter:
    """Every line of the pages holding a word `marks` marks (the counts; the first
    MAX_LINES lines)."""
    found = InLetter(q="", ocr=False, match=False)
    if not marks:
        return found
    for n, text in enumerate(pages_text, start=1):
        for i, line in enumerate(page_lines(text or ""), start=1):
            spans = marks.spans(line)
            if not spans:
                continue
            count = len(occurrences(line, spans))
            found.hits += count
            found.line_count += 1
            found.page_hits[n] = found.page_hits.get(n, 0) + count
            if len(found.lines) < MAX_LINES:
                found.lines.append(LineHit(n, i, line, spans))
    return found


def search_letter(
    engine: Engine, letter_id: str, pages_text: list[str], q: str, *, ocr: bool = False
) -> InLetter:
    """The query's hits in one letter, line by line; QueryError for an empty or bad query."""
    q = q.strip()
    if not q:
        raise QueryError("q is empty; accepted: a query in Missive's query language")
    marks = engine.marks(q, ocr=ocr)  # a bad query stops here, its message about `q` alone
    # The query parsed alone, so in brackets it is one group whatever its operators.
    # match="all": whether the letter holds the whole query, not most of a question's words.
    within = SearchRequest(q=f"({q}) id:{letter_id}", ocr=ocr, per_page=1, match="all")
    found = line_hits(pages_text, marks)
    found.q, found.ocr = q, ocr
    found.match = engine.ordered(within, 1).total > 0
    return found
