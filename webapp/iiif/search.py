"""IIIF Content Search 1 and 2 within a letter, and their autocomplete.

    /iiif/<id>/search/1?q=...[&ocr=1][&page=n]        an sc:AnnotationList (Mirador 4, UV 4)
    /iiif/<id>/search/2?q=...[&ocr=1][&page=n]        an AnnotationPage (Clover)
    /iiif/<id>/autocomplete/1?q=mun, /autocomplete/2   the letter's words starting with q

`q` is Missive's query language, matched as the letter page's *Search this letter* does
(indexer/search/within.py: stems, phrases, wildcards, `ocr=1` OCR-tolerant). A hit is a
run of marked words on one line; its annotation targets the run's box on the canvas
(`canvas#xywh=`) from the page's word boxes, the whole canvas only when the page has none.
`motivation`, `date` and `user` are not supported: given, they are listed as `ignored`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Response, request

from indexer.search import QueryError, SearchTimeout
from indexer.search.within import search_letter

from ..db import get_search
from ..errors import api_error
from ..letters import LetterNotFound, load_letter
from ..params import int_arg, switch_arg
from . import bp, ids
from .boxes import span_box, words_by_line
from .cors import ld_json

PER_PAGE = 100  # hits in one response
CONTEXT = 60  # characters of the line before and after a hit
TERMS = 20  # autocomplete terms at most
IGNORABLE = ("motivation", "date", "user")
_WORD = re.compile(r"\w+")


@dataclass
class Hit:
    page: int
    line: int
    start: int
    end: int
    text: str  # the line
    box: tuple[int, int, int, int] | None

    @property
    def match(self) -> str:
        return self.text[self.start : self.end]


def _runs(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Marked words next to each other (only spaces or punctuation between) as one run."""
    runs: list[list[int]] = []
    for a, b in spans:
        if runs and not _WORD.search(text[runs[-1][1] : a]):
            runs[-1][1] = b
        else:
            runs.append([a, b])
    return [(a, b) for a, b in runs]


def find_hits(meta: dict[str, Any], q: str, ocr: bool) -> list[Hit]:
    """The query's hits in the letter, in page and line order, each with its box."""
    found = search_letter(get_search(), meta["id"], meta.get("pages_text") or [], q, ocr=ocr)
    boxes: dict[int, dict] = {}
    hits = []
    for line in found.lines:
        if line.page not in boxes:
            boxes[line.page] = words_by_line(meta, line.page)
        words = boxes[line.page].get(line.line, [])
        for a, b in _runs(line.text, line.spans):
            hits.append(
                Hit(line.page, line.line, a, b, line.text, span_box(line.text, words, a, b))
            )
    return hits


def _target(letter_id: str, hit: Hit) -> str:
    canvas = ids.canvas(letter_id, hit.page)
    return f"{canvas}#{ids.xywh(hit.box)}" if hit.box else canvas


def _anno_id(letter_id: str, hit: Hit, version: int) -> str:
    return f"{ids.search(letter_id, version)}/hit/p{hit.page}-l{hit.line}-c{hit.start}"


def _context(hit: Hit) -> tuple[str, str]:
    return hit.text[max(0, hit.start - CONTEXT) : hit.start], hit.text[hit.end : hit.end + CONTEXT]


@dataclass
class Asked:
    q: str
    ocr: bool
    page: int
    ignored: list[str]

    def url(self, base: str, page: int | None = None) -> str:
        params = {"q": self.q, **({"ocr": "1"} if self.ocr else {})}
        if page and page > 1:
            params["page"] = str(page)
        return f"{base}?{urlencode(params)}"


def _asked() -> Asked:
    q = (request.args.get("q") or "").strip()[:500]
    if not q:
        raise QueryError("q is empty; accepted: a query in Missive's query language")
    ignored = [name for name in IGNORABLE if request.args.get(name)]
    return Asked(
        q,
        switch_arg(request.args, "ocr"),
        int_arg(request.args, "page", 1, "1 or more", minimum=1),
        ignored,
    )


@dataclass
class Answer:
    asked: Asked
    total: int
    shown: list[Hit]  # the hits of the page asked for
    last: int  # the last page
    base: str  # the service's URL


