"""Read-only search over the index: filters, facets, sorting, paging, snippets.

Used by the CLI and the web app.  Results carry letter ids, never Whoosh document numbers.
"""

from __future__ import annotations

import functools
import heapq
import json
import threading
import time
import weakref
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from whoosh import query

from .deadline import Deadline, SearchTimeout
from .documents import FACET_FIELDS
from .metadata.countries import country_code, country_name
from .metadata.language import language_name
from .query import EXPANSION_BUDGET, QueryError, expand, for_matching, highlight_terms, parse
from .records import TEXT_SOURCES, DateValue, RecordError
from .snippets import Snippet, lead, snippets
from .spelling import suggest
from .store import IndexStore

PER_PAGE_MAX = 100
RETIRE_AFTER = 60.0  # seconds a replaced searcher stays open for searches still using it
SIMILAR_CACHE = 5000  # letters whose "more like this" list is remembered per searcher
FACET_LIMIT = 100  # values per facet, most frequent first (selected values always kept)
SORTS = ("relevance", "date", "-date")
# What the date column gives for undated letters (decoded, or as the raw sortable key);
# they sort last in both directions.
_UNDATED = (2**31 - 1, 2**32 - 1)


@dataclass(frozen=True)
class Facet:
    """One facet: its API name, query-string parameter, index field and value labels."""

    name: str
    param: str
    field: str
    label: Callable[[str], str] = str
    by_value: bool = False  # ordered by value (years) rather than by count
    normalise: Callable[[str], str | None] = staticmethod(lambda v: v)


def _country_label(code: str) -> str:
    return country_name(code) or code


FACETS = (
    Facet("sender_country", "country", "country", _country_label, normalise=country_code),
    Facet(
        "year",
        "year",
        "years",
        str,
        by_value=True,
        normalise=lambda v: v if v.isascii() and v.isdigit() else None,
    ),
    Facet("language", "language", "language", lambda c: language_name(c) or c),
    Facet(
        "text_source",
        "source",
        "source",
        lambda s: TEXT_SOURCES.get(s, s),
        normalise=lambda v: v if v in TEXT_SOURCES else None,
    ),
    Facet("recipient", "recipient", "recipient_facet"),
)
FACET_BY_PARAM = {f.param: f for f in FACETS}


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet param -> values
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    ocr: bool = False  # OCR-tolerant matching
    unpublished: bool = False  # also drafts and withdrawn letters (archivists only)

    def validate(self) -> None:
        """Raise QueryError naming the first bad parameter and what is accepted."""
        if self.sort not in SORTS:
            raise QueryError(f"sort={self.sort!r} is unknown; accepted: {', '.join(SORTS)}")
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
        for param, values in self.filters.items():
            facet = FACET_BY_PARAM.get(param)
            if facet is None:
                raise QueryError(
                    f"{param!r} is not a filter; accepted: {', '.join(FACET_BY_PARAM)}"
                )
            clean = []
            for v in values:
                norm = facet.normalise(v)
                if not norm:
                    raise QueryError(f"{param}={v!r} is not a known {facet.name.replace('_', ' ')}")
                clean.append(norm)
            self.filters[param] = clean


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Hit:
    id: str
    title: str
    date: str | None
    meta: dict[str, Any]
    score: float | None
    pages_with_hits: list[int]
    snippets: list[Snippet]


@dataclass
class Ordered:
    """Every letter a request matches, in its order (up to a limit): what exports stream."""

    total: int  # letters matching, the limit aside
    letters: list[tuple[str, float | None]]  # (id, relevance score or None), in order
    terms: dict[str, set[str]]  # the indexed words the query matched, for snippets


@dataclass
class SearchResult:
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    coverage: dict[str, int]  # text source -> matching letters
    did_you_mean: str | None = None
    # Image-only letters within the filters that a text query could not search.
    unsearched: int = 0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))


