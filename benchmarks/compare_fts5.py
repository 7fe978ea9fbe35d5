"""The same archive in SQLite FTS5 (standard library sqlite3), searched the same way.

One table `letters` holds each letter's text and facet columns; `letters_fts` is an
external-content FTS5 table over its title and body, with the porter stemmer and
accent folding (`porter unicode61 remove_diacritics 2`), the nearest to Missive's
stemmed, folded analyzer.  A search is what Missive's search core does for one
request: the first 20 hits by relevance (bm25) with a snippet each, the total, and
facet counts for sender country and year, each facet counted without its own filter.

The database is read from the archive files (letter.json and page-NNN.txt), not from
Missive's index, so both systems start from the same source.
"""

from __future__ import annotations

import calendar
import json
import re
import sqlite3
import time
from pathlib import Path

PER_PAGE = 20
_PAGE_TXT = re.compile(r"^page-0*(\d+)\.txt$")

SCHEMA = """
CREATE TABLE letters (
    rowid INTEGER PRIMARY KEY,
    id TEXT UNIQUE NOT NULL,
    title TEXT,
    date TEXT,
    date_start INTEGER,
    date_end INTEGER,
    year INTEGER,
    country TEXT,
    sender TEXT,
    recipient TEXT,
    language TEXT,
    pages INTEGER,
    body TEXT
);
CREATE INDEX letters_country ON letters(country);
CREATE INDEX letters_year ON letters(year);
CREATE INDEX letters_date ON letters(date_start, date_end);
CREATE VIRTUAL TABLE letters_fts USING fts5(
    title, body, content="letters", content_rowid="rowid",
    tokenize="porter unicode61 remove_diacritics 2"
);
"""


def date_bounds(iso: str | None) -> tuple[int | None, int | None]:
    """YYYY, YYYY-MM or YYYY-MM-DD as the first and last day it covers (YYYYMMDD ints)."""
    if not iso:
        return None, None
    parts = [int(p) for p in iso.split("-")[:3]]
    year = parts[0]
    if len(parts) == 1:
        return year * 10000 + 101, year * 10000 + 1231
    month = parts[1]
    if len(parts) == 2:
        last = calendar.monthrange(year, month)[1]
        return year * 10000 + month * 100 + 1, year * 10000 + month * 100 + last
    day = year * 10000 + month * 100 + parts[2]
    return day, day


def _letter_row(folder: Path) -> tuple:
    try:
        meta = json.loads((folder / "letter.json").read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        meta = {}
    pages = sorted(
        (int(m[1]), p) for p in folder.iterdir() if (m := _PAGE_TXT.match(p.name)) is not None
    )
    body = "\n\n".join(p.read_text(encoding="utf-8", errors="replace") for _, p in pages)
    date = meta.get("date") or None
    start, end = date_bounds(date)
    sender = meta.get("sender") or {}
    recipient = meta.get("recipient") or {}
    if isinstance(recipient, list):
        recipient = recipient[0] if recipient else {}
    return (
        folder.name,
        meta.get("title"),
        date,
        start,
        end,
        start // 10000 if start else None,
        sender.get("country"),
        sender.get("name"),
        recipient.get("name"),
        ",".join(meta.get("languages") or []),
        len(pages),
        body,
    )


def build_db(archive_root: Path, db_path: Path) -> dict:
    """Load every letter of the archive into a fresh database; return timings and size."""
    db_path = Path(db_path)
    if db_path.exists():
        db_path.unlink()
    t0 = time.perf_counter()
    conn = sqlite3.connect(db_path)
    conn.executescript(SCHEMA)
    letters_dir = Path(archive_root) / "letters"
    folders = sorted(
        p for p in letters_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    )
    with conn:
        conn.executemany(
            "INSERT INTO letters (id, title, date, date_start, date_end, year, country, sender,"
            " recipient, language, pages, body) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (_letter_row(f) for f in folders),
        )
    t_rows = time.perf_counter()
    with conn:
        conn.execute("INSERT INTO letters_fts(letters_fts) VALUES ('rebuild')")
        conn.execute("INSERT INTO letters_fts(letters_fts) VALUES ('optimize')")
    conn.execute("ANALYZE")
    conn.close()
    t1 = time.perf_counter()
    return {
        "letters": len(folders),
        "seconds": round(t1 - t0, 3),
        "load_seconds": round(t_rows - t0, 3),
        "fts_seconds": round(t1 - t_rows, 3),
        "letters_per_s": round(len(folders) / (t1 - t0), 1),
        "db_bytes": db_path.stat().st_size,
    }


class Fts5Search:
    """Searches like Missive's core: hits with snippets, total, country and year facets."""

    def __init__(self, db_path: Path):
        self.conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)

    def close(self) -> None:
        self.conn.close()

    @staticmethod
    def _where(country: str | None, date_from: str | None, date_to: str | None, *, skip=()):
        clauses, params = ["letters_fts MATCH ?"], []
        if country and "country" not in skip:
            clauses.append("l.country = ?")
            params.append(country)
        if (date_from or date_to) and "date" not in skip:
            lo = date_bounds(date_from)[0]
            hi = date_bounds(date_to)[1]
            if hi is not None:
                clauses.append("l.date_start <= ?")
                params.append(hi)
            if lo is not None:
                clauses.append("l.date_end >= ?")
                params.append(lo)
        return " AND ".join(clauses), params

    def search(
        self,
        match: str,
        *,
        country: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> dict:
        base = "FROM letters_fts JOIN letters l ON l.rowid = letters_fts.rowid WHERE "
        where, params = self._where(country, date_from, date_to)
        hits = self.conn.execute(
            "SELECT l.id, l.title, l.date, l.country, "
            "snippet(letters_fts, -1, '<mark>', '</mark>', '…', 24) "
            f"{base}{where} ORDER BY rank LIMIT {PER_PAGE}",
            [match, *params],
        ).fetchall()
        total = self.conn.execute(f"SELECT count(*) {base}{where}", [match, *params]).fetchone()[0]
        facets = {}
        for name, column, skip in (
            ("country", "l.country", ("country",)),
            ("year", "l.year", ("date",)),  # Missive's year facet ignores the date range
        ):
            fwhere, fparams = self._where(country, date_from, date_to, skip=skip)
            facets[name] = self.conn.execute(
                f"SELECT {column}, count(*) AS n {base}{fwhere} AND {column} IS NOT NULL "
                f"GROUP BY {column} ORDER BY n DESC",
                [match, *fparams],
            ).fetchall()
        return {"total": total, "hits": hits, "facets": facets}
