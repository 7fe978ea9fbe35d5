"""The Solr engine in the benchmark run (`python -m benchmarks.run --engine solr`).

On a SolrCloud of its own (solr/cluster.py: ZooKeeper and NODES Solr nodes, each a Java
process, in WORKDIR/solr or --solr-dir), with the collection at SHARDS × REPLICAS:

- build: `indexing.build` streaming the archive into a new collection in batches, as
  `python -m indexer build` does; letters/s, the index on disk (every replica's and one
  copy's), CPU seconds of the Solr nodes and of the process that reads the letters;
- the query mix in-process through the engine and over HTTP (`/api/search` on gunicorn
  with MISSIVE_ENGINE=solr), add -> found, and the concurrent clients: the phases the
  Whoosh engine has, from run.py and load.py, given this engine's configuration;
- memory of each Solr node (resident set of its JVM and heap in use);
- a node killed under load: clients search back to back while one node is `kill -9`ed
  and later started again; every answer is checked against the hit count the search had
  with both nodes up, so a search that fails *or* answers with fewer letters counts.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from pathlib import Path

from solr import admin
from solr import cluster as solrcloud

from .servers import get, memory_kb
from .stats import percentile

ALIAS = "bench"
NODES = 2
SHARDS = 2
REPLICAS = 2


# -- the cluster ----------------------------------------------------------------------


def start_cluster(
    run_dir: Path, heap: str, port: int | None, log
) -> tuple[solrcloud.Cluster, bool]:
    """The cluster in `run_dir` (started when it is not running): (cluster, started here)."""
    running = solrcloud.Cluster.load(run_dir)
    if running and running.zk_pid and all(solrcloud._alive(n.pid) for n in running.nodes):
        log(f"using the SolrCloud running from {run_dir}")
        return running, False
    os.environ["MISSIVE_SOLR_HEAP"] = heap  # read by solr.cluster when it starts a node
    if port:
        ports, zk_port = list(range(port, port + NODES)), port + 1000
    else:
        *ports, zk_port = solrcloud.free_ports(NODES + 1)
    log(f"starting a SolrCloud of {NODES} nodes (heap {heap} each) in {run_dir}")
    return solrcloud.start(run_dir, ports=ports, zk_port=zk_port), True


def engine_config(workdir: Path, cluster: solrcloud.Cluster, alias: str = ALIAS):
    from indexer.engines import EngineConfig

    lock_dir = workdir / "solr-index"  # the Solr engine keeps only its write lock here
    lock_dir.mkdir(parents=True, exist_ok=True)
    return EngineConfig(lock_dir, name="solr", url=",".join(cluster.urls), collection=alias)


def server_env(config) -> dict[str, str]:
    """What gunicorn needs to serve this engine's collection."""
    return {
        "MISSIVE_ENGINE": "solr",
        "MISSIVE_SOLR_URL": config.url,
        "MISSIVE_SOLR_COLLECTION": config.collection,
    }


def _cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def nodes_cpu_s(cluster: solrcloud.Cluster) -> float:
    return sum(_cpu_s(n.pid) for n in cluster.nodes if n.pid)


def _json(url: str) -> dict:
    return solrcloud.request_json(url, timeout=30)


def index_bytes(cluster: solrcloud.Cluster, collection: str) -> dict:
    """Lucene index size on disk of every replica of `collection`, by node."""
    per_node = {}
    for node in cluster.nodes:
        cores = _json(f"{node.url}/admin/cores?action=STATUS&wt=json").get("status", {})
        per_node[node.port] = sum(
            c.get("index", {}).get("sizeInBytes", 0)
            for name, c in cores.items()
            if name.startswith(collection + "_")
        )
    return per_node


def placement(cluster: solrcloud.Cluster, collection: str) -> dict[str, list[str]]:
    """shard -> the nodes (ports) its replicas are on."""
    status = _json(f"{cluster.urls[0]}/admin/collections?action=CLUSTERSTATUS&wt=json")
    shards = status["cluster"]["collections"][collection]["shards"]
    return {
        shard: sorted(r["node_name"].split(":")[1].split("_")[0] for r in s["replicas"].values())
        for shard, s in sorted(shards.items())
    }


def node_memory(cluster: solrcloud.Cluster) -> list[dict]:
    """Each running node's resident set (VmRSS, peak VmHWM) and JVM heap in use, in MB."""
    out = []
    for node in cluster.nodes:
        if not node.pid:
            continue
        mem = memory_kb(node.pid)
        entry = {
            "port": node.port,
            "pid": node.pid,
            "rss_mb": round(mem.get("VmRSS", 0) / 1024, 1),
            "peak_rss_mb": round(mem.get("VmHWM", 0) / 1024, 1),
        }
        try:
            jvm = _json(f"{node.url}/admin/info/system?wt=json")["jvm"]["memory"]["raw"]
            entry["heap_used_mb"] = round(jvm["used"] / 2**20, 1)
            entry["heap_max_mb"] = round(jvm["max"] / 2**20, 1)
        except (OSError, solrcloud.ClusterError, KeyError, ValueError):
            pass
        out.append(entry)
    return out


