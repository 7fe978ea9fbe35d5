"""The one writer: changes to letters and to the index, one at a time, across processes.

Every change to an existing letter (a correction, a status change, a publication) and
every index update runs inside the index's write lock, a file lock that the kernel
releases when its holder dies. Inside it, the change is written to the archive (each file
atomically and flushed to disk), then the letters it touched are read again and their
index entries replaced in one Whoosh commit. So changes never interleave, the archive is
on disk before the index mentions it, and the index always follows the archive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from . import indexing
from .archive import Archive
from .documents import to_document
from .errors import IngestError
from .pipeline import Reader
from .records import Letter
from .store import IndexMissing, IndexStore

Change = Callable[[], Iterable[str] | None]


@dataclass
class Written:
    """What one write did: the letters whose index entries it replaced or removed."""

    ids: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # letters saved but unreadable to index
    rebuilt: bool = False


def _documents(
    archive: Archive, reader: Reader, ids: list[str], prepared: dict[str, Letter], out: Written
) -> list[dict]:
    docs = []
    for letter_id in ids:
        if not (archive.letters_dir / letter_id).is_dir():
            out.removed.append(letter_id)
            continue
        letter = prepared.get(letter_id)
        try:
            if letter is None or letter.fingerprint != archive.fingerprint(letter_id):
                letter = reader.read(letter_id)  # read now: the archive is the truth
        except IngestError as exc:
            out.errors.append(str(exc))
            continue
        docs.append(to_document(letter))
        out.ids.append(letter_id)
    return docs


def apply(
    archive: Archive,
    store: IndexStore,
    reader: Reader,
    change: Change | None = None,
    *,
    ids: Iterable[str] = (),
    prepared: Iterable[Letter] = (),
) -> Written:
    """Run `change` (which returns the ids it touched) and re-index those letters and `ids`.

    A letter whose folder is gone is removed from the index. `prepared` letters, already
    read, are used when the archive has not changed since. When there is no usable index,
    one is built from the whole archive.
    """
    out = Written()
    letters = {letter.id: letter for letter in prepared}
    with store.write_lock():
        touched = list(ids)
        if change is not None:
            touched += list(change() or [])
        touched = list(dict.fromkeys(touched))
        try:
            ix = store.open()
        except IndexMissing:
            ix = None
        if ix is not None:
            docs = _documents(archive, reader, touched, letters, out)
            with store.writer(ix) as w:
                for letter_id in out.removed:
                    w.delete_by_term("id", letter_id)
                for doc in docs:
                    w.update_document(**doc)
            store.touch()
            return out
    report = indexing.build(archive, store, reader)  # takes the lock itself
    out.ids, out.errors, out.rebuilt = touched, report.errors, True
    return out
