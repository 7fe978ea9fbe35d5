"""Did-you-mean: close words drawn only from the text of letters the asker may read.

The index holds drafts and withdrawn letters too, and a Whoosh segment keeps the words of
replaced documents (an earlier transcript, a letter before its withdrawal) in its word
list until it is merged away. So a word list alone would suggest words no reader may see.
Every word is therefore checked against the posting lists, which skip replaced documents,
and only the documents in `visible` (the published ones, for the public) count.
"""

from __future__ import annotations

from collections.abc import Container

from whoosh import query
from whoosh.reading import IndexReader, TermNotFound

from .query import Lexicon, _leaves, _within

MAX_EDITS = 2  # a suggestion differs from the typed word by at most this many edits


def _frequency(
    reader: IndexReader,
    fieldname: str,
    word: str,
    visible: Container[int] | None,
    *,
    stop_at: int | None = None,
) -> float:
    """How often `word` occurs in the live documents of `visible` (every live document when
    None); counting stops once it reaches `stop_at`."""
    try:
        m = reader.postings(fieldname, word)
    except TermNotFound:
        return 0
    total = 0.0
    while m.is_active():
        if visible is None or m.id() in visible:
            total += m.weight()
            if stop_at is not None and total >= stop_at:
                break
        m.next()
    return total


def closest_word(
    word: str, words: list[str], reader: IndexReader, visible: Container[int] | None = None
) -> str | None:
    """The word nearest to `word` (at most MAX_EDITS edits) that occurs in a visible live
    letter: fewest edits, then most frequent there, then the later word in sort order."""
    by_edits: dict[int, list[str]] = {}
    for w, dist in _within(word, words, MAX_EDITS):
        if w != word:
            by_edits.setdefault(dist, []).append(w)
    for dist in sorted(by_edits):
        # The count over visible letters is at most the count over all, which is cheap:
        # candidates are tried from the most frequent down until none can beat the best.
        ranked = sorted(
            ((reader.frequency("exact", w), w) for w in by_edits[dist]), reverse=True
        )
        best: tuple[float, str] | None = None
        for upper, w in ranked:
            if best is not None and (upper, w) < best:
                break
            count = _frequency(reader, "exact", w, visible)
            if count and (best is None or (count, w) > best):
                best = (count, w)
        if best is not None:
            return best[1]
    return None


def suggest(
    text: str,
    q: query.Query,
    searcher,
    lexicon: Lexicon,
    visible: Container[int] | None = None,
) -> str | None:
    """The query string with each word that no visible letter holds replaced by the
    closest word that one does; None when there is nothing to replace.

    `visible`: the document numbers the asker may read (None: every live document).
    """
    reader = searcher.reader()

    def known(stem: str) -> bool:
        return _frequency(reader, "content", stem, visible, stop_at=1) > 0

    # A typed word's stems, one per language the query is matched in: it is unknown when
    # no letter holds any of them.
    stems: dict[tuple[int, int], list[str]] = {}
    for leaf, negated in _leaves(q):
        if negated or not isinstance(leaf, query.Term) or leaf.fieldname != "content":
            continue
        start, end = getattr(leaf, "startchar", None), getattr(leaf, "endchar", None)
        if start is not None and end is not None:
            stems.setdefault((start, end), []).append(leaf.text)
    replacements = []
    for (start, end), texts in stems.items():
        if any(known(t) for t in texts):
            continue
        found = closest_word(text[start:end].lower(), lexicon("exact"), reader, visible)
        if found:
            replacements.append((start, end, found))
    if not replacements:
        return None
    out = text
    for start, end, word in sorted(replacements, reverse=True):
        out = out[:start] + word + out[end:]
    return out