# -- phases ---------------------------------------------------------------------------


def phase_build(
    archive: Path, config, cache: Path, cluster: solrcloud.Cluster, log,
    *, shards: int = SHARDS, replicas: int = REPLICAS,
) -> dict:
    """solr-setup (once), then `indexing.build` into a new collection behind the alias."""
    from indexer import indexing
    from indexer.archive import Archive
    from indexer.engines import open_engine
    from indexer.engines.solr.setup import setup
    from indexer.ingest.reader import Reader

    engine = open_engine(config)
    log(setup(engine, shards=shards, replicas=replicas))
    arch = Archive(archive)
    n = len(arch.ids())
    log(f"building the Solr collection of {n} letters ({shards} shards × {replicas} replicas)")
    cpu_nodes, cpu_self = nodes_cpu_s(cluster), time.process_time()
    t0 = time.perf_counter()
    report = indexing.build(arch, engine, Reader(arch, ocr_cache=cache / "ocr"))
    seconds = time.perf_counter() - t0
    cpu_nodes, cpu_self = nodes_cpu_s(cluster) - cpu_nodes, time.process_time() - cpu_self
    collection = engine.collections.current()
    sizes = index_bytes(cluster, collection)
    letters = len(report.indexed)
    return {
        "seconds": round(seconds, 3),
        "letters": letters,
        "letters_per_s": round(letters / seconds, 1),
        "collection": collection,
        "shards": shards,
        "replicas": replicas,
        "placement": placement(cluster, collection),
        "index_bytes": sum(sizes.values()),  # every replica
        "index_bytes_one_copy": sum(sizes.values()) // replicas,
        "index_bytes_per_node": sizes,
        "cpu_ms_per_letter": {
            "solr_nodes": round(1000 * cpu_nodes / max(1, letters), 2),
            "reader": round(1000 * cpu_self / max(1, letters), 2),
        },
        "errors": report.errors[:20],
    }


def _total(base: str, path: str) -> tuple[float, int | None, str | None]:
    import json

    try:
        seconds, status, body = get(base + path, timeout=60)
    except OSError as exc:
        return 0.0, None, type(exc).__name__
    if status != 200:
        return seconds, None, f"HTTP {status}"
    return seconds, json.loads(body).get("total"), None


def phase_node_kill(
    base: str,
    paths: list[str],
    cluster: solrcloud.Cluster,
    collection: str,
    *,
    clients: int = 10,
    duration: float = 90.0,
    kill_at: float = 20.0,
    restart_at: float = 50.0,
    victim: int = 1,
    log,
) -> dict:
    """Clients search back to back through `base` while node `victim` is killed (kill -9)
    at `kill_at` s and started again at `restart_at` s. A search fails when it gets no
    200 answer or a hit count other than with every node up."""
    expected = {}
    for path in paths:
        _, total, error = _total(base, path)
        if error:
            raise RuntimeError(f"node-kill phase: {path} failed before any kill: {error}")
        expected[path] = total
    samples: list[tuple[float, float, str]] = []  # (start, seconds, outcome)
    lock = threading.Lock()
    t0 = time.perf_counter()
    stop_at = t0 + duration

    def client(i: int) -> None:
        k = i
        while time.perf_counter() < stop_at:
            path = paths[k % len(paths)]
            k += clients
            start = time.perf_counter()
            seconds, total, error = _total(base, path)
            outcome = error or ("ok" if total == expected[path] else f"total {total}")
            with lock:
                samples.append((start - t0, time.perf_counter() - start, outcome))

    events: dict = {}

    def chaos() -> None:
        time.sleep(kill_at)
        events["killed_pid"] = solrcloud.kill_node(cluster, victim)
        events["killed_at_s"] = round(time.perf_counter() - t0, 2)
        log(f"killed {cluster.nodes[victim].url} (kill -9) at {events['killed_at_s']} s")
        time.sleep(max(0.0, restart_at - (time.perf_counter() - t0)))
        events["restart_at_s"] = round(time.perf_counter() - t0, 2)
        solrcloud.restart_node(cluster, victim)
        events["live_at_s"] = round(time.perf_counter() - t0, 2)
        state = admin.wait_active(cluster.urls[0], collection, timeout=300)
        events["replicas_active_at_s"] = round(time.perf_counter() - t0, 2)
        events["replica_states"] = state
        log(f"node {cluster.nodes[victim].url} live again at {events['live_at_s']} s, "
            f"its replicas active at {events['replicas_active_at_s']} s")

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    side = threading.Thread(target=chaos, daemon=True)
    side.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    side.join()
    killed, back = events.get("killed_at_s", duration), events.get("replicas_active_at_s", duration)

    def window(lo: float, hi: float) -> dict:
        chosen = [(s, o) for start, s, o in samples if lo <= start < hi]
        ms = [s * 1000 for s, _ in chosen]
        failed = Counter(o for _, o in chosen if o != "ok")
        return {
            "searches": len(chosen),
            "failed": sum(failed.values()),
            "failures": dict(failed),
            "p50_ms": round(percentile(ms, 50), 1) if ms else None,
            "p99_ms": round(percentile(ms, 99), 1) if ms else None,
            "max_ms": round(max(ms), 1) if ms else None,
            "over_1s": sum(1 for x in ms if x > 1000),
        }

    return {
        "clients": clients,
        "duration_s": duration,
        "victim": cluster.nodes[victim].url,
        "searches": len(samples),
        "failed": sum(1 for *_, o in samples if o != "ok"),
        "before_kill": window(0, killed),
        "node_down": window(killed, events.get("live_at_s", duration)),
        "recovering": window(events.get("live_at_s", duration), back),
        "after_recovery": window(back, duration + 1),
        **{k: v for k, v in events.items() if k != "replica_states"},
        "replica_states_after": events.get("replica_states"),
    }


