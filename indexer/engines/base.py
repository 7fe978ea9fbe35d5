"""The engine protocol: everything the rest of Missive asks of a search engine.

The archive is the truth; an engine holds a derived, searchable copy of its letters. The
CLI, the writer, the repair, the web app and the benchmarks talk to an engine only through
`Engine` and `Writer`, in Missive's own terms (letters, ids, SearchRequest, SearchResult),
never in an engine's (documents, segments, raw searchers, its query syntax or its field
encodings). Each engine lives in its own package under `indexer/engines/` and declares
what it can do in `Features`; the conformance suite (`tests/engine/`) runs the same tests
against every engine and skips by feature, never by engine name.

Errors: an engine raises IndexMissing when it has no usable index yet, IndexBusy when
another process holds the write lock, QueryError for a query it cannot run and
SearchTimeout when a search runs past its deadline; each message is one line naming the
thing, what is wrong and what is accepted. It never swallows an error to show an empty
result.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ..archive.lock import WRITE_TIMEOUT, IndexBusy
from ..errors import MissiveError
from ..records import Letter

if TYPE_CHECKING:
    from ..search import Hit, Ordered, SearchRequest, SearchResult

# Pages that could not be read: (page number, step, why); see indexer.ingest.failures.
Failure = tuple[int, str, str]
# Letters the index could not take: id -> {"fingerprint": ..., "reason": ...}.
Skips = dict[str, dict[str, str]]


class IndexMissing(MissiveError):
    """There is no usable index yet; `python -m indexer build` makes one."""


class UnknownEngine(MissiveError):
    """MISSIVE_ENGINE (or the engine asked for) names no engine Missive has."""


@dataclass(frozen=True)
class Features:
    """What an engine can do, for callers and for the conformance suite to skip by.

    A test skips by feature (`if not engine.features.more_like_this`), never by name.
    """

    name: str
    more_like_this: bool = True  # Engine.more_like_this gives similar letters
    did_you_mean: bool = True  # SearchResult.did_you_mean is filled in
    relevance_scores: bool = True  # Hit.score is a number when sorted by relevance
    parallel_build: bool = False  # rebuild(procs=n) uses n processes
    local_files: bool = True  # the index is files under EngineConfig.index (generations)


class Marks(Protocol):
    """The words of one letter's text a query matched, to mark them: an engine knows how
    it analyses words, so it says which spans of a text are hits."""

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans (start, end) of the matched words in `text`, in order."""
        ...

    def __bool__(self) -> bool:
        """False when there is nothing to mark (an empty query, a filter-only query)."""
        ...

    # Optional: `reading(word) -> str | None`, the word typed that a marked word was matched
    # as an OCR variant of ("munitlons" -> "munitions"); snippets show it after the word.


class Writer(ABC):
    """Changes to the index inside one commit: leaving the `with` block commits them all,
    an exception cancels them all and is raised again (never logged and carried on)."""

    @abstractmethod
    def replace(self, letter: Letter) -> None:
        """Index `letter`, replacing what the index held under its id."""

    @abstractmethod
    def delete(self, letter_id: str) -> None:
        """Take the letter out of the index (nothing happens when it is not there)."""

    @abstractmethod
    def record_skips(self, failed: Skips, *, read: Iterable[str] | None = None) -> None:
        """Record letters the index could not take, saved with the commit.

        `read`: the letters read again by this change; their old records are replaced by
        `failed`. None: every letter was read (a build or update), `failed` is all of them.
        """


