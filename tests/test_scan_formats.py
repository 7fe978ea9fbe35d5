"""Archival scans and HTR output through `python -m indexer add` and the app over HTTP: a
JPEG 2000 master and a WebP scan become letters whose page images are served; a scan with
its PAGE XML is searchable by its HTR text and shows the hits as boxes on the image."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import Env, LiveServer, app_config, need_corpus, write_letter
from tests.test_sample import cli
from webapp import create_app

pytestmark = pytest.mark.slow  # real `add` processes, OCR of the scans


@pytest.fixture
def scans_env(tmp_path) -> Env:
    env = Env(tmp_path)
    write_letter(env.archive.root, "a-letter", ["An earlier letter about the harbour."])
    env.build()
    return env


@pytest.fixture
def server(scans_env):
    live = LiveServer(create_app(app_config(scans_env)))
    yield live
    live.stop()


def added(env: Env, *paths: Path) -> dict:
    out = cli(env, "add", *map(str, paths))
    assert out.returncode == 0, out.stderr
    s = env.search()
    try:
        return s.get(out.stdout.strip())
    finally:
        s.close()


def served_image(server, letter_id: str, size: str) -> Image.Image:
    status, headers, body = server.get(f"/letters/{letter_id}/pages/1/image/{size}.jpg")
    assert status == 200, body[:300]
    assert headers["Content-Type"] == "image/jpeg"
    return Image.open(io.BytesIO(body))


def ocr_tried(env: Env, stored: dict) -> bool:
    """OCR ran (the page has its text, or the cache its result) or its failure is recorded."""
    page = stored["pages"][0]
    if page["origin"] == "ocr" or list((env.root / "cache" / "ocr").glob("*.json")):
        return True
    s = env.search()
    try:
        return stored["id"] in s.failures()
    finally:
        s.close()


def test_a_jpeg_2000_scan_is_added_shown_and_read(scans_env, server):
    jp2 = need_corpus("hostile", "img_pillow", "test-card-lossy-tiled.jp2")
    stored = added(scans_env, jp2)
    folder = scans_env.archive.folder(stored["id"])
    assert (folder / "page-001.jp2").read_bytes() == jp2.read_bytes()  # kept as given
    page = stored["pages"][0]
    assert (page["image"], page["width"], page["height"]) == ("page-001.jp2", 640, 480)
    assert served_image(server, stored["id"], "full").size == (640, 480)
    assert served_image(server, stored["id"], "thumb").size == (240, 180)
    assert ocr_tried(scans_env, stored)
    status, _, body = server.get(f"/letters/{stored['id']}")
    assert status == 200 and b"/pages/1/image/screen.jpg" in body


def test_a_webp_scan_is_added_and_shown(scans_env, server, tmp_path):
    scan = tmp_path / "scan.webp"
    Image.new("RGB", (900, 1200), "white").save(scan, "WEBP")
    stored = added(scans_env, scan)
    assert stored["pages"][0]["image"] == "page-001.webp"
    assert served_image(server, stored["id"], "screen").size == (900, 1200)  # never enlarged


def test_a_bad_jpeg_2000_is_refused_in_one_line(scans_env, tmp_path):
    jp2 = need_corpus("hostile", "img_pillow", "test-card-lossy-tiled.jp2")
    cut = tmp_path / "master.jp2"
    cut.write_bytes(jp2.read_bytes()[:3000])
    out = cli(scans_env, "add", str(cut))
    assert out.returncode == 1 and out.stdout == ""
    assert re.fullmatch(
        r"Error: master\.jp2: damaged file \(.+\); [^;]+; "
        r"accepted: JPEG, PNG, TIFF, JPEG 2000, WebP\n",
        out.stderr,
    )
    assert scans_env.archive.ids() == ["a-letter"]


def test_a_scan_with_its_page_xml_is_found_by_its_htr_text_and_boxed(scans_env, server):
    root = need_corpus("page_xml", "timeus")
    # file names with spaces, as the corpus has them
    image, xml = root / "images" / "PH 1858-2 c.jpg", root / "page" / "PH 1858-2 c.xml"
    stored = added(scans_env, image, xml)
    folder = scans_env.archive.folder(stored["id"])
    kept = sorted(p.name for p in folder.iterdir())
    assert [n for n in kept if n not in ("letter.json", "history.jsonl")] == [
        "page-001.jpg",
        "page-001.page.xml",
    ]
    page = stored["pages"][0]
    assert page["origin"] == "htr" and page["has_words"]
    assert stored["text_source"] == "ocr"
    assert "indemnité de six francs" in stored["pages_text"][0]
    assert stored["id"] in scans_env.found("indemnité")
    status, _, body = server.get(f"/letters/{stored['id']}/pages/1?q=indemnit%C3%A9")
    html = body.decode()
    assert status == 200
    assert "text from the PAGE XML or ALTO file" in html
    boxes = re.findall(r'<rect class="hl" x="([\d.]+)" y="([\d.]+)"[^>]*><title>([^<]+)<', html)
    assert [t for _, _, t in boxes] == ["indemnité"]
    x, y = float(boxes[0][0]), float(boxes[0][1])
    # on the first line, in the transcribed right-hand page of the opening (x 1530-3800)
    assert 1530 / 4608 * 100 < x < 3800 / 4608 * 100 and y < 480 / 3072 * 100
    status, _, body = server.get(f"/api/letters/{stored['id']}/pages/1/words")
    words = json.loads(body)["words"]
    assert status == 200 and words[0]["text"] == "compte"


def test_a_letter_folder_with_page_xml_rebuilds_the_same(scans_env, tmp_path):
    root = need_corpus("page_xml", "timeus")
    folder = scans_env.archive.root / "letters" / "timeus-79"
    folder.mkdir()
    shutil.copy(root / "images" / "PH 1858-79.jpg", folder / "page-001.jpg")
    shutil.copy(root / "page" / "PH 1858-79.xml", folder / "page-001.page.xml")
    report = scans_env.build()
    assert not report.errors, report.errors
    s = scans_env.search()
    try:
        stored = s.get("timeus-79")
    finally:
        s.close()
    assert stored["pages"][0]["origin"] == "htr"
    assert len(stored["pages_text"][0].splitlines()) > 20
