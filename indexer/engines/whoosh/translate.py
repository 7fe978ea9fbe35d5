"""A Missive query tree (indexer.search.querytree) as the Whoosh query the index answers.

Words go through each field's Whoosh analyzer exactly as Whoosh's own query parser sends
them (stems, folded accents; a word that splits, such as "co-chair", becomes a phrase);
a bare word searches the text and, weighing TITLE_BOOST more, the title; wildcards and
fuzzy terms expand against the unstemmed words; dates become day ranges.
"""

from __future__ import annotations

import datetime as dt

from whoosh import qparser, query

from ...records import ymd
from ...search.errors import QueryError
from ...search.querytree import (
    And,
    DateRange,
    Everything,
    Fuzzy,
    Id,
    Node,
    Not,
    Or,
    Phrase,
    Term,
    Wildcard,
    Year,
)
from .schema import SCHEMA_FIELD

TITLE_BOOST = 2.0  # a bare word searches the text and, weighing this much more, the title
DEFAULT_FIELDS = (("content", 1.0), ("title", TITLE_BOOST))


class OcrTerm(query.FuzzyTerm):
    """A word that also matches forms within a small edit distance (OCR slips)."""

    def __init__(self, fieldname, text, boost=1.0, **_ignored):
        n = len(text)
        maxdist = 0 if n <= 3 else 1 if n <= 6 else 2
        super().__init__(fieldname, text, boost=boost * 0.8, maxdist=maxdist, prefixlength=1)


class Terms(qparser.QueryParser):
    """Makes one field's term queries the way Whoosh's parser does (through the field's
    analyzer); routes expanding terms to the unstemmed field; in OCR mode, adds fuzzy
    twins to the text's words."""

    def __init__(self, schema, *, ocr: bool):
        super().__init__(None, schema)
        self.ocr = ocr

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True, removestops=True):
        args = dict(boost=boost, tokenize=tokenize, removestops=removestops)
        if fieldname == "content" and termclass is not query.Term:
            # Wildcards and fuzzy terms must expand against real word forms, not stems.
            return super().term_query("exact", text, termclass, **args)
        q = super().term_query(fieldname, text, termclass, **args)
        if self.ocr and fieldname == "content" and termclass is query.Term and q is not None:
            twin = super().term_query("exact", text, OcrTerm, **args)
            if twin is not None:
                return query.Or([q, twin])
        return q


def date_query(first: dt.date | None, last: dt.date | None) -> query.Query:
    """Letters whose span of days (date_start..date_end) overlaps first..last (None: open)."""
    parts = []
    if last is not None:
        parts.append(query.NumericRange("date_start", None, ymd(last)))
    if first is not None:
        parts.append(query.NumericRange("date_end", ymd(first), None))
    return query.And(parts) if parts else query.Every("date_start")


def to_whoosh(tree: Node, schema, *, ocr: bool = False) -> query.Query:
    """The Whoosh query for a tree (Every() for Everything()).  QueryError when nothing
    is left to search for (every word analysed away)."""
    if isinstance(tree, Everything):
        return query.Every()
    q = _Translation(Terms(schema, ocr=ocr), schema).node(tree)
    q = q.normalize() if q is not None else query.NullQuery
    if q is query.NullQuery:
        raise QueryError("the query has no words to search for")
    return q


class _Translation:
    def __init__(self, terms: Terms, schema):
        self.terms = terms
        self.schema = schema

    def fields(self, field: str | None) -> tuple[tuple[str, float], ...]:
        if field is None:
            return DEFAULT_FIELDS
        return ((SCHEMA_FIELD.get(field, field), 1.0),)

    def each_field(self, field: str | None, make) -> query.Query | None:
        """`make(schema_field, boost)` over the fields a term searches; a bare word's
        searches are alternatives (an Or even when one is left, as Whoosh makes them)."""
        made = [make(name, boost) for name, boost in self.fields(field)]
        made = [q for q in made if q is not None]
        if field is None:
            return query.Or(made)
        return made[0] if made else None

    def node(self, n: Node) -> query.Query | None:
        if isinstance(n, And | Or):
            parts = [q for q in (self.node(p) for p in n.parts) if q is not None]
            return (query.And if isinstance(n, And) else query.Or)(parts)
        if isinstance(n, Not):
            inner = self.node(n.part)
            return query.Not(inner) if inner is not None else None
        if isinstance(n, Term):
            return self.term(n)
        if isinstance(n, Phrase):
            return self.each_field(n.field, lambda f, b: self.phrase(f, n, b))
        if isinstance(n, Wildcard):
            return self.each_field(n.field, lambda f, b: self.wildcard(f, n.pattern, b))
        if isinstance(n, Fuzzy):
            return self.each_field(n.field, lambda f, b: self.fuzzy(f, n, b))
        if isinstance(n, DateRange):
            return date_query(n.first_day(), n.last_day())
        if isinstance(n, Year):
            return query.Term("years", str(n.year))
        if isinstance(n, Id):
            return query.Term("id", n.value)
        raise TypeError(f"not a query tree node: {n!r}")

    def term(self, n: Term) -> query.Query | None:
        if n.field in ("country", "recipient_country", "language", "source", "collection"):
            return query.Term(n.field, n.text)  # values, held as given

        def make(fieldname: str, boost: float) -> query.Query | None:
            q = self.terms.term_query(fieldname, n.text, query.Term, boost=boost)
            if q is not None and n.span is not None:
                q.startchar, q.endchar = n.span  # did-you-mean replaces the word in place
            return q

        return self.each_field(n.field, make)

    def phrase(self, fieldname: str, n: Phrase, boost: float) -> query.Query:
        text = " ".join(n.words)
        words = [t.text for t in self.schema[fieldname].tokenize(text, mode="query")]
        return query.Phrase(fieldname, words, slop=n.slop, boost=boost)

    def wildcard(self, fieldname: str, pattern: str, boost: float) -> query.Query | None:
        # munition* is a prefix query; any other pattern a wildcard.
        if "?" not in pattern and pattern.find("*") == len(pattern) - 1:
            kind, pattern = query.Prefix, pattern[:-1]
        else:
            kind = query.Wildcard
        return self.terms.term_query(
            fieldname, pattern, kind, boost=boost, tokenize=False, removestops=False
        )

    def fuzzy(self, fieldname: str, n: Fuzzy, boost: float) -> query.Query | None:
        q = self.terms.term_query(
            fieldname, n.text, query.FuzzyTerm, boost=boost, tokenize=False, removestops=False
        )
        if q is not None:
            q.maxdist, q.prefixlength = n.distance, n.prefix
        return q
