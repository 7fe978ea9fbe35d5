"""A Missive query tree (indexer.search.querytree) as the Whoosh query the index answers.

Words go through each field's Whoosh analyzer exactly as Whoosh's own query parser sends
them (stems, folded accents; a word that splits, such as "co-chair", becomes a phrase);
a bare word searches the text and, weighing TITLE_BOOST more, the title; wildcards and
fuzzy terms expand against the unstemmed words; dates become day ranges.

The text and title are stemmed per language (languages.py): the tree is translated once
for each analysis the collection holds, and a letter matches when the whole query matches
in one of its languages.  In a language with stop words, a bare word that is one of them
is left out of an AND that has other words ("die Briefe" in German: "Briefe").
"""

from __future__ import annotations

import datetime as dt

from whoosh import qparser, query

from ...records import ymd
from ...search import natural
from ...search.errors import QueryError
from ...search.querytree import (
    And,
    DateRange,
    Everything,
    Fuzzy,
    Id,
    Most,
    Node,
    Not,
    Or,
    Phrase,
    Term,
    Wildcard,
    Year,
)
from . import analysis, languages, ranking
from .atleast import AtLeast
from .schema import SCHEMA_FIELD

# A bare word searches the text and the title, a word of the title weighing this much (its
# index-time boost taken out, ranking.py): an editor's title mostly repeats the letter's own
# key words, and counted in full it counts them twice (tuned on Cranfield: 1.0 -> 0.5 gains
# 0.01 MAP@100, 0.25 no more).
TITLE_BOOST = 0.5
NOTES_BOOST = 0.5  # an editorial note's words weigh less than the letter's own
# A bare word: the text, the title, the other readings (TEI orig, abbr, sic) and notes.
DEFAULT_FIELDS = (
    ("content", 1.0),
    ("title", TITLE_BOOST),
    ("readings", 1.0),
    ("notes", NOTES_BOOST),
)
STEMMED_FIELDS = ("content", "title")  # the fields whose words are stemmed per language


class OcrWord(query.MultiTerm):
    """A word of the text in OCR-tolerant mode: stands for the words OCR may have misread
    it as (search/ocr.py), looked up when the query is expanded (query.expand)."""

    def __init__(self, fieldname, text, boost=1.0, key: str = languages.ENGLISH, **_ignored):
        self.fieldname, self.text, self.boost, self.key = fieldname, text, boost, key

    def _btexts(self, reader):
        raise TypeError("an OCR-tolerant word is matched once query.expand looked it up")

    def __eq__(self, other):
        return type(other) is OcrWord and (other.text, other.boost, other.key) == (
            self.text,
            self.boost,
            self.key,
        )

    def __hash__(self):
        return hash((OcrWord, self.text, self.boost, self.key))

    def __str__(self):
        return f"{self.fieldname}:{self.text}"


class OcrPhrase(query.Query):
    """A phrase of the text in OCR-tolerant mode: the phrase, or its words' OCR variants
    side by side, looked up when the query is expanded (query.expand)."""

    def __init__(self, fieldname: str, typed: tuple, stems: tuple, slop: int, boost: float,
                 key: str):
        self.fieldname, self.typed, self.stems = fieldname, tuple(typed), tuple(stems)
        self.words = list(self.stems)  # as a Phrase's
        self.slop, self.boost, self.key = slop, boost, key

    def _key(self):
        return (self.fieldname, self.typed, self.stems, self.slop, self.boost, self.key)

    def __eq__(self, other):
        return type(other) is OcrPhrase and other._key() == self._key()

    def __hash__(self):
        return hash((OcrPhrase, *self._key()))

    def __repr__(self):
        return f"OcrPhrase({self.fieldname!r}, {self.typed!r}, slop={self.slop})"

    def __str__(self):
        return f'{self.fieldname}:"{" ".join(self.typed)}"'

    def is_leaf(self):
        return True

    def matcher(self, searcher, context=None):
        raise TypeError("an OCR-tolerant phrase is matched once query.expand looked it up")


class Terms(qparser.QueryParser):
    """Makes one field's term queries the way Whoosh's parser does (through the field's
    analyzer); routes expanding terms to the unstemmed field; in OCR mode, adds fuzzy
    twins to the text's words."""

    def __init__(self, schema, *, ocr: bool, key: str = languages.ENGLISH):
        super().__init__(None, schema)
        self.ocr = ocr
        self.key = key  # the analysis the stemmed fields' words are read in

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True, removestops=True):
        args = dict(boost=boost, tokenize=tokenize, removestops=removestops)
        if fieldname == "content" and termclass is not query.Term:
            # Wildcards and fuzzy terms must expand against real word forms, not stems.
            return super().term_query("exact", text, termclass, **args)
        if fieldname in STEMMED_FIELDS and self.key != languages.ENGLISH:
            if termclass is query.Term:
                q = self.stemmed_query(fieldname, text, boost)
            else:  # the title's wildcards: stemmed whole, as Whoosh does the English ones
                q = termclass(fieldname, analysis.term(self.key, text), boost=boost)
        else:
            q = super().term_query(fieldname, text, termclass, **args)
        if self.ocr and fieldname == "content" and termclass is query.Term and q is not None:
            twin = super().term_query("exact", text, OcrWord, **args)
            if isinstance(twin, OcrWord):  # a word that splits is a phrase: OcrPhrase's
                twin.key = self.key
                return query.Or([q, twin])
        return q

    def stemmed_query(self, fieldname: str, text: str, boost: float) -> query.Query | None:
        """A word's query in this language, made as Whoosh's parser makes the English one
        (a word that splits becomes the field's multi-word query, a phrase)."""
        words = analysis.words_as(self.key, text)
        if len(words) > 1:
            field = self.schema[fieldname]
            return self.multitoken_query(
                field.multitoken_query, words, fieldname, query.Term, boost
            )
        return query.Term(fieldname, words[0], boost=boost) if words else None


