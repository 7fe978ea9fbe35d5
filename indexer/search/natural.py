"""Natural questions: a query typed as words, with no operator, that no letter answers whole.

A researcher types "what similarity laws must be obeyed when constructing aeroelastic
models"; hardly any letter holds every word.  Missive first asks for every word (the
"all" mode, the query language's meaning); when no letter has them all, it asks again
for the letters that have enough of them (the "most" mode), ranked by how many words
they hold and how well (the engine's score adds up the words a letter has), and says so.

The rule, the same for every engine:

- a query is a *question* when it holds two plain words or more side by side and no
  `AND` or `OR`; its other parts (a quoted phrase, `+word`, `-word`, `NOT word`, a field,
  a wildcard or fuzzy term) keep their strict meaning beside the words; a question mark
  at a word's end or start ("aircraft?") is punctuation there, as brackets and a lone
  dash are everywhere;
- "all" answers when at least MIN_ALL (10) letters hold every word of a question of three
  words or more (stop words aside), or one letter those of a question of two; otherwise
  "most" does (the letters with every word are among them, mostly first);
- in "most" mode a letter must hold `needed(n)` of the question's n words that are not
  stop words of its language (`stop_words`), at least one; the stop words are left out
  (they block no letter and let in none), except in the pairs of words side by side that
  rank a letter higher ("models of heated").

An engine translates the `querytree.Most` node these make; `answer()` runs the two
searches around an engine's own.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from functools import cache
from typing import Protocol, TypeVar

from whoosh.lang.stopwords import stoplists

from . import querylang
from .querytree import And, Most, Node, Term, Wildcard

# Letters holding every word for the "all" mode to answer a question of three words or
# more (not counting stop words); a question of two answers in "all" mode with one letter.
MIN_ALL = 10
SHARE = 0.25  # of a question's words (stop words aside) a letter must hold in "most" mode

_EDGES = re.compile(r"^\W+|\W+$")
_OPERATOR = re.compile(r"(?:^|[\s(\"])(?:AND|OR)(?=[\s(\"]|$)")


def needed(n: int) -> int:
    """Words of n (stop words aside) a letter must hold in "most" mode: a quarter, rounded
    down, at least one (Solr's `mm=25%`)."""
    return max(1, int(n * SHARE))


@cache
def stop_words(language: str) -> frozenset[str]:
    """A language's stop words for a question (ISO 639-1 code; lower case, unaccented as
    typed): the common stop word lists (English too); none for a language without one."""
    code = {"nb": "no"}.get(language, language)
    return frozenset(stoplists.get(code, ()))


def _bare(word: str) -> str:
    return _EDGES.sub("", word.lower())


def content(parts: tuple[Node, ...], language: str) -> tuple[tuple[Node, ...], int]:
    """The parts of a Most node that count in a letter of `language` (its stop words left
    out, unless nothing else is left) and how many of them a letter must hold."""
    stops = stop_words(language)
    kept = tuple(p for p in parts if not (isinstance(p, Term) and _bare(p.text) in stops))
    kept = kept or parts
    return kept, needed(len(kept))


def _word(q: str, part: Node) -> Term | None:
    """A part of a question as a plain word: a bare word not written +word, or a word
    whose only wildcard is a question mark at its end or start ("aircraft?", "?slip?"),
    read as the word itself; None for anything else (it stays as written)."""
    if isinstance(part, Term) and part.field is None:
        plus = part.span is not None and part.span[0] > 0 and q[part.span[0] - 1] == "+"
        return None if plus else part
    if isinstance(part, Wildcard) and part.field is None:
        word = part.pattern.strip("?")
        if word and not any(c in word for c in "?*"):
            return Term(None, word)
    return None


def question(q: str, tree: Node) -> tuple[tuple[Term, ...], tuple[Node, ...]] | None:
    """A natural question's plain words and its other parts, which keep their strict
    meaning (a phrase, +word, -word, a field); None when the query is no question (fewer
    than two plain words, or an AND or OR anywhere)."""
    if not isinstance(tree, And) or _OPERATOR.search(q):
        return None
    words, rest = [], []
    for part in tree.parts:
        word = _word(q, part)
        (words if word is not None else rest).append(word or part)
    if len(words) < 2:
        return None
    return tuple(dict.fromkeys(words)), tuple(rest)


def words(q: str) -> int:
    """How many different plain words a question asks, not counting English stop words
    (the figure the result line gives: "No letter has all 7 words")."""
    found = question(q, querylang.parse(q))
    bare = {_bare(t.text) for t in found[0]} - {""} if found else set()
    return len(bare - stop_words("en")) or len(bare)


def tree(q: str, match: str) -> Node:
    """The query tree to run for a request's query and mode: in "most" mode a question's
    plain words as a Most node beside its other parts; anything else as parsed."""
    parsed = querylang.parse(q)
    found = question(q, parsed) if match == "most" else None
    if not found:
        return parsed
    words, rest = found
    return And((Most(words), *rest)) if rest else Most(words)


class _Answer(Protocol):
    total: int
    match: str


A = TypeVar("A", bound=_Answer)


def answer(run: Callable, req) -> A:
    """An engine's answer to a request (`run(request)`: a SearchResult or Ordered), in the
    mode the request asks or, for "auto", "all" and then "most" when too few letters hold
    every word; the answer's `match` says which mode answered."""
    if req.match != "auto" or question(req.q, querylang.parse(req.q)) is None:
        found = run(req)
        most = req.match == "most" and question(req.q, querylang.parse(req.q)) is not None
        found.match = "most" if most else "all"
        return found
    strict = run(dataclasses.replace(req, match="all"))
    strict.match = "all"
    if strict.total >= (MIN_ALL if words(req.q) >= 3 else 1):
        return strict
    loose = run(dataclasses.replace(req, match="most"))
    loose.match = "most"
    loose.strict_total = strict.total
    if getattr(loose, "did_you_mean", None) is None and hasattr(strict, "did_you_mean"):
        loose.did_you_mean = strict.did_you_mean  # a misspelt word is still worth a hint
    return loose
