"""Solr's JSON API over plain HTTP (urllib), across the nodes of a SolrCloud.

A request goes to one node and, when that node cannot be reached, to the next: any node
of a SolrCloud answers for the whole collection. A write that Solr refuses with a 5xx is
sent again for a while: after a node dies, an update for a shard whose leader was on it
fails until a replica elsewhere is elected leader (zkClientTimeout, 15 s on the local
cluster). When every replica of a shard is down Solr answers 503 ("no servers hosting
shard"): that, and every node unreachable, is SolrUnavailable, a one-line message.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from ...search.errors import QueryError
from ..base import IndexMissing

READ_RETRY = 5.0  # seconds a search keeps trying other nodes before it gives up
WRITE_RETRY = 90.0  # seconds a write keeps trying through a leader election
TIMEOUT = 120.0  # seconds one HTTP request may take


class SolrUnavailable(IndexMissing):
    """Solr cannot answer now: no node reachable, or a shard with no live replica. A
    subclass of IndexMissing, so the web app answers 503 with the message."""


class SolrError(RuntimeError):
    """Solr refused a request for a reason retrying does not mend."""

    def __init__(self, status: int, message: str):
        super().__init__(f"Solr answered {status}: {message}")
        self.status = status


def _message(body: bytes) -> str:
    try:
        error = json.loads(body).get("error") or {}
        return " ".join(str(error.get("msg") or body[:300].decode("utf-8", "replace")).split())
    except (ValueError, AttributeError):
        return " ".join(body[:300].decode("utf-8", "replace").split())


class SolrClient:
    """Requests to a SolrCloud through any of `urls` (node base URLs ending in /solr)."""

    def __init__(self, urls: list[str]):
        if not urls:
            raise IndexMissing("MISSIVE_SOLR_URL is empty; accepted: one or more Solr node "
                               "URLs, comma-separated (http://host:8983/solr)")
        self.urls = [u.rstrip("/") for u in urls]
        self._next = itertools.count()
        self._lock = threading.Lock()

    def _order(self) -> list[str]:
        with self._lock:
            start = next(self._next) % len(self.urls)
        return self.urls[start:] + self.urls[:start]

    def request(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        body: Any = None,
        *,
        write: bool = False,
        content_type: str = "application/json",
        raw: bytes | None = None,
    ) -> dict[str, Any]:
        """Solr's JSON answer to `path` (after /solr) with `params`; `body` is sent as JSON
        (or `raw` bytes as `content_type`). QueryError for a query Solr cannot read (400),
        SolrUnavailable when no node can answer, SolrError for anything else."""
        query = urllib.parse.urlencode({**(params or {}), "wt": "json"}, doseq=True)
        data = raw if raw is not None else (
            None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        )
        patience = WRITE_RETRY if write else READ_RETRY
        deadline = time.monotonic() + patience
        last = ""
        for attempt in itertools.count():
            for url in self._order():
                req = urllib.request.Request(f"{url}{path}?{query}", data=data)
                if data is not None:
                    req.add_header("Content-Type", content_type)
                try:
                    with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
                        return json.loads(resp.read())
                except urllib.error.HTTPError as exc:
                    message = _message(exc.read())
                    if exc.code == 400:
                        raise QueryError(f"Solr cannot run the query: {message}") from None
                    if exc.code == 404:
                        raise IndexMissing(f"{path.split('/')[1]}: {message}") from None
                    if exc.code < 500:
                        raise SolrError(exc.code, message) from None
                    last = f"{url} answered {exc.code}: {message}"
                except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
                    last = f"{url} cannot be reached ({getattr(exc, 'reason', exc)})"
            if time.monotonic() >= deadline:
                break
            time.sleep(min(2.0, 0.2 * (attempt + 1)))
        raise SolrUnavailable(
            f"Solr cannot answer (tried {len(self.urls)} node(s) for {patience:.0f} s): "
            f"{last}; check that every shard has a live replica (make solr-status)"
        )
