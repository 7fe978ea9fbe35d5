"""Missive at N letters against SQLite FTS5 and Datasette, in one run.

    python -m benchmarks.run --n 2000 --json benchmarks/results/bench-2000.json

Phases, in this order, on one synthetic archive (benchmarks/generate.py):

1. generate the archive (or reuse WORKDIR's when it matches N, seed and images);
2. build: Missive's full build through `indexer.indexing.build`, then the SQLite FTS5
   database from the same archive files;
3. search latency in-process: the query mix through `Engine.search` (facets and
   snippets, as the web app asks for them), then the same mix in FTS5;
4. search latency over HTTP: gunicorn (2 workers) serving `webapp:create_app()`,
   `GET /api/search`; letter pages and page images, cold and warm; the workers' peak
   memory; the time from `indexing.add` of one new letter until a search finds it,
   in-process and over HTTP;
5. Datasette serving the FTS5 database: the same mix through its JSON API;
6. concurrent clients (benchmarks/load.py): gunicorn as `make run` serves
   (webapp/gunicorn_conf.py), N clients for --duration seconds each, as researchers who
   read 1-3 s between requests and back to back; the same searches plus letter pages.
   `--only concurrent` runs this phase alone on an archive and index already built.

Every query runs once as a warm-up (reported apart, excluded from the percentiles) and
then ROUNDS times.  The markdown table goes to stdout, everything to --json.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import json
import multiprocessing
import os
import platform
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlencode

from . import compare_datasette, compare_fts5, generate, load, scale_report
from .servers import REPO as REPO  # where limits.py reads it
from .servers import Gunicorn, get, memory_kb
from .stats import percentile

# The query mix: (kind, Missive query, FTS5 query).  Every kind runs alone, with a
# sender-country filter and with a date range.
QUERIES = [
    ("term", "munitions", "munitions"),
    ("phrase", '"arms trade treaty"', '"arms trade treaty"'),
    (
        "boolean",
        "(sanctions OR embargo) AND ceasefire NOT extradition",
        "(sanctions OR embargo) AND ceasefire NOT extradition",
    ),
    ("wildcard", "negoti*", "negoti*"),
    # FTS5 has no fuzzy matching: the nearest is a prefix of the misspelt word's stem.
    ("fuzzy", "extradtion~", "extradit*"),
    ("field", "title:agreement", "title:agreement"),
]
VARIANTS = [
    ("alone", {}),
    ("country", {"country": "FR"}),
    ("dates", {"date_from": "1970", "date_to": "1989"}),
]
IMAGE_ROUTE = "/letters/{id}/pages/1/image/screen.jpg"
LETTER_ROUTE = "/letters/{id}"
MISSING = "n/a (route missing)"


# -- measuring ------------------------------------------------------------------------


def summary_ms(seconds: list[float]) -> dict:
    if not seconds:
        return {}
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "max_ms": round(max(ms), 2),
    }


def mix() -> list[dict]:
    """The 18 searches of the mix, each with its Missive and FTS5 forms."""
    out = []
    for kind, q, fts in QUERIES:
        for variant, filters in VARIANTS:
            name = f"{kind}/{variant}"
            out.append({"name": name, "kind": kind, "variant": variant, "q": q, "fts5": fts})
            out[-1].update(filters)
    return out


def run_mix(
    searches: list[dict], one: Callable[[dict], tuple[float, int | None, str | None]], rounds: int
) -> dict:
    """Run the mix once as warm-up, then `rounds` times; one(search) -> (s, total, error)."""
    warmup: list[float] = []
    samples: dict[str, list[float]] = {s["name"]: [] for s in searches}
    totals: dict[str, int | None] = {}
    errors: list[str] = []
    for r in range(rounds + 1):
        for s in searches:
            seconds, total, error = one(s)
            if error:
                errors.append(f"{s['name']}: {error}")
                continue
            if r == 0:
                warmup.append(seconds)
                totals[s["name"]] = total
            else:
                samples[s["name"]].append(seconds)
    every = [x for xs in samples.values() for x in xs]
    return {
        **summary_ms(every),
        "warmup": summary_ms(warmup),
        "per_query": {
            name: {**summary_ms(xs), "total": totals.get(name)} for name, xs in samples.items()
        },
        "per_kind": {
            kind: summary_ms([x for s in searches if s["kind"] == kind for x in samples[s["name"]]])
            for kind, _, _ in QUERIES
        },
        "errors": errors,
    }


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def machine() -> dict:
    info = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    for pkg in ("Whoosh-Reloaded", "Flask", "gunicorn", "datasette"):
        try:
            info[pkg.lower()] = version(pkg)
        except PackageNotFoundError:
            info[pkg.lower()] = None
    return info


def in_fresh_process(fn: Callable, *args):
    """Run fn(*args) in a new interpreter: no leftovers of the build (its garbage, its
    caches) weigh on what is measured, the way a freshly started server has none."""
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        return pool.submit(fn, *args).result()


# -- phases ---------------------------------------------------------------------------


def phase_generate(archive: Path, n: int, seed: int, images: int, log) -> dict:
    m = generate.read_manifest(archive)
    letters = archive / "letters"
    if (
        m
        and m.get("n") == n
        and m.get("seed") == seed
        and m.get("generator_version") == generate.GENERATOR_VERSION
        and m.get("images") == images
        and letters.is_dir()
        and sum(1 for p in letters.iterdir() if p.is_dir() and not p.name.startswith(".")) == n
    ):
        log(f"reusing the archive in {archive}")
        return {"seconds": m["seconds"], "reused": True, "manifest": m}
    shutil.rmtree(letters, ignore_errors=True)
    log(f"generating {n} letters into {archive}")
    m = generate.generate(archive, n, seed=seed, images=images)
    return {"seconds": m["seconds"], "reused": False, "manifest": m}


def phase_build(archive: Path, index: Path, cache: Path, log) -> dict:
    from indexer import indexing
    from indexer.archive import Archive
    from indexer.engines import open_engine
    from indexer.ingest.reader import Reader

    shutil.rmtree(index, ignore_errors=True)
    arch = Archive(archive)
    procs = indexing.default_procs()
    log(f"building the Missive index of {len(arch.ids())} letters ({procs} writer processes)")
    t0 = time.perf_counter()
    report = indexing.build(
        arch, open_engine(index), Reader(arch, ocr_cache=cache / "ocr"), procs=procs
    )
    seconds = time.perf_counter() - t0
    return {
        "seconds": round(seconds, 3),
        "procs": procs,
        "letters": len(report.indexed),
        "letters_per_s": round(len(report.indexed) / seconds, 1),
        "index_bytes": dir_bytes(index),
        "errors": report.errors[:20],
    }


def core_request(s: dict):
    from indexer.search import SearchRequest

    filters = {"country": [s["country"]]} if s.get("country") else {}
    return SearchRequest(
        q=s["q"], filters=filters, date_from=s.get("date_from"), date_to=s.get("date_to")
    )


def phase_core(index: Path, searches: list[dict], rounds: int) -> dict:
    from indexer.engines import open_engine
    from indexer.errors import MissiveError

    searcher = open_engine(index)

    def one(s):
        t0 = time.perf_counter()
        try:
            result = searcher.search(core_request(s))
        except MissiveError as exc:  # a query the search syntax refuses
            return time.perf_counter() - t0, None, str(exc)
        return time.perf_counter() - t0, result.total, None

    try:
        return run_mix(searches, one, rounds)
    finally:
        searcher.close()


def phase_fts5(db: Path, searches: list[dict], rounds: int) -> dict:
    fts = compare_fts5.Fts5Search(db)

    def one(s):
        t0 = time.perf_counter()
        try:
            result = fts.search(
                s["fts5"],
                country=s.get("country"),
                date_from=s.get("date_from"),
                date_to=s.get("date_to"),
            )
        except sqlite3.Error as exc:
            return time.perf_counter() - t0, None, str(exc)
        return time.perf_counter() - t0, result["total"], None

    try:
        return run_mix(searches, one, rounds)
    finally:
        fts.close()


def api_path(s: dict) -> str:
    params = [("q", s["q"])]
    if s.get("country"):
        params.append(("country", s["country"]))
    if s.get("date_from"):
        params.append(("from", s["date_from"]))
    if s.get("date_to"):
        params.append(("to", s["date_to"]))
    return "/api/search?" + urlencode(params)


def http_one(base: str, path: str, total: Callable[[dict], int | None]):
    try:
        seconds, status, body = get(base + path)
    except OSError as exc:  # a worker killed mid-request, a reset connection
        return 0.0, None, f"{type(exc).__name__}: {exc}"
    if status != 200:
        return seconds, None, f"HTTP {status}: {body[:200]!r}"
    return seconds, total(json.loads(body)), None


def phase_pages(base: str, ids: list[str], route: str, warm_rounds: int = 3) -> dict:
    """Each letter's URL once (cold), then `warm_rounds` more times (warm)."""
    if not ids:
        return {"status": "n/a (no letters with images)"}
    cold, warm, errors = [], [], []
    for i, letter_id in enumerate(ids):
        seconds, status, body = get(base + route.format(id=quote(letter_id)))
        if status == 404 and i == 0:
            return {"status": MISSING, "route": route, "http_status": 404}
        if status != 200:
            errors.append(f"{letter_id}: HTTP {status}")
            continue
        cold.append(seconds)
    for _ in range(warm_rounds):
        for letter_id in ids:
            seconds, status, _ = get(base + route.format(id=quote(letter_id)))
            if status == 200:
                warm.append(seconds)
            else:
                errors.append(f"{letter_id}: HTTP {status} (warm)")
    if not cold:
        return {"status": f"error ({errors[0]})", "route": route, "errors": errors[:10]}
    return {
        "status": "ok",
        "route": route,
        "letters": len(ids),
        "cold": summary_ms(cold),
        "warm": summary_ms(warm),
        "errors": errors[:10],
    }


