"""OCR with Tesseract, one process per page, so that pages are recognised in parallel."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from tempfile import TemporaryDirectory

from PIL import Image, ImageOps

from indexer.errors import IngestError
from indexer.ingest.extract import reason, seconds_setting
from indexer.ingest.refusals import plain_why
from indexer.records import Word

DEFAULT_LANGS = "eng+fra+deu+spa"  # used as far as they are installed
TIMEOUT_S = 180  # per page, unless $MISSIVE_OCR_TIMEOUT says otherwise
TIMEOUT_ENV = "MISSIVE_OCR_TIMEOUT"
NOT_INSTALLED = "the tesseract program is not installed (not found on PATH)"
MAX_SIDE = 4000  # Tesseract gains nothing from larger pages, only time and memory

# Tesseract's codes are ISO 639-2/T except for these.
_TESS_CODES = {"zh": "chi_sim", "nb": "nor", "nn": "nor"}

Job = Callable[[], Image.Image] | Image.Image


class OcrFailed(IngestError):
    """A page could not be OCR'd; `why` says why without naming the page, `step` where it
    failed: "render" (its image could not be made) or "ocr" (Tesseract)."""

    def __init__(self, name: str, why: str, step: str = "ocr"):
        super().__init__(f"{name}: {why}")
        self.why, self.step = why, step


@dataclass
class OcrResult:
    """What Tesseract read on one page."""

    text: str  # lines joined with \n, blocks and paragraphs separated by a blank line
    words: list[Word]  # boxes in the pixel space of the image given; line: 1-based in `text`
    width: int
    height: int
    mean_conf: float | None


def available() -> bool:
    """Tell whether the tesseract program is on PATH."""
    return shutil.which("tesseract") is not None


def timeout() -> float:
    """Seconds one page's OCR may take: $MISSIVE_OCR_TIMEOUT, else TIMEOUT_S."""
    return seconds_setting(TIMEOUT_ENV, TIMEOUT_S)


def _installed() -> frozenset[str]:
    # Only an answer is remembered: Tesseract may be installed while the app runs.
    return _listed() if available() else frozenset()


@cache
def _listed() -> frozenset[str]:
    try:
        proc = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    # Tesseract 4+ lists on stdout, 3.x on stderr; the first line is a heading.
    out = (proc.stdout + b"\n" + proc.stderr).decode("utf-8", "replace")
    return frozenset(
        line.strip()
        for line in out.splitlines()
        if line.strip() and " " not in line.strip() and not line.startswith("List of")
    )


def languages() -> set[str]:
    """Return the language models Tesseract has installed (e.g. {"eng", "fra", "osd"})."""
    return set(_installed())


def _tess_code(code: str) -> str | None:
    code = code.strip().replace("_", "-").split("-")[0].lower()
    if code in _TESS_CODES:
        return _TESS_CODES[code]
    if len(code) == 3:
        return code  # already a Tesseract or ISO 639-2 code
    if len(code) != 2:
        return None
    import pycountry  # only here: loading its tables costs time at import

    lang = pycountry.languages.get(alpha_2=code)
    return getattr(lang, "alpha_3", None)


def tesseract_langs(iso639_1: Sequence[str]) -> str:
    """Turn ISO 639-1 codes into a Tesseract -l value, keeping installed models only."""
    installed = _installed() - {"osd"}
    picked: list[str] = []
    for raw in iso639_1:
        raw = str(raw).strip()
        code = raw if raw in installed else _tess_code(raw)  # "chi_sim" passes as it is
        if code and code in installed and code not in picked:
            picked.append(code)
    if not picked:
        picked = [c for c in DEFAULT_LANGS.split("+") if c in installed]
    if not picked:
        # Nothing wanted is installed: any model beats none; with no Tesseract at all
        # the OCR call itself reports that.
        picked = sorted(installed)[:1] or DEFAULT_LANGS.split("+")
    return "+".join(picked)


def _prepare(image: Image.Image) -> tuple[Image.Image, tuple[int, int] | None]:
    """Return a greyscale image of at most MAX_SIDE pixels a side, and its dpi if known."""
    dpi = image.info.get("dpi")
    work = image if image.mode == "L" else image.convert("L")
    # Faded ink on yellowed paper: stretching the grey levels up to the paper's brightness
    # gave Tesseract more words of the Berlioz scans (23 against 22 over six letters). The
    # dark end is not clipped: on a page with little ink, clipping it would stretch the
    # paper's own mottling into blotches.
    work = ImageOps.autocontrast(work, cutoff=(0, 2))
    width, height = image.size
    factor = max(width, height) / MAX_SIDE
    if factor > 1:
        size = (max(1, round(width / factor)), max(1, round(height / factor)))
        work = work.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    try:
        res = round(float(dpi[0]) / max(factor, 1.0))
    except (TypeError, ValueError, IndexError):
        return work, None
    # Scanners often stamp 72 or 1 dpi whatever the real resolution; Tesseract is better
    # off estimating it than trusting an implausible value.
    return work, ((res, res) if 100 <= res <= 1200 else None)


