"""A Missive query tree (indexer.search.querytree) as a query string for Solr's standard
(lucene) parser, with every word the user typed escaped: user text never reaches Solr as
syntax.

Words are cut as the configset cuts them (analysis.words) and sent one by one, so a word
that splits ("co-chair") becomes a phrase of its parts; Solr's field analyzers then fold
and stem them. The tree is translated once per analysis the collection holds ("en",
"de", ..., "_"), each branch limited to the letters indexed in it (`stemmed_as`), as the
Whoosh engine matches a query in each language. Wildcard and fuzzy terms are expanded
here against the field's words (the terms component), within the same budget as every
engine (EXPANSION_BUDGET, QueryTooBroad). The parser runs with q.op=OR: AND is written out
as `+` on each part, NOT as `(*:* -part)` so that it also holds alone or in a group.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from ...records import ymd
from ...search import natural, ocr
from ...search.errors import QueryError
from ...search.querytree import (
    VALUE_FIELDS,
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
from . import analysis
from .analysis import ENGLISH, UNSTEMMED
from .expansion import (
    NOTHING,
    Expansion,
    Frequency,
    MarkTerms,
    Vocabulary,
    escape,
    fuzzy_words,
    pattern_words,
    quoted,
)

TITLE_BOOST = 2.0
NOTES_BOOST = 0.5
EVERYTHING = "*:*"

# An OCR variant weighs ocr.weight(cost) beside the word typed, scaled down further so
# that every letter matching as typed ranks above the letters matching by variants only.
VARIANT_SCALE = 0.01
MAX_COMBINATIONS = 64  # phrases of OCR variants made for one phrase
# A natural question's two words side by side: a phrase weighing this much beside them
# (not tuned on Solr; the Whoosh engine's 0.2 is, on its own scores).
PROXIMITY = 2.0
EXACT_FORM = 0.2  # the form typed, beside the word's other forms (as the Whoosh engine)


def text_field(k: str) -> str:
    return {ENGLISH: "content", UNSTEMMED: "exact"}.get(k, f"content_{k}")


def title_field(k: str) -> str:
    return {ENGLISH: "title", UNSTEMMED: "title_exact"}.get(k, f"title_{k}")


# Where a wildcard or fuzzy term of a field looks for its words (unstemmed fields).
EXPANDED_FIELDS = {
    None: ("exact", "title_exact", "readings", "notes"),
    "text": ("exact",),
    "title": ("title_exact",),
    "sender": ("sender",),
    "recipient": ("recipient",),
    "place": ("place",),
}


class Translation:
    """The tree in one analysis `k`; `marks` gathers what its positive words match."""

    def __init__(self, k: str, expansion: Expansion, marks: MarkTerms, *, ocr: bool):
        self.k = k
        self.expansion = expansion
        self.marks = marks
        self.ocr = ocr
        self.stops = analysis.stop_words(k)

    def fields(self, name: str | None) -> tuple[tuple[str, float], ...]:
        if name is None:
            return ((text_field(self.k), 1.0), (title_field(self.k), TITLE_BOOST),
                    ("readings", 1.0), ("notes", NOTES_BOOST))
        if name == "text":
            return ((text_field(self.k), 1.0),)
        if name == "title":
            return ((title_field(self.k), 1.0),)
        return ((name, 1.0),)

    def node(self, n: Node, negated: bool = False) -> str | None:
        if isinstance(n, And):
            parts = [p for p in (self.node(x, negated) for x in self.without_stops(n.parts)) if p]
            return "(" + " ".join(f"+{p}" for p in parts) + ")" if parts else None
        if isinstance(n, Or):
            parts = [p for p in (self.node(x, negated) for x in n.parts) if p]
            return "(" + " ".join(parts) + ")" if parts else None
        if isinstance(n, Most):
            return self.most(n, negated)
        if isinstance(n, Not):
            inner = self.node(n.part, not negated)
            return f"({EVERYTHING} -{inner})" if inner else None
        if isinstance(n, Term):
            return self.term(n, negated)
        if isinstance(n, Phrase):
            return self.phrase(n, negated)
        if isinstance(n, Wildcard | Fuzzy):
            return self.expanded(n, negated)
        if isinstance(n, DateRange):
            return date_query(n)
        if isinstance(n, Year):
            return f"years:{int(n.year)}"
        if isinstance(n, Id):
            return f"id:{quoted(n.value)}"
        if isinstance(n, Everything):
            return EVERYTHING
        raise TypeError(f"not a query tree node: {n!r}")

    def most(self, n: Most, negated: bool) -> str | None:
        """At least natural.needed(k) of the k words that are not stop words in this
        language (natural.content): Solr's bool parser with `mm`, the parts as parameters
        (scored as the sum of the parts a letter holds)."""
        kept, k = natural.content(n.parts, "" if self.k == UNSTEMMED else self.k)
        parts = [p for p in (self.node(x, negated) for x in kept) if p]
        if not parts:
            return None
        should = " ".join(f"should=${self.expansion.param(p)}" for p in parts)
        found = f"{{!bool {should} mm={min(k, len(parts))}}}"
        # A bonus where two of the question's words, as typed, stand side by side.
        pairs = [
            f"{text_field(self.k)}:{quoted(' '.join(analysis.words(a.text + ' ' + b.text)))}"
            f"^{PROXIMITY:g}"
            for a, b in zip(n.parts, n.parts[1:], strict=False)
            if isinstance(a, Term) and isinstance(b, Term)
            and len(analysis.words(a.text + " " + b.text)) == 2
        ]
        return f"(+{found} {' '.join(pairs)})" if pairs else found

    def without_stops(self, parts: tuple[Node, ...]) -> tuple[Node, ...]:
        """An AND's parts less the bare words that are stop words here, if others remain."""

        def stop(p: Node) -> bool:
            return (isinstance(p, Term) and p.field in (None, "text", "title")
                    and p.text.lower() in self.stops)

        kept = tuple(p for p in parts if not stop(p))
        return kept or parts

    def mark(self, words: list[str], fieldname: str | None, negated: bool) -> None:
        if negated or fieldname not in (None, "text", "title"):
            return
        for w in words:
            self.marks.stems.add((self.k, analysis.stem(self.k, w)))

    def either(self, made: list[str]) -> str | None:
        made = [m for m in made if m]
        if not made:
            return None
        return made[0] if len(made) == 1 else "(" + " ".join(made) + ")"

    def term(self, n: Term, negated: bool) -> str | None:
        if n.field in VALUE_FIELDS:
            return f"{n.field}:{quoted(n.text)}"
        words = analysis.words(n.text)
        if not words:
            return None
        self.mark(words, n.field, negated)
        made = []
        for fieldname, boost in self.fields(n.field):
            body = escape(words[0]) if len(words) == 1 else quoted(" ".join(words))
            made.append(f"{fieldname}:{body}" + (f"^{boost:g}" if boost != 1.0 else ""))
        if self.ocr and n.field in (None, "text"):
            if len(words) == 1:
                made.append(self.ocr_twin(words[0], negated))
            else:
                made.append(self.ocr_phrases(words, "", negated))
        return self.either(made)

    def ocr_twin(self, word: str, negated: bool) -> str | None:
        """The word's OCR variants among the text's words, each weighing less than the
        word (a variant that stems as the word is the word)."""
        folded = analysis.fold(word)
        found = self.expansion.ocr_variants(folded, in_phrase=False)
        if not found:
            return None
        self.keep_readings(folded, [v for v, _ in found], negated)
        return "(" + " ".join(
            f"exact:{escape(v)}^{ocr.weight(c) * VARIANT_SCALE:.6f}" for v, c in found
        ) + ")"

    def keep_readings(self, typed: str, variants: list[str], negated: bool) -> None:
        """Mark the variants; a variant rarer than the word typed is shown with it."""
        if negated:
            return
        self.marks.words.update(variants)
        own = self.expansion.frequency(typed)
        for v in variants:
            if self.expansion.frequency(v) < own:
                self.marks.readings[v] = typed

    def ocr_phrases(self, words: list[str], slop: str, negated: bool) -> str | None:
        """The phrase's words or their variants side by side, in the text's unstemmed
        words, each combination weighing as its costliest variant (the cheapest
        MAX_COMBINATIONS of them)."""
        positions = []
        for w in words:
            folded = analysis.fold(w)
            found = self.expansion.ocr_variants(folded, in_phrase=len(words) > 1)
            self.keep_readings(folded, [v for v, _ in found], negated)
            positions.append([(folded, 0.0), *found])
        combos = sorted(
            (max(c for _, c in combo), [v for v, _ in combo])
            for combo in itertools.product(*positions)
            if any(c for _, c in combo)
        )[:MAX_COMBINATIONS]
        if not combos:
            return None
        return "(" + " ".join(
            f"exact:{quoted(' '.join(vs))}{slop}^{ocr.weight(cost) * VARIANT_SCALE:.6f}"
            for cost, vs in combos
        ) + ")"

    def phrase(self, n: Phrase, negated: bool) -> str | None:
        words = analysis.words(" ".join(n.words))
        if not words:
            return None
        self.mark(words, n.field, negated)
        # Missive's slop 1 is the words side by side; n: each within n positions of the
        # last (Lucene counts the moves of all the words together).
        slop = (n.slop - 1) * max(1, len(words) - 1)
        tail = f"~{slop}" if slop else ""
        made = []
        for fieldname, boost in self.fields(n.field):
            made.append(f"{fieldname}:{quoted(' '.join(words))}{tail}"
                        + (f"^{boost:g}" if boost != 1.0 else ""))
        if self.ocr and n.field in (None, "text"):
            made.append(self.ocr_phrases(words, tail, negated))
        return self.either(made)

    def expanded(self, n: Wildcard | Fuzzy, negated: bool) -> str:
        if n.field in ("id", *VALUE_FIELDS) and isinstance(n, Wildcard):
            # Ids and values: Solr's own wildcard over the values as given.
            return f"{n.field}:" + "".join(
                c if c in "*?" else escape(c) for c in n.pattern
            )
        if isinstance(n, Wildcard):
            pattern = analysis.fold(n.pattern)
            if not pattern.strip("*?"):
                raise QueryError("a wildcard needs at least one letter, e.g. munition*")
            typed, match = n.pattern, pattern_words(pattern)
        else:
            text = analysis.fold(n.text)
            typed, match = str(n), fuzzy_words(text, n.distance, n.prefix)
        sources = EXPANDED_FIELDS.get(n.field)
        if sources is None:
            raise QueryError(f"{n.field}: takes no wildcard or fuzzy term; accepted in the "
                             "text, title, sender, recipient and place")
        found = self.expansion.words(n, sources, typed, match)
        if not negated and n.field in (None, "text", "title"):
            self.marks.words.update(found)
        boosts = {"title_exact": TITLE_BOOST, "notes": NOTES_BOOST} if n.field is None else {}
        made = [self.expansion.render(f, found, boosts.get(f, 1.0)) for f in sources]
        return self.either(made) or NOTHING


