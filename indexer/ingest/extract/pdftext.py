"""PDF text layers, read in a helper process that is stopped when a page takes too long.

pypdf is pure Python: a few kilobytes of PDF can hold a content stream that takes it a
minute to walk (a 6.7 KB file with a 4 MB stream of text operators: 59 s), no thread can
interrupt it, and pypdf's own limits bound sizes, not time. So pages are read in a helper
process, one page at a time, each within a time budget; a page that runs over is recorded
as failed, the helper is killed, and a new one carries on with the next page. The helper
lives as long as this process, so its start (about 0.2 s) is paid once, not per PDF.

Protocol, JSON lines: the caller sends {"path", "start", "count"}; the helper answers
{"pages": n} (or {"error": ...} when the file does not open), then one
{"page", "text", "error"} for each page from `start` to `count` - 1.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_BUDGET_S = 10.0  # per page; a normal page takes milliseconds
START_S = 30.0  # for the helper to start and open the file, on a busy machine too
MAX_TIMEOUTS = 3  # pages of one PDF that may run out of time before the rest is given up
BUDGET_ENV = "MISSIVE_PDF_TEXT_BUDGET"


@dataclass
class PageText:
    """One page's text layer: its text (None: none), or why it could not be read."""

    text: str | None = None
    error: str | None = None


def budget_from_env() -> float:
    """The per-page budget in seconds: $MISSIVE_PDF_TEXT_BUDGET, else DEFAULT_BUDGET_S."""
    from indexer.ingest.extract import seconds_setting  # the package imports its kinds lazily

    return seconds_setting(BUDGET_ENV, DEFAULT_BUDGET_S)


class _Ended(Exception):
    """The helper answered nothing in time, or ended; the message says which."""


class _Helper:
    """The helper process, and the bytes it wrote that are not used yet."""

    def __init__(self) -> None:
        # The helper imports this package, wherever the caller was started from.
        root = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "indexer.ingest.extract.pdftext"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": path},
        )
        self.buffer = b""
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.proc.stdout, selectors.EVENT_READ)

    def send(self, message: dict) -> None:
        try:
            self.proc.stdin.write(json.dumps(message).encode() + b"\n")
            self.proc.stdin.flush()
        except OSError as exc:  # it died since its last answer
            raise _Ended(f"the text reader ended ({self.stop()})") from exc

    def receive(self, seconds: float, what: str = "") -> dict:
        """The next message; _Ended (saying `what` took too long) when none comes within
        `seconds`, or when the helper ends."""
        deadline = time.monotonic() + seconds
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not self.selector.select(left):
                self.stop()
                raise _Ended(f"{what} took longer than {seconds:g} s and was stopped".strip())
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise _Ended(f"the reader process ended ({self.stop()})")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        try:
            return json.loads(line)
        except ValueError as exc:
            raise _Ended(f"the reader process answered garbage ({self.stop()})") from exc

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> str:
        """Kill the helper (if it still runs); say how it ended."""
        if self.proc.poll() is None:
            self.proc.kill()
        code = self.proc.wait()
        if self.selector.get_map() is not None:  # not closed yet
            self.selector.close()
            self.close_pipes()
        return f"killed by signal {-code}" if code < 0 else f"exit code {code}"

    def close_pipes(self) -> None:
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass


_helper: _Helper | None = None
_helper_lock = threading.Lock()  # one PDF at a time talks to the helper


def _helper_now() -> _Helper:
    global _helper
    if _helper is None or not _helper.alive():
        _helper = _Helper()
    return _helper


def _forget_in_child() -> None:
    """After a fork (gunicorn's workers, the index writer's processes): the helper belongs to
    the parent. The child closes its copies of the pipes, so that the helper still sees
    its input end when the parent closes it, and starts its own helper when it needs one."""
    global _helper, _helper_lock
    if _helper is not None:
        _helper.close_pipes()
    _helper, _helper_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_in_child)


def helper_running() -> bool:
    """Whether a helper process is running (it starts at the first text layer read)."""
    return _helper is not None and _helper.alive()


def stop_helper() -> None:
    """Stop the helper process, if one runs; the next read starts another."""
    global _helper
    with _helper_lock:
        if _helper is not None:
            _helper.stop()
            _helper = None