def phase_incremental(
    archive: Path, index: Path, cache: Path, seed: int, n: int, http_base, engine=None
):
    """Add one new letter (a transcript and its sidecar) and time until searches find it;
    `engine`: the engine's configuration when it is not the default one over `index`."""
    from indexer import indexing
    from indexer.archive import Archive
    from indexer.engines import open_engine
    from indexer.ingest.reader import Reader
    from indexer.search import SearchRequest

    rng = random.Random(seed * 7919 + n)
    plan = generate.plan_letter(rng, n + 1)
    marker = f"benchmarkmarker{rng.randrange(10**9)}"
    texts = generate.write_text(rng, plan)
    texts[-1] += f"\nReference: {marker}\n"
    incoming = Path(index).parent / "incoming"
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir(parents=True)
    files = []
    for p, text in enumerate(texts, start=1):
        path = incoming / f"new-letter-{p}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    meta = generate.sidecar(plan)
    meta.pop("synthetic")
    arch = Archive(archive)
    store = open_engine(engine or index)
    searcher = open_engine(engine or index)
    searcher.search(SearchRequest(q="treaty"))  # an open, warm searcher, as a server has
    deadline = 120.0
    try:
        t0 = time.perf_counter()
        letter = indexing.add(arch, store, Reader(arch, ocr_cache=cache / "ocr"), files, meta=meta)
        t_add = time.perf_counter() - t0
        t_core = t_http = None
        while time.perf_counter() - t0 < deadline:
            if searcher.search(SearchRequest(q=marker)).total >= 1:
                t_core = time.perf_counter() - t0
                break
            time.sleep(0.01)
        if http_base:
            path = api_path({"q": marker})
            while time.perf_counter() - t0 < deadline:
                _, status, body = get(http_base + path)
                if status == 200 and json.loads(body).get("total", 0) >= 1:
                    t_http = time.perf_counter() - t0
                    break
                time.sleep(0.01)
    finally:
        searcher.close()
    # Leave the archive as generated, so a kept work folder can be reused.
    shutil.rmtree(arch.letters_dir / letter.id, ignore_errors=True)
    shutil.rmtree(incoming, ignore_errors=True)
    return {
        "letter_id": letter.id,
        "pages": len(texts),
        "add_s": round(t_add, 3),
        "visible_core_s": round(t_core, 3) if t_core is not None else None,
        "visible_http_s": round(t_http, 3) if t_http is not None else None,
    }


