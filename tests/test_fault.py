"""Nothing acknowledged is lost, whatever moment the server is killed at.

The real app runs under gunicorn (with the same config as `make run`, whose startup
reconciles the index with the archive). A client uploads and publishes letters in a loop
and records a publication only once the response acknowledged it. The server is killed
with SIGKILL at random moments, 20 times, and restarted; after each restart
`python -m indexer check` passes and every acknowledged letter is found by search.
"""

from __future__ import annotations

import io
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from indexer.cli import main as cli
from indexer.search import LetterSearch, SearchRequest
from indexer.store import IndexStore
from tests.archive_support import HttpSession, archive_env, http_upload_and_publish
from tests.conftest import REPO

KILLS = 20
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tiny_scan() -> bytes:
    out = io.BytesIO()
    Image.new("L", (240, 320), 250).save(out, "PNG")
    return out.getvalue()


class Server:
    def __init__(self, root: Path, env: dict[str, str]):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.log_path = root / "gunicorn.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        cmd = [str(GUNICORN), "-c", "webapp/gunicorn_conf.py", "--workers", "1"]
        cmd += ["--bind", f"127.0.0.1:{self.port}", "webapp:create_app()"]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                cmd, cwd=REPO, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + 60
        while True:  # until the worker answers, not only the master's socket
            try:
                if HttpSession(self.url, timeout=5).request("/archive/sign-in")[0] == 200:
                    return
            except OSError:
                pass
            assert self.proc.poll() is None, "gunicorn exited; see gunicorn.log"
            assert time.monotonic() < deadline, "gunicorn did not start in 60 s"
            time.sleep(0.05)

    def kill(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)  # the master and its worker: our group
        self.proc.wait()


class Client(threading.Thread):
    """Uploads and publishes letters until the server dies; keeps what was acknowledged."""

    def __init__(self, url: str, acked: dict[str, str], scan: bytes):
        super().__init__(daemon=True)
        self.url, self.acked, self.scan = url, acked, scan
        self.killing = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            session = HttpSession(self.url, timeout=30)
            session.sign_in()
            while True:
                word = "zq" + secrets.token_hex(5)
                files = [
                    ("scan-1.png", self.scan),
                    ("scan-1.txt", f"A letter about the {word} shipment.\n".encode()),
                ]
                final = http_upload_and_publish(session, files)
                self.acked[final] = word  # only now: the response said it was published
        except BaseException as exc:  # noqa: BLE001
            if not self.killing.is_set():
                self.error = exc  # failed while the server was alive: a real error


def _verify(paths: list[str], index: Path, acked: dict[str, str]) -> None:
    result = CliRunner().invoke(cli, [*paths, "check"])
    assert result.exit_code == 0, result.output
    searcher = LetterSearch(IndexStore(index))
    try:
        for letter_id, word in acked.items():
            hits = [h.id for h in searcher.search(SearchRequest(q=word)).hits]
            assert hits == [letter_id], (word, letter_id, hits)
    finally:
        searcher.close()


def test_sigkill_at_random_moments_loses_no_acknowledged_publication(tmp_path):
    env = archive_env(tmp_path)
    paths = ["--archive", str(env.archive.root), "--index", str(env.store.root), "--no-ocr"]
    server_env = {
        **os.environ,
        "MISSIVE_ARCHIVE": str(env.archive.root),
        "MISSIVE_INDEX": str(env.store.root),
        "MISSIVE_CACHE": str(tmp_path / "cache"),
        "MISSIVE_SECRET_KEY": secrets.token_hex(16),
        "MISSIVE_COOKIE_SECURE": "0",
    }
    server = Server(tmp_path, server_env)
    rng = random.Random(20261123)
    acked: dict[str, str] = {}
    scan = _tiny_scan()
    started = time.monotonic()
    for _cycle in range(KILLS):
        server.start()  # reconciles before it listens
        _verify(paths, env.store.root, acked)
        client = Client(server.url, acked, scan)
        client.start()
        time.sleep(rng.uniform(0.2, 1.6))
        client.killing.set()
        server.kill()
        client.join(30)
        assert client.error is None, repr(client.error)
    server.start()
    try:
        _verify(paths, env.store.root, acked)
        # The real command line agrees, and researchers find the letters over HTTP.
        check = subprocess.run(
            [sys.executable, "-m", "indexer", *paths, "check"],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout + check.stderr
        sample = list(acked.items())[-3:]
        for letter_id, word in sample:
            status, _, body = HttpSession(server.url).request(f"/api/search?q={word}")
            assert status == 200 and letter_id.encode() in body
    finally:
        server.kill()
    print(f"{len(acked)} acknowledged publications over {KILLS} kills")
    assert len(acked) >= KILLS, f"only {len(acked)} publications were acknowledged"
    assert not list((env.archive.letters_dir / ".staging").iterdir())
    assert time.monotonic() - started < 120
