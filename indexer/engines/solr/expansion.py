"""The query syntax Missive writes for Solr's standard parser (escaped words, quoted
values) and the expansion of wildcard, fuzzy and OCR-tolerant terms against the
collection's words, looked up once per query and counted against the expansion budget
(EXPANSION_BUDGET, QueryTooBroad), the same as in every engine."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ...search import ocr
from ...search.errors import QueryTooBroad
from ...search.querytree import Fuzzy, Term, Wildcard
from . import analysis
from .analysis import ENGLISH

EXPANSION_LIMIT = 1000  # distinct words one wildcard or fuzzy term may stand for
# Expanded words one query writes out as scored clauses; beyond them (Lucene's limit is
# 1,024 clauses a query, every language branch counting) they match with a constant score.
SCORED_CLAUSES = 400
NOTHING = "(-*:*)"  # matches no letter (a wildcard that stands for no word)
_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/ ])')

# Words of the collection a field holds, for wildcard and fuzzy expansion.
Vocabulary = Callable[[str], list[str]]
# Letters holding a folded word of the text (`exact`), for OCR variants.
Frequency = Callable[[str], int]


def escape(text: str) -> str:
    """`text` as one literal term of the lucene syntax."""
    return _SPECIAL.sub(r"\\\1", text)


def quoted(text: str) -> str:
    """`text` as a quoted literal (a phrase, or a value with spaces)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class MarkTerms:
    """What a query matched, for marks: (analysis, indexed form) of its words, and the
    folded words its wildcard and fuzzy terms stand for."""

    stems: set[tuple[str, str]] = field(default_factory=set)
    words: set[str] = field(default_factory=set)
    readings: dict[str, str] = field(default_factory=dict)  # OCR variant -> word typed


class Expansion:
    """Wildcard and fuzzy terms looked up once per search and counted against a budget."""

    def __init__(self, vocabulary: Vocabulary, budget: int | None,
                 frequency: Frequency | None = None, keys: tuple[str, ...] = (ENGLISH,)):
        self.vocabulary = vocabulary
        self.keys = keys
        self.frequency = frequency or (lambda _w: 0)
        self.budget = budget
        self.spent: list[tuple[str, int]] = []
        self.done: dict[tuple, list[str]] = {}
        self.clauses = 0  # words written out as clauses so far
        self.params: dict[str, str] = {}  # request parameters the query string refers to

    def ocr_variants(self, word: str, *, in_phrase: bool) -> list[tuple[str, float]]:
        """(variant, cost) of a folded word among the text's words (search/ocr.py), looked
        up once per query and counted against the budget."""
        memo = ("ocr", word, in_phrase)
        if memo not in self.done:
            found = ocr.variants(word, self.vocabulary("exact"), frequency=self.frequency,
                                 in_phrase=in_phrase)
            # A form of the word in one of the collection's languages is the word itself.
            found = [(v, c) for v, c in found
                     if all(analysis.stem(k, v) != analysis.stem(k, word) for k in self.keys)]
            self.spend(word, len(found))
            self.done[memo] = found
        return self.done[memo]

    def spend(self, typed: str, count: int) -> None:
        self.spent.append((typed, count))
        total = sum(n for _, n in self.spent)
        if self.budget is not None and total > self.budget:
            counted = ", ".join(f"{t} {n:,}" for t, n in self.spent[:8])
            more = ", ..." if len(self.spent) > 8 else ""
            raise QueryTooBroad(
                f"the query is too broad: its wildcard and fuzzy terms stand for {total:,} "
                f"or more different words together ({counted}{more}); the limit is "
                f"{self.budget:,} words per search; use fewer wildcards, or more letters "
                "before each * (munition* rather than m*)"
            )

    def param(self, value: str) -> str:
        """`value` as a new request parameter; its name."""
        name = f"part{len(self.params)}"
        self.params[name] = value
        return name

    def render(self, fieldname: str, words: list[str], boost: float = 1.0) -> str:
        """any_of_words, scored while the query stays within SCORED_CLAUSES."""
        scored = self.clauses + len(words) <= SCORED_CLAUSES
        if scored:
            self.clauses += len(words)
        return any_of_words(fieldname, words, boost, scored=scored)

    def words(self, node: Wildcard | Fuzzy | Term, fields: tuple[str, ...], typed: str,
              match: Callable[[list[str]], list[str]]) -> list[str]:
        memo = (node, fields)
        if memo in self.done:
            return self.done[memo]
        pool = sorted(set().union(*(self.vocabulary(f) for f in fields)))
        found = match(pool)
        if len(found) > EXPANSION_LIMIT:
            raise QueryTooBroad(
                f"'{typed}' matches more than {EXPANSION_LIMIT:,} different words; "
                "add more letters before the * or ?"
            )
        self.spend(typed, len(found))
        self.done[memo] = found
        return found


def pattern_words(pattern: str) -> Callable[[list[str]], list[str]]:
    rx = re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    )
    return lambda pool: [w for w in pool if rx.fullmatch(w)]


def fuzzy_words(text: str, distance: int, prefix: int) -> Callable[[list[str]], list[str]]:
    """Words within `distance` edits (optimal string alignment: a swap of neighbours is
    one edit, as in the Whoosh engine) sharing the first `prefix` letters."""
    start = text[:prefix]

    def match(pool: list[str]) -> list[str]:
        near = process.extract(text, pool, scorer=OSA.distance, score_cutoff=distance,
                               limit=None)
        return sorted(w for w, _, _ in near if w.startswith(start))

    return match


def any_of_words(fieldname: str, words: list[str], boost: float = 1.0, *,
                 scored: bool = True) -> str:
    """Letters holding any of `words` (indexed forms of `fieldname`): scored word by word,
    or as one constant-score `terms` query when there are too many words for a boolean
    query (Lucene refuses more than 1,024 clauses in one query)."""
    if not words:
        return NOTHING
    if not scored:
        # Index words of an unstemmed field: letters, digits and inner dots only.
        return f"{{!terms f={fieldname} v='{','.join(words)}'}}"
    inner = " OR ".join(escape(w) for w in words)
    return f"{fieldname}:({inner})" + (f"^{boost:g}" if boost != 1.0 else "")
