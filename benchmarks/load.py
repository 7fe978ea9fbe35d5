"""Many clients at once against a running server, and where their time goes.

Two modes, each for a fixed time with N clients (one thread each):

- `researchers`: each client reads 1–3 s (drawn from its own seeded generator) after
  every answer before it asks again, as people at their desks do;
- `saturation`: each client asks again as soon as it has its answer, so the server is
  never idle and requests/s is its ceiling.

Every request is a fresh connection (`http.client`, `Connection: close`), like urllib
in the sequential phases, and carries an `X-Bench-Request` header that the server's
access log repeats with gunicorn's `%(D)s` (microseconds from the moment a worker
thread read the request until the response was written).  So each request's latency
splits into *in a worker* (the app's own work, and any wait inside the worker for a
lock or for the interpreter) and *before a worker* (latency - in a worker: waiting
for a free thread, in the listen queue, connecting).  CPU time of the server's
processes, of this client process and of everything else on the machine is read from
/proc before and after, so a run says whether the client or other work took cores.
"""

from __future__ import annotations

import http.client
import os
import random
import runpy
import shlex
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .servers import REPO, TIMEOUT, Gunicorn, children
from .stats import percentile

MODES = ("researchers", "saturation")
PAUSE = (1.0, 3.0)  # seconds a researcher reads an answer before asking again
LETTER_SHARE = 0.25  # of requests that open a letter's page; the rest search
HEADER = "X-Bench-Request"
CONFIG = "webapp/gunicorn_conf.py"  # `make run`'s: worker class, threads per worker
# Gunicorn access log line: the request's tag, its status and microseconds in the worker.
ACCESS_FORMAT = "%({x-bench-request}i)s %(s)s %(D)s"


@dataclass
class Workload:
    """What clients ask for: paths of searches and of letter pages on one server."""

    host: str
    port: int
    searches: list[str]
    letters: list[str]
    letter_share: float = LETTER_SHARE

    def pick(self, rng: random.Random) -> tuple[str, str]:
        if self.letters and rng.random() < self.letter_share:
            return "letter", rng.choice(self.letters)
        return "search", rng.choice(self.searches)


@dataclass
class Sample:
    tag: str
    kind: str
    seconds: float
    status: int | None = None  # None: no HTTP answer (refused, reset, timed out)
    error: str | None = None
    server_s: float | None = None  # from the access log, when the server logged it
    connect_s: float | None = None  # until the kernel accepted the connection


@dataclass
class _Client:
    name: str
    rng: random.Random
    samples: list[Sample] = field(default_factory=list)


def _ask(work: Workload, kind: str, path: str, tag: str) -> Sample:
    conn = http.client.HTTPConnection(work.host, work.port, timeout=TIMEOUT)
    t0 = time.perf_counter()
    connected = None
    try:
        conn.connect()
        connected = time.perf_counter() - t0
        conn.request("GET", path, headers={HEADER: tag, "Connection": "close"})
        resp = conn.getresponse()
        resp.read()
        return Sample(tag, kind, time.perf_counter() - t0, status=resp.status, connect_s=connected)
    except (OSError, http.client.HTTPException) as exc:
        return Sample(
            tag, kind, time.perf_counter() - t0, error=type(exc).__name__, connect_s=connected
        )
    finally:
        conn.close()


def _client_loop(work: Workload, client: _Client, stop_at: float, pause: bool) -> None:
    seq = 0
    while time.perf_counter() < stop_at:
        kind, path = work.pick(client.rng)
        client.samples.append(_ask(work, kind, path, f"{client.name}-{seq}"))
        seq += 1
        if pause:
            # Reading time; a client whose pause ends past the stop asks nothing more.
            time.sleep(min(client.rng.uniform(*PAUSE), max(0.0, stop_at - time.perf_counter())))


# -- CPU accounting (Linux /proc) ----------------------------------------------------------


