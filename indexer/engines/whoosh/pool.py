"""Searchers lent to searches, so that threads search the index at the same time.

A Whoosh searcher reads a segment's files through file objects it opened itself, with a
seek and then a read on each (`StructFile.get`: not positional). Missive's segments are
separate files (`store.writer`, `compound=False`), and Whoosh's FileStorage maps only
compound files into memory, so every read goes through such a shared file position: two
threads reading through one searcher move each other's position and read torn data.

So a searcher serves one search at a time. Each search borrows one of the served commit's
searchers (each with file objects of its own over the same files: nothing of the index is
copied into memory) and gives it back; a searcher is opened when none is free, and up to
IDLE wait for the next searches. The arrays every search reads (arrays.Arrays) are read
once per commit, through a searcher of their own, and shared read-only by all searches of
that commit: searchers of one commit number the documents alike.

When the index changes (a commit, a new generation) the next search opens the new commit;
the old one is retired, and its searchers are closed as soon as no search holds them, so
files a commit deleted are not kept open.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .arrays import Arrays
from .snapshot import CommitKey, open_commit
from .store import IndexStore

# Free searchers kept per process for the next searches: as many as searches gunicorn's
# threads run at once (webapp/gunicorn_conf.py); a search beyond them opens a searcher and
# closes it after. Each holds a few file descriptors per segment file it has read.
IDLE = 4


class Commit:
    """One commit of the index as searched: its arrays (with their own searcher) and the
    searchers of the same commit that are free; `lent` counts those borrowed."""

    def __init__(self, key: CommitKey, searcher):
        self.key = key
        self.arrays = Arrays(searcher)
        self.free: list[Any] = []
        self.lent = 0
        self.retired = False

    def keep(self, s) -> None:
        """Keep a searcher no search holds for the next, up to IDLE of them."""
        if len(self.free) < IDLE and not self.retired:
            self.free.append(s)
        else:
            s.close()

    def close(self) -> None:
        for s in self.free:
            s.close()
        self.free = []
        self.arrays.searcher.close()


class SearcherPool:
    """The served commit's searchers, lent one per search; reopened when the index changes."""

    def __init__(self, store: IndexStore):
        self.store = store
        self._lock = threading.Lock()
        self._commit: Commit | None = None
        self._stamp: tuple | None = None
        self._retired: list[Commit] = []  # replaced, still lent to a search

    def _stamp_now(self) -> tuple:
        # What changes when the index does: the served generation, or the time the writer
        # recorded after a commit (store.touch).
        info = self.store.info()
        return (self.store.current_name(), info.get("updated"), info.get("built"))

    def current(self) -> Commit:
        """The served commit, opened anew when the index changed since the last look."""
        with self._lock:
            return self._current()

    def _current(self) -> Commit:
        stamp = self._stamp_now()
        if self._commit is None or stamp != self._stamp:
            key, s = open_commit(self.store)
            self._adopt(key, s)
            self._stamp = stamp
        assert self._commit is not None
        return self._commit

    def _adopt(self, key: CommitKey, s) -> Commit:
        """Take a freshly opened searcher: another of the served commit's, or the first of
        a newer commit, which replaces the served one."""
        commit = self._commit
        if commit is not None and key == commit.key:
            commit.keep(s)
            return commit
        self._retire()
        self._commit = Commit(key, s)
        return self._commit

    def _retire(self) -> None:
        old, self._commit = self._commit, None
        if old is None:
            return
        old.retired = True
        if old.lent:
            self._retired.append(old)  # closed when the last search gives it back
        else:
            old.close()

    @contextmanager
    def borrow(self) -> Iterator[tuple[Any, Arrays]]:
        """A searcher of the served commit for this thread alone, with the commit's arrays."""
        commit, s = self._take()
        try:
            yield s, commit.arrays
        finally:
            self._give_back(commit, s)

    def _take(self) -> tuple[Commit, Any]:
        with self._lock:
            commit = self._current()
            while not commit.free:
                # Opened under the lock: opening reads the newest commit, so searchers are
                # opened in the order of the commits, and a commit that landed since the
                # stamp was read becomes the served one here.
                key, s = open_commit(self.store)
                commit = self._adopt(key, s)
            s = commit.free.pop()
            commit.lent += 1
            return commit, s

    def _give_back(self, commit: Commit, s) -> None:
        with self._lock:
            commit.lent -= 1
            commit.keep(s)
            if commit.retired and not commit.lent:
                commit.close()
                self._retired.remove(commit)

    def close(self) -> None:
        """Close the searchers; those lent close when given back. A later search reopens."""
        with self._lock:
            self._retire()
            self._stamp = None