class Engine(ABC):
    """A search engine over the letters: one per process, shared by threads.

    Reading methods may be called from several threads at once; they see the last
    committed state (an engine notices another process's commit and reopens by itself).
    """

    features: Features

    # -- writing ---------------------------------------------------------------------------
    @abstractmethod
    def write_lock(self, *, timeout: float = WRITE_TIMEOUT) -> AbstractContextManager[None]:
        """Hold Missive's one write lock (across processes) for the block; raise IndexBusy
        after `timeout` seconds. Every change to the index, and to a letter already in the
        archive, runs inside it."""

    @abstractmethod
    def writer(self) -> AbstractContextManager[Writer]:
        """Changes to the served index in one commit; IndexMissing when there is none.
        The caller holds the write lock."""

    @abstractmethod
    def rebuild(self, *, procs: int = 1) -> AbstractContextManager[Writer]:
        """A new, empty index filled by the block and served once it succeeds (the old one
        serves until then and stays when the block fails). `procs` > 1: that many writer
        processes, where `features.parallel_build`. The caller holds the write lock."""

    @abstractmethod
    def scratch(self) -> AbstractContextManager[Engine]:
        """A private, empty index of the same engine for the block, filled with its own
        `rebuild()` and removed when the block ends; the served index is not touched and
        no write lock is needed. For a few letters at a time: an as-of search indexes the
        letters changed since a moment as they were then (indexer.search.asof)."""

    @abstractmethod
    def fingerprints(self) -> dict[str, str]:
        """Every indexed letter id with the archive fingerprint it was indexed at."""

    @abstractmethod
    def failures(self) -> dict[str, list[Failure]]:
        """Every indexed letter with pages that could not be read, failures in page order."""

    @abstractmethod
    def skips(self) -> Skips:
        """The letters the served index could not take, and why ({} when none)."""

    @abstractmethod
    def damaged(self) -> str | None:
        """Why the served index cannot be read, or None (also when there is none yet)."""

    @abstractmethod
    def remove_leftovers(self) -> list[str]:
        """Remove what interrupted rebuilds left behind; their names. The caller holds the
        write lock."""

    # -- searching -------------------------------------------------------------------------
    @abstractmethod
    def search(self, req: SearchRequest) -> SearchResult:
        """One page of hits (ids, metadata, pages with hits,
        snippets), facet counts (each without its own filter), coverage by text source, the
        total, letters a text query could not search, and did-you-mean."""

    @abstractmethod
    def ordered(self, req: SearchRequest, limit: int) -> Ordered:
        """Every matching letter id in the request's order (up to
        `limit`), with the Marks of the query; for exports, without facets or snippets."""

    @abstractmethod
    def hits(
        self, letters: list[tuple[str, float | None]], marks: Marks, *, unpublished: bool = False
    ) -> list[Hit]:
        """Hits of (id, score) pairs from ordered(), snippets marking `marks`; letters gone
        since, or not public (unless `unpublished`), are left out."""

    @abstractmethod
    def marks(self, q: str, *, ocr: bool = False) -> Marks:
        """The words of a letter's text that the query `q` matches (QueryError if bad)."""

    @abstractmethod
    def get(self, letter_id: str) -> dict[str, Any] | None:
        """One letter's stored metadata (indexer.search.meta.letter_meta) with `pages_text`
        and `fingerprint`, or None when it is not indexed."""

    @abstractmethod
    def ids(self, *, status: str | None = None) -> list[str]:
        """Indexed letter ids, sorted; only those with `status` when given."""

    @abstractmethod
    def more_like_this(self, letter_id: str, *, limit: int = 5) -> list[dict[str, Any]]:
        """Metadata of up to `limit` published letters most like this one."""

    @abstractmethod
    def stats(self) -> dict[str, Any]:
        """The published collection: letters, pages, first_year, last_year, text_sources,
        years, countries (the home page's figures)."""

    @abstractmethod
    def vocabulary(self, field: str = "text") -> list[str]:
        """Every word form indexed in a query field (`text`: the letters' words as written,
        folded, not stemmed), sorted: what wildcard and fuzzy terms expand against and
        did-you-mean draws from."""

    @abstractmethod
    def close(self) -> None:
        """Release files and connections; the engine is not used again."""

    @abstractmethod
    def refresh(self) -> None:
        """See the latest commit now (reading methods also notice it by themselves)."""


__all__ = [
    "WRITE_TIMEOUT",
    "Engine",
    "Failure",
    "Features",
    "IndexBusy",
    "IndexMissing",
    "Marks",
    "Skips",
    "UnknownEngine",
    "Writer",
]
