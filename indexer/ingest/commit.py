"""The last ingest stage: a staged letter renamed into the archive in one rename.

A draft gets a provisional id (`draft-YYYYMMDD-<6 hex>`) and is read in the background. A
letter read at once (`add`) gets the id the archivist gave (`--id`), else one made from what
a person gave (`given_id`: never from text read off its pages), and is indexed under the
write lock, all or nothing: when the index is busy or indexing fails, the letter is taken
out of the archive again and the message says so. Only a crash between the two steps leaves it
unindexed; `check --repair` then indexes it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from contextlib import ExitStack
from pathlib import Path

from ..archive import STAGING, Archive, IndexBusy, is_id, slugify
from ..archive.lifecycle import record_added
from ..engines import Engine, IndexMissing
from ..errors import IngestError
from ..records import Letter
from .extract import reason
from .intake import Intake, is_provisional


def suggest_id(letter: Letter, first_file: Path) -> str:
    """A readable id: the date, then the sender, else the title, else the file's name."""
    parts = [letter.date.iso.replace("/", "-") if letter.date else "undated"]
    who = letter.sender.organisation or letter.sender.name or letter.sender.place
    parts.append(slugify(who or letter.title or first_file.stem, limit=50))
    return "-".join(p for p in parts if p)


def given_id(letter: Letter, first_file: Path) -> str:
    """The id of a letter added at once (`add`), from what a person gave, never from text
    read off its pages (unverified until an archivist reviews it): the date given in its
    `letter.json` or TEI header, else "undated"; then the sender or title given there,
    else the first file's name: `undated-scan-12`, `1948-05-02-ministry-of-foreign-affairs`."""
    given = {k for k, p in letter.provenance.items() if p.source in ("archivist", "tei")}
    date = letter.date.iso.replace("/", "-") if letter.date and "date" in given else "undated"
    who = next(
        (
            getattr(letter.sender, key)
            for key in ("organisation", "name", "place")
            if f"sender.{key}" in given and getattr(letter.sender, key)
        ),
        "",
    )
    title = letter.title if "title" in given else ""
    return "-".join(p for p in (date, slugify(who or title or first_file.stem, limit=50)) if p)


def new_draft_id(archive: Archive, today: dt.date | None = None) -> str:
    day = (today or dt.datetime.now(dt.UTC).date()).strftime("%Y%m%d")
    while True:
        candidate = f"draft-{day}-{secrets.token_hex(3)}"
        if not (archive.letters_dir / candidate).exists():
            return candidate


def check_free_id(archive: Archive, letter_id: str, what: str) -> None:
    """IngestError unless `letter_id` may be given to a new letter: a free letter id."""
    if not is_id(letter_id) or is_provisional(letter_id):
        raise IngestError(
            f"{what}: not added: --id {letter_id[:120]!r} is not a letter id; accepted: 1 to "
            "100 lower-case letters, digits and hyphens, starting with a letter or digit "
            "(not draft-YYYYMMDD-xxxxxx, which marks drafts)"
        )
    if (archive.letters_dir / letter_id).exists():
        raise IngestError(
            f"{what}: not added: --id {letter_id}: a letter with this id exists already; "
            "accepted: an id no letter has"
        )


def commit(intake: Intake) -> None:
    archive = intake.archive
    if intake.way.draft:
        intake.letter_id = new_draft_id(archive)
        archive.commit_staged(intake.staged, intake.letter_id)  # one rename; flushes folders
        return
    letter, engine = intake.letter, intake.engine
    if letter is None or engine is None:
        raise ValueError("a letter indexed at once needs Intake.letter and Intake.engine")
    base = given_id(letter, Path(intake.files[0].name))
    with ExitStack() as held:
        try:
            held.enter_context(engine.write_lock(timeout=intake.lock_timeout))
        except IndexBusy as exc:
            raise IndexBusy(f"{intake.what}: not added, the archive is unchanged: {exc}") from None
        # With the lock held no other writer can index the letter before it is complete.
        if intake.wanted_id:
            check_free_id(archive, intake.wanted_id, intake.what)  # taken meanwhile?
        letter.id = intake.letter_id = intake.wanted_id or archive.unique_id(base)
        record_added(intake.staged, by=intake.by)  # public from now: as-of searches ask
        archive.commit_staged(intake.staged, letter.id)
        letter.fingerprint = archive.fingerprint(letter.id)
        _index_new(intake, letter, engine)


def _index_new(intake: Intake, letter: Letter, engine: Engine) -> None:
    """Index a letter just committed; if that fails, take the letter out of the archive again.

    The caller holds the write lock, so nothing else has indexed the letter meanwhile, and
    the letter was never acknowledged: taking it back leaves archive and index as they were.
    """
    from ..indexing import build_locked  # the indexing module builds on the ingest package

    archive = intake.archive
    try:
        try:
            with engine.writer() as w:
                w.replace(letter)
        except IndexMissing:
            report = build_locked(archive, engine, intake.reader)
            if letter.id not in report.indexed:
                # Its own reason only: another letter's id may start with this one's.
                skip = report.skipped.get(letter.id)
                why = skip["reason"] if skip else f"{letter.id}: not indexed"
                raise IngestError(why) from None
    except BaseException as exc:
        _take_back(archive, letter, intake.what, exc)


def _take_back(archive: Archive, letter: Letter, what: str, exc: BaseException) -> None:
    """Remove a letter that could not be indexed, and raise why (an interrupt as it is)."""
    undo = archive.letters_dir / STAGING / f"undo-{secrets.token_hex(6)}"
    try:
        (archive.letters_dir / letter.id).rename(undo)
    except OSError as gone:
        raise IngestError(
            f"{what}: saved as letter {letter.id} but not indexed ({reason(exc)}), "
            f"and it could not be taken back ({reason(gone)}); "
            "`python -m indexer check --repair` indexes it"
        ) from exc
    archive.discard_staged(undo)
    if not isinstance(exc, Exception):
        raise exc  # an interrupt: nothing was added
    raise IngestError(
        f"{what}: not added, the archive is unchanged: indexing failed ({reason(exc)})"
    ) from exc
