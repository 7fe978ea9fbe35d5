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

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from . import indexing
from .archive import STAGING, Archive
from .archive.files import TEMP_NAME
from .engines import Engine
from .ingest.reader import Reader

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


def repair(
    archive: Archive,
    engine: Engine,
    reader: Reader,
    *,
    on_letter: Callable[[str], None] | None = None,
) -> RepairReport:
    """Bring the index and the archive's leftovers in line with the archive; say what was done."""
    report = RepairReport()
    report.staging_removed = archive.clean_staging()
    report.temp_removed = _temp_files(archive)
    with engine.write_lock():
        report.generations_removed = engine.remove_leftovers()
    report.damaged = engine.damaged()
    if report.damaged:
        report.index = indexing.build(archive, engine, reader, on_letter=on_letter)
    else:
        report.index = indexing.update(archive, engine, reader, on_letter=on_letter)
    return report
