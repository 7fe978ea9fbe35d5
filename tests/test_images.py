"""Page images over real HTTP: sizes, the disk cache, ETags, and only archive files served."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import SAMPLE, Env, LiveServer, app_config
from webapp import create_app

PK_MOFA = "2009-02-16-pakistan-mofa"
PK_EMBASSY = "2009-02-24-pakistan-embassy-washington"
UK_PDF = "2008-10-10-uk-fco-miliband"


def image(server, path: str, headers: dict | None = None):
    status, hdrs, body = server.get(path, headers)
    assert status == 200, (path, status, body[:300])
    assert hdrs["Content-Type"] == "image/jpeg"
    return hdrs, Image.open(io.BytesIO(body))


def json_error(server, path: str, status: int) -> str:
    code, headers, body = server.get(path)
    assert code == status, (path, code, body[:200])
    assert headers["Content-Type"].startswith("application/json")
    data = json.loads(body)
    assert data["status"] == status
    return data["error"]


def cache_files(env, letter_id: str) -> list[Path]:
    return sorted((env.root / "cache" / "images" / letter_id).glob("*.jpg"))


def test_sizes(live_server):
    _, thumb = image(live_server, f"/letters/{PK_MOFA}/pages/1/image/thumb.jpg")
    assert thumb.size == (240, round(2339 * 240 / 1654))
    _, screen = image(live_server, f"/letters/{PK_MOFA}/pages/1/image/screen.jpg")
    assert screen.width == 1400
    _, full = image(live_server, f"/letters/{PK_MOFA}/pages/2/image/full.jpg")
    assert full.size == (1654, 2339)  # the scan at its own size


def test_pdf_pages_are_rendered(live_server):
    _, full = image(live_server, f"/letters/{UK_PDF}/pages/2/image/full.jpg")
    assert full.size == (1654, 2339)  # A4 at RENDER_DPI (200)
    assert full.convert("L").getextrema()[0] < 100  # there is ink on it
    _, thumb = image(live_server, f"/letters/{UK_PDF}/pages/1/image/thumb.jpg")
    assert thumb.width == 240


def test_etag_304_and_cache_control(live_server):
    path = f"/letters/{PK_MOFA}/pages/2/image/thumb.jpg"
    headers, _ = image(live_server, path)
    etag = headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")  # strong
    cache = headers["Cache-Control"]
    assert "public" in cache and "max-age=86400" in cache
    status, again, body = live_server.get(path, {"If-None-Match": etag})
    assert status == 304 and body == b""
    assert again["ETag"] == etag and "max-age=86400" in again["Cache-Control"]
    status, _, _ = live_server.get(path, {"If-None-Match": '"something-else"'})
    assert status == 200
    other, _ = image(live_server, f"/letters/{PK_MOFA}/pages/2/image/screen.jpg")
    assert other["ETag"] != etag


def test_derivative_is_made_once_and_reused(live_server, sample_env):
    path = f"/letters/{PK_EMBASSY}/pages/1/image/screen.jpg"
    image(live_server, path)
    files = cache_files(sample_env, PK_EMBASSY)
    made = [f for f in files if f.name.startswith("p1-screen-")]
    assert len(made) == 1
    stamp = made[0].stat().st_mtime_ns
    image(live_server, path)
    assert made[0].stat().st_mtime_ns == stamp  # served from the cache, not made again
    assert cache_files(sample_env, PK_EMBASSY) == files
    assert not [f for f in made[0].parent.iterdir() if f.name.startswith(".tmp")]


@pytest.mark.parametrize(
    "path, status, words",
    [
        (f"/letters/{PK_MOFA}/pages/1/image/huge.jpg", 404, "'huge' is not an image size"),
        (f"/letters/{PK_MOFA}/pages/0/image/thumb.jpg", 404, f"letter {PK_MOFA} has 2 pages"),
        (f"/letters/{PK_MOFA}/pages/999/image/thumb.jpg", 404, "has 2 pages"),
        (f"/letters/{PK_MOFA}/pages/x/image/thumb.jpg", 404, "is not a page number"),
        ("/letters/no-such-letter/pages/1/image/thumb.jpg", 404, "no-such-letter"),
        ("/letters/..%2F..%2Fetc/pages/1/image/full.jpg", 404, None),
        ("/letters/..%2F..%2Fetc%2Fpasswd/pages/1/image/full.jpg", 404, None),
        ("/letters/%2E%2E/pages/1/image/full.jpg", 404, None),
        (f"/letters/{PK_MOFA}/pages/1/image/..%2F..%2Fletter.json", 404, None),
    ],
)
def test_bad_requests_never_reach_a_file(live_server, path, status, words):
    code, headers, body = live_server.get(path)
    assert code == status
    assert b"root:" not in body and not headers["Content-Type"].startswith("image/")
    if words:
        assert words in json.loads(body)["error"]


@pytest.fixture
def small_env(tmp_path):
    """One sample letter with a page image, and one transcript-only letter."""
    letters = tmp_path / "archive" / "letters"
    letters.mkdir(parents=True)
    shutil.copytree(SAMPLE / "letters" / PK_EMBASSY, letters / PK_EMBASSY)
    (letters / "text-only").mkdir()
    (letters / "text-only" / "page-001.txt").write_text("Dear Sir,\nA letter.\n", "utf-8")
    env = Env(tmp_path)
    assert not env.build().errors
    return env


@pytest.fixture
def small_server(small_env):
    server = LiveServer(create_app(app_config(small_env)))
    yield server
    server.stop()


def test_transcript_only_pages_have_no_image(small_server):
    error = json_error(small_server, "/letters/text-only/pages/1/image/full.jpg", 404)
    assert "has no image" in error


def test_a_changed_scan_gets_a_new_derivative(small_env, small_server):
    path = f"/letters/{PK_EMBASSY}/pages/1/image/thumb.jpg"
    before, old = image(small_server, path)
    scan = small_env.archive.root / "letters" / PK_EMBASSY / "page-001.jpg"
    Image.new("RGB", (800, 400), "white").save(scan)  # the archivist replaces the scan
    after, new = image(small_server, path)
    assert after["ETag"] != before["ETag"]
    assert new.size == (240, 120) and old.size != new.size
    assert small_server.get(path, {"If-None-Match": before["ETag"]})[0] == 200
    # the derivative of the old scan is gone from the cache
    key = after["ETag"].strip('"')
    assert [f.name for f in cache_files(small_env, PK_EMBASSY)] == [f"p1-thumb-{key}.jpg"]


def test_a_broken_scan_is_a_clear_error_not_a_500(small_env, small_server):
    scan = small_env.archive.root / "letters" / PK_EMBASSY / "page-001.jpg"
    scan.write_bytes(scan.read_bytes()[:200])  # truncated
    error = json_error(small_server, f"/letters/{PK_EMBASSY}/pages/1/image/screen.jpg", 422)
    assert "page-001.jpg" in error and "cannot be read" in error
    scan.unlink()
    error = json_error(small_server, f"/letters/{PK_EMBASSY}/pages/1/image/screen.jpg", 404)
    assert "missing" in error
