"""At least k of some queries: the Whoosh form of Missive's Most node (search.natural).

Whoosh's Or takes a `minmatch` it does not implement, and its normalize() would merge a
nested Or into an Or with minmatch; this query keeps its own kind.  matching.docs counts
its parts' letters; its score is the sum of the parts a letter matches (matching.scores).
"""

from __future__ import annotations

from whoosh import query
from whoosh.query import qcore


class AtLeast(query.CompoundQuery):
    """Letters matching at least `k` of the subqueries."""

    JOINT = " | "

    def __init__(self, subqueries, k: int, boost: float = 1.0):
        super().__init__(subqueries, boost=boost)
        self.k = k

    def __repr__(self) -> str:
        return f"AtLeast({self.subqueries!r}, {self.k})"

    def __unicode__(self) -> str:
        return f"({self.JOINT.join(str(s) for s in self.subqueries)})>={self.k}"

    __str__ = __unicode__

    def __eq__(self, other) -> bool:
        return super().__eq__(other) and self.k == other.k

    def __hash__(self) -> int:
        return super().__hash__() ^ hash(self.k)

    def normalize(self) -> query.Query:
        parts = [s.normalize() for s in self.subqueries]
        parts = [s for s in parts if s is not qcore.NullQuery]
        if not parts:
            return qcore.NullQuery
        return AtLeast(parts, min(self.k, len(parts)), boost=self.boost)

    def apply(self, fn) -> query.Query:
        return AtLeast([fn(s) for s in self.subqueries], self.k, boost=self.boost)

    def _matcher(self, subs, searcher, context):
        # Only a fallback (matching.docs counts the parts): the union of the parts.
        return query.Or(self.subqueries, boost=self.boost)._matcher(subs, searcher, context)
