"""Home and search pages, and the OpenSearch description: all search state is in the URL."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, current_app, render_template, request, url_for

from indexer.ingest.metadata.countries import country_name
from indexer.ingest.metadata.language import language_name
from indexer.records import TEXT_SOURCES, DateValue, RecordError
from indexer.search import QueryError, SearchRequest, SearchResult, SearchTimeout, natural

from .db import get_search
from .facets import chips, facet_views, histogram, year_histogram
from .letter_place import carried
from .params import SORT_LABELS, default_sort, request_from_args, state, url_with

bp = Blueprint("search", __name__)

EXAMPLES = (
    ('"cluster munitions"', "a phrase"),
    ("munitions AND Lima", "both words"),
    ("munition*", "any word form"),
    ("sender:goose", "a word in the sender"),
    ("country:PK date:2009", "a country and a year"),
)


# -- what the templates need ---------------------------------------------------------------
def per_page_default() -> int:
    return int(current_app.config.get("PER_PAGE", 20))


def letter_url(letter_id: str, *, external: bool = False) -> str:
    """A letter's permanent URL."""
    return url_for("letters.letter", letter_id=letter_id, _external=external)


def page_url(letter_id: str, page: int, req: SearchRequest | None = None) -> str:
    """A page of a letter (/letters/<id>/pages/<n>), carrying the search (query, filters,
    sort, OCR mode, result page): the words marked there, the way back to these results."""
    params = carried(req) if req is not None else {}
    return url_for("letters.page", letter_id=letter_id, n=page, **params)


@dataclass
class Coverage:
    """How the matching letters were searched, and what could not be."""

    transcribed: int  # matching letters searched on a human transcript (or a PDF text layer)
    ocr: int  # matching letters whose text comes from OCR only
    image_only: int  # matching letters without text (they matched on their metadata)
    unsearched: int  # image-only letters within the filters whose text could not be searched
    catalogue: int = 0  # matching catalogue records: metadata only, the text is in an edition


def coverage_of(result: SearchResult) -> Coverage:
    """Coverage of a result, with the filtered image-only letters a text query could not read."""
    cov = result.coverage
    return Coverage(
        cov.get("transcribed", 0),
        cov.get("ocr", 0),
        cov.get("image-only", 0),
        result.unsearched,
        cov.get("catalogue", 0),
    )


def page_numbers(current: int, last: int, *, around: int = 2) -> list[int | None]:
    """Page numbers for the pager: first, last and a window around the current (None = gap)."""
    keep = {1, last} | set(range(current - around, current + around + 1))
    out: list[int | None] = []
    for n in range(1, last + 1):
        if n in keep:
            out.append(n)
        elif out and out[-1] is not None:
            out.append(None)
    return out


_MONTHS = (
    "January February March April May June July August September October November December"
).split()


@bp.app_template_filter("human_date")
def human_date(value: str | None) -> str:
    """'2009-02-16' -> '16 February 2009'; '2009-02' -> 'February 2009'; intervals as given."""
    if not value:
        return "undated"
    try:
        d = DateValue.parse(value)
    except RecordError:
        return value
    doubt = "?" if d.uncertain else ""
    if d.precision == "day":
        return f"{d.start.day} {_MONTHS[d.start.month - 1]} {d.start.year}{doubt}"
    if d.precision == "month":
        return f"{_MONTHS[d.start.month - 1]} {d.start.year}{doubt}"
    if d.precision == "interval":
        return f"{human_date(value.rstrip('?').split('/')[0])} – " + (
            f"{human_date(value.rstrip('?').split('/')[1])}{doubt}"
        )
    return d.iso + doubt


@bp.app_template_filter("country")
def country_label(code: str | None) -> str:
    return (country_name(code) or code) if code else ""


@bp.app_template_filter("language")
def language_label(code: str | None) -> str:
    return (language_name(code) or code) if code else ""


@bp.app_template_filter("text_source")
def text_source_label(code: str | None) -> str:
    return TEXT_SOURCES.get(code or "", code or "")


@bp.app_template_filter("plural")
def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 letter', '2 letters', '1,200 letters'."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