def _stderr_line(stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    for line in lines:
        if "error" in line.lower() or "failed" in line.lower():
            return line[:200]
    return lines[-1][:200] if lines else "no message"


def _parse_tsv(tsv: str, size: tuple[int, int], work_size: tuple[int, int]) -> OcrResult:
    width, height = size
    fx, fy = width / work_size[0], height / work_size[1]
    lines: list[str] = []
    words: list[Word] = []
    confs: list[float] = []
    last_line = last_para = None
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t", 11)
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        try:
            block, para, line = int(cols[2]), int(cols[3]), int(cols[4])
            left, top, w, h = (int(c) for c in cols[6:10])
            conf = float(cols[10])
        except ValueError:
            continue
        text = cols[11].strip()
        if (block, para, line) != last_line:
            if last_para is not None and (block, para) != last_para:
                lines.append("")
            lines.append(text)
            last_line, last_para = (block, para, line), (block, para)
        else:
            lines[-1] += " " + text
        x, y = min(round(left * fx), width - 1), min(round(top * fy), height - 1)
        bw, bh = min(max(1, round(w * fx)), width - x), min(max(1, round(h * fy)), height - y)
        confs += [conf] if conf >= 0 else []
        words.append(Word(text, x, y, bw, bh, conf if conf >= 0 else None, len(lines)))
    mean = round(sum(confs) / len(confs), 2) if confs else None
    return OcrResult("\n".join(lines), words, width, height, mean)


def _ocr(image: Image.Image, langs: str, workdir: Path, name: str) -> OcrResult:
    work, dpi = _prepare(image)
    src = workdir / "page.png"
    # Fast PNG compression: the file lives for one Tesseract run.
    work.save(src, compress_level=1, **({"dpi": dpi} if dpi else {}))
    cmd = ["tesseract", str(src), "stdout", "-l", langs, "--psm", "3", "tsv"]
    # Tesseract's own OpenMP threads fight the parallel page processes; one thread per
    # process measured about 8x faster on two cores when pages run side by side.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    limit = timeout()
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=limit, env=env, check=False)
    except FileNotFoundError as exc:
        raise OcrFailed(name, f"cannot OCR: {NOT_INSTALLED}") from exc
    except subprocess.TimeoutExpired as exc:
        raise OcrFailed(name, f"OCR took longer than {limit:g} s and was stopped") from exc
    if proc.returncode < 0:
        raise OcrFailed(name, f"OCR failed (tesseract was killed by signal {-proc.returncode})")
    if proc.returncode != 0:
        raise OcrFailed(
            name, f"OCR failed (tesseract exit {proc.returncode}: {_stderr_line(proc.stderr)})"
        )
    return _parse_tsv(proc.stdout.decode("utf-8", "replace"), image.size, work.size)


def ocr_image(
    image: Image.Image, *, langs: str | None = None, name: str = "page image"
) -> OcrResult:
    """OCR one page image; `name` starts any error message (e.g. the scan's file name)."""
    with TemporaryDirectory(prefix="missive-ocr-") as tmp:
        return _ocr(image, langs or tesseract_langs([]), Path(tmp), name)


def _run_job(job: Job, langs: str, workdir: Path, name: str) -> OcrResult | IngestError:
    # One bad page must not stop the others; its error is its result.
    try:
        image = job() if callable(job) else job
    except IngestError as exc:  # the page image could not be made: the loader says why
        failed = OcrFailed(name, plain_why(str(exc)), step="render")
        failed.detail = exc.detail
        return failed
    except Exception as exc:
        failed = OcrFailed(name, "the page image could not be made", step="render")
        failed.detail = reason(exc)
        return failed
    try:
        workdir.mkdir()
        return _ocr(image, langs, workdir, name)
    except IngestError as exc:
        return exc
    except Exception as exc:
        failed = OcrFailed(name, "the page could not be OCR'd")
        failed.detail = reason(exc)
        return failed


def ocr_many(
    jobs: Sequence[Job],
    *,
    langs: str | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    names: Sequence[str] | None = None,
) -> list[OcrResult | IngestError]:
    """OCR pages in parallel, in order; each job is an image or a function returning one.

    `progress` is called in the calling thread with the number of pages done so far.
    """
    if not jobs:
        return []
    langs = langs or tesseract_langs([])
    labels = list(names) if names else [f"page {i + 1}" for i in range(len(jobs))]
    # The threads only wait on Tesseract processes, which do the work: one per core.
    count = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    results: list[OcrResult | IngestError | None] = [None] * len(jobs)
    with (
        TemporaryDirectory(prefix="missive-ocr-") as tmp,
        ThreadPoolExecutor(max_workers=count, thread_name_prefix="ocr") as pool,
    ):
        futures = {
            pool.submit(_run_job, job, langs, Path(tmp) / str(i), labels[i]): i
            for i, job in enumerate(jobs)
        }
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()
            if progress is not None:
                progress(done)
    return [r for r in results if r is not None]
