"""Cited searches: a search's result set recorded so that a citation of it stays true.

After the RDA recommendations for citing dynamic data: the request in a normalised form,
the time, the result set's letters with their text revisions and a hash of that set, kept
in a query store (one JSON file per citation in the archive's `cited-searches/` folder,
never changed or deleted), and re-execution as of the citation's time (search.asof).

The normalised request (`canonical_request`): the query as its canonical query string (the
query tree printed in Missive's own language, querytree.py), the question mode that
answered (`all` or `most`), filters and exclusions by facet with values sorted, the date
range, the sort and the OCR switch.

The hash (`result_hash`): SHA-256 over the UTF-8 text of one line per matching letter,
`<letter id> <revision>\\n`, the lines sorted by letter id, where the revision is the time
of the last change of the letter's text by then (`original`: never corrected;
archive/past.py). It covers the whole result set and the letters' ids and revisions only,
not their order: relevance depends on the statistics of the whole collection, which an
as-of search does not restore. The stored list holds the first LIST_LIMIT letters in the
request's order (`cut` says when there were more).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Iterable
from typing import Any

from ..archive import Archive, fsync_dir, past
from ..archive.lifecycle import history, now
from ..engines.base import Engine
from ..errors import MissiveError
from . import querylang
from .asof import EVERY
from .request import SearchRequest

FORMAT = "missive-cited-search/1"
FOLDER = "cited-searches"  # in the archive's root, beside letters/
LIST_LIMIT = 10_000  # letters a citation lists (the hash covers every one)
ID = re.compile(r"^[a-z2-7]{10,32}$")
CITE_LOCK_TIMEOUT = 10.0  # seconds a citation waits for a change under way to finish


def canonical_request(req: SearchRequest, match: str) -> dict[str, Any]:
    """The request in its normalised form (validated first: values as indexed)."""
    return {
        "query": str(querylang.parse(req.q)),
        "match": match,
        "filters": {p: sorted(v) for p, v in sorted(req.filters.items()) if v},
        "exclude": {p: sorted(v) for p, v in sorted(req.exclude.items()) if v},
        "from": req.date_from or None,
        "to": req.date_to or None,
        "sort": req.sort,
        "ocr": bool(req.ocr),
    }


def request_of(canonical: dict[str, Any], *, page: int = 1, per_page: int = 20) -> SearchRequest:
    """The SearchRequest a normalised request stands for."""
    req = SearchRequest(
        q=canonical["query"],
        filters={p: list(v) for p, v in canonical["filters"].items()},
        exclude={p: list(v) for p, v in canonical["exclude"].items()},
        date_from=canonical["from"],
        date_to=canonical["to"],
        sort=canonical["sort"],
        ocr=canonical["ocr"],
        match=canonical["match"],
        page=page,
        per_page=per_page,
    )
    req.validate()
    return req


def serialised(pairs: Iterable[tuple[str, str]]) -> bytes:
    """The text the hash is taken over: `<id> <revision>` lines sorted by id."""
    return "".join(f"{i} {r}\n" for i, r in sorted(pairs)).encode("utf-8")


def result_hash(pairs: Iterable[tuple[str, str]]) -> str:
    return hashlib.sha256(serialised(pairs)).hexdigest()


def revisions(archive: Archive, ids: Iterable[str], at: str | None = None) -> dict[str, str]:
    """Each letter's text revision at `at` (None: now); a letter gone from the archive
    since has none that can be read: ORIGINAL."""
    out = {}
    for letter_id in ids:
        try:
            out[letter_id] = past.revision(history(archive, letter_id), at)
        except MissiveError:
            out[letter_id] = past.ORIGINAL
    return out


def _new_id(request: dict[str, Any], digest: str, length: int) -> str:
    text = json.dumps([request, digest], sort_keys=True, ensure_ascii=False).encode()
    return base64.b32encode(hashlib.sha256(text).digest()).decode().lower()[:length]


class CitedSearches:
    """The query store: `<archive>/cited-searches/<id>.json`, each written once."""

    def __init__(self, archive: Archive):
        self.folder = archive.root / FOLDER

    def load(self, cite_id: str) -> dict[str, Any] | None:
        if not ID.fullmatch(cite_id or ""):
            return None
        try:
            return json.loads((self.folder / f"{cite_id}.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def save(self, record: dict[str, Any]) -> dict[str, Any]:
        """Store a new citation; the same request with the same result set gives the one
        already stored (its time is the first citation's). Returns what is stored."""
        if not self.folder.is_dir():
            self.folder.mkdir(parents=True, exist_ok=True)
            fsync_dir(self.folder.parent)
        for length in (10, 13, 16, 20, 26, 32):
            cite_id = _new_id(record["request"], record["hash"]["value"], length)
            same = self.load(cite_id)
            if same is not None:
                if same["request"] == record["request"] and same["hash"] == record["hash"]:
                    return same
                continue  # another citation has this prefix: a longer id
            stored = {**record, "id": cite_id}
            if self._create(cite_id, stored):
                return stored
            return self.load(cite_id) or stored  # made at this moment by another process
        raise RuntimeError("no free citation id in 32 characters of a SHA-256")

    def _create(self, cite_id: str, record: dict[str, Any]) -> bool:
        """Write the file whole, once: False when it exists already (never replaced)."""
        body = json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8")
        tmp = self.folder / f".{cite_id}.json.{secrets.token_hex(4)}.tmp"
        try:
            with open(tmp, "wb") as fh:
                fh.write(body)
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, self.folder / f"{cite_id}.json")  # fails if it exists
            except FileExistsError:
                return False
        finally:
            tmp.unlink(missing_ok=True)
        fsync_dir(self.folder)
        return True


def cite(engine: Engine, archive: Archive, req: SearchRequest, typed: str) -> dict[str, Any]:
    """Run `req` on the public collection and record it: a citation record, not yet stored.

    Runs inside the write lock, so the index and the archive are one state; the lock is
    held into the next second, so no later change is logged with the citation's time.
    """
    req = dataclasses.replace(req, unpublished=False, page=1)
    with engine.write_lock(timeout=CITE_LOCK_TIMEOUT):
        engine.refresh()
        found = engine.ordered(req, EVERY)
        at = now()
        ids = [i for i, _ in found.letters]
        revs = revisions(archive, ids)
        shown = ids[:LIST_LIMIT]
        metas = {
            h.id: h.meta for h in engine.hits([(i, None) for i in shown], engine.marks(""))
        }
        while now() == at:  # a change after the citation must carry a later time
            time.sleep(0.05)
    letters = []
    for letter_id in shown:
        meta = metas.get(letter_id) or {}
        letters.append({
            "id": letter_id,
            "revision": revs[letter_id],
            "title": meta.get("title") or letter_id,
            "date": meta.get("date"),
        })
    return {
        "format": FORMAT,
        "at": at,
        "query_typed": typed,
        "request": canonical_request(req, found.match),
        "total": found.total,
        "listed": len(letters),
        "cut": found.total > len(letters),
        "limit": LIST_LIMIT,
        "hash": {
            "algorithm": "sha256",
            "over": "'<letter id> <revision>\\n' per matching letter, sorted by id, UTF-8",
            "value": result_hash(revs.items()),
        },
        "letters": letters,
    }


def stored_pairs(record: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["id"], e["revision"]) for e in record["letters"]]