def phase_http(
    archive: Path,
    index: Path,
    cache: Path,
    workdir: Path,
    searches: list[dict],
    rounds: int,
    workers: int,
    image_ids: list[str],
    seed: int,
    n: int,
    log,
    engine=None,
    env: dict[str, str] | None = None,
) -> dict:
    """The mix over HTTP, letter pages and images, memory, add -> found; `engine` and
    `env`: the engine's configuration and settings when it is not the default one."""
    server = Gunicorn(archive, index, cache, workdir, workers, env=env)
    log(f"starting gunicorn on {server.url}")
    t0 = time.perf_counter()
    server.start()
    out: dict = {"command": " ".join(server.cmd), "startup_s": round(time.perf_counter() - t0, 2)}
    try:
        log("search over HTTP (gunicorn)")
        out["search"] = run_mix(
            searches,
            lambda s: http_one(server.url, api_path(s), lambda d: d.get("total")),
            rounds,
        )
        out["memory_after_queries"] = server.workers_memory()
        log("letter pages and page images, cold and warm")
        out["letter_page"] = phase_pages(server.url, image_ids, LETTER_ROUTE)
        out["page_image"] = phase_pages(server.url, image_ids, IMAGE_ROUTE)
        out["memory_after_pages"] = server.workers_memory()
        log("incremental: indexing.add of one letter until a search finds it")
        out["incremental"] = phase_incremental(
            archive, index, cache, seed, n, server.url, engine
        )
    finally:
        server.stop()
    return out


