"""What every search reads of one commit of the Whoosh index, read once per commit: each
document's facet values, dates and id, the published and live documents, the order by id,
the words of a field. Held by document number, so a search combines them as sets and
lists instead of asking the index term by term.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from whoosh import query

from ...records import DateValue, ymd
from ...search.facets import most_common_names
from .documents import FACET_FIELDS, NAMES
from .postings import Postings

# What the date column gives for undated letters (decoded, or as the raw sortable key);
# they sort last in both directions.
UNDATED = (2**31 - 1, 2**32 - 1)


def column(reader, fieldname: str, default, convert: Callable | None = None) -> list:
    """A column's values by document number, across segments.

    `convert` turns raw column values into field values (faster than Whoosh's own
    translation, value by value).  A segment where no document had the field has no
    column for it: its documents get `default`.
    """
    values: list = []
    for sub, _offset in reader.leaf_readers():
        count = sub.doc_count_all()
        if sub.has_column(fieldname):
            if convert is None:
                values.extend(sub.column_reader(fieldname))
            else:
                values.extend(map(convert, sub.column_reader(fieldname, translate=False)))
        else:
            values.extend([default] * count)
    return values


def _day(raw: int) -> int:
    """A date column's raw value (Whoosh's sortable form of a signed 32-bit int) as YYYYMMDD."""
    return raw - (1 << 31)


class Arrays:
    """The arrays of one commit, each read on first use and kept while it serves.

    Shared by the threads searching that commit (pool.SearcherPool): each array is read
    once, by one thread, through this object's own searcher (no other thread reads through
    it), and never changed after; the searches only read them. The dicts of remembered()
    are the exception: searches add to them, one dict operation at a time.
    """

    def __init__(self, searcher):
        self.searcher = searcher
        self._cache: dict[str, Any] = {}
        # Reentrant: reading one array may read another (a facet's values, the facets).
        self._reading = threading.RLock()

    def _get(self, key: str, read: Callable[[], Any]) -> Any:
        value = self._cache.get(key)
        if value is None:
            with self._reading:  # the others wait for the one thread reading it
                value = self._cache.get(key)
                if value is None:
                    value = self._cache[key] = read()
        return value

    def warm(self, fieldnames: set[str]) -> None:
        """Read what every search uses, before a search's deadline starts: the first search
        after the index changed does it for all (about 1.2 s at 50,000 letters), and it is
        no one search's cost."""
        self.published()
        self.columns()
        for fieldname in fieldnames:
            self.field_values(fieldname)
        self.labels(public=True)  # the public's names of persons and places

    def field_values(self, fieldname: str) -> list[tuple[str, ...]]:
        """Each document's values of a field, by document number."""
        if fieldname in FACET_FIELDS:
            facets = self._facets()
            return self._get(fieldname, lambda: [tuple(v.get(fieldname, ())) for v in facets])
        return self._get(fieldname, lambda: self._from_postings(fieldname))

    def _facets(self) -> list[dict[str, Any]]:
        return self._get("__facets__", lambda: column(self.searcher.reader(), "facets", {}))

    def labels(self, public: bool) -> dict[str, str]:
        """The named facets' labels: each value's most common name in any of them (a
        person's id is named alike as sender and recipient) over the public letters (or
        every letter, for archivists), the same whatever a search matches."""

        def read() -> dict[str, str]:
            facets = self._facets()
            docs = self.published() if public else self.all()
            names = (facets[d].get(NAMES, {}).values() for d in docs)
            return most_common_names(tuple(p) for fields in names for ps in fields for p in ps)

        return self._get(f"__labels_{public}__", read)

    def _from_postings(self, fieldname: str) -> list[tuple[str, ...]]:
        reader = self.searcher.reader()
        acc: list[list[str]] = [[] for _ in range(reader.doc_count_all())]
        # Segment by segment: a term looked up through the whole index is looked up in
        # every segment.
        for sub, offset in reader.leaf_readers():
            if fieldname not in sub.indexed_field_names():
                continue
            for btext in sub.lexicon(fieldname):
                text = btext.decode("utf-8")
                for docnum in sub.postings(fieldname, btext).all_ids():
                    acc[docnum + offset].append(text)
        return [tuple(v) for v in acc]

    def columns(self) -> tuple[list[int], list[int], list[str]]:
        """Each document's first and last day (YYYYMMDD) and id, by document number."""

        def read() -> tuple[list[int], list[int], list[str]]:
            reader = self.searcher.reader()
            undated = UNDATED[0]
            return (
                column(reader, "date_start", undated, _day),
                column(reader, "date_end", undated, _day),
                column(reader, "id", "", bytes.decode),
            )

        return self._get("__columns__", read)

    def date_set(self, date_from: str | None, date_to: str | None) -> set[int]:
        """Documents whose date range overlaps [from, to], read from the column arrays."""
        starts, ends, _ = self.columns()
        lo = ymd(DateValue.parse(date_from).start) if date_from else 0
        hi = ymd(DateValue.parse(date_to).end) if date_to else UNDATED[0] - 1
        return {
            d
            for d, (a, b) in enumerate(zip(starts, ends, strict=True))
            if a not in UNDATED and a <= hi and b >= lo
        }

    def published(self) -> set[int]:
        """Documents the public may see."""
        term = query.Term("status", "published")
        return self._get("__published__", lambda: set(self.searcher.docs_for_query(term)))

    def all(self) -> set[int]:
        """Every live document."""
        return self._get("__all__", lambda: set(self.searcher.docs_for_query(query.Every())))

    def rank(self) -> list[int]:
        """Each document number's place when documents are ordered by id."""

        def read() -> list[int]:
            ids = self.columns()[2]
            ranks = [0] * len(ids)
            for place, d in enumerate(sorted(range(len(ids)), key=ids.__getitem__)):
                ranks[d] = place
            return ranks

        return self._get("__rank__", read)

    def lengths(self, fieldname: str) -> list[int]:
        """Each document's length of a field as Whoosh stores it (rounded; 1 when empty),
        what its scorer divides by (postings.word_scores)."""

        def read() -> list[int]:
            out: list[int] = []
            for sub, _offset in self.searcher.reader().leaf_readers():
                length = sub.doc_field_length
                out.extend(length(d, fieldname, 1) for d in range(sub.doc_count_all()))
            return out

        return self._get(f"__lengths_{fieldname}__", read)

    def postings(self) -> Postings:
        """Words' postings decoded for this commit (postings.Postings)."""
        return self._get("__postings__", Postings)

    def lexicon(self, fieldname: str) -> list[str]:
        """Every word of a field, for fuzzy terms and did-you-mean."""
        reader = self.searcher.reader()
        return self._get(
            f"__lexicon_{fieldname}__",
            lambda: [w.decode("utf-8") for w in reader.lexicon(fieldname)],
        )

    def remembered(self, key: str) -> dict:
        """A dict kept with this searcher (more-like-this lists, the collection's stats)."""
        return self._get(f"__{key}__", dict)
