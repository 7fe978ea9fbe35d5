"""The Solr engine: the Engine protocol over a collection of a SolrCloud, served through
an alias (collections.py), searched by searching.py.

Writes: a writer's changes are sent when its block ends (up to BUFFERED letters; a larger
block streams in batches as it goes, so only its last batch waits for the end) and made
visible by a soft commit: Solr's transaction log on every replica keeps them through a
crash. A rebuild streams into a new collection (or one an interrupted rebuild left,
emptied first), commits it hard and then moves the alias, so the old collection serves
until the new one is complete. The skip records of the last build live in the collection
itself, in one document that is no letter.

Configuration: MISSIVE_SOLR_URL (node URLs, comma-separated) and MISSIVE_SOLR_COLLECTION
(the alias; default `missive-` and 8 hex digits of the local index folder's path, so two
Missive instances never share a collection by accident). The local index folder holds
only the write lock.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import secrets
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ...archive.lock import WRITE_TIMEOUT, write_lock
from ...records import Letter
from ...search import natural
from ...search.request import SearchRequest
from ...search.results import Hit, Ordered, SearchResult
from .. import EngineConfig
from ..base import Engine, Failure, Features, IndexMissing, Marks, Skips, Writer
from .client import SolrClient, SolrUnavailable
from .collections import Collections
from .documents import SKIPS_ID, SYSTEM_STATUS, skips_document, to_document
from .searching import Searching
from .translate import quoted

FEATURES = Features(name="solr", parallel_build=False, local_files=False)
DEFAULT_URL = "http://127.0.0.1:8983/solr"
BATCH = 500  # letters per update request
BUFFERED = 2000  # letters a writer() block keeps until its end
# Seconds the alias is taken to serve after Solr said so: one search makes several
# requests, and asking for the alias before each was a round trip each (5 a search).
ALIAS_TRUSTED = 2.0


def alias_for(config: EngineConfig) -> str:
    """The collection alias: the configuration's, $MISSIVE_SOLR_COLLECTION, or one made
    from the index folder's path."""
    chosen = config.collection or os.environ.get("MISSIVE_SOLR_COLLECTION", "").strip()
    if chosen:
        return chosen
    digest = hashlib.sha1(str(config.index.resolve()).encode("utf-8")).hexdigest()[:8]
    return f"missive-{digest}"


def urls_for(config: EngineConfig) -> list[str]:
    chosen = config.url or os.environ.get("MISSIVE_SOLR_URL", "").strip() or DEFAULT_URL
    return [u.strip() for u in chosen.split(",") if u.strip()]


class SolrWriter(Writer):
    """Changes to one collection: letters and deletions in batches, skips at the end."""

    def __init__(self, engine: SolrEngine, collection: str, *, stream: bool):
        self.engine = engine
        self.collection = collection
        self.stream = stream  # send each batch as it fills (a rebuild's new collection)
        self.pending: list[dict[str, Any] | str] = []  # documents, or ids to delete
        self.sent = False
        self.skipped: tuple[Skips, set[str] | None] | None = None
        # A stream sends each batch from a thread while the next one is read: Solr indexes
        # while Python reads letters (half the time of one after the other). One batch in
        # flight at most, so batches arrive in order and a failure stops the stream.
        self._sender = ThreadPoolExecutor(1, "solr-batches") if stream else None
        self._in_flight: Future | None = None

    def replace(self, letter: Letter) -> None:
        self.pending.append(to_document(letter))
        self._maybe_send()

    def delete(self, letter_id: str) -> None:
        self.pending.append(letter_id)
        self._maybe_send()

    def record_skips(self, failed: Skips, *, read: Iterable[str] | None = None) -> None:
        self.skipped = (dict(failed), None if read is None else set(read))

    def _maybe_send(self) -> None:
        limit = BATCH if self.stream else BUFFERED
        if len(self.pending) >= limit:
            self.send()

    def send(self) -> None:
        """Send what is pending, in order: runs of documents, then runs of deletions."""
        run: list = []
        for item in self.pending + [None]:
            if run and (item is None or isinstance(item, str) != isinstance(run[0], str)
                        or len(run) >= BATCH):
                body = {"delete": run} if isinstance(run[0], str) else run
                self._update(body)
                self.sent = True
                run = []
            if item is not None:
                run.append(item)
        self.pending = []

    def _update(self, body: Any) -> None:
        if self._sender is None:
            self.engine.update(self.collection, body)
            return
        self._wait()  # the batch before (its error, if it failed)
        self._in_flight = self._sender.submit(self.engine.update, self.collection, body)

    def _wait(self) -> None:
        if self._in_flight is not None:
            done, self._in_flight = self._in_flight, None
            done.result()

    def close(self) -> None:
        """Wait for the batch in flight and end the sending thread."""
        if self._sender is not None:
            try:
                self._wait()
            finally:
                self._sender.shutdown(wait=True)

    def finish(self, old_skips: Skips) -> None:
        if self.skipped is not None:
            failed, read = self.skipped
            skips = failed if read is None else {
                k: v for k, v in old_skips.items() if k not in read
            } | failed
            self.pending.append(skips_document(skips))
        self.send()
        self.close()