def _ymd(day) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def _column(reader, fieldname: str, default, convert: Callable | None = None) -> list:
    """A column's values by document number, across segments.

    `convert` turns raw column values into field values (faster than Whoosh's own
    translation, value by value).  A segment where no document had the field has no
    column for it: its documents get `default`.
    """
    values: list = []
    for sub, _offset in reader.leaf_readers():
        count = sub.doc_count_all()
        if sub.has_column(fieldname):
            if convert is None:
                values.extend(sub.column_reader(fieldname))
            else:
                values.extend(map(convert, sub.column_reader(fieldname, translate=False)))
        else:
            values.extend([default] * count)
    return values


def _day(raw: int) -> int:
    """A date column's raw value (Whoosh's sortable form of a signed 32-bit int) as YYYYMMDD."""
    return raw - (1 << 31)


def _filter_query(facet: Facet, values: list[str]) -> query.Query:
    return query.Or([query.Term(facet.field, v) for v in values])


def _scored_parts(q: query.Query, boost: float = 1.0):
    """(part, multiplier) pairs whose scores add up to the query's score on the letters the
    query matches: Whoosh scores and/or as the sum of the matching parts, and-not and
    and-maybe as their first part (plus the second where it matches); negations score
    nothing.  Anything else is scored by its own matcher."""
    if isinstance(q, query.Not):
        return
    kind = type(q)
    if kind in (query.And, query.Or) and not getattr(q, "minmatch", 0):
        for child in q.subqueries:
            yield from _scored_parts(child, boost * q.boost)
    elif kind is query.AndNot:
        yield from _scored_parts(q.a, boost * q.boost)
    elif kind is query.AndMaybe:
        yield from _scored_parts(q.a, boost * q.boost)
        yield from _scored_parts(q.b, boost * q.boost)
    else:
        yield q, boost


