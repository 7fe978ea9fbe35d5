"""A query string as the Whoosh query to run: read by Missive's query language
(indexer.search.querylang), translated (translate), then guarded and rewritten for matching.

The Whoosh engine's own: the rest of Missive hands it a query string and gets back letters."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA
from whoosh import query
from whoosh.reading import IndexReader

from ...search import natural
from ...search.errors import QueryError, QueryTooBroad
from .. import EXPANSION_BUDGET
from . import variants
from .languages import ENGLISH
from .translate import TITLE_BOOST, OcrPhrase, OcrWord, to_whoosh

EXPANSION_LIMIT = 1000  # distinct words one wildcard or fuzzy term may stand for
# EXPANSION_BUDGET (indexer.engines): distinct words all the wildcard and fuzzy terms of one
# query may stand for together: each word is one more posting list to match and score, so
# it bounds a query's cost by count, the same on every machine.  Over 5,000 synthetic
# letters `a* OR b* OR ... w*` stands for 5,351 words and takes 3.1 s; 1,000 words take
# about 1 s (benchmarks/limits.py).


def _leaves(q: query.Query, *, negated: bool = False):
    """Yield (leaf, negated) pairs, descending through compound queries."""
    if isinstance(q, query.Not):
        yield from _leaves(q.query, negated=not negated)
    elif isinstance(q, query.AndNot):
        yield from _leaves(q.a, negated=negated)
        yield from _leaves(q.b, negated=not negated)
    elif q.is_leaf():
        yield q, negated
    else:
        for child in q.children():
            yield from _leaves(child, negated=negated)


class Expanded(query.MultiTerm):
    """A wildcard, fuzzy or range term with its words looked up once per search.

    Whoosh looks a multi-word term's words up again for every use (counting, matching,
    ranking, highlighting); a fuzzy term over a large vocabulary costs ~80 ms each time.
    """

    def __init__(self, original: query.MultiTerm, words: list[bytes]):
        self.original = original
        self.fieldname = original.field()
        self.text = getattr(original, "text", "")
        self.boost = original.boost
        self.constantscore = getattr(original, "constantscore", True)
        self.words = words

    def _btexts(self, reader):
        return iter(self.words)

    def __eq__(self, other):
        return type(other) is Expanded and other.original == self.original

    def __hash__(self):
        return hash(self.original)

    def __repr__(self):
        return f"Expanded({self.original!r}, {len(self.words)} words)"

    def __str__(self):
        return str(self.original)


Lexicon = Callable[[str], list[str]]


def _within(word: str, words: list[str], maxdist: int) -> list[tuple[str, int]]:
    """(w, edits) for the words within `maxdist` edits of `word`, by Whoosh's measure
    (optimal string alignment: a swap of neighbours is one edit), in compiled code."""
    found = process.extract(word, words, scorer=OSA.distance, score_cutoff=maxdist, limit=None)
    return [(w, dist) for w, dist, _ in found]


def _fuzzy_words(q: query.FuzzyTerm, words: list[str]) -> list[bytes]:
    """The words a fuzzy term stands for: within q.maxdist edits of q.text, sharing its
    first q.prefixlength letters."""
    prefix = q.text[: q.prefixlength]
    return sorted(
        w.encode("utf-8") for w, _ in _within(q.text, words, q.maxdist) if w.startswith(prefix)
    )


def _as_typed(term: query.MultiTerm) -> str:
    """A term as the user wrote it: a bare word is searched in the text (the "exact"
    field, for wildcards) and in the title with TITLE_BOOST; both read as the bare word."""
    text = re.sub(r"\^[0-9.]+$", "", str(term))
    field, sep, rest = text.partition(":")
    if sep and (field == "exact" or (field == "title" and term.boost == TITLE_BOOST)):
        return rest
    return text


class _Budget:
    """The words a query's wildcard and fuzzy terms have stood for so far, term by term."""

    def __init__(self, limit: int | None):
        self.limit = limit
        self.terms: list[tuple[str, int]] = []
        # Each term's words, looked up once: a query matched in several languages holds
        # the same wildcard once per language, and spends its words once.
        self.expanded: dict[query.Query, Expanded] = {}

        self.variants: dict[tuple, list] = {}  # OCR-tolerant words' (variants.variants_of)

    def spend(self, term: query.MultiTerm, words: int) -> None:
        self.spend_words(_as_typed(term), words)

    def spend_words(self, typed: str, words: int) -> None:
        self.terms.append((typed, words))
        total = sum(n for _, n in self.terms)
        if self.limit is not None and total > self.limit:
            by_term: dict[str, int] = {}
            for typed, n in self.terms:  # a* searched in the text and the title: one a*
                by_term[typed] = by_term.get(typed, 0) + n
            counted = ", ".join(f"{t} {n:,}" for t, n in list(by_term.items())[:8])
            more = ", ..." if len(by_term) > 8 else ""
            raise QueryTooBroad(
                f"the query is too broad: its wildcard and fuzzy terms stand for {total:,} "
                f"or more different words together ({counted}{more}); the limit is "
                f"{self.limit:,} words per search; use fewer wildcards, or more letters "
                "before each * (munition* rather than m*)"
            )


