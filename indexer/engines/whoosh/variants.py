"""OCR-tolerant words and phrases (translate.OcrWord, OcrPhrase) as the Whoosh queries to
run, once the collection's words are known (query.expand).

A word stands for itself and for its OCR variants (search/ocr.py: the words of the
unstemmed field within a confusion-weighted budget), each weighing less than the word
(ocr.weight), so a letter holding the word typed ranks above one holding a variant. A
phrase is the phrase, or, weighing less, any of its words' variants side by side: Whoosh
has no phrase over alternatives, so a phrase of two or three words side by side looks its
variants up in the word-pair and -triple field (`grams`: the combinations the text holds,
up to MAX_GRAMS tried), another makes up to MAX_COMBINATIONS phrases of variants, and
beyond that one span query over each position's alternatives.

The variants found are kept on the query made (`ocr_readings`), so marks can show each
variant that is rarer than the word typed with its reading ("munitlons ≈ munitions").
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from whoosh import query
from whoosh.query.spans import SpanNear2, SpanOr

from ...search import ocr
from . import analysis
from .translate import OcrPhrase, OcrWord

MAX_GRAMS = 10_000  # combinations of variants looked up in the word-pair field
MAX_COMBINATIONS = 64  # phrases of variants made one by one; more: a span query
GRAMS = "grams"  # the text's word pairs and triples (schema.py, query.GRAM_FIELDS)
READINGS = "ocr_readings"  # the attribute holding {variant: the word it stands for}
VARIANTS = "ocr_variants"  # the attribute holding the variants (folded words) matched
PHRASE = "ocr_phrase"  # True on a phrase's query: the phrase, or its variants side by side


def variants_of(
    word: str, reader, lexicon: Callable[[str], list[str]], budget, *, in_phrase: bool = False
) -> list:
    """(variant, cost) of a folded word in the unstemmed field (in a phrase or not: see
    ocr.budget), looked up once per query and counted against its budget of expanded
    words."""
    known = budget.variants
    if (word, in_phrase) not in known:
        if lexicon is None:

            def lexicon(fieldname: str) -> list[str]:
                return [w.decode("utf-8") for w in reader.lexicon(fieldname)]

        def frequency(w: str) -> int:
            return reader.doc_frequency("exact", w)

        found = ocr.variants(word, lexicon("exact"), frequency=frequency, in_phrase=in_phrase)
        known[word, in_phrase] = found
        budget.spend_words(word, len(found))
    return known[word, in_phrase]


def _readings(pairs: list[tuple[str, str]], reader) -> dict[str, str]:
    """{variant: word typed} for the variants rarer in the collection than the word."""
    out = {}
    for typed, variant in pairs:
        if reader.doc_frequency("exact", variant) < reader.doc_frequency("exact", typed):
            out[variant] = typed
    return out


def word(q: OcrWord, reader, lexicon, budget) -> query.Query:
    """The variants of a word, each weighed by its cost (the word itself is matched by its
    stem beside this query); NullQuery when it has none."""
    own = analysis.term(q.key, q.text)
    found = [(v, c) for v, c in variants_of(q.text, reader, lexicon, budget)
             if analysis.term(q.key, v) != own]
    if not found:
        return query.NullQuery
    made = query.Or([query.Term("exact", v, boost=q.boost * ocr.weight(c)) for v, c in found])
    return _keeping(made, [(q.text, v) for v, _ in found], reader)


def phrase(q: OcrPhrase, reader, lexicon, budget) -> query.Query:
    """The phrase, or (weighing less) its words' variants side by side."""
    exact = query.Phrase(q.fieldname, list(q.stems), slop=q.slop, boost=q.boost)
    positions: list[dict[str, float]] = []
    pairs: list[tuple[str, str]] = []
    for typed, stem in zip(q.typed, q.stems, strict=True):
        alternatives = {stem: 1.0}
        for v, cost in variants_of(typed, reader, lexicon, budget, in_phrase=len(q.typed) > 1):
            s = analysis.term(q.key, v)
            if s != stem and (q.fieldname, s) in reader:
                alternatives[s] = max(alternatives.get(s, 0.0), ocr.weight(cost))
                pairs.append((typed, v))
        positions.append(alternatives)
    if not pairs:
        return exact
    combos = 1
    for alternatives in positions:
        combos *= len(alternatives)

    def others():  # (words, boost) of each combination of variants
        for words in itertools.product(*positions):
            if list(words) != list(q.stems):
                yield words, q.boost * min(p[w] for p, w in zip(positions, words, strict=True))

    if q.slop == 1 and len(positions) <= 3 and q.fieldname == "content" and combos <= MAX_GRAMS:
        held = [(" ".join(w), b) for w, b in others() if (GRAMS, " ".join(w)) in reader]
        if not held:
            return exact
        alike = query.Or([query.Term(GRAMS, gram, boost=b) for gram, b in held])
    elif combos <= MAX_COMBINATIONS:
        alike = query.Or([query.Phrase(q.fieldname, list(w), slop=q.slop, boost=b)
                          for w, b in others()])
    else:
        held = [[s for s in p if (q.fieldname, s) in reader] for p in positions]
        if not all(held):
            return exact
        spans = SpanNear2(
            [SpanOr([query.Term(q.fieldname, s) for s in p]) for p in held],
            slop=q.slop,
            ordered=True,
            mindist=1,
        )
        alike = query.Or([spans], boost=q.boost * ocr.weight(ocr.EDIT))
    made = _keeping(query.Or([exact, alike]), pairs, reader)
    setattr(made, PHRASE, True)
    return made


def _keeping(made: query.Query, pairs: list[tuple[str, str]], reader) -> query.Query:
    """`made`, with the variants it stands for and the readings marks show."""
    setattr(made, VARIANTS, {v for _, v in pairs})
    setattr(made, READINGS, _readings(pairs, reader))
    return made


def readings_of(q: query.Query, *, negated: bool = False) -> tuple[set[str], dict[str, str]]:
    """The OCR variants a query matched (folded words) and their readings, leaving out
    negated parts."""
    words: set[str] = set()
    readings: dict[str, str] = {}
    if isinstance(q, query.Not):
        return words, readings
    words |= getattr(q, VARIANTS, set())
    readings.update(getattr(q, READINGS, {}))
    if isinstance(q, query.AndNot):
        children = [q.a]
    else:
        children = [] if q.is_leaf() else list(q.children())
    for child in children:
        w, r = readings_of(child)
        words |= w
        readings.update(r)
    return words, readings


def as_typed(q: query.Query) -> query.Query | None:
    """The query without its OCR variants (the words and phrases as typed), to rank the
    letters it matches first; None when the query has no variants."""
    changed = False

    def strip(n: query.Query) -> query.Query:
        nonlocal changed
        if hasattr(n, VARIANTS):
            changed = True
            # A word's variants are a part beside the word; a phrase is its first part.
            return n.subqueries[0] if getattr(n, PHRASE, False) else query.NullQuery
        return n if n.is_leaf() else n.apply(strip)

    stripped = strip(q)
    return stripped if changed else None

