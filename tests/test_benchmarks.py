"""Smoke test of the benchmarks: the generator's archive, and one whole run at small N.

Runs gunicorn and Datasette for real, on loopback ports.  It checks that every phase
ran and produced numbers, never how fast anything was.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from benchmarks import generate, load, run
from indexer.archive.sidecar import parse_sidecar
from indexer.records import Letter

N = 200
IMAGES = 3
SYSTEMS = ("missive_core", "fts5", "missive_http", "datasette")


@pytest.fixture(scope="module")
def bench_dir(tmp_path_factory) -> Path:
    """A work folder with the generated archive in it, as run.py lays it out."""
    workdir = tmp_path_factory.mktemp("bench")
    generate.generate(workdir / "archive", N, seed=3, images=IMAGES)
    return workdir


def _sidecars(archive: Path) -> dict[str, dict]:
    return {
        folder.name: json.loads((folder / "letter.json").read_text(encoding="utf-8"))
        for folder in (archive / "letters").iterdir()
        if not folder.name.startswith((".", "_"))
    }


def test_generated_archive_has_the_documented_properties(bench_dir: Path):
    archive = bench_dir / "archive"
    folders = [p for p in (archive / "letters").iterdir() if not p.name.startswith((".", "_"))]
    assert len(folders) == N
    sidecars = _sidecars(archive)
    for letter_id, data in sidecars.items():
        parse_sidecar(data, Letter(id=letter_id))  # valid for Missive, raises otherwise
    countries = Counter(d["sender"]["country"] for d in sidecars.values())
    assert len(countries) >= 60
    top = countries.most_common(1)[0][1]
    assert top >= 5 * sorted(countries.values())[len(countries) // 2]  # skewed, Zipf-like
    dates = [d.get("date") for d in sidecars.values()]
    assert any(d and re.fullmatch(r"\d{4}-\d{2}", d) for d in dates)
    assert any(d and re.fullmatch(r"\d{4}", d) for d in dates)
    assert any(d and re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates)
    assert any(d is None for d in dates)
    assert all(1945 <= int(d[:4]) <= 2025 for d in dates if d)
    noisy = [i for i, d in sidecars.items() if d["synthetic"]["noisy"]]
    assert 0.04 * N <= len(noisy) <= 0.18 * N
    noisy_text = " ".join(
        p.read_text(encoding="utf-8")
        for i in noisy
        for p in (archive / "letters" / i).glob("*.txt")
    )
    assert re.search(r"[a-z]1[a-z]", noisy_text)  # an l read as 1
    page_counts = Counter(len(list(folder.glob("page-*.txt"))) for folder in folders)
    assert set(page_counts) == {1, 2, 3, 4}
    for letter_id, data in sidecars.items():
        assert data["synthetic"]["pages"] == len(
            list((archive / "letters" / letter_id).glob("page-*.txt"))
        )
    manifest = generate.read_manifest(archive)
    assert manifest["n"] == N and manifest["country_count"] == len(countries)
    assert len(manifest["image_letters"]) == IMAGES
    for letter_id in manifest["image_letters"]:
        assert (archive / "letters" / letter_id / "page-001.jpg").stat().st_size > 100_000


def test_generator_is_deterministic(tmp_path: Path):
    a = generate.generate(tmp_path / "a", 30, seed=5, images=0)
    b = generate.generate(tmp_path / "b", 30, seed=5, images=0)
    assert a["countries"] == b["countries"]
    ids = sorted(p.name for p in (tmp_path / "a" / "letters").iterdir())
    assert ids == sorted(p.name for p in (tmp_path / "b" / "letters").iterdir())
    for letter_id in ids[:5]:
        for name in ("letter.json", "page-001.txt"):
            assert (tmp_path / "a" / "letters" / letter_id / name).read_bytes() == (
                tmp_path / "b" / "letters" / letter_id / name
            ).read_bytes()


def _positive(d: dict, *keys: str) -> None:
    for key in keys:
        assert isinstance(d.get(key), int | float) and d[key] > 0, (key, d.get(key))


@pytest.mark.slow  # every benchmark phase, gunicorn and Datasette included
def test_runner_end_to_end(bench_dir: Path, capsys):
    out = bench_dir / "results" / "bench.json"
    args = ["--n", str(N), "--seed", "3", "--images", str(IMAGES), "--rounds", "1"]
    args += ["--concurrent", "2", "--duration", "2"]
    assert run.main([*args, "--workdir", str(bench_dir), "--json", str(out), "--quiet"]) == 0
    table = capsys.readouterr().out
    assert "| **all 18** |" in table and "### Build" in table
    _assert_concurrent_phase_ran(table, json.loads(out.read_text(encoding="utf-8")), [2])
    r = json.loads(out.read_text(encoding="utf-8"))

    assert r["n"] == N and r["generate"]["reused"] is True
    assert r["generate"]["letters"] == N
    _positive(r["machine"], "cpus")
    _positive(r["build"]["missive"], "seconds", "letters", "letters_per_s", "index_bytes")
    assert r["build"]["missive"]["letters"] == N and r["build"]["missive"]["errors"] == []
    _positive(r["build"]["fts5"], "seconds", "letters", "letters_per_s", "db_bytes")
    _positive(r["incremental"], "add_s", "visible_core_s", "visible_http_s")

    names = {q["name"] for q in r["queries"]}
    assert len(names) == 18
    for system in SYSTEMS:
        s = r[system]
        assert s["errors"] == [], (system, s["errors"])
        _positive(s, "p50_ms", "p95_ms", "max_ms")
        _positive(s["warmup"], "p50_ms")
        assert set(s["per_query"]) == names
        for name, q in s["per_query"].items():
            _positive(q, "p50_ms", "p95_ms")
            assert isinstance(q["total"], int), (system, name)
        assert sum(q["total"] for q in s["per_query"].values()) > 0
        assert set(s["per_kind"]) == {kind for kind, _, _ in run.QUERIES}
    for pair in ("core_vs_fts5", "http_vs_datasette"):
        _positive(r["ratios"][pair], "p50", "p95")

    web = r["web"]
    assert web["letter_page"]["status"] == "ok"
    _positive(web["letter_page"]["cold"], "p50_ms")
    _positive(web["letter_page"]["warm"], "p50_ms")
    image = web["page_image"]
    if image["status"] != run.MISSING:
        assert image["status"] == "ok", image
        _positive(image["cold"], "p50_ms")
        _positive(image["warm"], "p50_ms")
    _positive(r["memory"], "gunicorn_worker_peak_mb", "datasette_peak_mb")
    assert len(r["memory"]["gunicorn_workers_after_queries"]) == 2
    # The run leaves the archive as it was generated, so the folder can be reused.
    letters = (bench_dir / "archive" / "letters").iterdir()
    assert len([p for p in letters if not p.name.startswith((".", "_"))]) == N


def _assert_concurrent_phase_ran(table: str, r: dict, counts: list[int]) -> None:
    """Each number of clients ran in both modes, answered without an error, and every
    answer was found in the server's access log; the report has the table."""
    assert "### Concurrent clients" in table
    assert load.TABLE_HEAD[0] in table
    c = r["concurrent"]
    assert c["warmup"]["errors"] == 0 and c["warmup"]["requests"] > 0
    assert [(x["clients"], x["mode"]) for x in c["runs"]] == [
        (n, mode) for n in counts for mode in load.MODES
    ]
    for x in c["runs"]:
        assert x["errors"] == 0, (x["http_errors"], x["connection_errors"])
        assert x["requests"] == x["ok"] > 0
        assert x["matched_in_log"] == x["connect"]["n"] == x["requests"]
        _positive(x, "requests_per_s")
        _positive(x["latency"], "p50_ms", "p95_ms", "p99_ms")
        _positive(x["in_worker"], "p50_ms")
        _positive(x["cpu"], "server_ms_per_request")
        assert load.row(x) in table


