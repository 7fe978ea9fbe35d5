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


def suggest(searching: Searching, q: str, tree: Node, unpublished: bool) -> str | None:
    """The query with each word no letter the asker may see holds replaced by the
    nearest word one does; None when nothing is replaced."""
    visible = searching.visibility(unpublished)
    public = searching.remembered(
        f"words:{unpublished}", lambda: searching.values("exact", visible)
    )
    replacements = []
    for term in _positive_words(tree):
        if _holds(searching, term.text, unpublished):
            continue
        word = fold(q[term.span[0]:term.span[1]])
        near = process.extract(word, list(public), scorer=OSA.distance,
                               score_cutoff=MAX_EDITS, limit=None)
        near = [(dist, -public[w], w) for w, dist, _ in near if w != word]
        if near:
            dist = min(n[0] for n in near)
            best = max((-negcount, w) for d, negcount, w in near if d == dist)
            replacements.append((term.span[0], term.span[1], best[1]))
    if not replacements:
        return None
    out = q
    for start, end, word in sorted(replacements, reverse=True):
        out = out[:start] + word + out[end:]
    return out


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
