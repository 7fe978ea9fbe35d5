"""A TEI letter coming in (`add`, upload, inbox): the TEI file told by its content, checked
whole before anything is kept, and the letter's files named in the archive.

The TEI becomes `letter.tei.xml`; page images keep the names they were given, since the
TEI's `pb/@facs` names them. An edition's list of persons given with it (teilists) is cut
to the entries the letter names, kept as `letter.persons.tei.xml`. A TEI letter takes its
text from the TEI: a plain transcript or a PDF beside it is refused (it would be a second
text of the same pages).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..archive import write_atomic
from ..errors import IngestError
from .extract.tei import TEI_NAME, is_tei, read_tei
from .extract.teilists import LISTS_NAME, cut, is_person_list
from .intake import File

HEAD = 8192
# Names the archive gives a meaning of its own (transcripts, word boxes, sidecars).
_RESERVED = re.compile(r"(^\.|^page-\d+\.|\.(txt|json|hocr|xml|md)$)", re.IGNORECASE)
ACCEPTED_WITH_TEI = "one TEI file and the page images its pb/@facs name"


def is_tei_file(path: Path) -> bool:
    """Whether the file is TEI by its first bytes (root <TEI> in the TEI namespace)."""
    with open(path, "rb") as fh:
        return is_tei(fh.read(HEAD))


def tei_page_count(f: File) -> int:
    """Read the staged TEI whole (a broken one is refused now, naming the file as given)."""
    try:
        return len(read_tei(f.staged).pages)
    except IngestError as exc:
        text = str(exc)
        if text.startswith(f.staged.name):
            text = f.name + text[len(f.staged.name) :]
        raise IngestError(text) from None


def tei_kind(f: File) -> tuple[str, int]:
    """("tei", its pages) for a TEI letter, ("tei-persons", 0) for an edition's list of
    persons; a broken letter is refused now, naming the file as given."""
    if is_person_list(f.staged):
        return "tei-persons", 0
    return "tei", tei_page_count(f)


def _keep_persons(files: list[File], letter: File) -> None:
    """Cut the lists of persons to the entries the letter names, in one file."""
    lists = [f for f in files if f.kind == "tei-persons"]
    data = cut(letter.staged, [f.staged for f in lists], [f.name for f in lists]) if lists else None
    for f in lists[1:] if data else lists:  # nothing named: no list is kept
        files.remove(f)
        f.staged.unlink()
    if data:
        write_atomic(lists[0].staged, data)
        lists[0].stored_as = LISTS_NAME


def facs_names(path: Path) -> set[str]:
    """The image names a TEI file's `pb/@facs` give (for picking its images from a folder)."""
    return {p.facs for p in read_tei(path).pages if p.facs}


def plan_tei(files: list[File]) -> bool:
    """Name a TEI letter's files in the archive; False when no file is TEI."""
    teis = [f for f in files if f.kind == "tei"]
    if not teis:
        persons = next((f for f in files if f.kind == "tei-persons"), None)
        if persons is not None:
            raise IngestError(
                f"{persons.name}: a list of persons, not a letter; accepted: TEI letters "
                "with the list of persons they name"
            )
        return False
    if len(teis) > 1:
        raise IngestError(
            f"{len(teis)} TEI files ({', '.join(f.name for f in teis)}); accepted: one TEI "
            "file per letter (`python -m indexer add` makes a folder of TEI files one "
            "letter each)"
        )
    _keep_persons(files, teis[0])
    for f in files:
        if f.kind == "tei":
            f.stored_as = TEI_NAME
        elif f.kind == "tei-persons":
            pass  # named by _keep_persons
        elif f.kind == "image" and not _RESERVED.search(f.name):
            f.stored_as = f.name
        else:
            what = (
                "an image with a name the archive keeps for other files"
                if (f.kind == "image")
                else f"a {f.kind} file beside a TEI letter"
            )
            raise IngestError(f"{f.name}: {what}; accepted: {ACCEPTED_WITH_TEI}")
    return True
