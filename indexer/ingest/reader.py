"""Ingest, as an ordered list of stages: preflight -> sources -> text -> OCR -> metadata.

`read_letters` turns archive folders into Letter records; OCR of pages without text is
batched across letters and run in parallel, and cached outside the archive (it is
derived data: the index can be rebuilt from the archive alone).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..archive import Archive, file_digest, write_atomic
from ..archive.sidecar import SIDECAR, PageSpec, page_specs, read_sidecar
from ..errors import IngestError, MissiveError
from ..records import Letter, Page, Party, Word
from . import extract
from .extract import ocr, reason
from .extract.text import read_text
from .extract.words import read_word_file
from .metadata import extract_metadata, is_sure, suggestion
from .metadata.dates import collection_year
from .teimerge import has_tei, read_tei_folder

_PAGE_FILE = re.compile(
    r"^page-0*(\d+)\.(txt|words\.json|hocr|alto\.xml|page\.xml)$", re.IGNORECASE
)
_AUX = re.compile(r"\.(txt|json|hocr|xml|md)$", re.IGNORECASE)
OCR_RECIPE = 3  # bump when OCR preprocessing changes, so cached results are redone
OCR_BATCH = 16  # letters read before their pending pages are OCR'd together


@dataclass
class _Pending:
    """A letter whose pages still wait for OCR."""

    letter: Letter
    folder: Path
    jobs: list[tuple[Page, Path, str]] = field(default_factory=list)  # page, file, cache key


class OcrCache:
    """OCR results on disk, keyed by the image file's hash, frame, languages and dpi."""

    def __init__(self, root: Path | None):
        self.root = root

    def key(self, digest: str, frame: int, langs: str) -> str:
        return f"{digest[:40]}-{frame}-{langs.replace('+', '_')}-{extract.RENDER_DPI}-v{OCR_RECIPE}"

    def get(self, key: str) -> ocr.OcrResult | None:
        if self.root is None:
            return None
        try:
            data = json.loads((self.root / f"{key}.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None
        words = [Word(*w) for w in data["words"]]
        return ocr.OcrResult(data["text"], words, data["width"], data["height"], data["conf"])

    def put(self, key: str, result: ocr.OcrResult) -> None:
        if self.root is None:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        words = [[w.text, w.x, w.y, w.w, w.h, w.conf, w.line] for w in result.words]
        data = {
            "text": result.text,
            "words": words,
            "width": result.width,
            "height": result.height,
            "conf": result.mean_conf,
        }
        write_atomic(self.root / f"{key}.json", json.dumps(data).encode())


def page_files(folder: Path) -> dict[int, dict[str, Path]]:
    """Transcripts and word files by page number: {1: {"txt": path, "words": path}}."""
    found: dict[int, dict[str, Path]] = {}
    for path in folder.iterdir():
        m = _PAGE_FILE.match(path.name)
        if m and path.is_file():
            kind = "txt" if m[2].lower() == "txt" else "words"
            found.setdefault(int(m[1]), {})[kind] = path
    return found


def _in_folder(folder: Path, name: str, field: str) -> Path:
    """The file a sidecar names, which must be in the letter's folder."""
    path = folder / name
    if not path.is_file():
        raise IngestError(
            f"{folder.name}/{SIDECAR}: {field}: {name!r} is not a file in the letter's "
            "folder; accepted: the name of a file in the letter's folder"
        )
    return path


def page_sources(folder: Path, specs: list[PageSpec]) -> list[tuple[Path, int | None]]:
    """Page sources in page order: (file, frame) with frame None meaning every frame."""
    if specs:
        return [
            (_in_folder(folder, spec.image, f"pages[{i}].image"), spec.frame)
            for i, spec in enumerate(specs)
        ]
    files = [
        p
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith(".") and not _AUX.search(p.name)
    ]
    sources = [(p, None) for p in files if extract.sniff(p) in ("image", "pdf")]
    pdfs = [p for p, _ in sources if extract.sniff(p) == "pdf"]
    if len(pdfs) > 1:
        raise IngestError(
            f"{folder.name}: holds {len(pdfs)} PDFs ({', '.join(p.name for p in pdfs)}); "
            "a letter holds at most one PDF"
        )
    return sources


def _build_pages(folder: Path, sidecar: dict) -> list[Page]:
    extras = page_files(folder)
    specs = page_specs(sidecar, where=f"{folder.name}/{SIDECAR}")
    pages: list[Page] = []
    for i, (path, frame) in enumerate(page_sources(folder, specs)):
        found = extract.read_source(path)
        if frame is not None and not any(sp.frame == frame for sp in found):
            raise IngestError(
                f"{folder.name}/{SIDECAR}: pages[{i}].frame: {path.name} has no frame or "
                f"page {frame}; accepted: 0 to {len(found) - 1} for this file"
            )
        for sp in found:
            if frame is not None and sp.frame != frame:
                continue
            n = len(pages) + 1
            origin = "pdf-text" if sp.text else "none"
            pages.append(Page(n, sp.text or "", origin, path.name, sp.frame, sp.width, sp.height))
            if sp.text_error:
                pages[-1].failures.append(("pdf-text", sp.text_error))
    if not pages:  # a transcript-only letter: its transcripts in order, numbered from 1
        numbers = sorted(k for k, v in extras.items() if "txt" in v)
        extras = {i: extras[n] for i, n in enumerate(numbers, start=1)}
        pages = [Page(i) for i in extras]
    for page in pages:
        files = extras.get(page.n, {})
        spec = specs[page.n - 1] if page.n <= len(specs) else None
        txt, words = files.get("txt"), files.get("words")
        if spec is not None and spec.transcript:
            txt = _in_folder(folder, spec.transcript, f"pages[{page.n - 1}].transcript")
        if spec is not None and spec.words:
            words = _in_folder(folder, spec.words, f"pages[{page.n - 1}].words")
        if txt is not None and txt.is_file():
            page.text = read_text(txt)
            page.origin = "transcript" if page.text.strip() else page.origin
            page.transcript = txt.name
        if words is not None and words.is_file():
            page.words, htr = read_word_file(words, width=page.width, height=page.height)
            if htr and htr.strip() and page.origin != "transcript":
                # A PAGE or ALTO file is the HTR/OCR tool's reading of the page: it is the
                # page's text unless a person's transcript is there (before PDF and OCR).
                page.text, page.origin = htr, "htr"
    return pages


# A sidecar's given date, as its year (a sidecar over this size is not read for it).
_GIVEN_YEAR = re.compile(r'"date"\s*:\s*"?(\d{4})')
SIDECAR_YEAR_BYTES = 64 * 1024


def _merge_metadata(letter: Letter, year_hint: Callable[[], int | None]) -> None:
    """Fill what the sidecar left out from the text, marking each value as extracted.
    `year_hint()`: the year the archive's dated letters lie around, asked only when the
    date is to be read from the text (for years written "23" or "901")."""
    given = letter.provenance
    found = extract_metadata(
        [p.text for p in letter.pages],
        languages="languages" not in given,
        given=set(given),
        year_hint=None if "date" in given else year_hint(),
    )
    for key, item in found.items():
        if key in given or (key == "date_as_written" and "date" in given):
            continue
        if not is_sure(item):  # shown to archivists as a suggestion, never set
            letter.suggestions[key] = suggestion(item)
            continue
        if key in ("date", "date_as_written", "languages"):
            setattr(letter, key, item.value)
        elif key.startswith("sender."):
            setattr(letter.sender, key.split(".", 1)[1], item.value)
        elif key.startswith("recipient."):
            if not letter.recipients:
                letter.recipients.append(Party())
            setattr(letter.recipients[0], key.split(".", 1)[1], item.value)
        else:
            continue
        given[key] = item.provenance


def _stopped(letter_id: str, exc: Exception) -> IngestError:
    """The error that stopped one letter of a batch, naming the letter."""
    if not isinstance(exc, IngestError):
        # Every known fault is an IngestError; anything else is reported, not raised,
        # so that one letter cannot stop the archive.
        exc = IngestError(f"{letter_id}: cannot be read ({reason(exc)})")
    elif not str(exc).startswith((f"{letter_id}/", f"{letter_id}:")):
        exc = IngestError(f"{letter_id}: {exc}")  # a file's message: say whose file it is
    exc.letter_id = letter_id
    return exc


class Reader:
    """Reads letters from an archive into records, with OCR where text is missing."""

    def __init__(
        self,
        archive: Archive,
        *,
        ocr_cache: Path | None = None,
        use_ocr: bool = True,
        ocr_workers: int | None = None,
    ):
        self.archive = archive
        self.cache = OcrCache(ocr_cache)
        # OCR wanted; whether Tesseract is there is asked for each letter, so that a
        # missing Tesseract is recorded as a failure and one installed later is used.
        self.use_ocr = use_ocr
        self.ocr_workers = ocr_workers
        self._year_hint: list[int | None] = []

    def year_hint(self) -> int | None:
        """The median year of the dates the archive's sidecars give (read once per reader):
        a collection's letters lie around it, which resolves a dateline's "25. 6. 23"."""
        if not self._year_hint:
            self._year_hint.append(collection_year(self._given_years()))
        return self._year_hint[0]

    def _given_years(self) -> Iterator[int]:
        for letter_id in self.archive.ids():
            path = self.archive.letters_dir / letter_id / "letter.json"
            try:
                if path.stat().st_size > SIDECAR_YEAR_BYTES:
                    continue
                found = _GIVEN_YEAR.search(path.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                continue
            if found:
                yield int(found.group(1))

    def _start(self, letter_id: str, folder: Path | None = None) -> _Pending:
        folder = folder or self.archive.folder(letter_id)
        letter = Letter(id=letter_id)
        try:
            sidecar = read_sidecar(folder, letter)
            if has_tei(folder):  # a TEI letter: its pages and header, under letter.json
                read_tei_folder(folder, letter, page_files(folder))
            else:
                letter.pages = _build_pages(folder, sidecar)
        except MissiveError as exc:
            if isinstance(exc, IngestError):
                raise
            raise IngestError(str(exc)) from exc
        if not letter.pages and not letter.is_catalogue:
            raise IngestError(
                f"{letter_id}: the letter has no page image, PDF or transcript; "
                "a letter needs text or at least one image, or is a catalogue record "
                '(an "edition" in its letter.json)'
            )
        pending = _Pending(letter, folder)
        langs = ocr.tesseract_langs(letter.languages)
        installed = ocr.available()
        digests: dict[str, str] = {}
        for page in letter.pages:
            if page.origin in ("transcript", "htr"):
                page.failures.clear()  # a transcript makes the text layer unnecessary
            if page.text.strip() or page.image is None:
                continue
            if page.image not in digests:
                digests[page.image] = file_digest(folder / page.image)
            key = self.cache.key(digests[page.image], page.frame, langs)
            cached = self.cache.get(key)
            if cached is not None:
                self._apply_ocr(page, cached)
            elif self.use_ocr and installed:
                pending.jobs.append((page, folder / page.image, key))
            elif self.use_ocr:
                page.failures.append(("ocr", f"cannot OCR: {ocr.NOT_INSTALLED}"))
        return pending

    @staticmethod
    def _apply_ocr(page: Page, result: ocr.OcrResult) -> None:
        page.text = result.text
        page.origin = "ocr" if result.text.strip() else "none"
        if page.words is None:
            page.words = result.words

    def _finish(self, pending: _Pending) -> Letter:
        from ..archive.lifecycle import last_text_change

        letter = pending.letter
        _merge_metadata(letter, self.year_hint)
        letter.changed = last_text_change(pending.folder)
        letter.fingerprint = self.archive.fingerprint(letter.id)
        return letter

    def _run_ocr(self, batch: list[_Pending], on_page: Callable[[int], None] | None) -> None:
        jobs = [(p, job) for p in batch for job in p.jobs]
        if not jobs:
            return
        langs = {id(p): ocr.tesseract_langs(p.letter.languages) for p in batch}
        loaders = [
            (lambda path=path, frame=page.frame: extract.load_page_image(path, frame))
            for _, (page, path, _key) in jobs
        ]
        # Letters may want different languages: run each language set as its own batch.
        by_langs: dict[str, list[int]] = {}
        for i, (p, _) in enumerate(jobs):
            by_langs.setdefault(langs[id(p)], []).append(i)
        for lang, idxs in by_langs.items():
            results = ocr.ocr_many(
                [loaders[i] for i in idxs],
                langs=lang,
                workers=self.ocr_workers,
                progress=on_page,
                names=[f"page {jobs[i][1][0].n}" for i in idxs],
            )
            for i, result in zip(idxs, results, strict=True):
                page, _path, key = jobs[i][1]
                if isinstance(result, ocr.OcrResult):
                    self.cache.put(key, result)
                    self._apply_ocr(page, result)
                else:  # recorded, never cached: the next `update` tries the page again
                    step = getattr(result, "step", "ocr")
                    page.failures.append((step, getattr(result, "why", str(result))))

    def read(self, letter_id: str, *, on_page: Callable[[int, int], None] | None = None) -> Letter:
        """Read one letter completely (running OCR now if needed).

        `on_page(done, total)` is told how many of the pages that need OCR are done.
        """
        pending = self._start(letter_id)
        progress = None
        if on_page is not None:
            total = len(pending.jobs)
            on_page(0, total)
            progress = lambda done: on_page(done, total)  # noqa: E731
        self._run_ocr([pending], progress)
        return self._finish(pending)

    def read_staged(self, folder: Path) -> Letter:
        """Read a letter being assembled outside the letter folders (no id yet)."""
        pending = self._start(folder.name, folder)
        self._run_ocr([pending], None)
        _merge_metadata(pending.letter, self.year_hint)
        return pending.letter

    def read_many(
        self,
        ids: Iterable[str],
        *,
        on_letter: Callable[[str], None] | None = None,
    ) -> Iterator[Letter | IngestError]:
        """Yield each letter, or the IngestError that stopped it; the batch goes on."""
        batch: list[_Pending] = []

        def flush() -> Iterator[Letter | IngestError]:
            self._run_ocr(batch, None)
            for p in batch:
                try:
                    yield self._finish(p)
                except Exception as exc:  # one letter never stops the others
                    yield _stopped(p.letter.id, exc)
            batch.clear()

        for letter_id in ids:
            try:
                pending = self._start(letter_id)
            except Exception as exc:  # one letter never stops the others
                yield _stopped(letter_id, exc)
                continue
            batch.append(pending)
            if on_letter:
                on_letter(letter_id)
            if len(batch) >= OCR_BATCH or sum(len(p.jobs) for p in batch) >= 8:
                yield from flush()
        yield from flush()