def date_query(first: dt.date | None, last: dt.date | None) -> query.Query:
    """Letters whose span of days (date_start..date_end) overlaps first..last (None: open)."""
    parts = []
    if last is not None:
        parts.append(query.NumericRange("date_start", None, ymd(last)))
    if first is not None:
        parts.append(query.NumericRange("date_end", ymd(first), None))
    return query.And(parts) if parts else query.Every("date_start")


def to_whoosh(
    tree: Node, schema, *, ocr: bool = False, keys: tuple[str, ...] = (languages.ENGLISH,)
) -> query.Query:
    """The Whoosh query for a tree (Every() for Everything()), matched in each analysis
    of `keys` (the collection's: languages.keys).  QueryError when nothing is left to
    search for (every word analysed away)."""
    if isinstance(tree, Everything):
        return query.Every()
    found = _in_languages(tree, schema, ocr, keys)
    forms = [q for q in (_exact(t, schema) for t in _bare_words(tree)) if q is not None]
    return query.AndMaybe(found, query.Or(forms)) if forms else found


def _bare_words(n: Node):
    """The bare words a tree asks for (not those it negates)."""
    if isinstance(n, Term) and n.field is None:
        yield n
    elif isinstance(n, And | Or | Most):
        for p in n.parts:
            yield from _bare_words(p)


def _exact(n: Term, schema) -> query.Query | None:
    """A bare word as written (folded, unstemmed), scored and never required: a letter
    holding this very form ranks above one holding another form of it (ranking.EXACT).
    Once for the whole query: the field is the same in every language."""
    words = [t.text for t in schema["exact"].tokenize(n.text, mode="query")]
    return query.Term("exact", words[0], boost=ranking.EXACT) if len(words) == 1 else None


def _in_languages(tree: Node, schema, ocr: bool, keys: tuple[str, ...]) -> query.Query:
    branches: dict[query.Query, list[str]] = {}  # a query without words is made once
    for key in sorted(set(keys) or {languages.ENGLISH}, key=lambda k: (k != languages.ENGLISH, k)):
        q = _Translation(Terms(schema, ocr=ocr, key=key), schema, key).node(tree)
        q = q.normalize() if q is not None else query.NullQuery
        if q is not query.NullQuery:
            branches.setdefault(q, []).append(key)
    if not branches:
        raise QueryError("the query has no words to search for")
    if len(branches) == 1:
        return next(iter(branches))
    if not _negates(tree):
        # A stem of one language is found only in letters of that language.
        return query.Or(list(branches))
    # A letter lacks every word of another language: a negation holds in its own only.
    return query.Or([query.AndNot(q, query.Not(_indexed_in(ks))) for q, ks in branches.items()])


def _negates(n: Node) -> bool:
    if isinstance(n, Not):
        return True
    return isinstance(n, And | Or) and any(_negates(p) for p in n.parts)


def _indexed_in(keys: list[str]) -> query.Query:
    """The letters whose words are indexed in one of these analyses (not scored: AndNot)."""
    return query.Or([query.Term("stemmed_as", k) for k in keys])


class _Translation:
    def __init__(self, terms: Terms, schema, key: str):
        self.terms = terms
        self.schema = schema
        self.key = key
        self.stops = languages.stop_words(key)
        self.language = "" if key == languages.UNSTEMMED else key  # natural.stop_words's

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
            kept = self.without_stop_words(n.parts) if isinstance(n, And) else n.parts
            parts = [q for q in (self.node(p) for p in kept) if q is not None]
            return (query.And if isinstance(n, And) else query.Or)(parts)
        if isinstance(n, Most):
            return self.most(n)
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

    def most(self, n: Most) -> query.Query | None:
        """At least natural.needed(k) of the k words that are not stop words in this
        language (natural.content), and a bonus where two of the question's words, as
        typed, stand side by side (ranking.PROXIMITY)."""
        kept, k = natural.content(n.parts, self.language)
        parts = [q for q in (self.node(p) for p in kept) if q is not None]
        if not parts:
            return None
        found = AtLeast(parts, min(k, len(parts)))
        pairs = [
            self.phrase("content", Phrase(None, (a.text, b.text)), ranking.PROXIMITY)
            for a, b in zip(n.parts, n.parts[1:], strict=False)
            if isinstance(a, Term) and isinstance(b, Term)
        ]
        pairs = [p for p in pairs if len(p.words) == 2]
        return query.AndMaybe(found, query.Or(pairs)) if pairs else found

    def without_stop_words(self, parts: tuple[Node, ...]) -> tuple[Node, ...]:
        """An AND's parts less the bare words that are stop words here, if others remain."""

        def stop(p: Node) -> bool:
            if not isinstance(p, Term) or p.field not in (None, "text", "title"):
                return False
            return p.text.lower() in self.stops

        kept = tuple(p for p in parts if not stop(p))
        return kept if kept else parts

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
        if fieldname in STEMMED_FIELDS and self.key != languages.ENGLISH:
            words = analysis.words_as(self.key, text)
        else:
            words = [t.text for t in self.schema[fieldname].tokenize(text, mode="query")]
        if self.terms.ocr and fieldname == "content":
            typed = analysis.folded_words(text)
            if len(typed) == len(words):
                return OcrPhrase(fieldname, typed, words, n.slop, boost, self.key)
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
            if q.fieldname in STEMMED_FIELDS:  # the language's prefix ("de:") must match
                q.prefixlength += len(languages.prefix(self.key))
        return q