def _process_cpu_s(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
            fields = fh.read().rsplit(")", 1)[-1].split()
    except OSError:
        return 0.0
    # utime and stime, the 14th and 15th fields; fields[0] here is the 3rd (state).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu_s(master: int) -> float:
    """CPU seconds used so far by a server's master and its worker processes."""
    return sum(_process_cpu_s(pid) for pid in [master, *children(master)])


def machine_cpu_s() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores together."""
    with open("/proc/stat", encoding="utf-8") as fh:
        ticks = [int(x) for x in fh.readline().split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    total = sum(ticks[:8])  # guest time is already counted in user
    hz = os.sysconf("SC_CLK_TCK")
    return (total - idle) / hz, total / hz


def syn_retransmits() -> int | None:
    """The machine's count of resent connection requests (TcpExt TCPSynRetrans): a
    connection the listening socket did not take at once is retried after 1 s, 3 s..."""
    try:
        with open("/proc/net/netstat", encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            counts = dict(zip(names.split()[1:], values.split()[1:], strict=False))
            return int(counts["TCPSynRetrans"]) if "TCPSynRetrans" in counts else None
    return None


# -- one mode -------------------------------------------------------------------------------


def read_access_log(log: Path, offset: int) -> dict[str, tuple[int, float]]:
    """tag -> (status, seconds in the worker) for the access log's lines from `offset`."""
    out = {}
    with open(log, "rb") as fh:
        fh.seek(offset)
        for line in fh.read().decode("utf-8", "replace").splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0] != "-" and parts[2].isdigit():
                out[parts[0]] = (int(parts[1]), int(parts[2]) / 1e6)
    return out


def _logged(log: Path, offset: int, tags: set[str], wait: float = 10.0) -> dict:
    """The access log's lines for `tags`, waiting a little for the last ones: a worker
    writes its line just after the answer has gone out."""
    deadline = time.monotonic() + wait
    while True:
        logged = read_access_log(log, offset)
        if tags <= logged.keys() or time.monotonic() > deadline:
            return logged
        time.sleep(0.1)


