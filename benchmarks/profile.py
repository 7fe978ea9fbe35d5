"""Where the time goes: cProfile of one search through the core, or of a build.

    python -m benchmarks.profile search --index DIR [QUERY] [--country FR] [--from 1970 --to 1989]
    python -m benchmarks.profile build --archive DIR [--limit 1000]

`search` opens the index, runs the search once to warm the searcher and its caches
(as a running server has them), then profiles `--repeat` more runs of it.  `build`
profiles `indexing.build` over the first `--limit` letters of an archive (linked into a
temporary archive), into a temporary index.  Both print the top functions by cumulative
and by own time; `--out FILE` also saves the raw profile for snakeviz or pstats.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path


def _print(prof: cProfile.Profile, top: int, out: Path | None) -> None:
    if out:
        prof.dump_stats(out)
    for key in ("cumulative", "tottime"):
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf)
        stats.strip_dirs().sort_stats(key).print_stats(top)
        text = buf.getvalue()
        print(f"\n=== top {top} by {key} ===")
        print(text[text.find("   ncalls") :].rstrip())


def profile_search(args) -> None:
    from indexer.engines import open_engine
    from indexer.search import SearchRequest

    def request() -> SearchRequest:
        return SearchRequest(
            q=args.query,
            filters={"country": args.country} if args.country else {},
            date_from=args.date_from,
            date_to=args.date_to,
        )

    searcher = open_engine(args.index)
    t0 = time.perf_counter()
    result = searcher.search(request())
    print(f"warm-up: {result.total} letters in {(time.perf_counter() - t0) * 1000:.0f} ms")
    prof = cProfile.Profile()
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        prof.enable()
        searcher.search(request())
        prof.disable()
        times.append((time.perf_counter() - t0) * 1000)
    print(f"profiled {args.repeat} runs: " + ", ".join(f"{t:.0f} ms" for t in times))
    searcher.close()
    _print(prof, args.top, args.out)


def profile_build(args) -> None:
    from indexer import indexing
    from indexer.archive import Archive
    from indexer.engines import open_engine
    from indexer.ingest.reader import Reader

    source = Archive(args.archive)
    ids = source.ids()[: args.limit]
    tmp = Path(tempfile.mkdtemp(prefix="missive-profile-"))
    try:
        (tmp / "archive" / "letters").mkdir(parents=True)
        for letter_id in ids:
            (tmp / "archive" / "letters" / letter_id).symlink_to(
                source.folder(letter_id).resolve(), target_is_directory=True
            )
        archive = Archive(tmp / "archive")
        reader = Reader(archive, ocr_cache=tmp / "cache" / "ocr")
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        report = indexing.build(archive, open_engine(tmp / "index"), reader)
        prof.disable()
        seconds = time.perf_counter() - t0
        print(
            f"built {len(report.indexed)} letters in {seconds:.1f} s under the profiler "
            f"({len(report.indexed) / seconds:.1f} letters/s)"
        )
        _print(prof, args.top, args.out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.profile", description=__doc__.split("\n\n")[0]
    )
    sub = ap.add_subparsers(dest="what", required=True)
    s = sub.add_parser("search", help="profile one search request through the engine")
    s.add_argument("--index", type=Path, required=True)
    s.add_argument("query", nargs="?", default='"arms trade treaty"')
    s.add_argument("--country", action="append")
    s.add_argument("--from", dest="date_from")
    s.add_argument("--to", dest="date_to")
    s.add_argument("--repeat", type=int, default=3)
    b = sub.add_parser("build", help="profile indexing.build over part of an archive")
    b.add_argument("--archive", type=Path, required=True)
    b.add_argument("--limit", type=int, default=1000)
    for p in (s, b):
        p.add_argument("--top", type=int, default=25)
        p.add_argument("--out", type=Path, help="also save the raw profile here")
    args = ap.parse_args(argv)
    (profile_search if args.what == "search" else profile_build)(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
