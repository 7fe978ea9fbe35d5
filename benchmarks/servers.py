"""Loopback servers for the benchmarks: free ports, timed GETs, start, stop, memory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 120.0  # seconds one request may take before the run gives up on it


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, *, timeout: float = TIMEOUT) -> tuple[float, int, bytes]:
    """GET a loopback URL and read the whole body: (seconds, status, body), any status."""
    if not url.startswith(("http://127.0.0.1:", "http://localhost:")):
        raise ValueError(f"benchmarks only talk to loopback addresses, not {url}")
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            body = resp.read()
            status = resp.status
    except urllib.error.HTTPError as exc:
        body = exc.read()
        status = exc.code
    return time.perf_counter() - t0, status, body


def wait_until_up(proc: subprocess.Popen, url: str, timeout: float, log: Path) -> None:
    """Poll `url` until it answers (any HTTP status); raise if the process dies first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}; log: {tail(log)}")
        try:
            get(url, timeout=5)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer {url} within {timeout:.0f} s; log: {tail(log)}")


def stop_process(proc: subprocess.Popen, timeout: float = 20.0) -> None:
    """Stop a server this run started: SIGTERM, then SIGKILL if it hangs."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout)


def tail(path: Path, chars: int = 2000) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")[-chars:]
    except FileNotFoundError:
        return "(no log)"


def children(pid: int) -> list[int]:
    """Direct child processes of `pid` (Linux /proc)."""
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                stat = fh.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: split after it.
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            kids.append(int(entry))
    return sorted(kids)


def memory_kb(pid: int) -> dict[str, int]:
    """VmHWM (peak resident set), VmRSS and its parts, in kB: RssAnon is the process's own
    memory, RssFile the pages of mapped files (the index, shared with other workers and
    given back under memory pressure)."""
    out = {}
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
                    out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


class Gunicorn:
    """`gunicorn --workers 2 'webapp:create_app()'` on a free loopback port; `options`
    go before the others (a config file with `-c`, an access log); `env` is added to the
    environment the app sees."""

    def __init__(
        self,
        archive: Path,
        index: Path,
        cache: Path,
        workdir: Path,
        workers: int,
        options: tuple[str, ...] = (),
        log_name: str = "gunicorn.log",
        env: dict[str, str] | None = None,
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / log_name
        exe = Path(sys.executable).with_name("gunicorn")
        self.cmd = [
            str(exe) if exe.exists() else "gunicorn",
            *options,
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            # Slow searches at large N are measured, not killed at the default 30 s.
            "--timeout",
            "300",
            "webapp:create_app()",
        ]
        self.env = {
            **os.environ,
            "MISSIVE_ARCHIVE": str(archive.resolve()),
            "MISSIVE_INDEX": str(index.resolve()),
            "MISSIVE_CACHE": str(cache.resolve()),
            **(env or {}),  # another engine's settings (MISSIVE_ENGINE=solr and its URLs)
        }
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> None:
        with open(self.log, "wb") as log:  # the child keeps its own copy open
            self.proc = subprocess.Popen(
                self.cmd,
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until_up(self.proc, f"{self.url}/api/search?q=", timeout, self.log)

    def workers_memory(self) -> list[dict]:
        assert self.proc is not None
        return [{"pid": pid, **memory_kb(pid)} for pid in children(self.proc.pid)]

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc)
            self.proc = None
