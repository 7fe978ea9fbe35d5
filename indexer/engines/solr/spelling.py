"""Did-you-mean: for each word of a query that no letter the asker may read holds, the
nearest word one does (fewest edits, then the most letters, then the later word), drawn
from the words of those letters only (a facet of `exact` over them), never a draft's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ...search.querytree import Node, Not, Term
from .analysis import fold
from .translate import to_solr

if TYPE_CHECKING:
    from .searching import Searching

MAX_EDITS = 2  # a suggestion differs from the typed word by at most this many edits
# The word list may be this many seconds behind the index: a word a new letter brings is
# offered within this time; a word no visible letter holds any more is never offered, as
# each candidate is checked against the current commit (`_holds`).
WORDS_MAX_AGE = 30.0


def suggest(searching: Searching, q: str, tree: Node, unpublished: bool) -> str | None:
    """The query with each word no letter the asker may see holds replaced by the
    nearest word one does; None when nothing is replaced."""
    unknown = [t for t in _positive_words(tree) if not _holds(searching, t.text, unpublished)]
    if not unknown:  # every word is in a letter the asker may read: the list is not needed
        return None
    visible = searching.visibility(unpublished)
    public = searching.remembered(
        f"words:{unpublished}", lambda: searching.values("exact", visible), WORDS_MAX_AGE
    )
    replacements = []
    for term in unknown:
        word = fold(q[term.span[0]:term.span[1]])
        near = process.extract(word, list(public), scorer=OSA.distance,
                               score_cutoff=MAX_EDITS, limit=None)
        # Fewest edits, then the most letters, then the later word; the first a letter
        # the asker may read holds now (the list may be older than the last write).
        ranked = sorted(((d, public[w], w) for w, d, _ in near if w != word),
                        key=lambda c: (c[0], -c[1], _reverse(c[2])))
        best = next((w for _, _, w in ranked if _holds(searching, w, unpublished)), None)
        if best is not None:
            replacements.append((term.span[0], term.span[1], best))
    if not replacements:
        return None
    out = q
    for start, end, word in sorted(replacements, reverse=True):
        out = out[:start] + word + out[end:]
    return out


def _reverse(word: str) -> tuple[int, ...]:
    """A key that sorts words in reverse order (the later word first among equals)."""
    return tuple(-ord(c) for c in word) + (1,)


def _holds(searching: Searching, word: str, unpublished: bool) -> bool:
    text, _, _ = to_solr(Term("text", word), searching.keys(), searching.terms)
    found = searching.select({"q": "{!lucene q.op=OR v=$qq}", "qq": text, "rows": 0,
                              "fq": searching.visibility(unpublished)})
    return found["response"]["numFound"] > 0


def _positive_words(tree: Node) -> list[Term]:
    """The bare or text words of a query not under a NOT, with their place in it."""
    out: list[Term] = []

    def walk(n: Node) -> None:
        if isinstance(n, Not):
            return
        if isinstance(n, Term):
            if n.field in (None, "text") and n.span is not None:
                out.append(n)
            return
        for part in getattr(n, "parts", ()):
            walk(part)

    walk(tree)
    return out
