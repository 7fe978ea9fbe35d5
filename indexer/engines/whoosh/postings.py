"""A word's postings read a block at a time, and scored (ranking.py).

Whoosh's matchers step through postings one document at a time, several Python calls
per document; a word in half of 20,000 letters costs tens of milliseconds that way. Its
on-disk matcher decodes a whole block of ids and weights at once, so reading those
blocks directly gives the same documents and weights for a fraction of the calls. The
scores are ranking.bm25's, fed the same weights and the same (stored, rounded) field
lengths as the Whoosh matchers' scorer (ranking.Scorer), read once per commit
(Arrays.lengths).
"""

from __future__ import annotations

from array import array

from whoosh import query
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.matching.wrappers import FilterMatcher

from . import ranking
from .query import Expanded


def words_of(q) -> tuple[str, list] | None:
    """(field, words) of a query that matches any of some words of one field and scores as
    the sum of theirs: a plain word, or a wildcard or fuzzy term with its words looked up
    (Whoosh scores those as an Or of the words); None for anything else."""
    if type(q) is query.Term and not q.minquality:
        return q.fieldname, [q.text]
    if type(q) is Expanded:
        return q.fieldname, q.words
    return None


def _bytes(sub, fieldname: str, text) -> bytes | None:
    if isinstance(text, bytes):
        return text
    try:
        return sub.schema[fieldname].to_bytes(text)
    except (KeyError, ValueError):
        return None


class Postings:
    """Words' postings decoded once per commit and kept while it serves (Arrays.postings):
    a common word's list is thousands of documents, decoding it costs milliseconds, and
    the same words come back search after search (and in every similar-letters list).
    Bounded by the postings it holds; past the bound it starts again empty."""

    LIMIT = 3_000_000  # postings, about 24 MB as arrays

    def __init__(self) -> None:
        self._lists: dict[tuple, tuple[array, array]] = {}
        self._held = 0

    def leaf(self, sub, fieldname: str, text) -> tuple[array, array]:
        """(ids, weights) of a word's live postings in one segment, ids local to it."""
        btext = _bytes(sub, fieldname, text)
        if btext is None:
            return _EMPTY
        key = (sub.reader().segment().segment_id(), fieldname, btext)
        found = self._lists.get(key)
        if found is None:
            found = _read(sub.reader(), fieldname, btext)
            if self._held + len(found[0]) > self.LIMIT:
                self._lists, self._held = {}, 0
            self._lists[key] = found
            self._held += len(found[0])
        return found


_EMPTY = (array("i"), array("f"))


def _read(reader, fieldname: str, btext: bytes) -> tuple[array, array]:
    if (fieldname, btext) not in reader:
        return _EMPTY
    m = reader.postings(fieldname, btext)
    deleted: set[int] = set()
    if isinstance(m, FilterMatcher):  # the segment's deleted documents, left out
        deleted, m = m._ids, m.child
    ids, weights = array("i"), array("f")
    if isinstance(m, W3LeafMatcher):
        while m.is_active():
            m._read_ids()
            m._read_weights()
            ids.extend(m._ids)
            weights.extend(m._weights)
            m._next_block()
    elif isinstance(m, ListMatcher):
        ids.extend(m._ids)
        weights.extend(m._weights if m._weights is not None else [1.0] * len(m._ids))
    elif not isinstance(m, NullMatcher):
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
    if deleted:
        kept = [i for i, d in enumerate(ids) if d not in deleted]
        ids = array("i", (ids[i] for i in kept))
        weights = array("f", (weights[i] for i in kept))
    return ids, weights


def word_docs(s, postings: Postings, fieldname: str, words: list) -> set[int]:
    """Every live document holding any of the words, as global document numbers."""
    out: set[int] = set()
    for sub, offset in s.leaf_searchers():
        for word in words:
            ids, _ = postings.leaf(sub, fieldname, word)
            out.update(d + offset for d in ids) if offset else out.update(ids)
    return out


def word_scores(
    s,
    postings: Postings,
    sub,
    fieldname: str,
    words: list,
    lengths: list[int],
    offset: int,
    wanted: set[int],
) -> dict[int, float] | None:
    """The score (ranking.py), summed over the words, of each document of `wanted` (global
    numbers) holding any of them in one segment; None when the searcher's weighting is
    not the engine's own (ranking.Bm25)."""
    if not isinstance(s.weighting, ranking.Bm25):
        return None
    out: dict[int, float] = {}
    n = s.doc_count_all()
    k1, b = ranking.K1, ranking.B
    per = 1.0 / ranking.field_boost(s.schema, fieldname)  # counts without the index boost
    per_length = k1 * b / (s.avg_field_length(fieldname) or 1)
    for word in words:
        btext = _bytes(sub, fieldname, word)
        if btext is None or (fieldname, btext) not in sub.reader():
            continue
        # ranking.bm25(), its constants taken out of the loop.
        idf = ranking.idf(n, s.doc_frequency(fieldname, btext))
        ids, weights = postings.leaf(sub, fieldname, btext)
        get = out.get
        for d, w in zip(ids, weights):  # noqa: B905 (the same length by construction)
            g = d + offset
            if g in wanted:
                tf = w * per
                norm = tf + k1 * (1 - b) + per_length * lengths[g]
                out[g] = get(g, 0.0) + idf * tf * (k1 + 1) / norm
    return out