def date_query(n: DateRange) -> str:
    """Letters whose span of days (date_start..date_end) overlaps the range's days."""
    first, last = n.first_day(), n.last_day()
    parts = []
    if last is not None:
        parts.append(f"+date_start:[* TO {ymd(last)}]")
    if first is not None:
        parts.append(f"+date_end:[{ymd(first)} TO *]")
    return "(" + " ".join(parts) + ")"


def to_solr(
    tree: Node,
    keys: tuple[str, ...],
    vocabulary: Vocabulary,
    *,
    ocr: bool = False,
    budget: int | None = None,
    frequency: Frequency | None = None,
) -> tuple[str, MarkTerms, dict[str, str]]:
    """The query string for `tree` matched in each analysis of `keys` (the collection's),
    what it matched for marks, and the request parameters the string refers to (run it
    with q.op=OR). QueryError when no word is left to search for."""
    marks = MarkTerms()
    if isinstance(tree, Everything):
        return EVERYTHING, marks, {}
    ordered = sorted(set(keys) or {ENGLISH}, key=lambda k: (k != ENGLISH, k))
    expansion = Expansion(vocabulary, budget, frequency, tuple(ordered))
    branches: dict[str, list[str]] = {}
    for k in ordered:
        made = Translation(k, expansion, marks, ocr=ocr).node(tree)
        if made:
            branches.setdefault(made, []).append(k)
    if not branches:
        raise QueryError("the query has no words to search for")
    if len(ordered) == 1:
        joined = next(iter(branches))
    else:
        # A letter is matched in the analyses it is indexed in (its languages).
        parts = [f"(+stemmed_as:({' OR '.join(escape(k) for k in ks)}) +{q})"
                 for q, ks in branches.items()]
        joined = parts[0] if len(parts) == 1 else "(" + " ".join(parts) + ")"
    # A bare word as written (folded, unstemmed), scored and never required: a letter
    # holding this very form ranks above one holding another form of it.
    forms = {analysis.fold(w[0]) for w in (analysis.words(t.text) for t in _bare_words(tree))
             if len(w) == 1}
    if forms:
        bonus = " ".join(f"exact:{escape(w)}^{EXACT_FORM:g}" for w in sorted(forms))
        joined = f"(+{joined} {bonus})"
    return joined, marks, expansion.params


def _bare_words(n: Node) -> Iterator[Term]:
    """The bare words a tree asks for (not those it negates)."""
    if isinstance(n, Term) and n.field is None:
        yield n
    elif isinstance(n, And | Or | Most):
        for p in n.parts:
            yield from _bare_words(p)
