"""A scan at the 120 MP limit gets correct derivatives without being decoded whole where
the format allows: JPEG decodes at 1/8 scale, PNG is reduced right after decoding.

(The memory a worker needs for them is measured in benchmarks/limits.py.)
"""

from __future__ import annotations

import io
import shutil

import pytest
from PIL import Image, ImageDraw

from indexer.ingest.extract import load_page_image
from indexer.ingest.extract.image import MAX_PIXELS
from tests.conftest import Env, LiveServer, app_config
from webapp import create_app

SCAN = (13_416, 8_944)  # 119,992,704 pixels: just under the limit


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    assert SCAN[0] * SCAN[1] <= MAX_PIXELS
    root = tmp_path_factory.mktemp("large")
    page = Image.new("L", SCAN, 235)  # greyscale keeps the test's own memory at 120 MB
    ImageDraw.Draw(page).rectangle((0, 0, SCAN[0] // 2, SCAN[1] // 2), fill=20)
    paths = {"jpg": root / "scan.jpg", "png": root / "scan.png"}
    page.save(paths["jpg"], quality=80)
    page.save(paths["png"], compress_level=1)
    return root, paths


def test_a_120_mp_jpeg_is_decoded_at_an_eighth_and_a_png_reduced(scans):
    _, paths = scans
    # Pillow's draft: the smallest of 1/2, 1/4, 1/8 still 1400 wide is 1/8 (1677 px).
    assert load_page_image(paths["jpg"], width=1400).size == (1677, 1118)
    assert load_page_image(paths["jpg"], width=240).size == (1677, 1118)
    # PNG cannot be decoded smaller: reduced by 9, the largest whole factor still 1400 wide.
    assert load_page_image(paths["png"], width=1400).size == (1491, 994)
    assert load_page_image(paths["png"], width=240).size == (244, 163)  # by 55


def test_the_derivatives_of_a_120_mp_scan_have_the_right_size(scans):
    root, paths = scans
    env = Env(root)
    folder = env.archive.root / "letters" / "large"
    folder.mkdir(parents=True)
    shutil.copy(paths["jpg"], folder / "page-001.jpg")
    shutil.copy(paths["png"], folder / "page-002.png")
    for n in (1, 2):
        (folder / f"page-{n:03d}.txt").write_text("A very large scan.\n", encoding="utf-8")
    assert not env.build().errors
    server = LiveServer(create_app(app_config(env)))
    try:
        for n in (1, 2):
            for size, expected in (("screen", (1400, 933)), ("thumb", (240, 160))):
                path = f"/letters/large/pages/{n}/image/{size}.jpg"
                status, _, body = server.get(path)
                assert status == 200, (path, body[:300])
                made = Image.open(io.BytesIO(body))
                assert made.size == expected, (path, made.size)
                # The dark quarter is where it was: the reduction kept the picture.
                assert made.getpixel((10, 10)) < 60 < 200 < made.getpixel(
                    (expected[0] - 10, expected[1] - 10)
                )
    finally:
        server.stop()


@pytest.mark.slow  # starts processes: a server, or one per derivative
def test_the_benchmark_measures_each_derivatives_memory(tmp_path):
    from benchmarks import limits

    report = limits.image_memory(limits.make_scans(tmp_path, (1600, 1200)), tmp_path)
    assert set(report) == {f"{fmt} {size}" for fmt in ("JPEG", "PNG") for size in limits.SIZES}
    assert report["PNG screen"]["derivative"] == [1400, 1050]
    assert all(m["peak_mb"] >= m["baseline_mb"] > 0 for m in report.values())
    assert "| PNG 1600×1200 | screen (1400×1050) |" in limits.markdown({"images": report})
