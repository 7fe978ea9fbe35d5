"""Request bodies over the caller's limit are refused before they are read.

Over HTTP against gunicorn with `make run`'s config: a client announces a 300 MB body,
sends a little of it and waits; the server must answer 413 without waiting for the rest
(a server that read the body would never answer), and its worker's memory must not grow.
The same for a chunked body, which announces no length at all.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterable
from urllib.parse import urlencode

import pytest

from tests.archive_support import (
    PASSWORD,
    USER,
    HttpSession,
    archive_env,
    config,
    csrf_token,
    sign_in,
)
from tests.live_gunicorn import Gunicorn, kib
from webapp import create_app

BIG = 300 * 1024 * 1024
SENT = 64 * 1024  # what the client really sends of the announced body
HANG_GUARD = 60  # seconds a socket waits: a server reading the whole body never answers
UPLOAD_TYPE = "multipart/form-data; boundary=b0und"
FORM_TYPE = "application/x-www-form-urlencoded"


def _read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"the connection closed before a response: {data[:200]!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (li.partition(":") for li in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, headers, body


def raw_post(
    server: Gunicorn, path: str, headers: dict[str, str], body: Iterable[bytes]
) -> tuple[int, dict[str, str], bytes]:
    """Send a request's head and the given parts of its body, then read the answer."""
    lines = [f"POST {path} HTTP/1.1", f"Host: {server.host}:{server.port}", "Accept: */*"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    with socket.create_connection((server.host, server.port), timeout=HANG_GUARD) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        for part in body:
            try:
                sock.sendall(part)
            except (BrokenPipeError, ConnectionResetError):
                break  # the server stopped reading, as it should; its answer is waiting
        return _read_response(sock)


def announced(path: str, content_type: str, cookie: str = ""):
    headers = {"Content-Type": content_type, "Content-Length": str(BIG)}
    if cookie:
        headers["Cookie"] = cookie
    return path, headers, [b"x" * SENT]


def chunked(path: str, content_type: str):
    """A chunked body of 128 KB that never ends: the server must stop it at its limit."""
    headers = {"Content-Type": content_type, "Transfer-Encoding": "chunked"}
    chunk = b"%x\r\n" % 16384 + b"x" * 16384 + b"\r\n"
    return path, headers, [chunk] * 8


def _message(body: bytes) -> str:
    text = body.decode()
    return json.loads(text)["error"] if text.lstrip().startswith("{") else text


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = archive_env(tmp_path_factory.mktemp("limits"))
    gunicorn = Gunicorn(env)
    yield gunicorn
    gunicorn.stop()


def test_anonymous_bodies_over_a_few_kb_get_413_unread_and_the_worker_does_not_grow(server):
    [worker] = server.worker_pids()
    requests = [
        announced("/archive/sign-in", FORM_TYPE),
        announced("/archive/upload", UPLOAD_TYPE),
        chunked("/archive/sign-in", FORM_TYPE),
        chunked("/archive/upload", UPLOAD_TYPE),
    ]
    for request in requests:  # warm-up: the error page's template is compiled once
        raw_post(server, *request)
    before = {key: kib(worker, key) for key in ("VmRSS", "RssAnon")}
    for _round in range(3):
        for path, headers, body in requests:
            status, _, answer = raw_post(server, path, headers, body)
            assert status == 413, (path, headers, answer[:300])
            message = _message(answer)
            assert "larger than 8 KB, the limit without signing in" in message, message
    after = {key: kib(worker, key) for key in ("VmRSS", "RssAnon")}
    # 12 requests announcing 300 MB (or sending 128 KB chunked) each: if any were read
    # into memory the worker would have grown by far more than this.
    for key in before:
        assert after[key] - before[key] < 4 * 1024, (key, before, after)
    assert server.worker_pids() == [worker]  # the same worker, alive
    session = HttpSession(server.url)
    session.sign_in()  # a real sign-in form is well under the anonymous limit


def test_a_chunked_form_under_the_limit_is_read_whole(server):
    session = HttpSession(server.url)
    _, _, page = session.request("/archive/sign-in")
    fields = {"csrf_token": csrf_token(page.decode()), "name": USER, "password": PASSWORD}
    body = urlencode(fields).encode()
    headers = {
        "Content-Type": FORM_TYPE,
        "Transfer-Encoding": "chunked",
        "Cookie": "; ".join(f"{c.name}={c.value}" for c in session.jar),
    }
    halves = [body[: len(body) // 2], body[len(body) // 2 :]]
    chunks = [b"%x\r\n%s\r\n" % (len(h), h) for h in halves] + [b"0\r\n\r\n"]
    status, answer_headers, answer = raw_post(server, "/archive/sign-in", headers, chunks)
    assert status == 303, answer[:300]  # signed in: the form was read whole
    assert answer_headers["location"].endswith("/archive/")

def test_an_archivists_upload_over_200_mb_and_a_form_over_10_mb_get_413_unread(server):
    session = HttpSession(server.url)
    session.sign_in()
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.jar)
    status, _, answer = raw_post(server, *announced("/archive/upload", UPLOAD_TYPE, cookie))
    assert status == 413
    assert "The upload is larger than the limit of 200 MB in one go" in _message(answer)
    path = "/archive/letters/alpha/metadata"
    status, _, answer = raw_post(server, *announced(path, FORM_TYPE, cookie))
    assert status == 413
    assert "larger than 10 MB, the limit for forms" in _message(answer)
    # Signed in, a form under its limit is read (and answered by its view: here the
    # CSRF check, as the token is missing).
    status, _, _ = session.request(
        "/archive/letters/alpha/metadata", b"title=x", {"Content-Type": FORM_TYPE}
    )
    assert status == 400


def test_limits_come_from_config_and_name_the_limit(tmp_path):
    env = archive_env(tmp_path)
    app = create_app(config(env, MAX_ANONYMOUS_LENGTH=2048, MAX_FORM_LENGTH=4096))
    client = app.test_client()
    body = "name=alice&password=" + "p" * 3000
    r = client.post("/archive/sign-in", data=body, content_type=FORM_TYPE)
    assert r.status_code == 413
    assert "larger than 2 KB, the limit without signing in" in r.get_data(as_text=True)
    r = client.post("/api/search", data=body, headers={"Accept": "application/json"})
    assert r.status_code == 413 and "2 KB" in r.get_json()["error"]
    token = sign_in(client)
    r = client.post(
        "/archive/letters/alpha/metadata",
        data={"csrf_token": token, "title": "t" * 5000},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 413 and "4 KB, the limit for forms" in r.get_json()["error"]


def test_a_form_with_too_many_parts_says_so(tmp_path):
    env = archive_env(tmp_path)
    app = create_app(config(env, MAX_FORM_PARTS=5))
    client = app.test_client()
    token = sign_in(client)
    # Fields, not files: Werkzeug leaves the temporary files of parts it had already
    # spooled unclosed when it stops a form.
    r = client.post(
        "/archive/upload",
        data={"csrf_token": token, **{f"note{n}": "x" for n in range(8)}},
        content_type="multipart/form-data",
    )
    assert r.status_code == 413
    assert "more than 5 parts (files and fields)" in r.get_data(as_text=True)