def _expand(
    q: query.Query, reader: IndexReader, lexicon: Lexicon | None, budget: _Budget
) -> query.Query:
    if isinstance(q, Expanded):
        return q
    if isinstance(q, OcrWord | OcrPhrase):  # looked up in the collection's words
        resolve = variants.word if isinstance(q, OcrWord) else variants.phrase
        return resolve(q, reader, lexicon, budget)
    bare = isinstance(q, query.Every) and q.fieldname not in (None, "")
    if bare or isinstance(q, query.Wildcard | query.Prefix) and not q.text.strip("*?"):
        raise QueryError("a wildcard needs at least one letter, e.g. munition*")
    if isinstance(q, query.MultiTerm):
        if q in budget.expanded:
            return budget.expanded[q]
        if isinstance(q, query.FuzzyTerm) and lexicon is not None:
            words = _fuzzy_words(q, lexicon(q.fieldname))
        else:
            words = list(itertools.islice(q._btexts(reader), EXPANSION_LIMIT + 1))
        if len(words) > EXPANSION_LIMIT:
            raise QueryTooBroad(
                f"'{_as_typed(q)}' matches more than {EXPANSION_LIMIT} different words; "
                "add more letters before the * or ?"
            )
        budget.spend(q, len(words))
        made = budget.expanded[q] = Expanded(q, words)
        return made
    if q.is_leaf():
        return q
    return q.apply(lambda child: _expand(child, reader, lexicon, budget))


def expand(
    q: query.Query,
    reader: IndexReader,
    lexicon: Lexicon | None = None,
    *,
    budget: int | None = EXPANSION_BUDGET,
) -> query.Query:
    """Look up the words of wildcard, fuzzy and range terms once, refusing a term that
    stands for more than EXPANSION_LIMIT words, a query whose terms stand for more than
    `budget` words together (QueryTooBroad; None: no limit), or a wildcard without letters.

    `lexicon(field)`, when given, lists a field's words, for fuzzy terms.
    """
    return _expand(q, reader, lexicon, _Budget(budget))


def parse(
    text: str,
    schema,
    *,
    ocr: bool = False,
    keys: Iterable[str] = (ENGLISH,),
    match: str = "all",
) -> query.Query:
    """Read a query in Missive's query language (indexer.search.querylang) into a Whoosh query
    (Every() for an empty query), matched in each of the analyses `keys` (the collection's,
    schema field `stemmed_as`), a question's words in the mode `match` asks
    (search.natural.tree); QueryError names the character at fault."""
    return to_whoosh(natural.tree(text, match), schema, ocr=ocr, keys=tuple(keys))


GRAM_FIELDS = {"content": "grams", "title": "title_grams"}


def _gram_phrase(q: query.Query) -> query.Query:
    if type(q) is not query.Phrase or q.fieldname not in GRAM_FIELDS or q.slop != 1:
        return q.apply(_gram_phrase) if not q.is_leaf() else q
    words, grams = q.words, GRAM_FIELDS[q.fieldname]
    if len(words) < 2:
        return q
    if len(words) <= 3:
        return query.Term(grams, " ".join(words), boost=q.boost)
    # Longer: every triple must be there; the positions then confirm their order.
    triples = [" ".join(words[i : i + 3]) for i in range(len(words) - 2)]
    return query.And([query.Term(grams, t) for t in triples] + [q], boost=q.boost)


def for_matching(q: query.Query) -> query.Query:
    """The query to run: phrases of the text read from the word-pair and -triple field.

    Same letters as the positional phrase (no stop words, so consecutive words are
    consecutive positions); a phrase over a page break is found by both.  Snippets and
    highlighting keep using the parsed query.
    """
    return _gram_phrase(q)


def highlight_terms(q: query.Query, reader: IndexReader) -> dict[str, set[str]]:
    """The indexed words the query matches, by field, leaving out negated parts."""
    out: dict[str, set[str]] = {}
    for leaf, negated in _leaves(q):
        if negated:
            continue
        try:
            terms = leaf.existing_terms(reader, phrases=True, expand=True)
        except Exception:  # a leaf over a field without terms: nothing to highlight
            continue
        for fieldname, btext in terms:
            text = btext.decode("utf-8") if isinstance(btext, bytes) else str(btext)
            out.setdefault(fieldname, set()).add(text)
    return out

