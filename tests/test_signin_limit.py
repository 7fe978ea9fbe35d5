"""The sign-in limit holds across workers and concurrent requests, per address, per window.

The limit's counting is shared through a SQLite file, so the decisive test runs the real
server (gunicorn with `make run`'s config and two workers) and sends 30 wrong passwords at
once. Each burst comes from its own loopback address (127.0.0.N), so bursts do not share a
count; the access log tells which worker answered each request.
"""

from __future__ import annotations

import http.client
import re
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.archive_support import PASSWORD, USER, archive_env, config, csrf_token
from tests.live_gunicorn import Gunicorn
from webapp import create_app
from webapp.signin_limit import SigninLimit

BURST = 30


# -- the counting itself, with a clock the test moves ------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_failures_are_counted_per_address_within_a_sliding_window(tmp_path):
    clock = Clock()
    limit = SigninLimit(tmp_path / "attempts.sqlite3", limit=3, window=60, clock=clock)
    for _ in range(3):
        assert limit.attempt("10.0.0.1").allowed
        clock.now += 10
    refused = limit.attempt("10.0.0.1")  # at t=30: the first failure (t=0) leaves at t=60
    assert not refused.allowed and refused.retry_after == 30
    assert limit.attempt("10.0.0.2").allowed  # another address has its own count
    clock.now += 30  # t=60: the first failure has left the window, the others not
    assert limit.attempt("10.0.0.1").allowed
    assert not limit.attempt("10.0.0.1").allowed  # t=10, 20, 60 count: full again


def test_a_success_takes_its_attempt_back(tmp_path):
    limit = SigninLimit(tmp_path / "attempts.sqlite3", limit=2, window=60)
    for _ in range(5):
        limit.succeeded(limit.attempt("10.0.0.1"))
    assert limit.attempt("10.0.0.1").allowed and limit.attempt("10.0.0.1").allowed
    assert not limit.attempt("10.0.0.1").allowed


def test_the_limit_setting_is_checked(tmp_path):
    with pytest.raises(ValueError, match="accepted: at least 1 per a positive window"):
        SigninLimit(tmp_path / "a.sqlite3", limit=0)


# -- the app, one address against another ----------------------------------------------------
@pytest.fixture
def app(tmp_path):
    app = create_app(config(archive_env(tmp_path, letters=False), SIGNIN_WINDOW_SECONDS=600))
    yield app
    app.extensions["missive.jobs"].shutdown()


def form_client(app, address: str):
    """A test client whose requests come from `address`, and its sign-in form's token."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    token = csrf_token(client.get("/archive/sign-in").get_data(as_text=True))
    return client, token


def post(client, token: str, password: str, **headers) -> int:
    form = {"name": USER, "password": password, "csrf_token": token}
    return client.post("/archive/sign-in", data=form, headers=headers).status_code


def test_after_the_limit_only_that_address_waits_and_only_for_the_window(app):
    attacker, token = form_client(app, "10.0.0.1")
    assert [post(attacker, token, "wrong password!") for _ in range(6)] == [401] * 5 + [429]
    r = attacker.post(
        "/archive/sign-in", data={"name": USER, "password": PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 429  # the right password waits too
    assert 0 < int(r.headers["Retry-After"]) <= 600
    assert "Too many failed sign-ins from your address" in r.get_data(as_text=True)
    # A forwarded-for header names no other address: no proxy is trusted.
    assert post(attacker, token, PASSWORD, **{"X-Forwarded-For": "10.0.0.9"}) == 429
    colleague, token2 = form_client(app, "10.0.0.2")
    assert post(colleague, token2, PASSWORD) == 303
    # The window passes (the failures are moved back by its length): the address may try.
    with sqlite3.connect(app.config["SIGNIN_DB"]) as db:
        db.execute("UPDATE attempts SET at = at - 600")
    assert post(attacker, token, PASSWORD) == 303


# -- the real server: two gunicorn workers -----------------------------------------------------
def workers_of(access_log: Path, address: str, expected: int) -> Counter:
    """How many sign-in POSTs from `address` each worker (by pid) answered, from the access
    log; waits for `expected` lines (a worker logs a request after answering it)."""
    line = re.compile(rf"^<?(\d+)>? {re.escape(address)} POST /archive/sign-in \d+$")
    deadline = time.monotonic() + 30
    while True:
        found: Counter = Counter()
        for text in access_log.read_text().splitlines():
            m = line.match(text.strip())
            if m:
                found[m[1]] += 1
        if sum(found.values()) >= expected or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def request(port: int, source: str, method: str, path: str, body: str = "", cookie: str = ""):
    """One HTTP request sent from the loopback address `source`: (status, headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
    try:
        headers = {"Cookie": cookie} if cookie else {}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body or None, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read().decode()
    finally:
        conn.close()


def sign_in_form(port: int, source: str) -> tuple[str, str]:
    """(session cookie, CSRF token) of a sign-in page fetched from `source`."""
    status, headers, body = request(port, source, "GET", "/archive/sign-in")
    assert status == 200
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    return cookie, csrf_token(body)


def burst(port: int, source: str, password: str, n: int) -> list[int]:
    """`n` sign-ins from `source` sent at the same moment; their statuses."""
    cookie, token = sign_in_form(port, source)
    body = urlencode({"name": USER, "password": password, "csrf_token": token})
    start = threading.Barrier(n)
    statuses: list[int] = []

    def one() -> None:
        start.wait()
        statuses.append(request(port, source, "POST", "/archive/sign-in", body, cookie)[0])

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(statuses) == n, "a sign-in got no answer"
    return statuses


@pytest.mark.slow  # gunicorn with two workers
def test_thirty_concurrent_wrong_passwords_across_two_workers(tmp_path):
    env = archive_env(tmp_path, letters=False)
    access = tmp_path / "access.log"
    log_args = f"--access-logfile {access} --access-logformat '%(p)s %(h)s %(m)s %(U)s %(s)s'"
    server = Gunicorn(env, workers=2, extra_env={"GUNICORN_CMD_ARGS": log_args})
    try:
        # Which worker takes a connection is the kernel's choice: send bursts from fresh
        # addresses until one was answered by both workers (the case a per-worker count
        # gets wrong). Every burst must hold the limit.
        spread = None
        for n in range(2, 8):
            source = f"127.0.0.{n}"
            statuses = burst(server.port, source, "a wrong password", BURST)
            counts = Counter(statuses)
            assert counts[401] <= 5 and counts[401] + counts[429] == BURST, (source, counts)
            if len(workers_of(access, source, BURST)) >= 2:
                spread = source
                break
        assert spread, f"every burst was answered by one worker; see {access}"
        # That address now waits, even with the right password; another signs in.
        assert burst(server.port, spread, PASSWORD, 1) == [429]
        assert burst(server.port, "127.0.0.99", PASSWORD, 1) == [303]
    finally:
        server.stop()
