"""Where a line, or words of it, stand on the page image: from the word boxes the archive
(PAGE XML, ALTO, word files) or OCR keeps for a page, in the image's pixels, which are
the canvas's coordinates."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from indexer.records import Word

from ..letters import word_boxes

Box = tuple[int, int, int, int]  # x, y, w, h
_TOKEN = re.compile(r"\S+")


def words_by_line(meta: dict[str, Any], n: int) -> dict[int, list[Word]]:
    """Page n's word boxes by their line of the page text (1-based); {} when there are none
    or they carry no line numbers."""
    lines: dict[int, list[Word]] = {}
    for w in word_boxes(meta, n) if meta["pages"][n - 1].get("image") else []:
        if w.line:
            lines.setdefault(w.line, []).append(w)
    return lines


def union(words: list[Word]) -> Box | None:
    if not words:
        return None
    x0, y0 = min(w.x for w in words), min(w.y for w in words)
    x1, y1 = max(w.x + w.w for w in words), max(w.y + w.h for w in words)
    return x0, y0, max(1, x1 - x0), max(1, y1 - y0)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if c.isalnum())


def span_box(line: str, words: list[Word], start: int, end: int) -> Box | None:
    """The box of the characters start:end of a line, from the line's word boxes.

    When the line has as many words as boxes, the boxes of the words the span overlaps;
    otherwise the boxes whose word is one of the span's words; else the whole line's box;
    None for a line without boxes."""
    tokens = list(_TOKEN.finditer(line))
    if tokens and len(tokens) == len(words):
        inside = [
            w for t, w in zip(tokens, words, strict=True) if t.start() < end and t.end() > start
        ]
        if inside:
            return union(inside)
    wanted = {_fold(t) for t in line[start:end].split()} - {""}
    return union([w for w in words if _fold(w.text) in wanted]) or union(words)
