"""gunicorn settings for `make run`: reconcile the index with the archive, then serve.

    gunicorn -c webapp/gunicorn_conf.py --bind 127.0.0.1:5000 'webapp:create_app()'

Before any worker starts, the master runs the same repair as
`python -m indexer check --repair`: staging folders of uploads that never finished are
removed, leftovers of interrupted writes and rebuilds are cleaned up, and the index is
updated from the archive (or rebuilt if it cannot be read). So after a crash or a kill at
any moment, what the archive holds is what is served, and nothing half-added shows.
(`--workers`, `--bind` and the like come from the command line: see the Makefile.)
"""

from __future__ import annotations

# Threads: a large upload or a page polling its progress does not block the others, and
# the worker keeps telling the master it is alive meanwhile.
worker_class = "gthread"
threads = 4
timeout = 120
# No control socket in the user's home: several servers (tests, instances) may run at once.
control_socket_disable = True


def on_starting(server) -> None:
    from indexer.archive import Archive
    from indexer.config import resolve_paths
    from indexer.extract import pdftext
    from indexer.pipeline import Reader
    from indexer.repair import repair
    from indexer.store import IndexStore

    paths = resolve_paths()
    archive = Archive(paths.archive)
    reader = Reader(archive, ocr_cache=paths.ocr_cache)
    server.log.info("reconciling the index in %s with the archive in %s", paths.index, archive.root)
    report = repair(archive, IndexStore(paths.index), reader)
    for line in report.lines():
        server.log.info("%s", line)
    pdftext.stop_helper()  # the master reads no more PDFs; each worker starts its own
