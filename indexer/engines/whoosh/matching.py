"""Which letters a Whoosh query matches, and how well: sets of document numbers combined
for and/or/not, scores part by part for the allowed letters only, and the order of a page.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections import Counter

from whoosh import query

from ...search.deadline import Deadline
from ...search.facets import Facet
from .arrays import UNDATED, Arrays
from .atleast import AtLeast
from .postings import word_docs, word_scores, words_of
from .query import Expanded


def filter_query(facet: Facet, values: list[str]) -> query.Query:
    """Letters with any of `values` in the facet's field."""
    return query.Or([query.Term(facet.field, v) for v in values])


def docs(s, arrays: Arrays, q: query.Query, clock: Deadline) -> set[int]:
    """Every document the query matches, combining sets for and/or/not."""
    clock.check("finding the letters that match")
    if isinstance(q, query.Every) and not q.fieldname:
        return arrays.all()
    if type(q) is query.Or and not q.minmatch:
        out: set[int] = set()
        for child in q.subqueries:
            out |= docs(s, arrays, child, clock)
        return out
    if type(q) is AtLeast:
        counts: Counter = Counter()
        for child in q.subqueries:
            counts.update(docs(s, arrays, child, clock))
        return {d for d, n in counts.items() if n >= q.k}
    if type(q) is query.And:
        plus = [c for c in q.subqueries if not isinstance(c, query.Not)]
        minus = [c.query for c in q.subqueries if isinstance(c, query.Not)]
        sets = sorted((docs(s, arrays, c, clock) for c in plus), key=len) or [arrays.all()]
        out = set(sets[0])
        for other in sets[1:]:
            out &= other
        for c in minus:
            out -= docs(s, arrays, c, clock)
        return out
    if type(q) is query.AndNot:
        return docs(s, arrays, q.a, clock) - docs(s, arrays, q.b, clock)
    if type(q) is query.AndMaybe:
        return docs(s, arrays, q.a, clock)
    if type(q) is query.Not:
        return arrays.all() - docs(s, arrays, q.query, clock)
    words = words_of(q)
    if words:
        return word_docs(s, arrays.postings(), *words)
    return set(s.docs_for_query(q))


def scored_parts(q: query.Query, boost: float = 1.0):
    """(part, multiplier) pairs whose scores add up to the query's score on the letters the
    query matches: Whoosh scores and/or (and at-least) as the sum of the matching parts, and-not and
    and-maybe as their first part (plus the second where it matches); negations score
    nothing.  Anything else is scored by its own matcher."""
    if isinstance(q, query.Not):
        return
    kind = type(q)
    if kind in (query.And, query.Or, AtLeast) and not getattr(q, "minmatch", 0):
        for child in q.subqueries:
            yield from scored_parts(child, boost * q.boost)
    elif kind is query.AndNot:
        yield from scored_parts(q.a, boost * q.boost)
    elif kind is query.AndMaybe:
        yield from scored_parts(q.a, boost * q.boost)
        yield from scored_parts(q.b, boost * q.boost)
    else:
        yield q, boost


def scores(
    s, arrays: Arrays, q: query.Query, allowed: set[int], clock: Deadline
) -> dict[int, float]:
    """The relevance score of each allowed letter, part by part of the query.

    Only the allowed letters are scored: a word's postings are read a block at a time
    (postings.py); another part whose posting list is much longer than the allowed set
    jumps from one allowed letter to the next.
    """
    parts = list(scored_parts(q))
    out: dict[int, float] = {}
    targets = sorted(allowed)
    context = s.context()
    for sub, offset in s.leaf_searchers():
        count = sub.doc_count_all()
        lo, hi = bisect_left(targets, offset), bisect_left(targets, offset + count)
        local = [d - offset for d in targets[lo:hi]]
        if not local:
            continue
        jump = len(local) * 8 < count
        for part, boost in parts:
            clock.check("ranking the letters")
            words = words_of(part)
            if words and _whoosh_sums(part, words[1], sub):
                fieldname, texts = words
                lengths = arrays.lengths(fieldname)
                fast = word_scores(
                    s, arrays.postings(), sub, fieldname, texts, lengths, offset, allowed
                )
                if fast is not None:
                    # As Whoosh: a wildcard or fuzzy term of one word scores as that word
                    # alone, its own boost dropped.
                    if not (isinstance(part, Expanded) and len(texts) == 1):
                        boost *= part.boost
                    for d, score in fast.items():
                        out[d] = out.get(d, 0.0) + score * boost
                    continue
            m = part.matcher(sub, context)
            found = _jumping(m, local) if jump else _walking(m, set(local))
            for d, score in found:
                out[d + offset] = out.get(d + offset, 0.0) + score * boost
    return out


def _whoosh_sums(part, words: list, sub) -> bool:
    """Whether Whoosh scores this word query in this segment as the sum of its words'
    scores, as postings.word_scores does. A wildcard or fuzzy term of several words is an
    Or of them, and Whoosh's Or scores a small segment's union (up to 5,000 documents,
    more than two words) or a very long one (1,024 words) as 1.0 a letter instead: the
    Whoosh matcher ranks those, so the order stays Whoosh's at every index size."""
    if not isinstance(part, Expanded) or len(words) <= 2:
        return True
    return len(words) < query.Or.TOO_MANY_CLAUSES and sub.doc_count_all() > 5000


def _jumping(m, local: list[int]):
    """(doc, score) of the documents `local` (sorted) that the matcher matches, skipping."""
    for d in local:
        if not m.is_active():
            return
        if m.id() < d:
            m.skip_to(d)
            if not m.is_active():
                return
        if m.id() == d:
            yield d, m.score()


def _walking(m, wanted: set[int]):
    """(doc, score) of the documents in `wanted` that the matcher matches, in one pass."""
    while m.is_active():
        d = m.id()
        if d in wanted:
            yield d, m.score()
        m.next()


def order(
    s,
    arrays: Arrays,
    q,
    allowed: set[int],
    sort: str,
    count: int,
    clock: Deadline,
    first: set[int] | None = None,
) -> list[tuple[int, float | None]]:
    """The first `count` allowed documents in the order `sort` asks, with their scores;
    by relevance, the documents of `first` (OCR mode: matched as typed) before the rest."""
    if count <= 0:
        return []
    if sort == "relevance" and not isinstance(q, query.Every):
        found = scores(s, arrays, q, allowed, clock)
        rank = arrays.rank()
        tier = first or ()
        best = heapq.nlargest(
            count, allowed, key=lambda d: (d in tier, found.get(d, 0.0), -rank[d])
        )
        return [(d, found.get(d, 0.0)) for d in best]
    starts, _, ids = arrays.columns()
    sign = -1 if sort == "-date" else 1
    ordered = sorted(allowed, key=lambda d: (starts[d] in UNDATED, sign * starts[d], ids[d]))
    return [(d, None) for d in ordered[:count]]