@pytest.mark.slow  # gunicorn with make run's config, two clients in both modes
def test_concurrent_phase_alone_on_a_built_index(bench_dir: Path, tmp_path: Path, capsys):
    archive, index = bench_dir / "archive", tmp_path / "index"
    run.phase_build(archive, index, tmp_path / "cache", lambda m: None)
    out = tmp_path / "concurrent.json"
    argv = ["--only", "concurrent", "--archive", str(archive), "--index", str(index)]
    argv += ["--concurrent", "2", "--duration", "2", "--json", str(out), "--quiet"]
    assert run.main(argv) == 0
    table = capsys.readouterr().out
    r = json.loads(out.read_text(encoding="utf-8"))
    assert r["only"] == "concurrent" and r["n"] == N
    assert "### Build" not in table
    _assert_concurrent_phase_ran(table, r, [2])


def test_concurrent_flags_are_checked(tmp_path: Path, capsys):
    assert run.client_counts("20, 50") == [20, 50]
    assert run.client_counts("0") == [] and run.client_counts("") == []
    with pytest.raises(SystemExit):
        run.main(["--concurrent", "twenty"])
    assert "'twenty' is not a number of clients" in capsys.readouterr().err
    (tmp_path / "archive" / "letters").mkdir(parents=True)
    with pytest.raises(SystemExit):
        run.main(["--only", "concurrent", "--workdir", str(tmp_path)])
    assert f"--index {tmp_path / 'index'}: no index in it" in capsys.readouterr().err


@pytest.mark.solr
def test_solr_build_phase_measures_the_collection(solr_cluster, tmp_path: Path):
    """The Solr part of `run.py --engine solr`: its build phase on the tests' cluster fills
    a 2 × 2 collection with every letter and reports its size, placement and memory."""
    from benchmarks import solr_bench
    from indexer.engines import open_engine
    from solr import admin

    archive = tmp_path / "archive"
    generate.generate(archive, 40, seed=4, images=0)
    config = solr_bench.engine_config(tmp_path, solr_cluster, alias="bench-smoke")
    engine = open_engine(config)
    try:
        b = solr_bench.phase_build(archive, config, tmp_path / "cache", solr_cluster, print)
        assert b["letters"] == 40 and b["errors"] == []
        assert (b["shards"], b["replicas"]) == (2, 2)
        nodes = sorted(str(n.port) for n in solr_cluster.nodes)
        assert b["placement"] == {"shard1": nodes, "shard2": nodes}  # a copy on each node
        _positive(b, "seconds", "letters_per_s", "index_bytes", "index_bytes_one_copy")
        assert b["index_bytes"] == sum(b["index_bytes_per_node"].values())
        _positive(b["cpu_ms_per_letter"], "solr_nodes", "reader")
        memory = solr_bench.node_memory(solr_cluster)
        assert [m["port"] for m in memory] == [n.port for n in solr_cluster.nodes]
        for m in memory:
            _positive(m, "rss_mb", "heap_used_mb", "heap_max_mb")
    finally:
        admin.call(solr_cluster.urls[0], "/admin/collections",
                   {"action": "DELETEALIAS", "name": "bench-smoke"})
        for name in engine.collections.names():
            engine.collections.delete(name)
