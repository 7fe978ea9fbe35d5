"""Facets, filter chips and year histograms, ready for a template.

The search core counts facet values; the facets (indexer.search.facets) give their titles
and value labels; this module decides how they are shown and computes,
on the server, the URL each value links to: a facet value is a toggle (selecting it adds the
filter, selecting it again removes it), a minus beside it excludes it (`-country=PK`; again:
included again), and each active filter or exclusion is a chip whose link removes it.
Templates only print what is here, so the pages work without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from indexer.search import FACETS, Facet, FacetValue, SearchRequest, SearchResult

from .params import PER_PAGE, url_with

SHOWN = 8  # values shown before the rest are folded into "more"


@dataclass
class FacetItem:
    value: str
    label: str
    count: int
    selected: bool
    toggle_url: str
    excluded: bool = False
    exclude_url: str = ""  # excludes the value, or includes it again when excluded


@dataclass
class FacetView:
    """One facet of a result: its values as toggle links."""

    name: str  # the API name: sender_country, year, ...
    param: str  # the query-string parameter: country, year, ...
    title: str
    items: list[FacetItem]

    @classmethod
    def build(
        cls,
        facet: Facet,
        values: list[FacetValue],
        req: SearchRequest,
        path: str,
        per_page: int = PER_PAGE,
    ) -> FacetView:
        def url(**change: tuple[str, str]) -> str:
            return url_with(req, path, per_page=per_page, **change)

        items = []
        for v in values:
            chosen, left_out = (facet.param, v.value), (f"-{facet.param}", v.value)
            # An excluded value's own link includes it again, as its minus does; a selected
            # value's minus excludes it instead.
            toggle = url(toggle=left_out) if v.excluded else url(toggle=chosen)
            exclude = url(toggle=left_out, remove=chosen) if v.selected else url(toggle=left_out)
            item = FacetItem(v.value, v.label, v.count, v.selected, toggle, v.excluded, exclude)
            items.append(item)
        return cls(facet.name, facet.param, facet.title, items)

    @property
    def selected(self) -> list[FacetItem]:
        return [i for i in self.items if i.selected]

    @property
    def shown(self) -> list[FacetItem]:
        """The first values, and any selected or excluded value further down."""
        return [i for n, i in enumerate(self.items) if n < SHOWN or i.selected or i.excluded]

    @property
    def more(self) -> list[FacetItem]:
        return [
            i for n, i in enumerate(self.items) if n >= SHOWN and not (i.selected or i.excluded)
        ]


def facet_views(
    result: SearchResult, path: str = "/search", per_page: int = PER_PAGE
) -> list[FacetView]:
    """Every facet of a result, in the order of FACETS, empty ones included."""
    req = result.request
    return [FacetView.build(f, result.facets.get(f.name, []), req, path, per_page) for f in FACETS]


@dataclass
class Chip:
    """An active filter, shown with a link that removes it."""

    kind: str
    label: str
    remove_url: str
    excluded: bool = False  # an excluded value, labelled "not <value>"


def chips(
    req: SearchRequest,
    path: str = "/search",
    per_page: int = PER_PAGE,
    result: SearchResult | None = None,
) -> list[Chip]:
    """The request's active filters (not the query itself), each with its remove link;
    a value is labelled as the result's facet labels it (a person's name for an id)."""
    out = []
    for facet in FACETS:
        listed = {v.value: v.label for v in (result.facets if result else {}).get(facet.name, [])}
        for minus, given in (("", req.filters), ("-", req.exclude)):
            for value in given.get(facet.param, []):
                label = listed.get(value) or facet.label(value)
                out.append(
                    Chip(
                        facet.title,
                        f"not {label}" if minus else label,
                        url_with(req, path, remove=(minus + facet.param, value), per_page=per_page),
                        excluded=bool(minus),
                    )
                )
    if req.date_from:
        out.append(
            Chip("From", req.date_from, url_with(req, path, per_page=per_page, **{"from": None}))
        )
    if req.date_to:
        out.append(Chip("To", req.date_to, url_with(req, path, to=None, per_page=per_page)))
    if req.ocr:
        out.append(
            Chip("Matching", "OCR-tolerant", url_with(req, path, ocr=None, per_page=per_page))
        )
    return out


# -- histograms ---------------------------------------------------------------------------
@dataclass
class Bar:
    start: int  # first year of the bar
    end: int  # last year of the bar (== start for one year)
    count: int
    height: int  # percent of the tallest bar, at least 3 for a non-empty bar
    url: str | None  # None for a bar without letters
    selected: bool = False

    @property
    def label(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}–{self.end}"

    @property
    def text(self) -> str:
        """What a screen reader says for the bar."""
        n = self.count
        return f"{self.label}: {'no' if n == 0 else n} letter{'' if n == 1 else 's'}"


@dataclass
class Histogram:
    bars: list[Bar] = field(default_factory=list)
    step: int = 1  # years per bar

    def ticks(self, limit: int = 8) -> set[int]:
        """The indexes of the bars labelled under the axis: the ends and round years between,
        at most `limit` labels, none crowding another."""
        n = len(self.bars)
        if n <= limit:
            return set(range(n))
        marks = {0, n - 1}
        for unit in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
            if unit % self.step:
                continue
            rounds = [i for i, b in enumerate(self.bars) if b.start % unit == 0]
            if len(rounds) <= limit - 2:
                break
        room = max(2, n // limit)
        for i in rounds:
            if all(abs(i - m) >= room for m in marks):
                marks.add(i)
        return marks


def histogram(
    counts: dict[int, int],
    link: Callable[[int, int], str],
    *,
    max_bars: int = 40,
    selected: Callable[[int, int], bool] = lambda a, b: False,
) -> Histogram:
    """Bars over every year from the first to the last (gaps shown as empty bars).

    With more years than `max_bars` the years are grouped by 5, 10, 25, 50 or 100 years,
    starting on a round year. `link(start, end)` gives the URL of a bar's years.
    """
    years = sorted(y for y, c in counts.items() if c)
    if not years:
        return Histogram()
    first, last = years[0], years[-1]
    step = 1
    for size in (1, 5, 10, 25, 50, 100, 250, 500, 1000):
        step = size
        if last // size - first // size + 1 <= max_bars:
            break
    buckets: dict[int, int] = {}
    for year, count in counts.items():
        key = year // step * step
        buckets[key] = buckets.get(key, 0) + count
    top = max(buckets.values())
    bars = []
    for start in range(first // step * step, last + 1, step):
        end = start + step - 1
        n = buckets.get(start, 0)
        height = max(3, round(100 * n / top)) if n else 0
        bars.append(
            Bar(start, end, n, height, link(start, end) if n else None, selected(start, end))
        )
    return Histogram(bars, step)


def year_histogram(
    view: FacetView, req: SearchRequest, path: str = "/search", per_page: int = PER_PAGE
) -> Histogram:
    """The year facet as a histogram: bars of one year toggle that year; wider bars set a range."""
    items = {int(i.value): i for i in view.items if i.value.isdigit()}
    counts = {y: i.count for y, i in items.items()}

    def link(start: int, end: int) -> str:
        if start == end and start in items:
            return items[start].toggle_url
        return url_with(req, path, year=None, per_page=per_page, **{"from": start, "to": end})

    def selected(start: int, end: int) -> bool:
        return start == end and start in items and items[start].selected

    return histogram(counts, link, max_bars=30, selected=selected)
