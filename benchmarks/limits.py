"""What the request limits cost and what they bound: a refused broad search, a plain search
answered beside it, and the memory a worker needs for derivatives of a 120 MP scan.

    # over an index (e.g. a kept work folder of benchmarks.run)
    .venv/bin/python -m benchmarks.limits search --archive /tmp/bench-5000/archive \
        --index /tmp/bench-5000/index
    # 120 MP JPEG and PNG scans, each derivative made in a fresh process
    .venv/bin/python -m benchmarks.limits images --workdir /tmp/limits-images

Prints markdown; `--json FILE` keeps every number.  Nothing here asserts a time: the
tests check behaviour (tests/test_search_budget.py, tests/test_request_limits.py).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from benchmarks.run import REPO, summary_ms
from benchmarks.servers import children, free_port, get, memory_kb, stop_process, wait_until_up

INITIALS = "abcdefghijklmnopqrstuvw"
BROAD = " OR ".join(f"{c}*" for c in INITIALS)
PLAIN = "munitions"
SIZES = ("thumb", "screen", "full")
# 13,416 x 8,944 = 119,992,704 pixels: just under the 120 MP limit (indexer/extract/image.py)
SCAN = (13_416, 8_944)


# -- search ------------------------------------------------------------------------------
def search_in_process(index: Path) -> dict:
    """The broad query refused, and what it would cost without the budget."""
    from indexer.engines import EngineConfig, open_engine
    from indexer.engines.whoosh.query import Expanded, expand, parse
    from indexer.search import QueryTooBroad, SearchRequest

    searcher = open_engine(index)
    searcher.search(SearchRequest(q=PLAIN))  # opens the searcher, reads the columns
    refused = []
    for _ in range(5):
        t0 = time.perf_counter()
        try:
            searcher.search(SearchRequest(q=BROAD))
        except QueryTooBroad:
            refused.append(time.perf_counter() - t0)
    unbounded = open_engine(EngineConfig(index, budget=None))
    unbounded.search(SearchRequest(q=PLAIN))
    # How many words the query stands for: the Whoosh engine's own expansion, read directly.
    with unbounded.searching.using() as (s, arrays):
        q = expand(parse(BROAD, s.schema), s.reader(), arrays.lexicon, budget=None)
        words = sum(len(leaf.words) for leaf in q.leaves() if isinstance(leaf, Expanded))
    t0 = time.perf_counter()
    total = unbounded.search(SearchRequest(q=BROAD)).total
    return {
        "refused": summary_ms(refused) if refused else None,
        "without_budget_s": round(time.perf_counter() - t0, 2),
        "without_budget_total": total,
        "words": words,
    }


def _gunicorn(archive: Path, index: Path, cache: Path, log: Path) -> tuple:
    port = free_port()
    env = {
        **os.environ,
        "MISSIVE_ARCHIVE": str(archive.resolve()),
        "MISSIVE_INDEX": str(index.resolve()),
        "MISSIVE_CACHE": str(cache.resolve()),
    }
    # `make run`'s config (gthread, 4 threads): a plain search shares the broad one's worker.
    cmd = [str(Path(sys.executable).with_name("gunicorn")), "-c", "webapp/gunicorn_conf.py"]
    cmd += ["--workers", "1", "--bind", f"127.0.0.1:{port}", "webapp:create_app()"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    wait_until_up(proc, f"{base}/api/search?q=", 600, log)
    return proc, base


def search_over_http(archive: Path, index: Path, workdir: Path, rounds: int) -> dict:
    workdir.mkdir(parents=True, exist_ok=True)
    proc, base = _gunicorn(archive, index, workdir / "cache", workdir / "gunicorn.log")

    def url(q: str) -> str:
        return f"{base}/api/search?{urllib.parse.urlencode({'q': q})}"

    def timed(q: str, want: int) -> float:
        seconds, status, body = get(url(q))
        if status != want:
            raise RuntimeError(f"{q[:40]}: HTTP {status}, expected {want}: {body[:200]!r}")
        return seconds

    try:
        timed(PLAIN, 200)
        alone = {"broad": [timed(BROAD, 400) for _ in range(rounds)]}
        alone["plain"] = [timed(PLAIN, 200) for _ in range(rounds)]
        stop = threading.Event()
        beside: list[float] = []

        def broad_loop() -> None:
            while not stop.is_set():
                beside.append(timed(BROAD, 400))

        loops = [threading.Thread(target=broad_loop) for _ in range(3)]
        for t in loops:
            t.start()
        try:
            plain = [timed(PLAIN, 200) for _ in range(rounds)]
        finally:
            stop.set()
            for t in loops:
                t.join()
        worker = children(proc.pid)
        return {
            "broad_alone": summary_ms(alone["broad"]),
            "plain_alone": summary_ms(alone["plain"]),
            "plain_beside_broad": summary_ms(plain),
            "broad_beside": summary_ms(beside),
            "worker_memory_kb": [memory_kb(pid) for pid in worker],
        }
    finally:
        stop_process(proc)


# -- images ------------------------------------------------------------------------------
def make_scans(workdir: Path, scan: tuple[int, int] = SCAN) -> dict[str, Path]:
    """A colour JPEG and PNG, paper-white with dark strokes (made once, reused)."""
    from PIL import Image, ImageDraw

    workdir.mkdir(parents=True, exist_ok=True)
    name = f"scan-{scan[0]}x{scan[1]}"
    paths = {"JPEG": workdir / f"{name}.jpg", "PNG": workdir / f"{name}.png"}
    if all(p.exists() for p in paths.values()):
        return paths
    page = Image.new("RGB", scan, (246, 241, 228))
    draw = ImageDraw.Draw(page)
    margin = scan[0] // 20
    for y in range(margin, scan[1] - margin, 160):  # lines of "writing"
        for x in range(margin, scan[0] - margin, 90):
            if (x * 7 + y * 3) % 11:
                draw.line((x, y, x + 60, y + 40 - (x % 50)), fill=(40, 36, 60), width=9)
    page.save(paths["JPEG"], quality=85)
    page.save(paths["PNG"], compress_level=1)
    return paths


MEASURE = """
import json, sys, time
from pathlib import Path
from benchmarks.servers import memory_kb
from webapp.images import _render
import os
source, size, target = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
before = memory_kb(os.getpid())
t0 = time.perf_counter()
_render(source, 0, size, target)
seconds = time.perf_counter() - t0
after = memory_kb(os.getpid())
from PIL import Image
with Image.open(target) as out:
    made = out.size
