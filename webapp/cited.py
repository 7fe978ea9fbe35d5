"""Cited searches: a search's result set recorded, with a short permanent URL.

    POST /cite/s                            "Cite this search" (the results page's form)
    POST /api/cited-searches                the same for programs (JSON or form), 201
    GET  /cite/s/<id>                       the cited search: the letters as found then,
                                            what changed since, whether it reproduces
    GET  /api/cited-searches/<id>           the same as JSON
    GET  /cite/s/<id>/letters/<letter_id>   a listed letter's text as the search found it

Citing needs no account. Each citation is a file in the archive that is never deleted,
so citing is limited per client address (CITE_LIMIT in CITE_WINDOW_SECONDS, counted in a
SQLite file every worker shares, as sign-ins are: webapp.signin_limit), and a request
body is held to the anonymous limit (webapp.guard). The form carries the CSRF token; the
API takes none (it acts for nobody: a citation is public and changes no letter).
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.datastructures import MultiDict

from indexer.archive import Archive, IndexBusy, past
from indexer.archive.lifecycle import history
from indexer.ingest.reader import Reader
from indexer.search import QueryError, SearchRequest, SearchTimeout
from indexer.search.cited import CitedSearches, cite, request_of
from indexer.search.since import compare, reproduce

from . import cited_format
from .auth import client_address
from .db import get_archive, get_search
from .errors import api_error, error_response, json_response
from .letters import LetterNotFound, load_letter
from .params import request_from_args, state
from .search import per_page_default
from .signin_limit import SigninLimit

bp = Blueprint("cited", __name__)

CITE_LIMIT = 10  # citations per client address ...
CITE_WINDOW_SECONDS = 60.0  # ... within this many seconds
_checked: dict[tuple[str, str], tuple[Any, Any]] = {}
_checked_lock = threading.Lock()


def make_reader(archive: Archive) -> Reader:
    """A Reader for letters as they were (OCR made before comes from the app's cache)."""
    config = current_app.config
    return Reader(
        archive, ocr_cache=Path(config["CACHE_DIR"]) / "ocr", use_ocr=config.get("OCR", True)
    )


def collection_name() -> str:
    return current_app.config.get("COLLECTION_NAME") or "Missive"


def store() -> CitedSearches:
    return CitedSearches(get_archive())


def cite_url(cite_id: str) -> str:
    return url_for("cited.show", cite_id=cite_id, _external=True)


# -- citing ---------------------------------------------------------------------------------
def _refused():
    limit: SigninLimit = current_app.extensions["missive.cite_limit"]
    attempt = limit.attempt(client_address())
    if attempt.allowed:
        return None
    message = (
        f"Too many citations from your address (the limit is {limit.limit} in "
        f"{limit.window:g} seconds). Try again in {attempt.retry_after} seconds."
    )
    return error_response(429, message, {"Retry-After": str(attempt.retry_after)})


def _create(args: MultiDict) -> dict[str, Any]:
    """Cite the search `args` describes (/search's parameters); QueryError, IndexBusy."""
    req = request_from(args)
    return store().save(cite(get_search(), get_archive(), req, req.q))


def request_from(args: MultiDict) -> SearchRequest:
    return request_from_args(args, per_page=per_page_default())


@bp.post("/cite/s")
def create():
    refused = _refused()
    if refused is not None:
        return refused
    try:
        record = _create(request.form)
    except QueryError as exc:
        return error_response(400, str(exc))
    except (IndexBusy, SearchTimeout) as exc:
        return error_response(503, f"The search could not be cited now: {exc}")
    return redirect(url_for("cited.show", cite_id=record["id"], cited=1), 303)


def _json_args() -> MultiDict:
    """The API's body: a JSON object of /search's parameters (a value, or a list of
    values), or a form; QueryError when it is neither."""
    if not request.is_json:
        return request.form
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise QueryError(
            "the body is not a JSON object; accepted: /search's parameters, e.g. "
            '{"q": "cluster munitions", "country": ["PK"]}'
        )
    pairs = []
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            if not isinstance(v, (str, int)) or isinstance(v, bool):
                raise QueryError(
                    f"{key}: {str(v)[:40]!r} is not a text; accepted: a text or a list of texts"
                )
            pairs.append((str(key), str(v)))
    return MultiDict(pairs)


@bp.post("/api/cited-searches")
def create_api():
    refused = _refused()
    if refused is not None:
        return refused
    try:
        record = _create(_json_args())
    except QueryError as exc:
        return api_error(400, str(exc))
    except (IndexBusy, SearchTimeout) as exc:
        return api_error(503, f"The search could not be cited now: {exc}")
    url = cite_url(record["id"])
    data = {
        "id": record["id"],
        "url": url,
        "citation": cited_format.render(record, collection_name(), url),
        "record": url_for("cited.show_api", cite_id=record["id"], _external=True),
    }
    return json_response(data, 201, {"Location": url, "Access-Control-Allow-Origin": "*"})


# -- a cited search -------------------------------------------------------------------------
def _record_or_404(cite_id: str) -> dict[str, Any]:
    record = store().load(cite_id)
    if record is None:
        abort(404, f"There is no cited search {cite_id[:40]!r}.")
    return record


def checked(record: dict[str, Any]):
    """(Reproduction, Since) of a citation, worked out again only when the archive's logs
    changed since (past.stamp): a page viewed often runs its as-of search once."""
    key = (record["id"], past.stamp(get_archive()))
    with _checked_lock:
        hit = _checked.get(key)
    if hit is not None:
        return hit
    again = reproduce(get_search(), get_archive(), make_reader, record)
    since = compare(get_search(), get_archive(), record, again.ids)
    with _checked_lock:
        if len(_checked) > 1000:
            _checked.clear()
        _checked[key] = (again, since)
    return again, since


def view(record: dict[str, Any]) -> dict[str, Any]:
    """Everything the page and its JSON show."""
    url = cite_url(record["id"])
    again, since = checked(record)
    req = request_of(record["request"], per_page=per_page_default())
    pairs = state(req, per_page=per_page_default())
    search_url = url_for("search.results", _external=True)
    today = search_url + ("?" + urlencode(pairs) if pairs else "")
    as_of = search_url + "?" + urlencode([*pairs, ("as_of", record["at"])])
    letters = [
        {
            **entry,
            "url": url_for("letters.letter", letter_id=entry["id"], _external=True),
            "found_url": url_for(
                "cited.letter_then", cite_id=record["id"], letter_id=entry["id"], _external=True
            ),
        }
        for entry in record["letters"]
    ]
    return {
        "id": record["id"],
        "url": url,
        "at": record["at"],
        "query_typed": record["query_typed"],
        "request": record["request"],
        "total": record["total"],
        "listed": record["listed"],
        "cut": record["cut"],
        "limit": record["limit"],
        "hash": record["hash"],
        "reproducible": again.reproducible,
        "reproduced_hash": again.hash,
        "citation": cited_format.render(record, collection_name(), url),
        "letters": letters,
        "since": {
            "today_total": since.today_total,
            "added": since.added,
            "withdrawn": since.withdrawn,
            "changed": since.changed,
            "dropped": since.dropped,
        },
        "links": {"today": today, "as_of": as_of, "self": url},
        "pairs": pairs,
    }


@bp.get("/cite/s/<cite_id>")
def show(cite_id: str):
    record = _record_or_404(cite_id)
    data = view(record)
    styles = cited_format.citation.render_item(
        cited_format.csl_item(record, collection_name(), data["url"]), html=True
    )
    return render_template(
        "search/cited.html",
        c=data,
        styles=styles,
        labels=cited_format.citation.FORMATS,
        just_cited=request.args.get("cited") == "1",
        describe=cited_format.describe(record),
        day=cited_format.human_day(record["at"]),
    )


@bp.get("/api/cited-searches/<cite_id>")
def show_api(cite_id: str):
    if store().load(cite_id) is None:
        return api_error(404, f"There is no cited search {cite_id[:40]!r}.")
    data = view(store().load(cite_id))
    data.pop("pairs")
    return json_response(data, headers={"Access-Control-Allow-Origin": "*"})


@bp.get("/cite/s/<cite_id>/letters/<letter_id>")
def letter_then(cite_id: str, letter_id: str):
    """A letter the citation lists, its text as it was at the citation's time."""
    record = _record_or_404(cite_id)
    entry = next((e for e in record["letters"] if e["id"] == letter_id), None)
    if entry is None:
        abort(404, f"The cited search {cite_id} does not list a letter {letter_id[:120]!r}.")
    try:
        meta = load_letter(letter_id)  # withdrawn since: its tombstone (410)
    except LetterNotFound as exc:
        abort(exc.status, exc.message)
    archive = get_archive()
    with tempfile.TemporaryDirectory(prefix="missive-then-") as tmp:
        then = Archive(Path(tmp) / "archive")
        then.letters_dir.mkdir(parents=True)
        if not past.materialise(archive, letter_id, record["at"], then):
            abort(404, f"The letter {letter_id} was not in the archive at {record['at']}.")
        letter = make_reader(then).read(letter_id)
    return render_template(
        "search/cited_letter.html",
        c={"id": cite_id, "url": cite_url(cite_id), "at": record["at"]},
        entry=entry,
        letter=letter,
        meta=meta,
        changed=entry["revision"] != past.revision(history(archive, letter_id)),
    )


def init_app(app: Flask) -> None:
    instance = Path(app.config["INDEX_DIR"]).parent
    app.extensions["missive.cite_limit"] = SigninLimit(
        app.config.get("CITE_DB") or instance / "cite-attempts.sqlite3",
        limit=int(app.config.get("CITE_LIMIT", CITE_LIMIT)),
        window=float(app.config.get("CITE_WINDOW_SECONDS", CITE_WINDOW_SECONDS)),
    )
    app.register_blueprint(bp)
    app.extensions["csrf"].exempt(create_api)
