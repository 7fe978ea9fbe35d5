"""A search as asked: the query, filters, dates, order and page; checked before it runs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..records import DateValue, RecordError
from .errors import QueryError
from .facets import FACET_BY_PARAM

PER_PAGE_MAX = 100
SORTS = ("relevance", "date", "-date")
MATCHES = ("auto", "all", "most")  # SearchRequest.match (indexer.search.natural)


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet param -> values
    # facet param -> values a letter must not have (any one leaves it out)
    exclude: dict[str, list[str]] = field(default_factory=dict)
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    ocr: bool = False  # OCR-tolerant matching
    unpublished: bool = False  # also drafts and withdrawn letters (archivists only)
    # A question's words: "auto" every word, else most of them; "all"; "most" (natural.py)
    match: str = "auto"

    def validate(self) -> None:
        """Raise QueryError naming the first bad parameter and what is accepted."""
        if self.sort not in SORTS:
            raise QueryError(f"sort={self.sort!r} is unknown; accepted: {', '.join(SORTS)}")
        if self.match not in MATCHES:
            raise QueryError(f"match={self.match!r} is unknown; accepted: {', '.join(MATCHES)}")
        if not isinstance(self.page, int) or self.page < 1:
            raise QueryError(f"page={self.page!r} is not a page number; accepted: 1 or more")
        if not isinstance(self.per_page, int) or not 1 <= self.per_page <= PER_PAGE_MAX:
            raise QueryError(
                f"per_page={self.per_page!r} is out of range; accepted: 1 to {PER_PAGE_MAX}"
            )
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value:
                try:
                    DateValue.parse(value)
                except RecordError:
                    raise QueryError(
                        f"{name.replace('date_', '')}={value!r} is not a date; "
                        "accepted: YYYY, YYYY-MM or YYYY-MM-DD"
                    ) from None
        self.filters = {p: _clean(p, values) for p, values in self.filters.items()}
        # Canonical, as a permalink keeps it: values as indexed, no repeats, none empty.
        self.exclude = {p: _clean(p, v, f"-{p}") for p, v in self.exclude.items() if v}
        for param, values in self.exclude.items():
            both = set(values) & set(self.filters.get(param, ()))
            if both:
                raise QueryError(
                    f"{param}={sorted(both)[0]!r} is both selected and excluded; "
                    "accepted: one or the other"
                )


def _clean(param: str, values: list[str], written: str = "") -> list[str]:
    """A filter's values as indexed, repeats dropped, or QueryError naming the bad one as
    `written` (an exclusion: -country)."""
    facet = FACET_BY_PARAM.get(param)
    written = written or param
    if facet is None:
        raise QueryError(f"{written!r} is not a filter; accepted: {', '.join(FACET_BY_PARAM)}")
    clean = []
    for v in values:
        norm = facet.normalise(v)
        if not norm:
            raise QueryError(f"{written}={v!r} is not a known {facet.name.replace('_', ' ')}")
        clean.append(norm)
    return list(dict.fromkeys(clean))


def exclusions(given: Iterable[str]) -> dict[str, list[str]]:
    """Excluded values written `param=value` (the command line's `--exclude country=PK`),
    by facet param; validate() checks the params and values."""
    out: dict[str, list[str]] = {}
    for item in given:
        param, sep, value = item.partition("=")
        if not sep or not param.strip() or not value.strip():
            raise QueryError(
                f"exclude {item!r} is not FACET=VALUE; accepted: country=PK and the like, "
                f"FACET one of {', '.join(FACET_BY_PARAM)}"
            )
        out.setdefault(param.strip(), []).append(value.strip())
    return out