# -- pages -------------------------------------------------------------------------------
@bp.get("/")
def home():
    stats = get_search().stats()
    search = url_for("search.results")
    years = {int(y): n for y, n in stats["years"].items() if y.isdigit()}

    def year_link(start: int, end: int) -> str:
        if start == end:
            return f"{search}?{urlencode({'year': start})}"
        return f"{search}?{urlencode({'from': start, 'to': end})}"

    countries = [
        {
            "code": code,
            "label": country_name(code) or code,
            "count": n,
            "url": f"{search}?{urlencode({'country': code})}",
        }
        for code, n in stats["countries"].items()
    ]
    countries.sort(key=lambda c: (-c["count"], c["label"]))
    sources = stats["text_sources"]
    return render_template(
        "search/home.html",
        stats=stats,
        sources={k: sources.get(k, 0) for k in TEXT_SOURCES},
        source_links={k: f"{search}?{urlencode({'source': k})}" for k in TEXT_SOURCES},
        years=histogram(years, year_link, max_bars=60),
        countries=countries,
        examples=[(q, label, f"{search}?{urlencode({'q': q})}") for q, label in EXAMPLES],
    )


def _hidden_state(req: SearchRequest) -> list[tuple[str, str]]:
    """What the header's search form carries along on the results page: the filters."""
    return [(k, v) for k, v in state(req, per_page=per_page_default()) if k not in ("q", "ocr")]


def _error_page(exc: QueryError | SearchTimeout) -> tuple[str, int]:
    """A query that cannot be read (400), or a search that ran out of time (503)."""
    return (
        render_template(
            "search/error.html",
            error=str(exc),
            q=request.args.get("q", ""),
            ocr=request.args.get("ocr") in ("1", "on", "true", "yes"),
            examples=EXAMPLES,
        ),
        503 if isinstance(exc, SearchTimeout) else 400,
    )


@bp.get("/search")
def results():
    if request.args.get("as_of"):  # the collection as it was then (webapp/as_of.py)
        from .as_of import html_page

        return html_page()
    per_page = per_page_default()
    try:
        req = request_from_args(request.args, per_page=per_page)
        result = get_search().search(req)
    except (QueryError, SearchTimeout) as exc:
        return _error_page(exc)
    path = url_for("search.results")

    def link(**changes) -> str:
        return url_with(req, path, per_page=per_page, **changes)

    facets = facet_views(result, path, per_page)
    by_name = {f.name: f for f in facets}
    twin = url_with(req, url_for("api.search"), per_page=per_page)
    exports = {
        fmt: url_with(req, url_for(f"export.{fmt}"), per_page=per_page, page=1)
        for fmt in ("csv", "json", "bib", "ris")
    }
    sorts = [
        (key, label, link(sort=None if key == default_sort(req.q) else key))
        for key, label in SORT_LABELS.items()
        if req.q or key != "relevance"
    ]
    words = natural.words(req.q) if result.match == "most" else 0  # the line's figure
    return render_template(
        "search/results.html",
        req=req,
        result=result,
        q=req.q,
        ocr=req.ocr,
        hidden_state=_hidden_state(req),
        range_state=[
            (k, v) for k, v in state(req, per_page=per_page) if k not in ("from", "to", "year")
        ],
        coverage=coverage_of(result),
        facets=facets,
        year_facet=by_name["year"],
        year_histogram=year_histogram(by_name["year"], req, path, per_page),
        chips=chips(req, path, per_page, result),
        clear_url=url_with(SearchRequest(q=req.q, sort=req.sort, ocr=req.ocr), path)
        if req.q
        else path,
        sorts=sorts,
        pages=page_numbers(req.page, result.pages),
        link=link,
        page_url=lambda letter_id, n: page_url(letter_id, n, req),
        json_url=twin,
        exports=exports,
        export_limit=current_app.config.get("EXPORT_LIMIT", 10_000),
        dym_url=link(q=result.did_you_mean) if result.did_you_mean else None,
        ocr_url=link(ocr=1) if req.q and not req.ocr else None,
        strict_url=link(match="all") if result.match == "most" else None,
        words=words,
        need=natural.needed(words),
    )


@bp.get("/opensearch.xml")
def opensearch():
    body = render_template(
        "opensearch.xml",
        html=url_for("search.results", _external=True),
        api=url_for("api.search", _external=True),
        self_url=url_for("search.opensearch", _external=True),
        home=url_for("search.home", _external=True),
        icon=url_for("favicon", _external=True),
    )
    return body, 200, {"Content-Type": "application/opensearchdescription+xml; charset=utf-8"}