def phase_datasette(db: Path, workdir: Path, searches: list[dict], rounds: int, log) -> dict:
    server = compare_datasette.DatasetteServer(db, workdir)
    log(f"starting datasette on {server.url}")
    t0 = time.perf_counter()
    server.start()
    out: dict = {"startup_s": round(time.perf_counter() - t0, 2)}
    try:
        out["search"] = run_mix(
            searches,
            lambda s: http_one(
                server.url,
                server.path(
                    s["fts5"],
                    country=s.get("country"),
                    date_from=s.get("date_from"),
                    date_to=s.get("date_to"),
                ),
                compare_datasette.total_of,
            ),
            rounds,
        )
        assert server.proc is not None
        out["memory"] = {"pid": server.proc.pid, **memory_kb(server.proc.pid)}
    finally:
        server.stop()
    return out


# -- the whole run --------------------------------------------------------------------


def letter_paths(archive: Path) -> list[str]:
    """The page of every letter in the archive, as clients of the concurrent phase ask."""
    return sorted(
        LETTER_ROUTE.format(id=quote(p.name))
        for p in (archive / "letters").iterdir()
        if p.is_dir() and not p.name.startswith((".", "_"))
    )


def concurrent_work(archive: Path) -> tuple[list[str], list[str]]:
    """What the concurrent clients ask for: the searches of the mix, the letters' pages."""
    return [api_path(s) for s in mix()], letter_paths(archive)


def run_concurrent_only(
    archive: Path,
    index: Path,
    workdir: Path,
    counts: list[int],
    duration: float,
    *,
    seed: int = 1,
    workers: int = 2,
    log: Callable[[str], None] = lambda m: None,
) -> dict:
    """The concurrent phase alone, on an archive and an index built before."""
    started = time.perf_counter()
    results: dict = {
        "only": "concurrent",
        "seed": seed,
        "archive": str(archive),
        "index": str(index),
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
    }
    work = concurrent_work(archive)
    results["n"] = len(work[1])
    results["concurrent"] = load.phase(
        archive,
        index,
        workdir / "cache",
        workdir,
        work,
        counts,
        duration,
        workers=workers,
        seed=seed,
        log=log,
    )
    results["seconds"] = round(time.perf_counter() - started, 1)
    return results


def ratio(a: dict, b: dict, key: str) -> float | None:
    if not a.get(key) or not b.get(key):
        return None
    return round(a[key] / b[key], 2)