def _serialised(method):
    """Run a LetterSearch method holding its searcher: Whoosh reads index files through
    shared file objects, so two threads must not read through one searcher at once."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._use:
            outer = self._clock  # a search's deadline ends with it
            try:
                return method(self, *args, **kwargs)
            finally:
                self._clock = outer

    return wrapper


def _close_held(held: dict[str, Any]) -> None:
    for _, searcher in held["retired"]:
        searcher.close()
    held["retired"] = []
    if held["searcher"] is not None:
        held["searcher"].close()
        held["searcher"] = None


class LetterSearch:
    """One open searcher per process, refreshed when the index changes.

    `deadline`: seconds one search() may run before it stops with SearchTimeout (None: no
    limit; the web app sets SEARCH_DEADLINE).  `budget`: words a query's wildcard and fuzzy
    terms may stand for together (query.expand; None: no limit, for benchmarks).
    """

    def __init__(
        self,
        store: IndexStore,
        *,
        deadline: float | None = None,
        budget: int | None = EXPANSION_BUDGET,
    ):
        self.store = store
        self.deadline = deadline
        self.budget = budget
        self._clock = Deadline(None)  # the running search's deadline
        self._lock = threading.Lock()
        self._use = threading.RLock()
        self._held: dict[str, Any] = {"searcher": None, "retired": []}
        self._stamp: tuple | None = None
        self._values: dict[str, list[tuple[str, ...]]] = {}
        # The searcher holds the index files open: close them when this object goes.
        weakref.finalize(self, _close_held, self._held)

    @property
    def _searcher(self):
        return self._held["searcher"]

    @_searcher.setter
    def _searcher(self, value) -> None:
        self._held["searcher"] = value

    def _stamp_now(self) -> tuple:
        info = self.store.info()
        return (self.store.current_name(), info.get("updated"), info.get("built"))

    def searcher(self):
        """The current Whoosh searcher, reopened if another process changed the index."""
        with self._lock:
            stamp = self._stamp_now()
            if self._searcher is None or stamp != self._stamp:
                old = self._searcher
                self._searcher = self.store.open().searcher()
                self._stamp = stamp
                self._values = {}
                # Another thread may still be searching with the old searcher: close it
                # only when no search can still be running on it.
                retired = self._held["retired"]
                if old is not None:
                    retired.append((time.monotonic(), old))
                while retired and time.monotonic() - retired[0][0] > RETIRE_AFTER:
                    retired.pop(0)[1].close()
            return self._searcher

    def close(self) -> None:
        with self._use, self._lock:
            _close_held(self._held)

    @contextmanager
    def using(self):
        """The current Whoosh searcher, for a caller's own reads, held for the block."""
        with self._use:
            yield self.searcher()

    def _field_values(self, s, fieldname: str) -> list[tuple[str, ...]]:
        """Each document's values of a field, held in a list by document number."""
        values = self._values.get(fieldname)
        if values is None and fieldname in FACET_FIELDS:
            column = self._values.get("__facets__")
            if column is None:
                column = _column(s.reader(), "facets", {})
                self._values["__facets__"] = column  # type: ignore[assignment]
            values = [tuple(v.get(fieldname, ())) for v in column]  # type: ignore[union-attr]
            self._values[fieldname] = values
        if values is None:
            reader = s.reader()
            acc: list[list[str]] = [[] for _ in range(reader.doc_count_all())]
            # Segment by segment: a term looked up through the whole index is looked up
            # in every segment.
            for sub, offset in reader.leaf_readers():
                if fieldname not in sub.indexed_field_names():
                    continue
                for btext in sub.lexicon(fieldname):
                    text = btext.decode("utf-8")
                    for docnum in sub.postings(fieldname, btext).all_ids():
                        acc[docnum + offset].append(text)
            values = [tuple(v) for v in acc]
            self._values[fieldname] = values
        return values

    def _columns(self, s) -> tuple[list[int], list[int], list[str]]:
        """Each document's first and last day (YYYYMMDD) and id, by document number."""
        cached = self._values.get("__columns__")
        if cached is None:
            reader = s.reader()
            undated = _UNDATED[0]
            ids = _column(reader, "id", "", bytes.decode)
            cached = [
                _column(reader, "date_start", undated, _day),
                _column(reader, "date_end", undated, _day),
                ids,
            ]
            self._values["__columns__"] = cached  # type: ignore[assignment]
        return cached[0], cached[1], cached[2]

    def _date_set(self, s, date_from: str | None, date_to: str | None) -> set[int]:
        """Documents whose date range overlaps [from, to], read from column arrays."""
        starts, ends, _ = self._columns(s)
        lo = _ymd(DateValue.parse(date_from).start) if date_from else 0
        hi = _ymd(DateValue.parse(date_to).end) if date_to else _UNDATED[0] - 1
        return {
            d
            for d, (a, b) in enumerate(zip(starts, ends, strict=True))
            if a not in _UNDATED and a <= hi and b >= lo
        }

    @_serialised
    def search(self, req: SearchRequest) -> SearchResult:
        """Run a search request: hits of one page, facet counts, coverage, did-you-mean."""
        s, q = self._begin(req)
        base, visible, sets = self._sets(s, q, req)

        def matching(*, without: tuple[str, ...] = ()) -> set[int]:
            docs = base
            for name, docset in sets.items():
                if name not in without:
                    docs = docs & docset
            return docs

        allowed = matching()
        facets = {}
        for facet in FACETS:
            self._clock.check("counting the facets")
            skip = (facet.param, "date") if facet.param == "year" else (facet.param,)
            facets[facet.name] = self._count(s, facet, matching(without=skip), req)
        values = self._field_values(s, "source")
        coverage = Counter(v for d in allowed for v in values[d])
        unsearched = 0
        if req.q:
            image_only = {d for d, v in enumerate(values) if "image-only" in v}
            for docset in sets.values():
                image_only &= docset
            if visible is not None:
                image_only &= visible
            unsearched = len(image_only - allowed)
        hits = self._page(s, q, allowed, req)
        total = len(allowed)
        did_you_mean = None
        if req.q and total < 3:  # drawn only from letters this search may show
            self._clock.check("looking for a spelling suggestion")
            did_you_mean = suggest(req.q, q, s, self._lexicon, visible)
        return SearchResult(
            req, total, hits, facets, dict(coverage), did_you_mean, unsearched=unsearched
        )

    def _begin(self, req: SearchRequest) -> tuple[Any, query.Query]:
        """Start a search (search() or ordered()): the searcher, its shared arrays read, then
        the deadline started and the query parsed and expanded within the budget."""
        req.validate()
        s = self.searcher()
        self._warm(s)
        self._clock = Deadline(self.deadline)
        parsed = parse(req.q, s.schema, ocr=req.ocr)
        q = expand(parsed, s.reader(), self._lexicon, budget=self.budget)
        self._clock.check("reading the query")
        return s, q

    def _sets(
        self, s, q: query.Query, req: SearchRequest
    ) -> tuple[set[int], set[int] | None, dict[str, set[int]]]:
        """What a request matches: the query's letters (those the public may see, unless
        the request is an archivist's), the public letters (None for archivists), and the
        letters of each filter (facet param or "date")."""
        base = self._docs(s, for_matching(q))
        visible = None if req.unpublished else self._published(s)
        if visible is not None:
            base = base & visible
        sets: dict[str, set[int]] = {}
        for param, values in req.filters.items():
            if values:
                sets[param] = set(s.docs_for_query(_filter_query(FACET_BY_PARAM[param], values)))
        if req.date_from or req.date_to:
            sets["date"] = self._date_set(s, req.date_from, req.date_to)
        return base, visible, sets

    @_serialised
    def ordered(self, req: SearchRequest, limit: int) -> Ordered:
        """Every letter a request matches, in its order, up to `limit`: one search for an
        export, without facets or snippets (hits() renders the letters batch by batch).
        It has the deadline of any search."""
        s, q = self._begin(req)
        base, _, sets = self._sets(s, q, req)
        allowed = base.intersection(*sets.values())
        ids = self._columns(s)[2]
        order = self._order(s, q, allowed, req, limit)
        terms = highlight_terms(q, s.reader()) if req.q else {}
        return Ordered(len(allowed), [(ids[d], score) for d, score in order], terms)

    @_serialised
    def hits(
        self,
        letters: list[tuple[str, float | None]],
        terms: dict[str, set[str]],
        *,
        unpublished: bool = False,
    ) -> list[Hit]:
        """Hits of (id, score) pairs from ordered(), snippets marking `terms`; letters gone
        from the index since, or no longer public (unless `unpublished`), are left out."""
        s = self.searcher()
        visible = None if unpublished else self._published(s)
        out = []
        for letter_id, score in letters:
            docnum = s.document_number(id=letter_id)
            if docnum is not None and (visible is None or docnum in visible):
                out.append(self._hit(s, docnum, score, terms))
        return out

    def _warm(self, s) -> None:
        """Read what every search uses into this searcher's arrays, before a search's
        deadline starts: the first search after the index changed does it for all (about
        1.2 s at 50,000 letters), and it is no one search's cost."""
        self._published(s)
        self._columns(s)
        for fieldname in {f.field for f in FACETS} | {"source"}:
            self._field_values(s, fieldname)

    def _count(self, s, facet: Facet, docs: set[int], req: SearchRequest) -> list[FacetValue]:
        values = self._field_values(s, facet.field)
        counts = Counter(v for d in docs for v in values[d])
        selected = set(req.filters.get(facet.param, []))
        if facet.by_value:
            order = sorted(counts)
        else:
            order = sorted(counts, key=lambda v: (-counts[v], facet.label(v).lower()))
            # The long tail (thousands of recipients) is not worth sending; selected stay.
            order = order[:FACET_LIMIT]
        order += sorted(v for v in selected if v not in order)
        return [FacetValue(v, facet.label(v), counts.get(v, 0), v in selected) for v in order]

    def _docs(self, s, q: query.Query) -> set[int]:
        """Every document the query matches, combining sets for and/or/not."""
        self._clock.check("finding the letters that match")
        if isinstance(q, query.Every) and not q.fieldname:
            return self._all(s)
        if type(q) is query.Or and not q.minmatch:
            out: set[int] = set()
            for child in q.subqueries:
                out |= self._docs(s, child)
            return out
        if type(q) is query.And:
            plus = [c for c in q.subqueries if not isinstance(c, query.Not)]
            minus = [c.query for c in q.subqueries if isinstance(c, query.Not)]
            sets = sorted((self._docs(s, c) for c in plus), key=len) or [self._all(s)]
            out = set(sets[0])
            for other in sets[1:]:
                out &= other
            for c in minus:
                out -= self._docs(s, c)
            return out
        if type(q) is query.AndNot:
            return self._docs(s, q.a) - self._docs(s, q.b)
        if type(q) is query.AndMaybe:
            return self._docs(s, q.a)
        if type(q) is query.Not:
            return self._all(s) - self._docs(s, q.query)
        return set(s.docs_for_query(q))

    def _scores(self, s, q: query.Query, allowed: set[int]) -> dict[int, float]:
        """The relevance score of each allowed letter, part by part of the query.

        Only the allowed letters are scored: a part whose posting list is much longer than
        the allowed set jumps from one allowed letter to the next.
        """
        parts = list(_scored_parts(q))
        scores: dict[int, float] = {}
        get = scores.get
        targets = sorted(allowed)
        context = s.context()
        for sub, offset in s.leaf_searchers():
            count = sub.doc_count_all()
            lo, hi = bisect_left(targets, offset), bisect_left(targets, offset + count)
            local = [d - offset for d in targets[lo:hi]]
            if not local:
                continue
            wanted = set(local)
            jump = len(local) * 8 < count
            for part, boost in parts:
                self._clock.check("ranking the letters")
                m = part.matcher(sub, context)
                if jump:
                    for d in local:
                        if not m.is_active():
                            break
                        if m.id() < d:
                            m.skip_to(d)
                            if not m.is_active():
                                break
                        if m.id() == d:
                            scores[d + offset] = get(d + offset, 0.0) + m.score() * boost
                else:
                    while m.is_active():
                        d = m.id()
                        if d in wanted:
                            scores[d + offset] = get(d + offset, 0.0) + m.score() * boost
                        m.next()
        return scores

    def _lexicon(self, fieldname: str) -> list[str]:
        """Every word of a field (cached per searcher), for fuzzy terms."""
        key = f"__lexicon_{fieldname}__"
        cached = self._values.get(key)
        if cached is None:
            reader = self.searcher().reader()
            cached = [w.decode("utf-8") for w in reader.lexicon(fieldname)]
            self._values[key] = cached  # type: ignore[assignment]
        return cached  # type: ignore[return-value]

    def _all(self, s) -> set[int]:
        cached = self._values.get("__all__")
        if cached is None:
            cached = [set(s.docs_for_query(query.Every()))]
            self._values["__all__"] = cached  # type: ignore[assignment]
        return cached[0]

    def _rank(self, s) -> list[int]:
        """Each document number's place when documents are ordered by id."""
        cached = self._values.get("__rank__")
        if cached is None:
            ids = self._columns(s)[2]
            cached = [0] * len(ids)
            for place, d in enumerate(sorted(range(len(ids)), key=ids.__getitem__)):
                cached[d] = place
            self._values["__rank__"] = cached  # type: ignore[assignment]
        return cached  # type: ignore[return-value]

    def _order(
        self, s, q, allowed: set[int], req: SearchRequest, count: int
    ) -> list[tuple[int, float | None]]:
        """The first `count` allowed documents in the request's order, with their scores."""
        if count <= 0:
            return []
        if req.sort == "relevance" and not isinstance(q, query.Every):
            scores = self._scores(s, for_matching(q), allowed)
            rank = self._rank(s)
            best = heapq.nlargest(count, allowed, key=lambda d: (scores.get(d, 0.0), -rank[d]))
            return [(d, scores.get(d, 0.0)) for d in best]
        starts, _, ids = self._columns(s)
        sign = -1 if req.sort == "-date" else 1
        docs = sorted(allowed, key=lambda d: (starts[d] in _UNDATED, sign * starts[d], ids[d]))
        return [(d, None) for d in docs[:count]]

    def _hit(self, s, docnum: int, score: float | None, terms: dict[str, set[str]]) -> Hit:
        self._clock.check("making snippets")
        stored = s.stored_fields(docnum)
        texts = stored.get("pages_text") or []
        hit_pages, snips = snippets(texts, terms) if terms else ([], [])
        if not snips:
            first = lead(texts)
            snips = [first] if first else []
        meta = json.loads(stored["meta"])
        return Hit(stored["id"], meta["title"], meta["date"], meta, score, hit_pages, snips)

    def _page(self, s, q, allowed: set[int], req: SearchRequest) -> list[Hit]:
        start = (req.page - 1) * req.per_page
        count = start + req.per_page if start < len(allowed) else 0
        page = self._order(s, q, allowed, req, count)[start:]
        terms = highlight_terms(q, s.reader()) if req.q and page else {}
        return [self._hit(s, docnum, score, terms) for docnum, score in page]

    # -- single letters --------------------------------------------------------------
    @_serialised
    def query_terms(self, q: str, *, ocr: bool = False) -> dict[str, set[str]]:
        """The indexed words a query matches, by field: feed to snippets.match_spans."""
        if not q.strip():
            return {}
        s = self.searcher()
        parsed = expand(parse(q, s.schema, ocr=ocr), s.reader(), self._lexicon)
        return highlight_terms(parsed, s.reader())

    @_serialised
    def get(self, letter_id: str) -> dict[str, Any] | None:
        """The stored metadata and page texts of one letter, or None."""
        s = self.searcher()
        docnum = s.document_number(id=letter_id)
        if docnum is None:
            return None
        stored = s.stored_fields(docnum)
        meta = json.loads(stored["meta"])
        meta["pages_text"] = stored.get("pages_text") or []
        meta["fingerprint"] = stored.get("fingerprint") or ""
        return meta

    def _published(self, s) -> set[int]:
        """Documents the public may see (cached per searcher)."""
        cached = self._values.get("__published__")
        if cached is None:
            cached = [set(s.docs_for_query(query.Term("status", "published")))]
            self._values["__published__"] = cached  # type: ignore[assignment]
        return cached[0]

    @_serialised
    def more_like_this(self, letter_id: str, *, limit: int = 5) -> list[dict[str, Any]]:
        """Letters whose words are most like this letter's (remembered per searcher: the
        search behind it scores every letter sharing its key words)."""
        s = self.searcher()
        similar = self._values.setdefault("__similar__", {})  # type: ignore[arg-type]
        key = (letter_id, limit)
        if key not in similar:
            if len(similar) >= SIMILAR_CACHE:
                similar.clear()  # type: ignore[attr-defined]
            similar[key] = self._similar(s, letter_id, limit)  # type: ignore[index]
        return similar[key]  # type: ignore[index,return-value]

    def _similar(self, s, letter_id: str, limit: int) -> list[dict[str, Any]]:
        docnum = s.document_number(id=letter_id)
        if docnum is None:
            return []
        text = "\n".join(s.stored_fields(docnum).get("pages_text") or [])
        if not text.strip():
            return []
        results = s.more_like(docnum, "content", text=text, top=limit, filter=self._published(s))
        return [json.loads(h["meta"]) for h in results]

    @_serialised
    def stats(self) -> dict[str, Any]:
        """What the collection holds: letters, pages, date span, text sources, years, countries."""
        s = self.searcher()
        cached = self._values.get("__stats__")
        if cached is not None:
            return cached[0]
        letters = pages = 0
        first = last = None
        for stored in s.all_stored_fields():
            if stored.get("status", "published") != "published":
                continue
            letters += 1
            pages += stored.get("page_count") or 0
            start = stored.get("date_start")
            if start:
                first = start if first is None else min(first, start)
                last = start if last is None else max(last, start)
        alive = self._published(s)

        def counts(fieldname: str) -> Counter:
            values = self._field_values(s, fieldname)
            return Counter(v for d in alive for v in values[d])

        stats = {
            "letters": letters,
            "pages": pages,
            "first_year": first // 10000 if first else None,
            "last_year": last // 10000 if last else None,
            "text_sources": dict(counts("source")),
            "years": dict(sorted(counts("year").items())),
            "countries": dict(counts("country").most_common()),
        }
        self._values["__stats__"] = [stats]  # type: ignore[assignment]
        return stats

    @_serialised
    def ids(self) -> list[str]:
        return sorted(f["id"] for f in self.searcher().all_stored_fields())


__all__ = [
    "LetterSearch",
    "Ordered",
    "QueryError",
    "SearchRequest",
    "SearchResult",
    "SearchTimeout",
    "FACETS",
]