def run_solr(
    archive: Path,
    workdir: Path,
    cache: Path,
    searches: list[dict],
    *,
    rounds: int,
    workers: int,
    image_ids: list[str],
    seed: int,
    n: int,
    concurrent: list[int],
    duration: float,
    node_kill: bool,
    solr_dir: Path | None,
    heap: str,
    port: int | None,
    keep: bool,
    log,
) -> dict:
    """Every Solr phase on a cluster of its own; the cluster is stopped afterwards unless
    it was running before or `keep`."""
    from . import load, run

    cluster, started = start_cluster(solr_dir or workdir / "solr", heap, port, log)
    out: dict = {"nodes": [n.url for n in cluster.nodes], "heap": heap}
    try:
        config = engine_config(workdir, cluster)
        env = server_env(config)
        out["build"] = phase_build(archive, config, cache, cluster, log)
        out["memory_after_build"] = node_memory(cluster)
        log("Solr: search in-process (Engine.search)")
        out["core"] = run.in_fresh_process(run.phase_core, config, searches, rounds)
        web = run.phase_http(
            archive, config.index, cache, workdir, searches, rounds, workers, image_ids,
            seed, n, log, engine=config, env=env,
        )
        out["http"] = web.pop("search")
        out["incremental"] = web.pop("incremental")
        out["gunicorn_memory"] = web["memory_after_queries"]
        out["memory_after_queries"] = node_memory(cluster)
        if concurrent:
            out["concurrent"] = load.phase(
                archive, config.index, cache, workdir, run.concurrent_work(archive),
                concurrent, duration, workers=workers, seed=seed, log=log, env=env,
                backend_pids=tuple(node.pid for node in cluster.nodes),
            )
            out["memory_after_concurrent"] = node_memory(cluster)
        if node_kill:
            out["node_kill"] = phase_node_kill_served(
                archive, config, cache, workdir, cluster, searches, workers, env, log
            )
            out["memory_after_node_kill"] = node_memory(cluster)
    finally:
        if started and not keep:
            solrcloud.stop(cluster)
    return out


def phase_node_kill_served(
    archive: Path, config, cache: Path, workdir: Path, cluster, searches, workers, env, log,
    **timing,
) -> dict:
    """The node-kill phase against gunicorn serving the collection (threads as make run)."""
    from . import run
    from .servers import Gunicorn

    collection = run_collection(config)
    server = Gunicorn(
        archive, config.index, cache, workdir, workers,
        ("--worker-class", "gthread", "--threads", "4"), log_name="gunicorn-node-kill.log",
        env=env,
    )
    server.start()
    try:
        log("Solr: a node killed under a search load")
        return phase_node_kill(
            server.url, [run.api_path(s) for s in searches], cluster, collection, log=log,
            **timing,
        )
    finally:
        server.stop()


def run_collection(config) -> str:
    from indexer.engines import open_engine

    current = open_engine(config).collections.current()
    if current is None:
        raise RuntimeError(f"no collection behind the alias {config.collection}")
    return current