def run(
    n: int,
    *,
    seed: int = 1,
    workdir: Path,
    rounds: int = 5,
    images: int = 20,
    workers: int = 2,
    concurrent: list[int] | tuple[int, ...] = (20, 50),
    duration: float = 30.0,
    log: Callable[[str], None] = lambda m: None,
    engines: tuple[str, ...] = ("whoosh",),
    datasette: bool = True,
    solr: dict | None = None,
) -> dict:
    """The whole run. `engines`: Missive's engines to measure ("whoosh", "solr"), each
    beside FTS5 (and Datasette unless `datasette` is False); `solr`: solr_bench.run_solr's
    cluster options (solr_dir, heap, port, keep, node_kill)."""
    workdir = Path(workdir)
    archive, index, cache = workdir / "archive", workdir / "index", workdir / "cache"
    db = workdir / f"{compare_datasette.DB_NAME}.db"
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(cache, ignore_errors=True)  # image derivatives start cold
    searches = mix()
    started = time.perf_counter()
    results: dict = {
        "n": n,
        "seed": seed,
        "rounds": rounds,
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "queries": searches,
        "engines": list(engines),
    }
    gen = phase_generate(archive, n, seed, images, log)
    manifest = gen.pop("manifest")
    results["generate"] = {
        **gen,
        "letters": manifest["n"],
        "pages": manifest["page_files"],
        "countries": manifest["country_count"],
        "noisy": manifest["noisy"],
        "date_kinds": manifest["date_kinds"],
        "text_bytes": manifest["text_bytes"],
    }
    whoosh = "whoosh" in engines
    results["build"] = {"missive": phase_build(archive, index, cache, log)} if whoosh else {}
    log("building the SQLite FTS5 database")
    results["build"]["fts5"] = compare_fts5.build_db(archive, db)
    if whoosh:
        log("search core in-process (Engine.search)")
        results["missive_core"] = in_fresh_process(phase_core, index, searches, rounds)
    log("SQLite FTS5 in-process")
    results["fts5"] = in_fresh_process(phase_fts5, db, searches, rounds)
    if whoosh:
        _whoosh_web(results, archive, index, cache, workdir, rounds, workers, seed, n, log)
    if datasette:
        ds = phase_datasette(db, workdir, searches, rounds, log)
        results["datasette"] = ds["search"]
        results["datasette"]["startup_s"] = ds["startup_s"]
        results.setdefault("memory", {})["datasette_peak_mb"] = round(
            ds["memory"].get("VmHWM", 0) / 1024, 1
        )
    if whoosh and datasette:
        results["ratios"] = {
            "core_vs_fts5": {
                "p50": ratio(results["missive_core"], results["fts5"], "p50_ms"),
                "p95": ratio(results["missive_core"], results["fts5"], "p95_ms"),
            },
            "http_vs_datasette": {
                "p50": ratio(results["missive_http"], results["datasette"], "p50_ms"),
                "p95": ratio(results["missive_http"], results["datasette"], "p95_ms"),
            },
        }
    if concurrent and whoosh:
        results["concurrent"] = load.phase(
            archive,
            index,
            cache,
            workdir,
            concurrent_work(archive),
            list(concurrent),
            duration,
            workers=workers,
            seed=seed,
            log=log,
        )
    if "solr" in engines:
        from . import solr_bench

        options = {"solr_dir": None, "heap": "2g", "port": None, "keep": False, **(solr or {})}
        results["solr"] = solr_bench.run_solr(
            archive, workdir, cache, searches, rounds=rounds, workers=workers,
            image_ids=manifest.get("image_letters", []), seed=seed, n=n,
            concurrent=list(concurrent), duration=duration,
            node_kill=options.pop("node_kill", True), log=log, **options,
        )
    results["seconds"] = round(time.perf_counter() - started, 1)
    return results


def _whoosh_web(results, archive, index, cache, workdir, rounds, workers, seed, n, log):
    """The default engine over HTTP: the mix, pages and images, memory, add -> found."""
    manifest = generate.read_manifest(archive) or {}
    web = phase_http(
        archive,
        index,
        cache,
        workdir,
        mix(),
        rounds,
        workers,
        manifest.get("image_letters", []),
        seed,
        n,
        log,
    )
    results["missive_http"] = web.pop("search")
    results["incremental"] = web.pop("incremental")
    results["web"] = {
        "command": web["command"],
        "startup_s": web["startup_s"],
        "letter_page": web["letter_page"],
        "page_image": web["page_image"],
    }
    worker_peaks = [m.get("VmHWM", 0) for m in web["memory_after_queries"]]
    worker_peaks_end = [m.get("VmHWM", 0) for m in web["memory_after_pages"]]
    results["memory"] = {
        "gunicorn_workers_after_queries": web["memory_after_queries"],
        "gunicorn_workers_after_pages": web["memory_after_pages"],
        "gunicorn_worker_peak_mb": round(max(worker_peaks, default=0) / 1024, 1),
        "gunicorn_worker_peak_after_pages_mb": round(max(worker_peaks_end, default=0) / 1024, 1),
        # Of the resident set at the end: the worker's own memory and mapped index pages.
        "gunicorn_worker_anon_mb": round(
            max((m.get("RssAnon", 0) for m in web["memory_after_pages"]), default=0) / 1024, 1
        ),
        "gunicorn_worker_file_mb": round(
            max((m.get("RssFile", 0) for m in web["memory_after_pages"]), default=0) / 1024, 1
        ),
    }


