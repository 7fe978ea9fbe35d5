"""The app under gunicorn with `make run`'s config, for tests that need real workers."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from benchmarks.servers import children, free_port, memory_kb
from tests.conftest import REPO, Env

GUNICORN = Path(sys.executable).with_name("gunicorn")


def kib(pid: int, key: str) -> int:
    """A memory figure of a process from /proc (VmRSS, RssAnon, VmHWM), in KiB."""
    return memory_kb(pid)[key]


class Gunicorn:
    """gunicorn over an Env's archive and index, one worker, on a free loopback port."""

    def __init__(self, env: Env, *, workers: int = 1, extra_env: dict | None = None):
        self.host, self.port = "127.0.0.1", free_port()
        self.url = f"http://{self.host}:{self.port}"
        self.log_path = env.root / "gunicorn.log"
        self.env = {
            **os.environ,
            "MISSIVE_ARCHIVE": str(env.archive.root),
            "MISSIVE_INDEX": str(env.index_dir),
            "MISSIVE_CACHE": str(env.root / "cache"),
            "MISSIVE_SECRET_KEY": secrets.token_hex(16),
            "MISSIVE_COOKIE_SECURE": "0",
            **(extra_env or {}),
        }
        cmd = [str(GUNICORN), "-c", "webapp/gunicorn_conf.py", "--workers", str(workers)]
        cmd += ["--bind", f"{self.host}:{self.port}", "webapp:create_app()"]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                cmd, cwd=REPO, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        try:
            self._wait_until_serving()
        except BaseException:
            self.stop()
            raise

    def _wait_until_serving(self, patience: float = 120) -> None:
        deadline = time.monotonic() + patience
        while True:  # until a worker answers, not only the master's socket
            try:
                with urllib.request.urlopen(self.url + "/archive/sign-in", timeout=5) as r:
                    if r.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            assert self.proc.poll() is None, f"gunicorn exited; see {self.log_path}"
            assert time.monotonic() < deadline, f"gunicorn did not serve; see {self.log_path}"
            time.sleep(0.1)

    def worker_pids(self) -> list[int]:
        """The master's children: its workers."""
        return children(self.proc.pid)

    def stop(self) -> None:
        """Stop the master (it stops its workers); kill our process group if it hangs."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the group this test started
                self.proc.wait()