def run_mode(
    work: Workload,
    mode: str,
    clients: int,
    duration: float,
    *,
    seed: int,
    master_pid: int,
    access_log: Path,
    backend_pids: tuple[int, ...] = (),
) -> dict:
    """`clients` threads for `duration` seconds in `mode`; the summary of what they saw.
    `backend_pids`: processes the server asks (a search engine's nodes), counted with it."""
    if mode not in MODES:
        raise ValueError(f"mode {mode!r} is not known; accepted: {', '.join(MODES)}")
    prefix = f"{mode[0]}{clients}"
    crew = [
        _Client(f"{prefix}c{i}", random.Random(f"{seed}-{mode}-{clients}-{i}"))
        for i in range(clients)
    ]
    log_offset = access_log.stat().st_size if access_log.exists() else 0
    cpu0, server0, machine0 = time.process_time(), server_cpu_s(master_pid), machine_cpu_s()
    backend0 = sum(_process_cpu_s(p) for p in backend_pids)
    syn0 = syn_retransmits()
    t0 = time.perf_counter()
    threads = [
        threading.Thread(
            target=_client_loop,
            args=(work, c, t0 + duration, mode == "researchers"),
            name=c.name,
            daemon=True,
        )
        for c in crew
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    cpu = {
        "client_s": time.process_time() - cpu0,
        "server_s": server_cpu_s(master_pid) - server0
        + sum(_process_cpu_s(p) for p in backend_pids) - backend0,
        "machine_busy_s": machine_cpu_s()[0] - machine0[0],
    }
    syn1 = syn_retransmits()
    samples = [s for c in crew for s in c.samples]
    logged = _logged(access_log, log_offset, {s.tag for s in samples if s.status is not None})
    for s in samples:
        if s.tag in logged:
            s.server_s = logged[s.tag][1]
    out = summarise(mode, clients, duration, wall, samples, cpu)
    out["syn_retransmits"] = None if syn0 is None or syn1 is None else syn1 - syn0
    return out


def _ms(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    ms = [v * 1000 for v in values]
    return {
        "n": len(ms),
        "mean_ms": round(sum(ms) / len(ms), 1),
        **{f"p{q}_ms": round(percentile(ms, q), 1) for q in (50, 95, 99)},
        "max_ms": round(max(ms), 1),
    }


def summarise(
    mode: str, clients: int, duration: float, wall: float, samples: list[Sample], cpu: dict
) -> dict:
    answered = [s for s in samples if s.status is not None]
    ok = [s for s in answered if s.status == 200]
    http_errors = Counter(str(s.status) for s in answered if s.status != 200)
    conn_errors = Counter(s.error for s in samples if s.status is None)
    # (latency, seconds in a worker) of the answered requests the access log names.
    timed = [(s.seconds, s.server_s) for s in answered if s.server_s is not None]
    cores = os.cpu_count() or 1
    other = cpu["machine_busy_s"] - cpu["server_s"] - cpu["client_s"]
    return {
        "mode": mode,
        "clients": clients,
        "duration_s": duration,
        "wall_s": round(wall, 2),
        "requests": len(samples),
        "ok": len(ok),
        "requests_per_s": round(len(ok) / wall, 2),
        "errors": sum(http_errors.values()) + sum(conn_errors.values()),
        "http_errors": dict(http_errors),
        "connection_errors": dict(conn_errors),
        # Latency of every request the server answered, whatever its status.
        "latency": _ms([s.seconds for s in answered]),
        "per_kind": {
            kind: _ms([s.seconds for s in answered if s.kind == kind])
            for kind in ("search", "letter")
        },
        "in_worker": _ms([inside for _, inside in timed]),
        "before_worker": _ms([max(0.0, total - inside) for total, inside in timed]),
        "matched_in_log": len(timed),
        "connect": _ms([s.connect_s for s in samples if s.connect_s is not None]),
        "cpu": {
            "server_ms_per_request": round(1000 * cpu["server_s"] / max(1, len(answered)), 1),
            "server_cores": round(cpu["server_s"] / wall, 2),
            "client_cores": round(cpu["client_s"] / wall, 3),
            "client_ms_per_request": round(1000 * cpu["client_s"] / max(1, len(samples)), 2),
            "other_cores": round(max(0.0, other) / wall, 2),
            "machine_cores": cores,
        },
    }


def _of(d: dict, key: str) -> str:
    return f"{d[key]:.0f}" if d.get("n") else "–"


def row(r: dict) -> str:
    """One line of the markdown table of `TABLE_HEAD`."""

    def trio(d: dict) -> str:
        if not d.get("n"):
            return "–"
        return " / ".join(f"{d[f'p{q}_ms']:.0f}" for q in (50, 95, 99))

    c, kinds = r["cpu"], r["per_kind"]
    return (
        f"| {r['clients']} | {r['mode']} | {r['requests']} | {r['requests_per_s']:.1f} | "
        f"{trio(r['latency'])} | {_of(kinds['search'], 'p50_ms')} / "
        f"{_of(kinds['letter'], 'p50_ms')} | "
        f"{r['errors']} | {trio(r['in_worker'])} | "
        f"{trio(r['before_worker'])} | {_of(r['connect'], 'p99_ms')} / "
        f"{'–' if r.get('syn_retransmits') is None else r['syn_retransmits']} | "
        f"{c['server_ms_per_request']:.0f} | "
        f"{c['server_cores']:.2f} / {c['client_cores']:.2f} / {c['other_cores']:.2f} |"
    )


TABLE_HEAD = [
    "| clients | mode | requests | requests/s | latency p50 / p95 / p99 ms | "
    "p50 search / letter ms | errors | in a worker p50 / p95 / p99 ms | "
    "before a worker p50 / p95 / p99 ms | connect p99 ms / SYN resent | "
    "server CPU ms / request | cores: server / client / other |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
]


def markdown(c: dict) -> str:
    """The section of the report on the concurrent phase."""
    lines = [
        "### Concurrent clients",
        "",
        f"gunicorn with `{CONFIG}` ({c['workers']} workers × {c['threads']} threads, "
        f"{c['worker_class']}); each client asks for a search of the mix "
        f"({1 - LETTER_SHARE:.0%}) or a random letter's page ({LETTER_SHARE:.0%}), a new "
        f"connection each time; {c['duration_s']:g} s per row. *researchers* read "
        f"{PAUSE[0]:g}–{PAUSE[1]:g} s between requests, *saturation* asks back to back. "
        "*In a worker*: gunicorn's `%(D)s`, from the moment a worker thread read the request "
        "to the end of its answer (a wait inside the worker for the index or the interpreter "
        "included); *before a worker*: the rest of the latency (the queue for a free thread, "
        "connecting). Cores: CPU time over wall time of the server's processes (with Solr's "
        "nodes on that engine), of the "
        f"client process, and of everything else on the machine ({c['cores']} cores).",
        "",
        *TABLE_HEAD,
        *(row(r) for r in c["runs"]),
        "",
        f"Warm-up before the rows: {c['warmup']['requests']} searches, "
        f"{c['warmup']['errors']} errors. Load average before the phase: "
        f"{c['loadavg_before']}.",
    ]
    return "\n".join(lines) + "\n"


def _loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text(encoding="utf-8").strip()
    except OSError:
        return "?"


def warm_up(work: Workload, parallel: int) -> dict:
    """Every search of the mix `parallel` times at once, so each worker has read the
    index's arrays and opened its searcher before anything is measured."""
    jobs = [path for path in work.searches for _ in range(parallel)]
    t0 = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        samples = list(pool.map(lambda path: _ask(work, "search", path, "warmup"), jobs))
    return {
        "requests": len(samples),
        "seconds": round(time.perf_counter() - t0, 2),
        "errors": sum(1 for s in samples if s.status != 200),
    }


def phase(
    archive: Path,
    index: Path,
    cache: Path,
    workdir: Path,
    work: tuple[list[str], list[str]],
    counts: list[int],
    duration: float,
    *,
    workers: int,
    seed: int,
    log: Callable[[str], None],
    env: dict[str, str] | None = None,
    backend_pids: tuple[int, ...] = (),
) -> dict:
    """Start gunicorn as `make run` does, then each of `counts` clients in each mode.
    `work`: the paths of the searches and of the letter pages clients ask for; `env`:
    the engine's settings when it is not the default one; `backend_pids`: its server
    processes (Solr nodes), whose CPU counts as the server's."""
    access = workdir / "concurrent-access.log"
    access.unlink(missing_ok=True)
    options = ("-c", CONFIG, "--access-logfile", str(access), "--access-logformat", ACCESS_FORMAT)
    server = Gunicorn(
        archive, index, cache, workdir, workers, options, log_name="gunicorn-concurrent.log",
        env=env,
    )
    conf = runpy.run_path(str(REPO / CONFIG))
    out: dict = {
        "command": shlex.join(server.cmd),
        "workers": workers,
        "worker_class": conf.get("worker_class", "sync"),
        "threads": conf.get("threads", 1),
        "duration_s": duration,
        "cores": os.cpu_count(),
        "loadavg_before": _loadavg(),
    }
    log(f"starting gunicorn with {CONFIG} on {server.url} (it reconciles the index first)")
    t0 = time.perf_counter()
    server.start(timeout=900)
    out["startup_s"] = round(time.perf_counter() - t0, 2)
    assert server.proc is not None
    try:
        workload = Workload("127.0.0.1", server.port, *work)
        out["warmup"] = warm_up(workload, 2 * workers)
        out["runs"] = []
        for clients in counts:
            for mode in MODES:
                log(f"{clients} clients, {mode}, {duration:g} s")
                out["runs"].append(
                    run_mode(
                        workload,
                        mode,
                        clients,
                        duration,
                        seed=seed,
                        master_pid=server.proc.pid,
                        access_log=access,
                        backend_pids=backend_pids,
                    )
                )
    finally:
        server.stop()
    return out