# -- the report -----------------------------------------------------------------------


def _ms(v: float | None) -> str:
    if v is None:
        return "–"
    return f"{v:.0f}" if v >= 100 else f"{v:.1f}" if v >= 1 else f"{v:.2f}"


def _pair(d: dict) -> str:
    return f"{_ms(d.get('p50_ms'))} / {_ms(d.get('p95_ms'))}" if d else "–"


def _x(a: dict, b: dict) -> str:
    r50, r95 = ratio(a, b, "p50_ms"), ratio(a, b, "p95_ms")
    if r50 is None:
        return "–"
    return f"{r50:.1f}× / {r95:.1f}×" if r95 is not None else f"{r50:.1f}×"


def _mb(b: int) -> str:
    return f"{b / 1e6:.1f} MB"


def _page_row(name: str, d: dict) -> str:
    if d.get("status") != "ok":
        return f"| {name} | {d.get('status')} | | |"
    cold, warm = d["cold"], d["warm"]
    return f"| {name} | {_pair(cold)} | {_pair(warm)} | {d['letters']} |"


def markdown(r: dict) -> str:
    if not all(k in r for k in ("missive_core", "datasette")):  # Whoosh or Datasette left out
        return scale_report.markdown(r)
    m = r["machine"]
    g = r["generate"]
    bm, bf = r["build"]["missive"], r["build"]["fts5"]
    inc = r["incremental"]
    lines = [
        f"## Missive benchmark: N = {r['n']:,} letters (seed {r['seed']}), {r['started'][:10]}",
        "",
        f"Machine: {m.get('cpus')} cores ({m.get('cpu', '?')}), {m.get('memory_gb', '?')} GB; "
        f"Python {m['python']}, SQLite {m['sqlite']}, Whoosh-Reloaded "
        f"{m.get('whoosh-reloaded')}, gunicorn {m.get('gunicorn')}, Datasette "
        f"{m.get('datasette')}. Archive: {g['letters']:,} letters, {g['pages']:,} pages, "
        f"{g['text_bytes'] / 1e6:.1f} MB of text, {g['countries']} sender countries, "
        f"{g['noisy']} noisy; generated in {g['seconds']} s"
        + (" (reused)" if g["reused"] else "")
        + f". Whole run {r['seconds']} s.",
        "",
        "### Build",
        "",
        "| system | time | letters/s | size on disk |",
        "|---|---:|---:|---:|",
        f"| Missive (`indexing.build`) | {bm['seconds']:.1f} s | {bm['letters_per_s']} | "
        f"{_mb(bm['index_bytes'])} |",
        f"| SQLite FTS5 (load + FTS index) | {bf['seconds']:.1f} s | {bf['letters_per_s']} | "
        f"{_mb(bf['db_bytes'])} |",
        "",
        f"Incremental: `indexing.add` of one {inc['pages']}-page letter took {inc['add_s']} s; "
        f"found by an open in-process searcher after {inc['visible_core_s']} s, over HTTP "
        f"after {inc['visible_http_s']} s (both from the start of `add`).",
        "",
        f"### Search latency, ms (p50 / p95): 18 searches × {r['rounds']} rounds",
        "",
        "Missive computes every facet and snippet; FTS5 does hits + snippet() + total + "
        "country and year facets; Datasette does rows + count + the two facets (no snippets, "
        "unranked). Ratios are Missive ÷ the other (p50 / p95): in-process against "
        "in-process, HTTP against HTTP.",
        "",
        "| query | hits M / F5 / DS | Missive core | FTS5 | core ÷ FTS5 | Missive HTTP | "
        "Datasette | HTTP ÷ Datasette |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    core, fts, http, ds = r["missive_core"], r["fts5"], r["missive_http"], r["datasette"]
    lines.append(
        f"| **all 18** | | **{_pair(core)}** | **{_pair(fts)}** | **{_x(core, fts)}** | "
        f"**{_pair(http)}** | **{_pair(ds)}** | **{_x(http, ds)}** |"
    )
    for s in r["queries"]:
        name = s["name"]
        c, f, h, d = (x["per_query"].get(name, {}) for x in (core, fts, http, ds))
        hits = f"{c.get('total', '–')} / {f.get('total', '–')} / {d.get('total', '–')}"
        label = f"{s['kind']} `{s['q']}`" if s["variant"] == "alone" else f"… + {s['variant']}"
        lines.append(
            f"| {label} | {hits} | {_pair(c)} | {_pair(f)} | {_x(c, f)} | {_pair(h)} | "
            f"{_pair(d)} | {_x(h, d)} |"
        )
    lines += [
        "",
        "Warm-up round (first run of each search, excluded above), p50 / max ms: "
        + ", ".join(
            f"{label} {_ms(x['warmup'].get('p50_ms'))} / {_ms(x['warmup'].get('max_ms'))}"
            for label, x in (
                ("Missive core", core),
                ("FTS5", fts),
                ("Missive HTTP", http),
                ("Datasette", ds),
            )
        )
        + ".",
    ]
    errors = [e for x in (core, fts, http, ds) for e in x["errors"]]
    if errors:
        lines.append(f"Errors ({len(errors)}): " + "; ".join(errors[:5]))
    web, mem = r["web"], r["memory"]
    lines += [
        "",
        "### Web app (gunicorn, 2 workers)",
        "",
        "| page | cold p50 / p95 ms | warm p50 / p95 ms | letters |",
        "|---|---:|---:|---:|",
        _page_row("`/letters/<id>`", web["letter_page"]),
        _page_row("`/letters/<id>/pages/1/image/screen.jpg`", web["page_image"]),
        "",
        f"Peak RSS (VmHWM) of a gunicorn worker: {mem['gunicorn_worker_peak_mb']} MB after "
        f"the query mix, {mem['gunicorn_worker_peak_after_pages_mb']} MB after pages and "
        f"images (at the end: {mem.get('gunicorn_worker_anon_mb')} MB of its own, "
        f"{mem.get('gunicorn_worker_file_mb')} MB of mapped index files, shared by the "
        f"workers); Datasette process: {mem['datasette_peak_mb']} MB.",
    ]
    if r.get("concurrent"):
        lines += ["", load.markdown(r["concurrent"])]
    if r.get("solr"):
        lines += ["", scale_report.solr_section(r)]
    return "\n".join(lines) + "\n"


def markdown_concurrent_only(r: dict) -> str:
    m = r["machine"]
    return (
        f"## Missive under concurrent clients: {r['n']:,} letters, {r['started'][:10]}\n\n"
        f"Machine: {m.get('cpus')} cores ({m.get('cpu', '?')}), {m.get('memory_gb', '?')} GB; "
        f"Python {m['python']}, Whoosh-Reloaded {m.get('whoosh-reloaded')}, gunicorn "
        f"{m.get('gunicorn')}. Archive {r['archive']}, index {r['index']}. "
        f"Whole run {r['seconds']} s.\n\n" + load.markdown(r["concurrent"])
    )


def client_counts(text: str) -> list[int]:
    """`--concurrent 20,50` -> [20, 50]; an empty value or 0 leaves the phase out."""
    counts = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        if not part.isdigit():
            raise argparse.ArgumentTypeError(
                f"--concurrent: {part!r} is not a number of clients; accepted: whole numbers "
                "separated by commas, e.g. 20,50 (0 or nothing: no concurrent phase)"
            )
        counts.append(int(part))
    return [c for c in counts if c > 0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0]
    )
    ap.add_argument("--n", type=int, default=2000, help="letters in the archive (2000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=5, help="measured rounds of the mix (5)")
    ap.add_argument("--images", type=int, default=20, help="letters given a page scan (20)")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    ap.add_argument(
        "--workdir",
        type=Path,
        help="keep archive, index and database here (reused when it matches); "
        "default: a temporary folder, removed afterwards",
    )
    ap.add_argument("--json", type=Path, help="write all results to this file")
    ap.add_argument("--quiet", action="store_true", help="no progress on stderr")
    ap.add_argument(
        "--concurrent",
        type=client_counts,
        default=[20, 50],
        metavar="N,N",
        help="numbers of concurrent clients, each in both modes (20,50; 0: none)",
    )
    ap.add_argument(
        "--duration", type=float, default=30.0, help="seconds each concurrent row lasts (30)"
    )
    ap.add_argument(
        "--only",
        choices=["concurrent"],
        help="run one phase alone on an archive and index built before (see --archive)",
    )
    ap.add_argument(
        "--archive", type=Path, help="with --only: the archive (default WORKDIR/archive)"
    )
    ap.add_argument("--index", type=Path, help="with --only: the index (default WORKDIR/index)")
    ap.add_argument(
        "--engine",
        action="append",
        choices=["whoosh", "solr"],
        help="Missive's engine to measure, repeatable (whoosh); solr: on a SolrCloud of "
        "the run's own (2 nodes, 2 shards × 2 replicas), beside Whoosh unless --skip whoosh",
    )
    ap.add_argument(
        "--skip",
        action="append",
        choices=["whoosh", "datasette", "node-kill"],
        default=[],
        help="leave a system or phase out, repeatable (at a size Whoosh cannot build in time)",
    )
    ap.add_argument("--solr-dir", type=Path, help="the SolrCloud's folder (WORKDIR/solr)")
    ap.add_argument("--solr-port", type=int, help="first Solr node's port (default: free ports)")
    ap.add_argument("--solr-heap", default="2g", help="each Solr node's Java heap (2g)")
    ap.add_argument(
        "--keep-solr", action="store_true", help="leave the SolrCloud running afterwards"
    )
    args = ap.parse_args(argv)
    log = _logger(args.quiet)
    if args.only:
        archive, index = _built(ap, args)

        def job(workdir: Path) -> dict:
            return run_concurrent_only(
                archive,
                index,
                workdir,
                args.concurrent,
                args.duration,
                seed=args.seed,
                workers=args.workers,
                log=log,
            )

        report, prefix = markdown_concurrent_only, "missive-concurrent-"
    else:

        def job(workdir: Path) -> dict:
            return run(
                args.n,
                seed=args.seed,
                workdir=workdir,
                rounds=args.rounds,
                images=args.images,
                workers=args.workers,
                concurrent=args.concurrent,
                duration=args.duration,
                log=log,
                engines=_engines(args),
                datasette="datasette" not in args.skip,
                solr={
                    "solr_dir": args.solr_dir,
                    "heap": args.solr_heap,
                    "port": args.solr_port,
                    "keep": args.keep_solr,
                    "node_kill": "node-kill" not in args.skip,
                },
            )

        report, prefix = markdown, f"missive-bench-{args.n}-"
    temporary = args.workdir is None
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix=prefix))
    try:
        results = job(workdir)
    finally:
        if temporary:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
        log(f"results written to {args.json}")
    print(report(results))
    return 0


