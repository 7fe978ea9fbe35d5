"""The read side of the Solr engine: searches, facets, pages of hits, single letters,
did-you-mean, more-like-this and the home page's figures, in Missive's terms.

Facets come from the JSON Facet API in the search's own request, each filter tagged and
each facet excluding its own filter (the year facet the date range too); coverage is the
`source` facet of the matching letters; the letters a text query could not search are
counted with the query itself excluded. Ties in relevance go by id, as do letters of one
day. What one commit's words are (the vocabulary, the public words, the languages, the
facet labels) is read once per commit and kept.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ...search import natural, querylang
from ...search.deadline import SearchTimeout
from ...search.errors import QueryError
from ...search.facets import FACET_BY_PARAM, FACETS, Facet
from ...search.querytree import DateRange, Everything, Node
from ...search.request import SearchRequest
from ...search.results import FacetValue, Hit, Ordered, SearchResult
from ...search.snippets import lead, snippets
from .client import SolrClient
from .documents import NAME_SEPARATOR, SYSTEM_STATUS
from .marks import SolrMarks
from .spelling import suggest
from .translate import EVERYTHING, date_query, to_solr

FACET_LIMIT = 100  # values per facet shown, most frequent first (selected values kept)
FACET_FETCH = 1000  # values per facet read, so ties at the cut are ordered by label here
PAGE = 1000  # letters per request when reading many (ids, fingerprints, ordered)
QUERY_FIELDS = {"text": "exact", "title": "title_exact"}  # vocabulary() of a query field


class Searching:
    """Searches over the collection an alias serves (`collection()` gives its name)."""

    def __init__(self, client: SolrClient, collection: Callable[[], str], *,
                 deadline: float | None, budget: int | None):
        self.client = client
        self.collection = collection
        self.deadline = deadline
        self.budget = budget
        self._cache: dict[str, Any] = {}
        self._state: tuple | None = None
        self._recent: dict[str, tuple[float, Any]] = {}  # values kept across commits
        self._lock = threading.Lock()
        self._pinned = threading.local()  # the commit one search reads (one_commit)

    # -- plumbing --------------------------------------------------------------------------
    def select(self, params: dict[str, Any], body: dict | None = None) -> dict:
        # Everything in the JSON body: an expanded wildcard makes a query too long for a URL.
        found = self.client.request(
            f"/{self.collection()}/select", None, {"params": params, **(body or {})}
        )
        if found.get("responseHeader", {}).get("partialResults"):
            raise SearchTimeout(
                f"the search took longer than {self.deadline:g} s and was stopped; "
                "narrow it with more words, a filter or a date range"
            )
        return found

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()
            self._state = None

    def _commit(self) -> tuple:
        """What tells one commit from another: the letters' count and newest version (a
        one-phase request: no document fetched). Asked once per search (`one_commit`)."""
        pinned = getattr(self._pinned, "state", None)
        if pinned is not None:
            return pinned
        found = self.select({"q": EVERYTHING, "rows": 0},
                            {"facet": {"newest": "max(_version_)"}})
        return (self.collection(), found["response"]["numFound"],
                (found.get("facets") or {}).get("newest", 0))

    @contextmanager
    def one_commit(self) -> Iterator[None]:
        """Within the block, every value remembered() is of the commit it began with."""
        if getattr(self._pinned, "state", None) is not None:
            yield
            return
        self._pinned.state = self._commit()
        try:
            yield
        finally:
            self._pinned.state = None

    def remembered(self, key: str, make: Callable[[], Any], max_age: float | None = None) -> Any:
        """A value of the current commit, made once per commit; with `max_age`, one made at
        most that many seconds ago by any commit (what may lag behind writes: spelling.py)."""
        now = time.monotonic()
        if max_age is not None:
            with self._lock:
                made = self._recent.get(key)
                if made is not None and now - made[0] < max_age:
                    return made[1]
            self._recent[key] = (now, make())
            return self._recent[key][1]
        state = self._commit()
        with self._lock:
            if state != self._state:
                self._cache.clear()
                self._state = state
            if key in self._cache:
                return self._cache[key]
        value = make()
        with self._lock:
            self._cache[key] = value
        return value

    @staticmethod
    def visibility(unpublished: bool) -> str:
        return f"-status:{SYSTEM_STATUS}" if unpublished else "status:published"

    def terms(self, fieldname: str) -> list[str]:
        """A field's words, sorted (the vocabulary)."""
        return list(self.term_counts(fieldname))

    def term_counts(self, fieldname: str) -> dict[str, int]:
        """A field's words, sorted, with the letters holding each (deleted ones too until
        Solr merges them away)."""

        def read() -> dict[str, int]:
            found = self.client.request(
                f"/{self.collection()}/terms",
                {"terms.fl": fieldname, "terms.limit": -1, "terms.sort": "index",
                 "terms.mincount": 1, "json.nl": "flat"},
            )
            flat = (found.get("terms") or {}).get(fieldname) or []
            return dict(sorted(zip((str(w) for w in flat[::2]), flat[1::2], strict=True)))

        return self.remembered(f"terms:{fieldname}", read)

    def keys(self) -> tuple[str, ...]:
        """The analyses the collection's letters are indexed in."""
        return tuple(self.remembered("keys", lambda: tuple(self.values("stemmed_as", None))))

    def values(self, fieldname: str, fq: str | None, limit: int = -1) -> dict[str, int]:
        body = {"facet": {"v": {"type": "terms", "field": fieldname, "limit": limit,
                                "sort": "index"}}}
        found = self.select({"q": EVERYTHING, "rows": 0, **({"fq": fq} if fq else {})}, body)
        buckets = (found.get("facets") or {}).get("v", {}).get("buckets") or []
        return {str(b["val"]): b["count"] for b in buckets}

    def translate(self, q: str, *, ocr: bool, match: str = "all"
                  ) -> tuple[Node, str, SolrMarks, dict[str, str]]:
        """The query's tree (a question's words as a Most node in "most" mode), its
        Solr query string, marks and the parameters the string refers to."""
        tree = natural.tree(q, match)
        if isinstance(tree, Everything):
            return tree, EVERYTHING, SolrMarks(), {}
        counts = self.term_counts("exact") if ocr else {}
        text, terms, extra = to_solr(tree, self.keys(), self.terms, ocr=ocr,
                                     budget=self.budget, frequency=lambda w: counts.get(w, 0))
        return tree, text, SolrMarks(terms), extra

    def _params(self, req: SearchRequest, text: str, extra: dict[str, str]) -> dict[str, Any]:
        fq = [self.visibility(req.unpublished)]
        params: dict[str, Any] = {"q": "{!lucene tag=q v=$qq}", "qq": text, "q.op": "OR",
                                  **extra}
        for param in dict.fromkeys([*req.filters, *req.exclude]):
            # One filter per facet (its selections less its exclusions), tagged, so the
            # facet is counted without both.
            field = FACET_BY_PARAM[param].field
            keep, drop = req.filters.get(param), req.exclude.get(param)
            name = f"f_{param}"
            if keep and drop:
                fq.append(f"{{!lucene tag={name} v=${name}}}")
                params[name] = (f"(+{{!terms f={field} v=${name}_in}} "
                                f"-{{!terms f={field} v=${name}_out}})")
            elif keep or drop:
                sign = "" if keep else f"{EVERYTHING} -"
                fq.append(f"{{!lucene tag={name} v=${name}}}")
                params[name] = f"({sign}{{!terms f={field} v=${name}_{'in' if keep else 'out'}}})"
            if keep:
                params[f"{name}_in"] = ",".join(keep)
            if drop:
                params[f"{name}_out"] = ",".join(drop)
        if req.date_from or req.date_to:
            span = DateRange(req.date_from or None, req.date_to or None)
            fq.append("{!lucene tag=date v=$dates}")
            params["dates"] = date_query(span)
        params["fq"] = fq
        if req.sort == "relevance" and text != EVERYTHING:
            params["sort"] = "score desc,id asc"
        else:
            params["sort"] = f"date_start {'desc' if req.sort == '-date' else 'asc'},id asc"
        if self.deadline is not None:
            params["timeAllowed"] = max(1, int(self.deadline * 1000))
        return params

    # -- searches --------------------------------------------------------------------------
    def search(self, req: SearchRequest) -> SearchResult:
        with self.one_commit():
            return self._search(req)

    def _search(self, req: SearchRequest) -> SearchResult:
        req.validate()
        tree, text, marks, extra = self.translate(req.q, ocr=req.ocr, match=req.match)
        params = self._params(req, text, extra)
        params |= {"start": (req.page - 1) * req.per_page, "rows": req.per_page,
                   "fl": "id,meta,content,score"}
        facets: dict[str, Any] = {}
        for facet in FACETS:
            skip = [f"f_{facet.param}"] + (["date"] if facet.param == "year" else [])
            facets[facet.name] = {
                "type": "terms", "field": facet.field, "mincount": 1,
                "limit": -1 if facet.by_value else FACET_FETCH,
                "domain": {"excludeTags": skip},
            }
        facets["coverage"] = {"type": "terms", "field": "source", "limit": -1}
        if req.q.strip():
            facets["unsearched"] = {"type": "query", "q": "source:image-only",
                                    "domain": {"excludeTags": ["q"]}}
        found = self.select(params, {"facet": facets})
        total = found["response"]["numFound"]
        counted = found.get("facets") or {}
        relevance = params["sort"].startswith("score")
        hits = [self._hit(doc, marks, relevance) for doc in found["response"]["docs"]]
        labels = self.labels(req.unpublished) if any(f.named for f in FACETS) else {}
        facet_values = {
            f.name: self._count(f, counted.get(f.name) or {}, req, labels) for f in FACETS
        }
        coverage = {str(b["val"]): b["count"]
                    for b in (counted.get("coverage") or {}).get("buckets") or []}
        unsearched = 0
        if req.q.strip():
            within = (counted.get("unsearched") or {}).get("count", 0)
            unsearched = max(0, within - coverage.get("image-only", 0))
        did_you_mean = None
        if req.q.strip() and total < 3:
            did_you_mean = suggest(self, req.q, tree, req.unpublished)
        return SearchResult(req, total, hits, facet_values, coverage, did_you_mean,
                            unsearched=unsearched)

    def _count(self, facet: Facet, counted: dict, req: SearchRequest,
               labels: dict[str, str]) -> list[FacetValue]:
        counts = {str(b["val"]): b["count"] for b in counted.get("buckets") or []}
        selected = set(req.filters.get(facet.param, []))

        def label(value: str) -> str:
            return (labels.get(value) if facet.named else None) or facet.label(value)

        if facet.by_value:
            ranked = sorted(counts)
        else:
            ranked = sorted(counts, key=lambda v: (-counts[v], label(v).lower()))[:FACET_LIMIT]
        excluded = set(req.exclude.get(facet.param, []))
        ranked += sorted(v for v in selected | excluded if v not in ranked)
        return [
            FacetValue(v, label(v), counts.get(v, 0), v in selected, v in excluded)
            for v in ranked
        ]

    def labels(self, unpublished: bool) -> dict[str, str]:
        """Each named value's label: the name most letters the asker may see give it."""

        def read() -> dict[str, str]:
            best: dict[str, tuple[int, str]] = {}
            for pair, n in self.values("names", self.visibility(unpublished)).items():
                value, _, name = pair.partition(NAME_SEPARATOR)
                if value not in best or (-n, name) < (-best[value][0], best[value][1]):
                    best[value] = (n, name)
            return {value: name for value, (_, name) in best.items()}

        return self.remembered(f"labels:{unpublished}", read)

    @staticmethod
    def _hit(doc: dict, marks: SolrMarks, relevance: bool) -> Hit:
        texts = doc.get("content") or []
        hit_pages, snips = snippets(texts, marks) if marks else ([], [])
        if not snips:
            first = lead(texts)
            snips = [first] if first else []
        meta = json.loads(doc["meta"])
        score = float(doc["score"]) if relevance and "score" in doc else None
        return Hit(doc["id"], meta["title"], meta["date"], meta, score, hit_pages, snips)

    def ordered(self, req: SearchRequest, limit: int) -> Ordered:
        req.validate()
        with self.one_commit():
            _, text, marks, extra = self.translate(req.q, ocr=req.ocr, match=req.match)
        params = self._params(req, text, extra) | {"fl": "id,score"}
        relevance = params["sort"].startswith("score")
        out: list[tuple[str, float | None]] = []
        total = 0
        while True:
            rows = min(PAGE, limit - len(out))
            found = self.select(params | {"start": len(out), "rows": max(rows, 0)})
            total = found["response"]["numFound"]
            docs = found["response"]["docs"]
            out += [(d["id"], float(d["score"]) if relevance else None) for d in docs]
            if rows <= 0 or not docs or len(out) >= min(total, limit):
                return Ordered(total, out, marks)

    def hits(self, letters: list[tuple[str, float | None]], marks, *,
             unpublished: bool = False) -> list[Hit]:
        out = []
        for start in range(0, len(letters), PAGE):
            batch = letters[start:start + PAGE]
            # ("ids" would be Solr's own parameter for fetching documents across shards.)
            found = self.select({"q": "{!terms f=id v=$wanted}",
                                 "wanted": ",".join(i for i, _ in batch),
                                 "fq": self.visibility(unpublished), "rows": len(batch),
                                 "fl": "id,meta,content"})
            docs = {d["id"]: d for d in found["response"]["docs"]}
            for letter_id, score in batch:
                if letter_id in docs:
                    hit = self._hit(docs[letter_id], marks, False)
                    hit.score = score
                    out.append(hit)
        return out

    def marks(self, q: str, *, ocr: bool = False) -> SolrMarks:
        if not q.strip():
            return SolrMarks()
        with self.one_commit():
            return self.translate(q, ocr=ocr)[2]

    # -- single letters and figures --------------------------------------------------------
    def get(self, letter_id: str) -> dict[str, Any] | None:
        found = self.select({"q": "{!term f=id v=$wanted}", "wanted": letter_id,
                             "fq": self.visibility(True), "fl": "meta,content,fingerprint"})
        docs = found["response"]["docs"]
        if not docs:
            return None
        meta = json.loads(docs[0]["meta"])
        meta["pages_text"] = docs[0].get("content") or []
        meta["fingerprint"] = docs[0].get("fingerprint") or ""
        return meta

    def every(self, fields: str, fq: list[str]) -> list[dict]:
        """Every letter matching the filters `fq`, by id, with `fields` (cursor paging)."""
        out: list[dict] = []
        cursor = "*"
        while True:
            found = self.select({"q": EVERYTHING, "fq": fq, "fl": fields, "sort": "id asc",
                                 "rows": PAGE, "cursorMark": cursor})
            out += found["response"]["docs"]
            if found.get("nextCursorMark") in (None, cursor):
                return out
            cursor = found["nextCursorMark"]

    def more_like_this(self, letter_id: str, limit: int) -> list[dict[str, Any]]:
        stored = self.get(letter_id)
        if stored is None or not "".join(stored["pages_text"]).strip():
            return []
        found = self.select({
            "q": "{!mlt qf=exact mintf=1 mindf=1 minwl=3 maxqt=5 v=$wanted}", "wanted": letter_id,
            "fq": self.visibility(False), "rows": limit, "fl": "id,meta",
        })
        return [json.loads(d["meta"]) for d in found["response"]["docs"] if d["id"] != letter_id]

    def stats(self) -> dict[str, Any]:
        def read() -> dict[str, Any]:
            body = {"facet": {
                "pages": "sum(page_count)",
                "first": "min(date_start)",
                "last": "max(date_start)",
                "sources": {"type": "terms", "field": "source", "limit": -1},
                "years": {"type": "terms", "field": "year", "limit": -1, "sort": "index"},
                "countries": {"type": "terms", "field": "country", "limit": -1},
            }}
            found = self.select({"q": EVERYTHING, "fq": self.visibility(False), "rows": 0}, body)
            f = found.get("facets") or {}

            def buckets(name: str) -> dict[str, int]:
                return {str(b["val"]): b["count"] for b in (f.get(name) or {}).get("buckets", [])}

            first, last = f.get("first"), f.get("last")
            countries = buckets("countries")
            return {
                "letters": found["response"]["numFound"],
                "pages": int(f.get("pages") or 0),
                "first_year": int(first) // 10000 if first else None,
                "last_year": int(last) // 10000 if last else None,
                "text_sources": buckets("sources"),
                "years": dict(sorted(buckets("years").items())),
                "countries": dict(sorted(countries.items(), key=lambda kv: (-kv[1], kv[0]))),
            }

        return dict(self.remembered("stats", read))

    def vocabulary(self, field: str) -> list[str]:
        canonical = querylang.FIELDS.get(field, field if field == "content" else None)
        if canonical is None:
            raise QueryError(f"{field!r} is not a query field; accepted: "
                             f"{', '.join(sorted(querylang.FIELDS))}")
        canonical = "text" if canonical == "content" else canonical
        return list(self.terms(QUERY_FIELDS.get(canonical, canonical)))

