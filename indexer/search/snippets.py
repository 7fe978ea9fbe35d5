"""Snippets: the passages of each page where the query's words stand, escaped and marked.

Which words are hits is the engine's to say (its Marks know how it reads words); the
passages around them, their escaping and marking are the same for every engine."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from ..engines.base import Marks

CONTEXT = 70  # characters of context on each side of a hit
# A marked word's reading, when the engine matched it as an OCR variant of a word typed.
Reading = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Snippet:
    page: int  # 1-based page number
    html: str  # HTML-escaped text with each hit in <mark>


def match_spans(text: str, marks: Marks) -> list[tuple[int, int]]:
    """Character spans of the words in `text` that the query matched (none without marks)."""
    return marks.spans(text) if marks else []


def _word_edge(text: str, pos: int, step: int) -> int:
    """Move `pos` outwards to a space so a snippet does not cut a word in half."""
    limit = 15
    while 0 < pos < len(text) and not text[pos].isspace() and limit:
        pos += step
        limit -= 1
    return max(0, min(len(text), pos))


def _render(
    text: str, start: int, end: int, spans: list[tuple[int, int]], reading: Reading | None = None
) -> str:
    out, pos = [], start
    for a, b in spans:
        if a < start or b > end:
            continue
        out.append(escape(text[pos:a]))
        out.append(f"<mark>{escape(text[a:b])}</mark>")
        read = reading(text[a:b]) if reading else None
        if read:  # "munitlons ≈ munitions"
            out.append(f' <span class="reading">≈ {escape(read)}</span>')
        pos = b
    out.append(escape(text[pos:end]))
    body = " ".join("".join(out).split())
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def page_snippets(
    text: str, spans: list[tuple[int, int]], *, limit: int = 2, reading: Reading | None = None
) -> list[str]:
    """Up to `limit` marked passages of one page's text; `reading(word)` gives the word
    an OCR variant was matched as, shown after it."""
    windows: list[list[int]] = []
    for a, b in spans:
        if windows and a <= windows[-1][1] + CONTEXT:
            windows[-1][1] = b
        else:
            if len(windows) == limit:
                break
            windows.append([a, b])
    return [
        _render(
            text,
            _word_edge(text, a - CONTEXT, -1),
            _word_edge(text, b + CONTEXT, 1),
            spans,
            reading,
        )
        for a, b in windows
    ]


def snippets(
    pages: list[str], marks: Marks, *, limit: int = 3
) -> tuple[list[int], list[Snippet]]:
    """Pages with hits (all of them), and up to `limit` snippets from the first of them."""
    hit_pages: list[int] = []
    out: list[Snippet] = []
    reading = getattr(marks, "reading", None)  # an engine's Marks may say (base.Marks)
    for n, text in enumerate(pages, start=1):
        spans = match_spans(text or "", marks)
        if not spans:
            continue
        hit_pages.append(n)
        room = limit - len(out)
        if room > 0:
            made = page_snippets(text, spans, limit=min(2, room), reading=reading)
            out.extend(Snippet(n, html) for html in made)
    return hit_pages, out


def lead(pages: list[str], *, length: int = 2 * CONTEXT) -> Snippet | None:
    """The opening of the letter, for hits without marked words (e.g. filter-only searches)."""
    for n, text in enumerate(pages, start=1):
        if text and text.strip():
            end = _word_edge(text, min(len(text), length), 1)
            return Snippet(n, _render(text, 0, end, []))
    return None
