"""Reconcile the archive and the index after a crash: `python -m indexer check --repair`.

The archive is the truth; everything else is brought in line with it:

- staging folders of adds and uploads that never finished are removed (they were never
  acknowledged: a letter is acknowledged only once its folder is renamed into place);
- temporary files of interrupted atomic writes are removed;
- index generations left by an interrupted rebuild are removed;
- the index is updated (new, changed and removed letters, and letters with pages that could
  not be read), or rebuilt when it cannot be opened. Any other error is raised with its
  message: a rebuild would not cure it, and would hide it.

The web app runs the same at startup (webapp/gunicorn_conf.py), before it serves.
"""

from __future__ import annotations

import gc
import re
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

from . import indexing
from .archive import STAGING, Archive
from .archive.files import TEMP_NAME
from .extract import reason
from .pipeline import Reader
from .store import IndexMissing, IndexStore

_TMP = re.compile(TEMP_NAME)  # archive.files.atomic_file's temporary files
TMP_AGE = 60.0  # seconds: no atomic write of a small file takes longer


@dataclass
class RepairReport:
    staging_removed: list[str] | None = field(default_factory=list)  # None: uploads running
    temp_removed: list[str] = field(default_factory=list)
    generations_removed: list[str] = field(default_factory=list)
    index: indexing.Report | None = None
    damaged: str | None = None  # why the index could not be opened (it was rebuilt)

    def lines(self) -> list[str]:
        out = []
        if self.staging_removed is None:
            out.append("staging: letters are being added right now; their folders were left alone")
        for name in self.staging_removed or []:
            out.append(f"removed {STAGING}/{name}: an upload or add that never finished")
        for name in self.temp_removed:
            out.append(f"removed {name}: a temporary file of an interrupted write")
        for name in self.generations_removed:
            out.append(f"removed index generation {name}: left by an interrupted rebuild")
        if self.damaged:
            out.append(f"the index could not be opened ({self.damaged}); rebuilt from the archive")
        if self.index is not None:
            r = self.index
            out.extend(f"skipped {line}" for line in r.errors)
            out.append(
                f"index {'rebuilt' if r.rebuilt else 'updated'}: {len(r.indexed)} letters "
                f"indexed, {r.unchanged} unchanged, {len(r.removed)} removed, "
                f"{len(r.errors)} skipped"
            )
        return out


def _temp_files(archive: Archive) -> list[str]:
    removed = []
    cutoff = time.time() - TMP_AGE
    if not archive.letters_dir.is_dir():
        return removed
    for folder in archive.letters_dir.iterdir():
        if not folder.is_dir() or folder.name == STAGING:
            continue
        for sub in (folder, folder / "history"):
            if not sub.is_dir():
                continue
            for path in sub.iterdir():
                if _TMP.match(path.name) and path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
                    removed.append(path.relative_to(archive.letters_dir).as_posix())
    return removed


def _cannot_open(store: IndexStore) -> str | None:
    """Why the served index cannot be opened, or None when it opens (or there is none yet:
    `update` builds one)."""
    with warnings.catch_warnings():
        # Whoosh leaves the files of an index it cannot open open; they close here, quietly.
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            ix = store.open()
            try:
                with ix.searcher() as s:  # opens every segment's files
                    s.doc_count_all()
            finally:
                ix.close()
        except IndexMissing:
            return None
        except Exception as exc:  # damaged: the archive has everything to rebuild it
            return reason(exc)
        finally:
            gc.collect()
    return None


def repair(
    archive: Archive,
    store: IndexStore,
    reader: Reader,
    *,
    on_letter: Callable[[str], None] | None = None,
) -> RepairReport:
    """Bring the index and the archive's leftovers in line with the archive; say what was done."""
    report = RepairReport()
    report.staging_removed = archive.clean_staging()
    report.temp_removed = _temp_files(archive)
    if store.root.is_dir():
        with store.write_lock():
            current = store.current_name()
            report.generations_removed = sorted(
                p.name for p in store.root.glob("gen-*") if p.is_dir() and p.name != current
            )
            if current:
                store.remove_stale(keep=current)
            else:
                report.generations_removed = []  # none is served: a build may be starting
    report.damaged = _cannot_open(store)
    if report.damaged:
        report.index = indexing.build(archive, store, reader, on_letter=on_letter)
    else:
        report.index = indexing.update(archive, store, reader, on_letter=on_letter)
    return report
