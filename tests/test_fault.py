"""Nothing acknowledged is lost, whatever moment the server is killed at.

The real app runs under gunicorn (with the same config as `make run`, whose startup
reconciles the index with the archive). A client uploads and publishes letters in a loop
and records a publication only once the response acknowledged it. The server is killed
with SIGKILL at random moments and restarted, until at least 20 kills have happened and at
least 20 publications were acknowledged; after every restart `python -m indexer check`
passes and every acknowledged letter is found by search (none is lost).

The kill moments are drawn from a window scaled to how long a publication takes on this
machine, so a slow or loaded machine gets the same mix of kills (during sign-in, upload,
reading, publishing, between letters) as a fast one, and the loop ends with its figures
whatever the machine's speed.
"""

from __future__ import annotations

import io
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from indexer.cli import main as cli
from indexer.engines import open_engine
from indexer.search import SearchRequest
from tests.archive_support import HttpSession, archive_env, http_upload_and_publish
from tests.conftest import REPO

pytestmark = pytest.mark.slow

MIN_KILLS = 20
MIN_ACKED = 20
# Safety cap: reached only if the server stops acknowledging publications at all.
MAX_KILLS = 200
# A cycle that waits for an acknowledgement before its kill gives up after this long: far
# beyond any machine's speed, it stops a server that hangs from stalling the suite.
HANG = 300.0
# After this many kills in a row that found nothing acknowledged, the next kill waits for
# one acknowledgement first: every few kills at least one publication lands.
DRY_CYCLES = 3
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
        deadline = time.monotonic() + HANG
        while True:  # until the worker answers, not only the master's socket
            try:
                if HttpSession(self.url, timeout=5).request("/archive/sign-in")[0] == 200:
                    return
            except OSError:
                pass
            assert self.proc.poll() is None, f"gunicorn exited; see {self.log_path}"
            assert time.monotonic() < deadline, (
                f"gunicorn did not answer in {HANG:.0f} s (hung?); see {self.log_path}"
            )
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
        self.first_ack = threading.Event()
        self.first_ack_after: float | None = None  # seconds from start to the first ack
        self.error: BaseException | None = None

    def run(self) -> None:
        started = time.monotonic()
        try:
            session = HttpSession(self.url, timeout=HANG)
            session.sign_in()
            while True:
                word = "zq" + secrets.token_hex(5)
                files = [
                    ("scan-1.png", self.scan),
                    ("scan-1.txt", f"A letter about the {word} shipment.\n".encode()),
                ]
                final = http_upload_and_publish(session, files, timeout=HANG)
                self.acked[final] = word  # only now: the response said it was published
                if not self.first_ack.is_set():
                    self.first_ack_after = time.monotonic() - started
                    self.first_ack.set()
        except BaseException as exc:  # noqa: BLE001
            if not self.killing.is_set():
                self.error = exc  # failed while the server was alive: a real error


def _verify(paths: list[str], index: Path, acked: dict[str, str]) -> None:
    """`check` passes and every acknowledged letter is found: none is lost."""
    result = CliRunner().invoke(cli, [*paths, "check"])
    assert result.exit_code == 0, result.output
    searcher = open_engine(index)
    try:
        lost = {}
        for letter_id, word in acked.items():
            hits = [h.id for h in searcher.search(SearchRequest(q=word)).hits]
            if hits != [letter_id]:
                lost[letter_id] = hits
    finally:
        searcher.close()
    assert lost == {}, f"{len(lost)} acknowledged publications lost (id: hits): {lost}"


def test_sigkill_at_random_moments_loses_no_acknowledged_publication(tmp_path):
    env = archive_env(tmp_path)
    paths = ["--archive", str(env.archive.root), "--index", str(env.index_dir), "--no-ocr"]
    server_env = {
        **os.environ,
        "MISSIVE_ARCHIVE": str(env.archive.root),
        "MISSIVE_INDEX": str(env.index_dir),
        "MISSIVE_CACHE": str(tmp_path / "cache"),
        "MISSIVE_SECRET_KEY": secrets.token_hex(16),
        "MISSIVE_COOKIE_SECURE": "0",
    }
    server = Server(tmp_path, server_env)
    rng = random.Random(20261123)
    acked: dict[str, str] = {}
    scan = _tiny_scan()
    first_acks: list[float] = []  # this machine's time from a client's start to its first ack
    kills = dry = 0
    while kills < MIN_KILLS or len(acked) < MIN_ACKED:
        assert kills < MAX_KILLS, (
            f"only {len(acked)} publications acknowledged after {kills} kills "
            f"(at least {MIN_ACKED} needed); see {server.log_path}"
        )
        server.start()  # reconciles before it listens
        _verify(paths, env.index_dir, acked)
        before = len(acked)
        client = Client(server.url, acked, scan)
        client.start()
        if not first_acks or dry >= DRY_CYCLES:
            # Learn (or relearn) this machine's pace: let one publication land first.
            assert client.first_ack.wait(HANG), (
                f"no publication acknowledged in {HANG:.0f} s: {client.error!r}; "
                f"see {server.log_path}"
            )
            time.sleep(rng.uniform(0, statistics.median(first_acks or [client.first_ack_after])))
        else:
            # Anywhere from before sign-in to a few publications in.
            time.sleep(rng.uniform(0, 3 * statistics.median(first_acks)))
        client.killing.set()
        server.kill()
        kills += 1
        client.join(HANG)
        assert not client.is_alive(), f"the client still waits {HANG:.0f} s after the kill"
        assert client.error is None, repr(client.error)
        if client.first_ack_after is not None:
            first_acks.append(client.first_ack_after)
        dry = 0 if len(acked) > before else dry + 1
    server.start()
    try:
        _verify(paths, env.index_dir, acked)
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
    print(f"\nfault: {kills} kills, {len(acked)} acknowledged publications, 0 lost")
    assert not list((env.archive.letters_dir / ".staging").iterdir())
