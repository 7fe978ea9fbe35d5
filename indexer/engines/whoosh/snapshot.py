"""A searcher that reads one commit of the index for as long as it is open.

A commit (another process's, or this one's writer thread) writes a new table of contents,
then deletes the old one and the segments it merged away, while searchers of the old
commit may still be reading them. An open file stays readable after its deletion, but
Whoosh opens some files on first use (a column's: stored fields, field lengths, sortable
values) and asks whether a file exists each time it reads a column: a deleted column would
read as empty (no stored fields, lengths of 0, no dates): wrong results, silently.

So a searcher takes the folder's files as they were listed once, right after it read the
table of contents, and opens every file its searches may read then. If a newer commit had
been written by the listing (and so files of this one may be gone), or a file is gone when
opened, the searcher is opened again, on the new commit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, FileIndex
from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher

from .ranking import WEIGHTING
from .store import IndexStore

CommitKey = tuple[str, int | None]  # the generation's folder, Whoosh's number of the commit


class ListedStorage(FileStorage):
    """A generation's folder whose files, once `freeze()` is called, are those it held
    then (Whoosh's "which files are there" no longer changes under an open searcher); it
    keeps the files it opened, to close them if opening a searcher fails half way."""

    listed: frozenset[str] | None = None

    def __init__(self, path: str):
        super().__init__(path, readonly=True)
        self.opened: list = []

    def open_file(self, name, **kwargs):
        f = super().open_file(name, **kwargs)
        self.opened.append(f)
        return f

    def freeze(self) -> None:
        self.listed = frozenset(self.list())

    def list(self) -> list[str]:
        return super().list() if self.listed is None else list(self.listed)

    def file_exists(self, name: str) -> bool:
        return super().file_exists(name) if self.listed is None else name in self.listed

    def close_opened(self) -> None:
        for f in self.opened:
            if not f.is_closed:
                f.close()


def open_commit(store: IndexStore, *, attempts: int = 5) -> tuple[CommitKey, Any]:
    """A searcher of the served commit, reading it for as long as it is open, and its key:
    searchers with one key number the documents alike.

    A reader that listed the old files a moment before a commit finds one missing: Whoosh
    raises FileNotFoundError then; opening again finds the new commit.
    """
    for attempt in range(1, attempts + 1):
        storage = None
        try:
            ix = store.open(ListedStorage)
            storage = ix.storage
            s = _searcher(ix)
            generation = s.reader().generation()  # None: no segments, no files to lose
            storage.freeze()
            # Files are deleted only after a newer commit is written, a generation only
            # after CURRENT names another: if neither had happened when the folder was
            # listed, the listing holds every file of this commit.
            folder = Path(storage.folder).name
            if generation is None or (
                ix.latest_generation() == generation and store.current_name() == folder
            ):
                open_every_file(s)  # each there, or FileNotFoundError
                return (folder, generation), s
        except BaseException as exc:
            if storage is not None:
                storage.close_opened()
            if not isinstance(exc, FileNotFoundError) or attempt == attempts:
                raise
            continue
        storage.close_opened()  # a newer commit came meanwhile: open that one
    raise FileNotFoundError(
        f"{store.root}: the index changed {attempts} times while a searcher opened it; "
        "try again"
    )


def _searcher(ix: FileIndex) -> Searcher:
    """A searcher of the index's newest commit, opened in one try: Whoosh's own
    (`ix.searcher()`) tries again when a file is missing and leaves the files of the failed
    try open until the garbage collector closes them."""
    toc = TOC.read(ix.storage, ix.indexname)
    if not toc.segments:
        return Searcher(EmptyReader(toc.schema), fromindex=ix, weighting=WEIGHTING)
    readers = [
        SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation)
        for segment in toc.segments
    ]
    reader = readers[0] if len(readers) == 1 else MultiReader(readers, generation=toc.generation)
    return Searcher(reader, fromindex=ix, weighting=WEIGHTING)  # ranking.py


def open_every_file(searcher) -> None:
    """Open now every file of the searcher's segments that a search may read: stored
    fields, each field's lengths, each sortable column. (Missive's schema keeps no term
    vectors, whose file Whoosh would open on first use too.)"""
    for sub, _ in searcher.reader().leaf_readers():
        if not sub.doc_count_all():
            continue
        sub.stored_fields(0)
        for name, field in sub.schema.items():
            if field.scorable:
                sub.doc_field_length(0, name)
            if field.column_type and sub.has_column(name):
                sub.column_reader(name)
