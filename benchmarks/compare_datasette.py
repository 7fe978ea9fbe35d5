"""Datasette serving the FTS5 database of compare_fts5, searched through its JSON API.

    GET /bench/letters.json?_search=Q&_searchmode=raw&_facet=country&_facet=year
        &country=FR&date_start__lte=19891231&date_end__gte=19700101&_size=20&_col=...

The FTS table is named to Datasette in metadata (`fts_table`, `fts_pk`, searchmode raw,
so FTS5 syntax passes through as it is).  Its time limits are raised so that no facet
is cut off at the default 200 ms, and suggested facets are turned off (Missive does
not compute them).  What Datasette does differently from Missive's core, and how
the numbers should be read, is in benchmarks/README.md.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

from .compare_fts5 import PER_PAGE, date_bounds
from .servers import free_port, get, stop_process, wait_until_up

DB_NAME = "bench"
COLUMNS = ("id", "title", "date", "country", "year")


def metadata() -> dict:
    return {
        "databases": {
            DB_NAME: {
                "tables": {
                    "letters": {
                        "fts_table": "letters_fts",
                        "fts_pk": "rowid",
                        "searchmode": "raw",
                    }
                }
            }
        }
    }


def datasette_command() -> list[str]:
    exe = Path(sys.executable).with_name("datasette")
    return [str(exe)] if exe.exists() else [shutil.which("datasette") or "datasette"]


class DatasetteServer:
    """`datasette serve` on a free loopback port, over a copy-free immutable database."""

    def __init__(self, db_path: Path, workdir: Path):
        if Path(db_path).stem != DB_NAME:
            raise ValueError(f"the database file must be named {DB_NAME}.db")
        self.db_path = Path(db_path)
        self.workdir = Path(workdir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = self.workdir / "datasette.log"

    def start(self, timeout: float = 60.0) -> None:
        meta = self.workdir / "datasette-metadata.json"
        meta.write_text(json.dumps(metadata()), encoding="utf-8")
        cmd = [
            *datasette_command(),
            "serve",
            "--immutable",
            str(self.db_path),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--metadata",
            str(meta),
            "--setting",
            "sql_time_limit_ms",
            "60000",
            "--setting",
            "facet_time_limit_ms",
            "60000",
            "--setting",
            "suggest_facets",
            "off",
            "--setting",
            "default_page_size",
            str(PER_PAGE),
        ]
        with open(self.log, "wb") as log:  # the child keeps its own copy open
            self.proc = subprocess.Popen(
                cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_until_up(self.proc, f"{self.url}/-/versions.json", timeout, self.log)

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc)
            self.proc = None

    def path(
        self,
        match: str,
        *,
        country: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> str:
        params: list[tuple[str, str]] = [
            ("_search", match),
            ("_searchmode", "raw"),
            ("_facet", "country"),
            ("_facet", "year"),
            ("_size", str(PER_PAGE)),
        ]
        params += [("_col", c) for c in COLUMNS]
        if country:
            params.append(("country", country))
        if date_to:
            params.append(("date_start__lte", str(date_bounds(date_to)[1])))
        if date_from:
            params.append(("date_end__gte", str(date_bounds(date_from)[0])))
        return f"/{DB_NAME}/letters.json?{urlencode(params)}"

    def search(self, path: str) -> tuple[float, int, dict]:
        """GET one search; (seconds, status, parsed JSON)."""
        seconds, status, body = get(self.url + path)
        data = json.loads(body) if status == 200 else {}
        return seconds, status, data


def total_of(data: dict) -> int | None:
    return data.get("filtered_table_rows_count")
