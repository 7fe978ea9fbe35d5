"""Read-only search over the Whoosh index: filters, facets, sorting, paging, snippets.

Results carry letter ids, never Whoosh document numbers. Any number of threads search at
once, each through a searcher of its own (pool.py says why).
"""

from __future__ import annotations

import functools
import heapq
import json
import weakref
from collections import Counter
from contextlib import contextmanager
from typing import Any

from whoosh import query
from whoosh.classify import Bo1Model

from ...search.deadline import Deadline
from ...search.facets import FACET_BY_PARAM, FACETS, Facet
from ...search.request import SearchRequest
from ...search.results import FacetValue, Hit, Ordered, SearchResult
from ...search.snippets import lead, snippets
from .analysis import Analysed
from .arrays import Arrays
from .marks import WordMarks
from .matching import docs, filter_query, order, scores
from .pool import SearcherPool
from .query import EXPANSION_BUDGET, expand, for_matching, highlight_terms, parse
from .spelling import suggest
from .store import IndexStore
from .variants import as_typed, readings_of

SIMILAR_CACHE = 5000  # letters whose "more like this" list is remembered per commit
FACET_LIMIT = 100  # values per facet, most frequent first (selected values always kept)
NO_DEADLINE = Deadline(None)


def _borrowing(method):
    """Run a LetterSearch method with a searcher of its own and the commit's arrays, passed
    after `self` (pool.SearcherPool: searches run at the same time, each through its own
    file objects)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.pool.borrow() as (s, arrays):
            return method(self, s, arrays, *args, **kwargs)

    return wrapper


class LetterSearch:
    """Searches of one process over the served index, any number at once, each with a
    searcher of its own (pool.SearcherPool), reopened when the index changes.

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
        self.pool = SearcherPool(store)
        # The searchers hold the index files open: close them when this object goes.
        weakref.finalize(self, self.pool.close)

    def searcher(self):
        """The served commit's own searcher, reopened if the index changed (engine-internal,
        one thread: refresh(), the engine's tests; searches borrow their own)."""
        return self.pool.current().arrays.searcher

    def _current(self) -> tuple[Any, Arrays]:
        """The served commit's own searcher and its arrays (engine-internal, one thread)."""
        arrays = self.pool.current().arrays
        return arrays.searcher, arrays

    def close(self) -> None:
        self.pool.close()

    @contextmanager
    def using(self):
        """A searcher of the served commit for this thread alone, and the commit's arrays,
        held for the block (engine-internal: the engine's own tests and tools; the rest of
        Missive asks the Engine)."""
        with self.pool.borrow() as held:
            yield held

    @_borrowing
    def search(self, s, arrays: Arrays, req: SearchRequest) -> SearchResult:
        """Run a search request: hits of one page, facet counts, coverage, did-you-mean."""
        clock, q = self._begin(s, arrays, req)
        base, visible, sets = self._sets(s, arrays, q, req, clock)

        def matching(*, without: tuple[str, ...] = ()) -> set[int]:
            found = base
            for name, docset in sets.items():
                if name not in without:
                    found = found & docset
            return found

        allowed = matching()
        facets = {}
        for facet in FACETS:
            clock.check("counting the facets")
            skip = (facet.param, "date") if facet.param == "year" else (facet.param,)
            facets[facet.name] = self._count(arrays, facet, matching(without=skip), req)
        values = arrays.field_values("source")
        coverage = Counter(v for d in allowed for v in values[d])
        unsearched = 0
        if req.q:
            image_only = {d for d, v in enumerate(values) if "image-only" in v}
            for docset in sets.values():
                image_only &= docset
            if visible is not None:
                image_only &= visible
            unsearched = len(image_only - allowed)
        hits = self._page(s, arrays, q, allowed, req, clock)
        total = len(allowed)
        did_you_mean = None
        if req.q and total < 3:  # drawn only from letters this search may show
            clock.check("looking for a spelling suggestion")
            did_you_mean = suggest(req.q, q, s, arrays.lexicon, visible)
        return SearchResult(
            req, total, hits, facets, dict(coverage), did_you_mean, unsearched=unsearched
        )

    def _begin(self, s, arrays: Arrays, req: SearchRequest) -> tuple[Deadline, query.Query]:
        """Start a search (search() or ordered()): the commit's shared arrays read, then the
        search's deadline started and the query parsed and expanded within the budget."""
        req.validate()
        arrays.warm({f.field for f in FACETS} | {"source"})
        clock = Deadline(self.deadline)
        keys = arrays.lexicon("stemmed_as")
        parsed = parse(req.q, s.schema, ocr=req.ocr, keys=keys, match=req.match)
        q = expand(parsed, s.reader(), arrays.lexicon, budget=self.budget)
        clock.check("reading the query")
        return clock, q

    def _sets(
        self, s, arrays: Arrays, q: query.Query, req: SearchRequest, clock: Deadline
    ) -> tuple[set[int], set[int] | None, dict[str, set[int]]]:
        """What a request matches: the query's letters (those the public may see, unless
        the request is an archivist's), the public letters (None for archivists), and the
        letters of each filter (facet param, its selections less its exclusions, or "date")."""
        base = docs(s, arrays, for_matching(q), clock)
        visible = None if req.unpublished else arrays.published()
        if visible is not None:
            base = base & visible
        sets: dict[str, set[int]] = {}
        for param in dict.fromkeys([*req.filters, *req.exclude]):
            facet = FACET_BY_PARAM[param]
            keep, drop = req.filters.get(param), req.exclude.get(param)
            if keep or drop:
                # One set per facet (its selections less its exclusions), so a facet is
                # counted without both.
                found = docs(s, arrays, filter_query(facet, keep), clock) if keep else arrays.all()
                if drop:
                    found = found - docs(s, arrays, filter_query(facet, drop), clock)
                sets[param] = found
        if req.date_from or req.date_to:
            sets["date"] = arrays.date_set(req.date_from, req.date_to)
        return base, visible, sets

    @_borrowing
    def ordered(self, s, arrays: Arrays, req: SearchRequest, limit: int) -> Ordered:
        """Every letter a request matches, in its order, up to `limit`: one search for an
        export, without facets or snippets (hits() renders the letters batch by batch).
        It has the deadline of any search."""
        clock, q = self._begin(s, arrays, req)
        base, _, sets = self._sets(s, arrays, q, req, clock)
        allowed = base.intersection(*sets.values())
        ids = arrays.columns()[2]
        first = _as_typed(s, arrays, q, clock)
        found = order(s, arrays, for_matching(q), allowed, req.sort, limit, clock, first)
        marks = self._marks(s, q) if req.q else WordMarks.none()
        return Ordered(len(allowed), [(ids[d], score) for d, score in found], marks)

    @_borrowing
    def hits(
        self,
        s,
        arrays: Arrays,
        letters: list[tuple[str, float | None]],
        marks: WordMarks,
        *,
        unpublished: bool = False,
    ) -> list[Hit]:
        """Hits of (id, score) pairs from ordered(), snippets marking `marks`; letters gone
        from the index since, or no longer public (unless `unpublished`), are left out."""
        visible = None if unpublished else arrays.published()
        out = []
        for letter_id, score in letters:
            docnum = s.document_number(id=letter_id)
            if docnum is not None and (visible is None or docnum in visible):
                out.append(self._hit(s, docnum, score, marks, NO_DEADLINE))
        return out

    def _count(
        self, arrays: Arrays, facet: Facet, found: set[int], req: SearchRequest
    ) -> list[FacetValue]:
        values = arrays.field_values(facet.field)
        counts = Counter(v for d in found for v in values[d])
        selected = set(req.filters.get(facet.param, []))
        names = arrays.labels(not req.unpublished) if facet.named else {}

        def label(value: str) -> str:
            return names.get(value) or facet.label(value)

        if facet.by_value:
            ranked = sorted(counts)
        else:
            ranked = sorted(counts, key=lambda v: (-counts[v], label(v).lower()))
            # The long tail (thousands of recipients) is not worth sending; selected and
            # excluded values stay.
            ranked = ranked[:FACET_LIMIT]
        excluded = set(req.exclude.get(facet.param, []))
        ranked += sorted(v for v in selected | excluded if v not in ranked)
        return [
            FacetValue(v, label(v), counts.get(v, 0), v in selected, v in excluded)
            for v in ranked
        ]

    @staticmethod
    def _hit(s, docnum: int, score: float | None, marks: WordMarks, clock: Deadline) -> Hit:
        clock.check("making snippets")
        stored = s.stored_fields(docnum)
        texts = stored.get("pages_text") or []
        hit_pages, snips = snippets(texts, marks) if marks else ([], [])
        if not snips:
            first = lead(texts)
            snips = [first] if first else []
        meta = json.loads(stored["meta"])
        return Hit(stored["id"], meta["title"], meta["date"], meta, score, hit_pages, snips)

    def _page(
        self, s, arrays: Arrays, q, allowed: set[int], req: SearchRequest, clock: Deadline
    ) -> list[Hit]:
        start = (req.page - 1) * req.per_page
        count = start + req.per_page if start < len(allowed) else 0
        first = _as_typed(s, arrays, q, clock) if count else None
        found = order(s, arrays, for_matching(q), allowed, req.sort, count, clock, first)
        page = found[start:]
        marks = self._marks(s, q) if req.q and page else WordMarks.none()
        return [self._hit(s, docnum, score, marks, clock) for docnum, score in page]

    @staticmethod
    def _marks(s, q: query.Query) -> WordMarks:
        marks = WordMarks.of(highlight_terms(q, s.reader()))
        variants, marks.readings = readings_of(q)  # OCR variants and how they read
        marks.words |= variants
        return marks

    # -- single letters --------------------------------------------------------------
    @_borrowing
    def marks(self, s, arrays: Arrays, q: str, *, ocr: bool = False) -> WordMarks:
        """The words of a letter's text the query matches, to mark them."""
        if not q.strip():
            return WordMarks.none()
        keys = arrays.lexicon("stemmed_as")  # the languages the collection is indexed in
        parsed = expand(parse(q, s.schema, ocr=ocr, keys=keys), s.reader(), arrays.lexicon)
        return self._marks(s, parsed)

    @_borrowing
    def get(self, s, _arrays: Arrays, letter_id: str) -> dict[str, Any] | None:
        """The stored metadata and page texts of one letter, or None."""
        docnum = s.document_number(id=letter_id)
        if docnum is None:
            return None
        stored = s.stored_fields(docnum)
        meta = json.loads(stored["meta"])
        meta["pages_text"] = stored.get("pages_text") or []
        meta["fingerprint"] = stored.get("fingerprint") or ""
        return meta

    @_borrowing
    def more_like_this(
        self, s, arrays: Arrays, letter_id: str, *, limit: int = 5
    ) -> list[dict[str, Any]]:
        """Letters whose words are most like this letter's (remembered per commit: the
        search behind it scores every letter sharing its key words)."""
        similar = arrays.remembered("similar")
        key = (letter_id, limit)
        found = similar.get(key)
        if found is None:
            if len(similar) >= SIMILAR_CACHE:
                similar.clear()
            found = similar[key] = _similar(s, arrays, letter_id, limit)
        return found

    @_borrowing
    def stats(self, s, arrays: Arrays) -> dict[str, Any]:
        """What the collection holds: letters, pages, date span, text sources, years, countries."""
        cached = arrays.remembered("stats")
        if not cached:
            cached.update(_stats(s, arrays))
        return cached

    @_borrowing
    def ids(self, s, _arrays: Arrays, *, status: str | None = None) -> list[str]:
        stored = s.documents(status=status) if status else s.all_stored_fields()
        return sorted(f["id"] for f in stored)

    @_borrowing
    def vocabulary(self, _s, arrays: Arrays, fieldname: str) -> list[str]:
        return list(arrays.lexicon(fieldname))