def _logger(quiet: bool) -> Callable[[str], None]:
    t0 = time.perf_counter()

    def log(msg: str) -> None:
        if not quiet:
            print(f"[{time.perf_counter() - t0:7.1f} s] {msg}", file=sys.stderr, flush=True)

    return log


def _engines(args: argparse.Namespace) -> tuple[str, ...]:
    """--engine solr runs Solr beside Whoosh; --skip whoosh leaves Whoosh out."""
    chosen = set(args.engine or ["whoosh"]) | {"whoosh"}
    return tuple(e for e in ("whoosh", "solr") if e in chosen and e not in args.skip)


def _built(ap: argparse.ArgumentParser, args: argparse.Namespace) -> tuple[Path, Path]:
    """`--only concurrent`'s archive and index, which an earlier run built."""
    archive = args.archive or (args.workdir and args.workdir / "archive")
    index = args.index or (args.workdir and args.workdir / "index")
    if not archive or not index:
        ap.error(
            "--only concurrent needs the built archive and index; accepted: --workdir of an "
            "earlier run (archive/ and index/ in it), or --archive DIR and --index DIR"
        )
    if not (archive / "letters").is_dir():
        ap.error(f"--archive {archive}: no letters/ folder in it; accepted: a Missive archive")
    if not index.is_dir() or not any(index.iterdir()):
        ap.error(f"--index {index}: no index in it; accepted: a folder an earlier build wrote")
    if not args.concurrent:
        ap.error("--only concurrent with --concurrent 0 has nothing to run; accepted: e.g. 20,50")
    return archive, index


if __name__ == "__main__":
    sys.exit(main())
