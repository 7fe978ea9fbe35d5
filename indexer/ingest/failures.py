"""Pages that could not be read: OCR that failed, a PDF text layer that broke or ran long.

Such a page is indexed with what could be read (often nothing), and the failure is recorded
per page in the index (Engine.failures gives them back), never in the archive: the archive
holds what archivists put there, and a failure is a fact about one reading of it. From the
index, `python -m indexer check` lists each letter with failed pages (and exits 1), the
archivist's pages show them, and `update` reads those letters again. Failed pages are never
cached, so each reading tries them afresh.
"""

from __future__ import annotations

from ..engines import Engine, Failure, IndexMissing

STEPS = {"ocr": "OCR", "pdf-text": "PDF text layer", "render": "page image"}
SHOWN = 3  # failures spelt out per letter in `check`; the review page lists them all


def describe(failures: list[Failure]) -> str:
    """One line: which pages, at which step, why."""
    return "; ".join(f"page {n}: {STEPS.get(step, step)}: {why}" for n, step, why in failures)


def check_lines(engine: Engine) -> list[str]:
    """One line per letter with pages that could not be read, for `check`."""
    try:
        found = engine.failures()
    except IndexMissing:
        return []  # `check` reports the missing index itself
    lines = []
    for letter_id, failures in sorted(found.items()):
        pages = len({n for n, _step, _why in failures})
        more = len(failures) - SHOWN
        detail = describe(failures[:SHOWN]) + (f"; and {more} more" if more > 0 else "")
        lines.append(
            f"{letter_id}: {pages} page{'' if pages == 1 else 's'} could not be read ({detail}); "
            "`python -m indexer update` tries again"
        )
    return lines