def _as_typed(s, arrays: Arrays, q: query.Query, clock: Deadline) -> set[int] | None:
    """In OCR-tolerant mode, the letters the query matches as typed, without variants:
    they rank first (None: the query has no variants)."""
    typed = as_typed(q)
    return None if typed is None else docs(s, arrays, for_matching(typed), clock)


def _similar(s, arrays: Arrays, letter_id: str, limit: int) -> list[dict[str, Any]]:
    docnum = s.document_number(id=letter_id)
    if docnum is None:
        return []
    stored = s.stored_fields(docnum)
    text = "\n".join(stored.get("pages_text") or [])
    if not text.strip():
        return []
    # Its key words as its own words are indexed, in its languages.
    text = Analysed(text, tuple(stored.get("stemmed_as", "en").split(",")))
    # Whoosh's more_like(): the text's five key words (Bo1) as one Or query weighted by
    # their key-ness, searched among the public letters but this one; scored here from
    # postings read a block at a time (matching.scores), the same scores for a tenth of
    # the time, ties in document order as Whoosh breaks them.
    key = s.key_terms_from_text("content", text, numterms=5, model=Bo1Model, normalize=False)
    q = query.Or([query.Term("content", word, boost=weight) for word, weight in key])
    wanted = arrays.published() - {docnum}
    found = scores(s, arrays, q, wanted, NO_DEADLINE)
    best = heapq.nlargest(limit, found, key=lambda d: (found[d], -d))
    return [json.loads(s.stored_fields(d)["meta"]) for d in best]


def _stats(s, arrays: Arrays) -> dict[str, Any]:
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
    alive = arrays.published()

    def counts(fieldname: str) -> Counter:
        values = arrays.field_values(fieldname)
        return Counter(v for d in alive for v in values[d])

    return {
        "letters": letters,
        "pages": pages,
        "first_year": first // 10000 if first else None,
        "last_year": last // 10000 if last else None,
        "text_sources": dict(counts("source")),
        "years": dict(sorted(counts("year").items())),
        "countries": dict(counts("country").most_common()),
    }