def _answer(letter_id: str, version: int) -> Answer | Response:
    """One page of the query's hits, or an error response."""
    try:
        meta = load_letter(letter_id)
        asked = _asked()
        hits = find_hits(meta, asked.q, asked.ocr)
    except LetterNotFound as exc:
        return api_error(exc.status, exc.message)
    except QueryError as exc:
        return api_error(400, str(exc))
    except SearchTimeout as exc:
        return api_error(503, str(exc))
    last = max(1, -(-len(hits) // PER_PAGE))
    shown = hits[(asked.page - 1) * PER_PAGE : asked.page * PER_PAGE]
    return Answer(asked, len(hits), shown, last, ids.search(letter_id, version))


@bp.get("/<letter_id>/search/1", endpoint="search1")
def search1(letter_id: str) -> Response:
    answer = _answer(letter_id, 1)
    if isinstance(answer, Response):
        return answer
    asked, base, last = answer.asked, answer.base, answer.last
    resources, found = [], []
    for hit in answer.shown:
        anno = _anno_id(letter_id, hit, 1)
        resources.append(
            {
                "@id": anno,
                "@type": "oa:Annotation",
                "motivation": "sc:painting",
                "resource": {"@type": "cnt:ContentAsText", "chars": hit.match},
                "on": _target(letter_id, hit),
            }
        )
        before, after = _context(hit)
        found.append(
            {
                "@type": "search:Hit",
                "annotations": [anno],
                "match": hit.match,
                "before": before,
                "after": after,
            }
        )
    within: dict[str, Any] = {"@type": "sc:Layer", "total": answer.total, "ignored": asked.ignored}
    data: dict[str, Any] = {
        "@context": [ids.SEARCH1, "http://iiif.io/api/presentation/2/context.json"],
        "@id": asked.url(base, asked.page),
        "@type": "sc:AnnotationList",
        "within": within,
        "startIndex": (asked.page - 1) * PER_PAGE,
        "resources": resources,
        "hits": found,
    }
    if last > 1:
        within.update({"first": asked.url(base, 1), "last": asked.url(base, last)})
        if asked.page < last:
            data["next"] = asked.url(base, asked.page + 1)
        if asked.page > 1:
            data["prev"] = asked.url(base, asked.page - 1)
    return ld_json(data, ids.SEARCH1)


@bp.get("/<letter_id>/search/2", endpoint="search2")
def search2(letter_id: str) -> Response:
    answer = _answer(letter_id, 2)
    if isinstance(answer, Response):
        return answer
    asked, base, last = answer.asked, answer.base, answer.last
    items, highlights = [], []
    for hit in answer.shown:
        anno = _anno_id(letter_id, hit, 2)
        items.append(
            {
                "id": anno,
                "type": "Annotation",
                "motivation": "supplementing",
                "body": {"type": "TextualBody", "value": hit.match, "format": "text/plain"},
                "target": _target(letter_id, hit),
            }
        )
        before, after = _context(hit)
        highlights.append(
            {
                "id": f"{anno}/match",
                "type": "Annotation",
                "motivation": "highlighting",
                "target": {
                    "type": "SpecificResource",
                    "source": anno,
                    "selector": [
                        {
                            "type": "TextQuoteSelector",
                            "prefix": before,
                            "exact": hit.match,
                            "suffix": after,
                        }
                    ],
                },
            }
        )
    data: dict[str, Any] = {
        "@context": ids.SEARCH2,
        "id": asked.url(base, asked.page),
        "type": "AnnotationPage",
        "startIndex": (asked.page - 1) * PER_PAGE,
        "partOf": {
            "id": asked.url(base),
            "type": "AnnotationCollection",
            "total": answer.total,
            "first": {"id": asked.url(base, 1), "type": "AnnotationPage"},
            "last": {"id": asked.url(base, last), "type": "AnnotationPage"},
        },
        "ignored": asked.ignored,
        "items": items,
        "annotations": [{"type": "AnnotationPage", "items": highlights}],
    }
    if asked.page < last:
        data["next"] = {"id": asked.url(base, asked.page + 1), "type": "AnnotationPage"}
    if asked.page > 1:
        data["prev"] = {"id": asked.url(base, asked.page - 1), "type": "AnnotationPage"}
    return ld_json(data, ids.SEARCH2)


# -- autocomplete --------------------------------------------------------------------------
def _fold(word: str) -> str:
    return (
        unicodedata.normalize("NFKD", word.casefold()).encode("ascii", "ignore").decode()
        or word.casefold()
    )


def terms(meta: dict[str, Any], prefix: str) -> list[tuple[str, int]]:
    """The letter's words starting with `prefix` (case and accents aside), most frequent
    first, as written most often."""
    want = _fold(prefix)
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for text in meta.get("pages_text") or []:
        for word in _WORD.findall(text):
            key = _fold(word)
            if key.startswith(want):
                counts[key] += 1
                forms.setdefault(key, Counter())[word.lower()] += 1
    return [(forms[k].most_common(1)[0][0], n) for k, n in counts.most_common(TERMS)]


def _terms_answer(letter_id: str):
    try:
        meta = load_letter(letter_id)
    except LetterNotFound as exc:
        return api_error(exc.status, exc.message)
    prefix = (request.args.get("q") or "").strip()[:100]
    if not _WORD.fullmatch(prefix):
        return api_error(
            400, f"q={prefix!r} is not the start of a word; accepted: letters or digits"
        )
    ignored = [name for name in (*IGNORABLE, "min") if request.args.get(name)]
    return meta, prefix, ignored


@bp.get("/<letter_id>/autocomplete/1", endpoint="autocomplete1")
def autocomplete1(letter_id: str) -> Response:
    answer = _terms_answer(letter_id)
    if isinstance(answer, Response):
        return answer
    meta, prefix, ignored = answer
    search = ids.search(letter_id, 1)
    data = {
        "@context": ids.SEARCH1,
        "@id": f"{ids.autocomplete(letter_id, 1)}?{urlencode({'q': prefix})}",
        "@type": "search:TermList",
        "ignored": ignored,
        "terms": [
            {"match": word, "url": f"{search}?{urlencode({'q': word})}", "count": n}
            for word, n in terms(meta, prefix)
        ],
    }
    return ld_json(data, ids.SEARCH1)


@bp.get("/<letter_id>/autocomplete/2", endpoint="autocomplete2")
def autocomplete2(letter_id: str) -> Response:
    answer = _terms_answer(letter_id)
    if isinstance(answer, Response):
        return answer
    meta, prefix, ignored = answer
    search = ids.search(letter_id, 2)
    data = {
        "@context": ids.SEARCH2,
        "id": f"{ids.autocomplete(letter_id, 2)}?{urlencode({'q': prefix})}",
        "type": "TermPage",
        "ignored": ignored,
        "items": [
            {
                "type": "Term",
                "value": word,
                "total": n,
                "service": [{"id": f"{search}?{urlencode({'q': word})}", "type": "SearchService2"}],
            }
            for word, n in terms(meta, prefix)
        ],
    }
    return ld_json(data, ids.SEARCH2)
