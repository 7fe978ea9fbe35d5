"""Helpers for the archivist tests: an archive with a user, signed-in clients, page scans."""

from __future__ import annotations

import http.cookiejar
import io
import json
import re
import secrets
import time
import urllib.error
import urllib.request
from pathlib import Path

from indexer.users import UserStore
from scripts.render_pages import SIGNATURE, jpeg_bytes, render_letter
from tests.conftest import Env, app_config, write_letter

USER, PASSWORD = "alice", "correct horse battery staple"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def archive_env(root: Path, *, letters: bool = True) -> Env:
    """A small indexed archive (two published transcript letters) and the user alice."""
    (root / "archive" / "letters").mkdir(parents=True, exist_ok=True)
    if letters:
        write_letter(root / "archive", "alpha", ["A letter about ships and harbours."])
        write_letter(
            root / "archive", "beta", ["Another letter, about lighthouses."], {"title": "Beta"}
        )
    env = Env(root)
    env.build()
    UserStore(root / "users.sqlite3").add(USER, PASSWORD)
    return env


def config(env: Env, **extra) -> dict:
    return {**app_config(env), "SECRET_KEY": "test-" + secrets.token_hex(8), **extra}


def csrf_token(html: str) -> str:
    found = _TOKEN.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(client, name: str = USER, password: str = PASSWORD) -> str:
    """Sign a Flask test client in; return the session's CSRF token."""
    token = csrf_token(client.get("/archive/sign-in").get_data(as_text=True))
    r = client.post(
        "/archive/sign-in", data={"name": name, "password": password, "csrf_token": token}
    )
    assert r.status_code == 303, r.get_data(as_text=True)[:500]
    return csrf_token(client.get("/archive/upload").get_data(as_text=True))


def letter_body(phrase: str, paragraphs: int = 4) -> list[str]:
    """A letter from a Norwegian embassy long enough for a page or two of OCR."""
    para = (
        "We write about the {p}, which our ministry signed last winter after long talks "
        "with the neighbouring states. The agreement sets out how shipments are inspected "
        "at the harbours, and how the inspectors share what they find with one another."
    )
    body = ["Oslo, 3 March 2011", "", "Ms Jane Smith", "Director, Harbour Archives", "London", ""]
    body += ["Dear Ms Smith,", ""]
    for i in range(paragraphs):
        body += [para.format(p=phrase if i == 0 else "agreement"), ""]
    body += ["Yours sincerely,", "", SIGNATURE, "Ola Nordmann", "Ambassador"]
    return body


def page_scans(phrase: str, *, pages: int = 1, seed: int = 3) -> list[bytes]:
    """JPEG scans of a rendered letter holding `phrase`, with exactly `pages` pages."""
    paragraphs = 4
    while True:
        rendered = render_letter(
            letter_body(phrase, paragraphs),
            letterhead=["Embassy of Norway", ("Royal Norwegian Embassy in London", "small")],
            seed=seed,
            width=1240,
            height=1754,
            font_size=28,
        )
        # Every page well filled: Tesseract reads a page with a few lines less reliably.
        if len(rendered) > pages or (
            len(rendered) == pages and len(rendered[-1].text.splitlines()) >= 20
        ):
            return [jpeg_bytes(p.image) for p in rendered[:pages]]
        paragraphs += 2


def wait_processed(client, letter_id: str, timeout: float = 300) -> dict:
    """The letter's progress once reading ended ("done" or "failed").

    The timeout only keeps a hung reading from stalling the suite: it fails, never returns.
    """
    deadline = time.monotonic() + timeout
    while True:
        data = client.get(f"/archive/letters/{letter_id}/progress.json").get_json()
        if data["state"] in ("done", "failed"):
            return data
        assert time.monotonic() < deadline, (
            f"{letter_id} was still being read after {timeout:.0f} s (hung?): {data}"
        )
        time.sleep(0.2)


def upload(client, token: str, files: list[tuple[bytes, str]], **headers):
    data = {"csrf_token": token, "files": [(io.BytesIO(b), name) for b, name in files]}
    return client.post(
        "/archive/upload", data=data, content_type="multipart/form-data", headers=headers
    )


# -- over HTTP (live servers) ----------------------------------------------------------------
class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class HttpSession:
    """A cookie-keeping HTTP client that does not follow redirects (to read Location)."""

    def __init__(self, base: str, timeout: float = 60):
        self.base = base
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.token = ""

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None):
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=self.timeout) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read()

    def get_json(self, path: str) -> dict:
        status, _, body = self.request(path, headers={"Accept": "application/json"})
        assert status == 200, (status, body[:300])
        return json.loads(body)

    def post_form(self, path: str, fields: dict, headers: dict | None = None):
        from urllib.parse import urlencode

        body = urlencode({"csrf_token": self.token, **fields}).encode()
        hdrs = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        return self.request(path, body, hdrs)

    def post_files(self, path: str, files: list[tuple[str, bytes]], headers: dict | None = None):
        boundary = "----missive" + secrets.token_hex(8)
        out = io.BytesIO()
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{self.token}\r\n".encode()
        )
        for name, data in files:
            out.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            )
            out.write(data + b"\r\n")
        out.write(f"--{boundary}--\r\n".encode())
        hdrs = {"Content-Type": f"multipart/form-data; boundary={boundary}", **(headers or {})}
        return self.request(path, out.getvalue(), hdrs)

    def sign_in(self, name: str = USER, password: str = PASSWORD) -> None:
        _, _, body = self.request("/archive/sign-in")
        self.token = csrf_token(body.decode())
        status, headers, body = self.post_form(
            "/archive/sign-in", {"name": name, "password": password}
        )
        assert status == 303, (status, body[:300])
        _, _, body = self.request("/archive/upload")
        self.token = csrf_token(body.decode())


def http_upload_and_publish(s: HttpSession, files, timeout: float = 300) -> str:
    """Upload files as a draft, wait until it is read, publish it; return the final id.

    The timeout only keeps a hung reading from stalling the suite.
    """
    status, _, body = s.post_files("/archive/upload", files, headers={"Accept": "application/json"})
    assert status == 201, (status, body[:300])
    draft = json.loads(body)["id"]
    deadline = time.monotonic() + timeout
    while s.get_json(f"/archive/letters/{draft}/progress.json")["state"] != "done":
        assert time.monotonic() < deadline, f"{draft} was still being read after {timeout} s"
        time.sleep(0.05)
    status, headers, body = s.post_form(f"/archive/letters/{draft}/publish", {})
    assert status == 303, (status, body[:300])
    return headers["Location"].rstrip("/").rsplit("/", 1)[-1]
