"""Search state in the query string: parse it into a request, and build toggle URLs."""

from __future__ import annotations

from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from indexer.query import QueryError
from indexer.search import FACET_BY_PARAM, SearchRequest

STATE_KEYS = ("q", "from", "to", "sort", "ocr", *FACET_BY_PARAM)


def _int(args: MultiDict, name: str, default: int) -> int:
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise QueryError(f"{name}={raw!r} is not a whole number") from None


def request_from_args(args: MultiDict, *, per_page: int = 20) -> SearchRequest:
    """Turn query-string arguments into a validated SearchRequest (QueryError if bad)."""
    filters = {p: [v for v in args.getlist(p) if v] for p in FACET_BY_PARAM if args.getlist(p)}
    req = SearchRequest(
        q=args.get("q", "").strip(),
        filters=filters,
        date_from=args.get("from") or None,
        date_to=args.get("to") or None,
        sort=args.get("sort") or "relevance",
        page=_int(args, "page", 1),
        per_page=_int(args, "per_page", per_page),
        ocr=args.get("ocr") in ("1", "on", "true"),
    )
    req.validate()
    return req


def state(req: SearchRequest) -> MultiDict:
    """The request as query-string pairs (page left out)."""
    pairs = [("q", req.q)] if req.q else []
    for param, values in req.filters.items():
        pairs.extend((param, v) for v in values)
    if req.date_from:
        pairs.append(("from", req.date_from))
    if req.date_to:
        pairs.append(("to", req.date_to))
    if req.sort != "relevance":
        pairs.append(("sort", req.sort))
    if req.ocr:
        pairs.append(("ocr", "1"))
    return MultiDict(pairs)


def url_with(
    req: SearchRequest,
    *,
    toggle: tuple[str, str] | None = None,
    drop: str | None = None,
    **changes: str | int | None,
) -> str:
    """The search URL for `req` with one facet value toggled or parameters changed."""
    st = state(req)
    if toggle:
        param, value = toggle
        values = st.getlist(param)
        st.setlist(
            param, [v for v in values if v != value] if value in values else values + [value]
        )
    if drop:
        st.poplist(drop)
    for key, value in changes.items():
        st.poplist(key)
        if value not in (None, "", 1) or (key != "page" and value == 1):
            st.add(key, str(value))
    return "/search?" + urlencode(list(st.items(multi=True)))