def _read_from(path: Path, start: int, out: list[PageText | None], budget: float) -> None:
    """Fill `out` from page `start` on; _Ended (the helper stopped) at the page that failed."""
    helper = _helper_now()
    helper.send({"path": str(path), "start": start, "count": len(out)})
    opened = helper.receive(START_S, "opening the PDF")
    if "error" in opened:
        for n in range(start, len(out)):
            out[n] = PageText(error=f"the PDF could not be opened ({opened['error']})")
        return
    for n in range(start, len(out)):
        message = helper.receive(budget)
        if message.get("page") != n:  # never expected: start afresh rather than misplace text
            helper.stop()
            raise _Ended(f"the reader process answered for page {message.get('page')}, not {n}")
        out[n] = PageText(message.get("text"), message.get("error"))


def read_texts(path: Path, count: int, budget: float) -> list[PageText]:
    """Each page's text layer, every page read within `budget` seconds; a page that runs
    over, or stops the reader, is a PageText with the reason as its error."""
    out: list[PageText | None] = [None] * count
    start = failures = 0
    with _helper_lock:
        while start < count:
            if failures >= MAX_TIMEOUTS:
                for n in range(start, count):
                    error = f"not read: {failures} earlier pages ran over the budget or crashed"
                    out[n] = PageText(error=error)
                break
            try:
                _read_from(path, start, out, budget)
                break
            except _Ended as exc:
                stopped = out.index(None, start)
                out[stopped] = PageText(error=str(exc))
                failures += 1
                start = stopped + 1
    return [page or PageText() for page in out]


# -- the helper process ------------------------------------------------------------------


DAMAGED = "the text layer is damaged: neither pypdf nor pdfium could read it"


class _Layers:
    """One PDF's text layers, page by page: pypdf's, else pdfium's (in the helper process).

    pypdf reads text best (spacing, reading order) but refuses files pdfium reads: stream
    lengths over its limits, damaged page trees, encrypted attachments. Where it cannot open
    the file, or counts other pages than pdfium (whose pages are the letter's), or fails on
    a page, that page's text comes from pdfium.
    """

    def __init__(self, path: str, count: int):
        self.path, self.count = path, count
        self.pypdf_pages = None
        self._pdfium = None
        try:
            from pypdf import PdfReader

            reader = PdfReader(path, strict=False)
            if reader.is_encrypted:
                reader.decrypt("")
            if len(reader.pages) == count:
                self.pypdf_pages = reader.pages
        except Exception:
            self.pypdf_pages = None

    def pdfium(self):
        if self._pdfium is None:
            import pypdfium2 as pdfium

            self._pdfium = pdfium.PdfDocument(self.path, password="")
        return self._pdfium

    def text(self, n: int) -> str | None:
        if self.pypdf_pages is not None:
            try:
                return self.pypdf_pages[n].extract_text()
            except Exception:
                pass  # pdfium's reading of the page, below
        page = self.pdfium()[n]
        try:
            textpage = page.get_textpage()
            try:
                return textpage.get_text_range()
            finally:
                textpage.close()
        finally:
            page.close()

    def close(self) -> None:
        if self._pdfium is not None:
            self._pdfium.close()


def _serve() -> None:
    import logging
    import warnings

    logging.disable(logging.CRITICAL)  # pypdf's repair notes; errors come back as messages
    warnings.simplefilter("ignore")
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # whatever a library prints must not mix with the answers

    def say(message: dict) -> None:
        out.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
        out.flush()

    for line in sys.stdin.buffer:
        request = json.loads(line)
        layers = _Layers(request["path"], int(request["count"]))
        if layers.pypdf_pages is None:
            try:
                layers.pdfium()
            except Exception:
                say({"error": "neither pypdf nor pdfium can open it"})
                continue
        say({"pages": layers.count})
        for n in range(int(request["start"]), int(request["count"])):
            try:
                say({"page": n, "text": layers.text(n), "error": None})
            except Exception:
                say({"page": n, "text": None, "error": DAMAGED})
        layers.close()


if __name__ == "__main__":
    _serve()
