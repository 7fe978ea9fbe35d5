"""Search state in the query string: parse it into a request, and write it back as URLs.

Every search is a permalink: the query, the filters, the date range, the sort order, the
page and the OCR-tolerant switch all live in the query string, so a URL is the search.
A facet value is selected as `country=PK` and excluded as `-country=PK` (the parameter
with a minus: the value stays as the facet lists it).
Nothing here needs Flask: the views pass the path ("/search", "/api/search", ...) in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlencode

from indexer.ingest.metadata.language import language_name
from indexer.records import DateValue, RecordError
from indexer.search import FACET_BY_PARAM, PER_PAGE_MAX, SORTS, QueryError, SearchRequest

PER_PAGE = 20
SORT_LABELS = {"relevance": "Relevance", "date": "Oldest first", "-date": "Newest first"}
assert set(SORT_LABELS) == set(SORTS)
_TRUE = {"1", "on", "true", "yes"}
_FALSE = {"", "0", "off", "false", "no"}
# The parameters that make up a search, in the order they are written back.
STATE_KEYS = (
    "q",
    *(key for param in FACET_BY_PARAM for key in (param, f"-{param}")),
    *("from", "to", "sort", "ocr", "match", "per_page"),
)


def default_sort(q: str) -> str:
    """A text query is ranked by relevance; browsing (no query) runs in date order."""
    return "relevance" if q else "date"


_WHOLE = re.compile(r"-?[0-9]{1,9}")


def int_arg(
    args: Mapping, name: str, default: int, accepted: str, *, minimum: int | None = None
) -> int:
    """A whole-number parameter, or QueryError naming it and what is accepted.

    ASCII digits only: int() would also read '٣' as 3 and fail with ValueError on '²'
    (which str.isdigit() accepts); nine digits are more pages than any archive has.
    """
    raw = args.get(name)
    if raw is None or raw.strip() == "":
        return default
    if not _WHOLE.fullmatch(raw.strip()) or (minimum is not None and int(raw) < minimum):
        raise QueryError(f"{name}={raw!r} is not a whole number; accepted: {accepted}")
    return int(raw.strip())


def switch_arg(args: Mapping, name: str) -> bool:
    """An on/off parameter (1/0, on/off, true/false, yes/no; absent is off), or QueryError."""
    raw = (args.get(name) or "").strip().lower()
    if raw not in _TRUE | _FALSE:
        raise QueryError(f"{name}={args.get(name)!r} is not a switch; accepted: 1 or 0")
    return raw in _TRUE


def _date(args: Mapping, name: str) -> DateValue | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return DateValue.parse(raw)
    except RecordError:
        raise QueryError(
            f"{name}={raw!r} is not a date; accepted: YYYY, YYYY-MM or YYYY-MM-DD"
        ) from None


def request_from_args(args, *, per_page: int = PER_PAGE) -> SearchRequest:
    """Turn query-string arguments (a MultiDict) into a validated SearchRequest.

    Raises QueryError with a message naming the parameter and what it accepts.
    """
    q = (args.get("q") or "").strip()
    filters, exclude = _values(args, ""), _values(args, "-")
    for param, values in filters.items():
        for v in values:
            if v.startswith("-"):  # one way to exclude, so a permalink has one form
                rest = v[1:].strip() or "<value>"
                raise QueryError(
                    f"{param}={v!r}: a value does not start with '-'; "
                    f"accepted: -{param}={rest} to exclude {rest}"
                )
    for prefix, given in (("", filters), ("-", exclude)):
        for code in given.get("language", []):
            if language_name(code) is None:
                raise QueryError(
                    f"{prefix}language={code!r} is not a known language; "
                    "accepted: ISO 639-1 codes such as en, fr, de"
                )
    start, end = _date(args, "from"), _date(args, "to")
    if start and end and end.end < start.start:
        raise QueryError(
            f"from={start.iso!r} is after to={end.iso!r}; the range must not end before it starts"
        )
    req = SearchRequest(
        q=q,
        filters=filters,
        exclude=exclude,
        date_from=start.iso if start else None,
        date_to=end.iso if end else None,
        sort=(args.get("sort") or "").strip() or default_sort(q),
        page=int_arg(args, "page", 1, "1 or more"),
        per_page=int_arg(args, "per_page", per_page, f"1 to {PER_PAGE_MAX}"),
        ocr=switch_arg(args, "ocr"),
        match=(args.get("match") or "").strip() or "auto",
    )
    req.validate()
    return req


def _values(args, prefix: str) -> dict[str, list[str]]:
    """Each facet's values given as `<prefix><param>=value`, repeats dropped, order kept."""
    out: dict[str, list[str]] = {}
    for param in FACET_BY_PARAM:
        values = [v.strip() for v in args.getlist(prefix + param) if v.strip()]
        if values:
            out[param] = list(dict.fromkeys(values))
    return out


def state(req: SearchRequest, *, per_page: int = PER_PAGE) -> list[tuple[str, str]]:
    """The request as query-string pairs, defaults and the page number left out."""
    pairs: list[tuple[str, str]] = [("q", req.q)] if req.q else []
    for param in FACET_BY_PARAM:
        pairs.extend((param, v) for v in req.filters.get(param, []))
        pairs.extend((f"-{param}", v) for v in req.exclude.get(param, []))
    if req.date_from:
        pairs.append(("from", req.date_from))
    if req.date_to:
        pairs.append(("to", req.date_to))
    if req.sort != default_sort(req.q):
        pairs.append(("sort", req.sort))
    if req.ocr:
        pairs.append(("ocr", "1"))
    if req.match != "auto":  # match=all: every word, no second try (indexer.search.natural)
        pairs.append(("match", req.match))
    if req.per_page != per_page:
        pairs.append(("per_page", str(req.per_page)))
    return pairs


def query_string(pairs: Iterable[tuple[str, str]]) -> str:
    return urlencode(list(pairs))


def url_with(
    req: SearchRequest,
    path: str = "/search",
    *,
    toggle: tuple[str, str] | None = None,
    remove: tuple[str, str] | None = None,
    per_page: int = PER_PAGE,
    **changes: str | int | None,
) -> str:
    """The URL of `req` at `path`, with changes.

    `toggle=(param, value)` adds the filter value or takes it away; `remove=(param, value)`
    takes one value away (`param` is `-country` for an excluded value); `name=value` sets a
    parameter (`None` drops it; `page=1` is left out as the default). Any change other than
    `page` itself goes back to page 1.
    """
    pairs = state(req, per_page=per_page)
    page = req.page
    if toggle is not None:
        if toggle in pairs:
            pairs.remove(toggle)
        else:
            pairs.append(toggle)
        page = 1
    if remove is not None:
        pairs = [p for p in pairs if p != remove]
        page = 1
    for key, value in changes.items():
        if key == "page":
            page = int(value or 1)
            continue
        page = 1
        pairs = [p for p in pairs if p[0] != key]
        if value not in (None, ""):
            pairs.append((key, str(value)))
    if page != 1:
        pairs.append(("page", str(page)))
    order = {k: i for i, k in enumerate(STATE_KEYS)}
    pairs.sort(key=lambda p: order.get(p[0], len(order)))  # stable: values keep their order
    qs = query_string(pairs)
    return f"{path}?{qs}" if qs else path
