"""The archivist's side is closed to others: sessions, CSRF, escaping, paths, limits.

CSRF protection stays ON in these tests (the app's default): forms carry the token a
page gave the session, exactly as a browser sends them.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zlib

import pytest

from tests.archive_support import archive_env, config, csrf_token, sign_in, upload
from tests.conftest import need_corpus
from webapp import create_app

XSS_NAME = "<img src=x onerror=alert(1)>.jpg"
XSS_TITLE = '<script>alert("title")</script>'
XSS_TEXT = "<script>alert('page')</script> & <b>bold</b>"


@pytest.fixture
def env(tmp_path):
    return archive_env(tmp_path)


@pytest.fixture
def app(env):
    app = create_app(config(env))
    assert app.config["WTF_CSRF_ENABLED"] is not False
    yield app
    app.extensions["missive.jobs"].shutdown()


def snapshot(env) -> dict[str, str]:
    """Every file of the archive (staging included) and the index's letters, by content."""
    files = {
        p.relative_to(env.archive.root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in env.archive.root.rglob("*")
        if p.is_file() and p.name != ".staging.lock"
    }
    s = env.search()
    try:
        files["<index>"] = json.dumps(sorted((i, s.get(i)["fingerprint"]) for i in s.ids()))
    finally:
        s.close()
    return files


# Writes open to everyone by design: citing a search needs no account (README "Citing a
# search"); it adds a citation file and changes no letter (tests/test_cited_searches.py).
PUBLIC_WRITES = {"cited.create", "cited.create_api"}


def write_routes(app) -> list[tuple[str, str]]:
    """(endpoint, URL) of every route that accepts POST, filled with an existing letter."""
    out = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint == "signin.sign_in":
            continue
        if rule.endpoint in PUBLIC_WRITES:
            continue
        values = {"letter_id": "alpha", "n": "1", "size": "thumb", "name": "x"}
        url = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        out.append((rule.endpoint, url))
    return sorted(out)


FORM = {"text": "changed", "reason": "because", "title": "Changed", "action": "publish"}


def test_every_write_route_needs_a_session_and_changes_nothing(app, env):
    routes = write_routes(app)
    assert PUBLIC_WRITES <= {rule.endpoint for rule in app.url_map.iter_rules()}
    # The desk's write routes, so that a new one cannot be missed silently.
    assert {e for e, _ in routes} >= {
        "auth.sign_out",
        "upload.upload",
        "upload.process_again",
        "archivist.save_metadata",
        "archivist.publish",
        "archivist.withdraw",
        "corrections.save_page",
    }
    before = snapshot(env)
    client = app.test_client()
    for endpoint, url in routes:
        # A token the session holds (signing out clears the session, and with it the token).
        token = csrf_token(client.get("/archive/sign-in").get_data(as_text=True))
        data = {
            "csrf_token": token,
            **FORM,
            "files": [(io.BytesIO(b"Some transcript text.\n"), "page.txt")],
        }
        r = client.post(url, data=data, content_type="multipart/form-data")
        assert r.status_code in (302, 303, 401, 403), (endpoint, r.status_code)
        if r.status_code in (302, 303):
            assert r.headers["Location"].startswith("/archive/sign-in"), endpoint
        token = csrf_token(client.get("/archive/sign-in").get_data(as_text=True))
        r = client.post(url, data={"csrf_token": token}, headers={"Accept": "application/json"})
        assert r.status_code in (302, 303, 401, 403), (endpoint, r.status_code)
    assert snapshot(env) == before


def test_every_desk_page_needs_a_session(app):
    client = app.test_client()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/archive") or rule.endpoint == "signin.sign_in":
            continue
        if "GET" not in rule.methods:
            continue
        values = {"letter_id": "alpha", "n": "1", "size": "thumb", "name": "x"}
        url = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        r = client.get(url)
        assert r.status_code in (302, 401), (rule.endpoint, r.status_code)
        if r.status_code == 302:
            assert r.headers["Location"].startswith("/archive/sign-in?next=")


def test_a_post_without_the_csrf_token_is_refused(app, env):
    client = app.test_client()
    sign_in(client)
    before = snapshot(env)
    for endpoint, url in write_routes(app):
        r = client.post(url, data=FORM)
        assert r.status_code == 400, (endpoint, r.status_code)
        assert "The form was refused" in r.get_data(as_text=True)
        r = client.post(url, data={**FORM, "csrf_token": "forged"})
        assert r.status_code == 400, endpoint
    assert snapshot(env) == before
    # Signing in needs the token too (no login CSRF).
    anonymous = app.test_client()
    r = anonymous.post("/archive/sign-in", data={"name": "alice", "password": "x" * 12})
    assert r.status_code == 400


def test_xss_in_file_names_metadata_and_transcripts_is_shown_as_text(app, env):
    from tests.archive_support import page_scans, wait_processed

    client = app.test_client()
    token = sign_in(client)
    # A refused file's name in the error message.
    r = upload(client, token, [(b"\x00junk", "<img src=x onerror=alert(2)>.doc")])
    assert r.status_code == 400
    assert "<img src=x onerror=alert(2)>" not in r.get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(2)&gt;.doc" in r.get_data(as_text=True)
    # An accepted file's name, a title and a transcript.
    scan = page_scans("heron", pages=1)[0]
    r = upload(client, token, [(scan, XSS_NAME), (XSS_TEXT.encode(), "p.txt")])
    draft = r.headers["Location"].split("/")[-2]
    assert wait_processed(client, draft)["state"] == "done"
    r = client.post(
        f"/archive/letters/{draft}/metadata",
        data={"csrf_token": token, "title": XSS_TITLE, "action": "publish"},
    )
    assert r.status_code == 303
    final = r.headers["Location"].rsplit("/", 1)[-1]
    pages = {
        "review": client.get(f"/archive/letters/{final}"),
        "editor": client.get(f"/archive/letters/{final}/pages/1"),
        "history": client.get(f"/archive/letters/{final}/history"),
        "public": client.get(f"/letters/{final}"),
        "search": client.get("/search?q=heron"),
        "desk search": client.get("/archive/letters?q=heron"),
    }
    for name, r in pages.items():
        html = r.get_data(as_text=True)
        assert r.status_code == 200, name
        assert "<script>alert" not in html and "<img src=x" not in html, name
        assert "<b>bold</b>" not in html, name
    assert "&lt;img src=x onerror=alert(1)&gt;.jpg" in pages["review"].get_data(as_text=True)
    assert "&lt;script&gt;alert(" in pages["public"].get_data(as_text=True)


def test_paths_with_dot_dot_are_refused(app, env):
    client = app.test_client()
    token = sign_in(client)
    before = snapshot(env)
    for url in (
        "/archive/letters/..%2F..%2Fetc",
        "/archive/letters/../alpha",
        "/archive/letters/..",
        "/archive/letters/alpha/revisions/..%2Fletter.json",
        "/archive/letters/alpha/revisions/..",
        "/archive/letters/alpha/pages/1/image/..%2F..%2Fthumb.jpg",
        "/letters/..%2Falpha",
    ):
        assert client.get(url).status_code == 404, url
    for url in ("/archive/letters/..%2Falpha/pages/1", "/archive/letters/../publish"):
        r = client.post(url, data={"csrf_token": token, "text": "x"})
        assert r.status_code in (404, 405), url
    for name in ("../evil.jpg", "../../x.txt", "a/b.txt", ".."):
        r = upload(client, token, [(b"Some text.\n", name)])
        assert r.status_code == 400, name
        assert "not accepted as a file name" in r.get_data(as_text=True)
    assert snapshot(env) == before
    assert not (env.archive.root / "evil.jpg").exists()


def _post_big(client, token: str, size: int, **headers):
    """A multipart upload of `size` bytes, encoded here (the test client would spool it)."""
    head = (
        f'--b0und\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        '--b0und\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    )
    body = head.encode() + b"x" * size + b"\r\n--b0und--\r\n"
    return client.post(
        "/archive/upload",
        input_stream=io.BytesIO(body),
        content_type="multipart/form-data; boundary=b0und",
        content_length=len(body),
        headers=headers,
    )


def test_an_upload_over_the_size_limit_gets_413(env):
    app = create_app(config(env, MAX_CONTENT_LENGTH=1024 * 1024))
    client = app.test_client()
    token = sign_in(client)
    r = _post_big(client, token, 1024 * 1024 + 10)
    assert r.status_code == 413
    assert "larger than the limit of 1 MB" in r.get_data(as_text=True)
    r = _post_big(client, token, 1024 * 1024 + 10, Accept="application/json")
    assert r.status_code == 413 and "limit of 1 MB" in r.get_json()["error"]
    assert [i for i in env.archive.ids() if i.startswith("draft-")] == []
    assert _post_big(client, token, 1000).status_code == 303  # under the limit: saved


def _bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A tiny PNG that declares 900 million pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    idat = zlib.compress(row * 16, 9)  # only the first rows: it is never decoded
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_decompression_bombs_are_refused_with_a_message(app, env):
    client = app.test_client()
    token = sign_in(client)
    r = upload(client, token, [(_bomb_png(), "scan.png")])
    assert r.status_code == 400
    assert "scan.png: image of 900,000,000 pixels is over the limit" in r.get_data(as_text=True)
    assert [i for i in env.archive.ids() if i.startswith("draft-")] == []


def test_the_corpus_decompression_bomb_is_refused(app, env):
    bomb = need_corpus("hostile", "img_pillow", "decompression_bomb.gif")
    client = app.test_client()
    token = sign_in(client)
    r = upload(client, token, [(bomb.read_bytes(), bomb.name)], Accept="application/json")
    assert r.status_code == 400
    message = r.get_json()["error"]
    assert message.startswith("Not saved: decompression_bomb.gif:") and "bomb" in message
    assert not list((env.archive.letters_dir / ".staging").iterdir())


def test_failed_sign_ins_are_limited_then_429(app):
    client = app.test_client()
    token = csrf_token(client.get("/archive/sign-in").get_data(as_text=True))
    wrong = {"name": "alice", "password": "not the password", "csrf_token": token}
    for _ in range(5):
        r = client.post("/archive/sign-in", data=wrong)
        assert r.status_code == 401
        assert "The name or the password is wrong" in r.get_data(as_text=True)
    r = client.post("/archive/sign-in", data=wrong)
    assert r.status_code == 429
    assert "Too many failed sign-ins from your address" in r.get_data(as_text=True)
    # Even the right password waits now; other pages are not limited.
    right = {**wrong, "password": "correct horse battery staple"}
    assert client.post("/archive/sign-in", data=right).status_code == 429
    assert client.get("/archive/sign-in").status_code == 200


def test_only_failures_count_towards_the_limit(app):
    client = app.test_client()
    for _ in range(6):  # more successful sign-ins than the limit allows failures
        token = sign_in(client)
        assert client.post("/archive/sign-out", data={"csrf_token": token}).status_code == 303
    token = csrf_token(client.get("/archive/sign-in").get_data(as_text=True))
    wrong = {"name": "alice", "password": "not the password", "csrf_token": token}
    assert [client.post("/archive/sign-in", data=wrong).status_code for _ in range(6)] == [
        401,
        401,
        401,
        401,
        401,
        429,
    ]


def test_session_cookie_flags_and_the_secret_key_file(env, monkeypatch):
    monkeypatch.delenv("MISSIVE_SECRET_KEY", raising=False)
    monkeypatch.delenv("MISSIVE_COOKIE_SECURE", raising=False)
    base = {k: v for k, v in config(env).items() if k != "SECRET_KEY"}
    app = create_app({**base, "TESTING": False})
    key_file = env.root / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert create_app({**base, "TESTING": False}).secret_key == app.secret_key
    client = app.test_client()
    sign_in(client)
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.secure and cookie.same_site == "Lax"
    monkeypatch.setenv("MISSIVE_COOKIE_SECURE", "0")  # plain http on the loopback (make run)
    plain = create_app({**base, "TESTING": False})
    assert plain.config["SESSION_COOKIE_SECURE"] is False
    monkeypatch.setenv("MISSIVE_SECRET_KEY", "from-the-environment")
    assert create_app(base).secret_key == "from-the-environment"


def test_sign_in_only_redirects_within_the_site(app):
    client = app.test_client()
    token = csrf_token(client.get("/archive/sign-in").get_data(as_text=True))
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        r = client.post(
            "/archive/sign-in",
            data={
                "name": "alice",
                "password": "correct horse battery staple",
                "csrf_token": token,
                "next": target,
            },
        )
        assert r.status_code == 303 and r.headers["Location"] == "/archive/", target
        client.post(
            "/archive/sign-out",
            data={"csrf_token": csrf_token(client.get("/archive/upload").get_data(as_text=True))},
        )
        token = csrf_token(client.get("/archive/sign-in").get_data(as_text=True))
    assert client.get("/archive/upload").headers["Location"].endswith("next=/archive/upload")