print(json.dumps({"seconds": seconds, "before": before, "after": after, "size": made}))
"""


def image_memory(paths: dict[str, Path], workdir: Path) -> dict:
    """Each derivative of each scan made in a fresh interpreter: its peak RSS (VmHWM)."""
    from PIL import Image

    out: dict = {}
    for fmt, path in paths.items():
        for size in SIZES:
            target = workdir / f"out-{fmt.lower()}-{size}.jpg"
            done = subprocess.run(
                [sys.executable, "-c", MEASURE, str(path), size, str(target)],
                cwd=REPO,
                capture_output=True,
                text=True,
                check=True,
            )
            m = json.loads(done.stdout)
            with Image.open(path) as img:
                scan = f"{img.width}×{img.height}"
            out[f"{fmt} {size}"] = {
                "scan": scan,
                "seconds": round(m["seconds"], 2),
                "derivative": m["size"],
                "baseline_mb": round(m["before"]["VmRSS"] / 1024),
                "peak_mb": round(m["after"]["VmHWM"] / 1024),
                "peak_over_baseline_mb": round((m["after"]["VmHWM"] - m["before"]["VmRSS"]) / 1024),
            }
    return out


# -- report ------------------------------------------------------------------------------
def markdown(report: dict) -> str:
    lines = []
    if "search" in report:
        s, h = report["search"]["core"], report["search"]["http"]
        lines += [
            f"Broad query `{BROAD[:24]}…` ({len(INITIALS)} wildcards):",
            "",
            "| what | p50 | max |",
            "|---|---:|---:|",
            f"| refused in process | {s['refused']['p50_ms']} ms | {s['refused']['max_ms']} ms |",
        ]
        for key, label in (
            ("broad_alone", "refused over HTTP (400)"),
            ("plain_alone", f"plain search `{PLAIN}` alone"),
            ("plain_beside_broad", f"`{PLAIN}` while 3 clients send the broad query"),
            ("broad_beside", "broad query meanwhile (400)"),
        ):
            lines.append(f"| {label} | {h[key]['p50_ms']} ms | {h[key]['max_ms']} ms |")
        lines += [
            "",
            f"Its terms stand for {s['words']:,} words; without the budget it takes "
            f"{s['without_budget_s']} s in process ({s['without_budget_total']:,} letters).",
            "",
        ]
    if "images" in report:
        lines += [
            "| scan | derivative | made | worker peak RSS | over its baseline |",
            "|---|---|---:|---:|---:|",
        ]
        for key, m in report["images"].items():
            fmt, size = key.split()
            w, h = m["derivative"]
            lines.append(
                f"| {fmt} {m['scan']} | {size} ({w}×{h}) | {m['seconds']} s | {m['peak_mb']} MB "
                f"| {m['peak_over_baseline_mb']} MB |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.limits", description=__doc__)
    sub = ap.add_subparsers(dest="what", required=True)
    search = sub.add_parser("search", help="the broad query refused; a plain one beside it")
    search.add_argument("--archive", type=Path, required=True)
    search.add_argument("--index", type=Path, required=True)
    search.add_argument("--rounds", type=int, default=20)
    search.add_argument("--workdir", type=Path, default=Path("/tmp/missive-limits"))
    images = sub.add_parser("images", help="worker memory for derivatives of 120 MP scans")
    images.add_argument("--workdir", type=Path, default=Path("/tmp/missive-limits"))
    images.add_argument(
        "--scan", default=f"{SCAN[0]}x{SCAN[1]}", help="scan size, WxH (just under 120 MP)"
    )
    for p in (search, images):
        p.add_argument("--json", type=Path, help="write all results to this file")
    args = ap.parse_args(argv)
    report: dict = {}
    if args.what == "search":
        report["search"] = {
            "core": search_in_process(args.index),
            "http": search_over_http(args.archive, args.index, args.workdir, args.rounds),
        }
    else:
        scan = tuple(int(v) for v in args.scan.lower().split("x"))
        report["images"] = image_memory(make_scans(args.workdir, scan), args.workdir)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    print(markdown(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
