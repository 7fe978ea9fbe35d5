"""gunicorn settings for `make run`: reconcile the index with the archive, then serve.

    gunicorn -c webapp/gunicorn_conf.py --bind 127.0.0.1:5000 'webapp:create_app()'

Before any worker starts, the master runs the same repair as
`python -m indexer check --repair`: staging folders of uploads that never finished are
removed, leftovers of interrupted writes and rebuilds are cleaned up, and the index is
updated from the archive (or rebuilt if it cannot be read). So after a crash or a kill at
any moment, what the archive holds is what is served, and nothing half-added shows.
A letter that cannot be indexed (a malformed `letter.json`, a damaged file) is logged with
its reason and skipped; the others are served. If the repair itself fails (the index busy
with a build, a full disk), the error is logged and the index is served as it is.
(`--workers`, `--bind` and the like come from the command line: see the Makefile.)
"""

from __future__ import annotations

# Threads: a large upload or a page polling its progress does not block the others, and
# the worker keeps telling the master it is alive meanwhile.
worker_class = "gthread"
threads = 4
# A worker takes a connection only when one of its threads is free: otherwise a busy
# worker goes on accepting and queues requests behind its own while the other worker
# idles (at 20,000 letters, 50 researchers: p99 0.9-1.1 s -> 0.89-0.91 s, and back to
# back 1.65 -> 1.03 s; benchmarks/README.md). A waiting request waits in the kernel's
# queue, which every worker takes from. Connections are therefore not kept alive.
worker_connections = threads
keepalive = 0
timeout = 120
# No control socket in the user's home: several servers (tests, instances) may run at once.
control_socket_disable = True


def on_starting(server) -> None:
    from indexer.archive import Archive
    from indexer.config import resolve_paths
    from indexer.engines import open_engine
    from indexer.ingest.extract import pdftext
    from indexer.ingest.reader import Reader
    from indexer.repair import repair

    paths = resolve_paths()
    archive = Archive(paths.archive)
    reader = Reader(archive, ocr_cache=paths.ocr_cache)
    server.log.info("reconciling the index in %s with the archive in %s", paths.index, archive.root)
    try:
        report = repair(archive, open_engine(paths.index), reader)
    except Exception:  # the app serves the index as it is rather than not at all
        server.log.exception(
            "the index was not reconciled with the archive; serving it as it is. "
            "`python -m indexer check --repair` says why and repairs it"
        )
    else:
        for line in report.lines():
            # A letter that cannot be indexed is skipped, with its reason; the rest is served.
            level = server.log.warning if line.startswith("skipped ") else server.log.info
            level("%s", line)
    pdftext.stop_helper()  # the master reads no more PDFs; each worker starts its own