class SolrEngine(Engine):
    features = FEATURES

    def __init__(self, config: EngineConfig):
        # The web app gives its INDEX_DIR setting, a string: the alias and the lock need a path.
        self.config = config = dataclasses.replace(config, index=Path(config.index))
        self.client = SolrClient(urls_for(config))
        self.collections = Collections(self.client, alias_for(config))
        self.searching = Searching(self.client, self._served, deadline=config.deadline,
                                   budget=config.budget)
        self._alias_seen = -ALIAS_TRUSTED  # when Solr last said the alias serves

    def _served(self) -> str:
        """The alias, when it points at a collection; IndexMissing when it does not yet."""
        if time.monotonic() - self._alias_seen < ALIAS_TRUSTED:
            return self.collections.alias
        if self.collections.current() is None:
            raise IndexMissing(
                f"Solr has no collection {self.collections.alias} yet; run "
                "`python -m indexer solr-setup`, then `python -m indexer build`"
            )
        self._alias_seen = time.monotonic()
        return self.collections.alias

    def update(self, collection: str, body: Any, **params: Any) -> None:
        self.client.request(f"/{collection}/update", params, body, write=True)

    # -- writing ---------------------------------------------------------------------------
    def write_lock(self, *, timeout: float = WRITE_TIMEOUT):
        return write_lock(self.config.index, timeout=timeout)

    @contextmanager
    def writer(self) -> Iterator[Writer]:
        served = self._served()
        old = self.skips()
        w = SolrWriter(self, served, stream=False)
        yield w
        w.finish(old)
        self.update(served, [], softCommit="true")
        self.searching.forget()

    @contextmanager
    def rebuild(self, *, procs: int = 1) -> Iterator[Writer]:
        old = self.collections.current()
        new = self.collections.fresh(self.collections.shape(old) if old else None, old)
        w = SolrWriter(self, new, stream=True)
        try:
            yield w
            w.finish({})
            self.update(new, [], commit="true")
            self.collections.serve(new)
        except BaseException:
            try:
                w.close()
            except Exception:  # noqa: BLE001 - the first failure is the one to report
                pass
            self.collections.delete(new)
            raise
        if old and old != new:
            self.collections.delete(old)
        self.searching.forget()

    @contextmanager
    def scratch(self) -> Iterator[Engine]:
        # An alias of its own (so never the served one), its collections dropped afterwards.
        alias = f"{self.collections.alias}-scratch-{secrets.token_hex(4)}"
        config = dataclasses.replace(self.config, collection=alias)
        other = SolrEngine(config)
        try:
            yield other
        finally:
            names = other.collections.names()
            other.collections.drop_alias()  # Solr deletes no collection an alias names
            for name in names:
                other.collections.delete(name)
            other.close()

    def fingerprints(self) -> dict[str, str]:
        self._served()
        docs = self.searching.every("id,fingerprint", [self.searching.visibility(True)])
        return {d["id"]: d.get("fingerprint", "") for d in docs}

    def failures(self) -> dict[str, list[Failure]]:
        self._served()
        docs = self.searching.every("id,failures", ["failed:yes"])
        return {
            d["id"]: [(int(n), str(step), str(why)) for n, step, why in json.loads(d["failures"])]
            for d in docs
            if d.get("failures")
        }

    def skips(self) -> Skips:
        found = self.searching.select({"q": "{!term f=id v=$wanted}", "wanted": SKIPS_ID,
                                       "fq": f"status:{SYSTEM_STATUS}", "fl": "meta"})
        docs = found["response"]["docs"]
        return json.loads(docs[0]["meta"]) if docs else {}

    def damaged(self) -> str | None:
        try:
            return self.collections.problem()
        except SolrUnavailable as exc:
            return str(exc)

    def remove_leftovers(self) -> list[str]:
        current = self.collections.current()
        if current is None:
            return []  # none is served: a build may be starting
        left = [n for n in self.collections.names() if n != current]
        for name in left:
            self.collections.delete(name)
        return left

    # -- searching -------------------------------------------------------------------------
    def search(self, req: SearchRequest) -> SearchResult:
        return natural.answer(self.searching.search, req)  # a question: all, then most

    def ordered(self, req: SearchRequest, limit: int) -> Ordered:
        return natural.answer(lambda r: self.searching.ordered(r, limit), req)

    def hits(
        self, letters: list[tuple[str, float | None]], marks: Marks, *, unpublished: bool = False
    ) -> list[Hit]:
        return self.searching.hits(letters, marks, unpublished=unpublished)

    def marks(self, q: str, *, ocr: bool = False) -> Marks:
        return self.searching.marks(q, ocr=ocr)

    def get(self, letter_id: str) -> dict[str, Any] | None:
        return self.searching.get(letter_id)

    def ids(self, *, status: str | None = None) -> list[str]:
        fq = [f"status:{quoted(status)}"] if status else [self.searching.visibility(True)]
        return [d["id"] for d in self.searching.every("id", fq)]

    def more_like_this(self, letter_id: str, *, limit: int = 5) -> list[dict[str, Any]]:
        return self.searching.more_like_this(letter_id, limit)

    def stats(self) -> dict[str, Any]:
        return self.searching.stats()

    def vocabulary(self, field: str = "text") -> list[str]:
        return self.searching.vocabulary(field)

    def close(self) -> None:
        self.searching.forget()
        self._alias_seen = -ALIAS_TRUSTED

    def refresh(self) -> None:
        self.searching.forget()
        self._alias_seen = -ALIAS_TRUSTED
