"""The archivist's desk: drafts to review, metadata corrections, publishing, withdrawal.

    GET  /archive/                                    drafts, and a search over every letter
    GET  /archive/letters?q=                          every letter, drafts and withdrawn too
    GET  /archive/letters/<id>                        review: suggested metadata with the lines
                                                      they came from, the form, status, actions
    POST /archive/letters/<id>/metadata               save the form (action=publish: and publish)
    POST /archive/letters/<id>/publish                publish (a draft gets its readable id)
    POST /archive/letters/<id>/withdraw               withdraw, with a reason (required)

Transcript corrections and the history are in webapp.corrections.
Every change goes through the writer queue (webapp.jobs): the archive is written and flushed,
the index updated, and only then does the response say it was saved.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from indexer.archive import ArchiveError, is_id, lifecycle
from indexer.archive.sidecar import PARTY_FIELDS
from indexer.engines import IndexMissing
from indexer.errors import MissiveError
from indexer.ingest import drafts
from indexer.ingest.failures import STEPS
from indexer.ingest.metadata.countries import country_code, country_name
from indexer.ingest.processing import is_alive
from indexer.search import QueryError, SearchRequest

from .auth import current_name
from .db import get_archive, get_search
from .guard import archivists_only
from .jobs import get_jobs
from .letters import ORIGIN_NOTES
from .params import int_arg

bp = Blueprint("archivist", __name__, url_prefix="/archive")
archivists_only(bp)

TEXT_KEYS = ("title", "date", "date_as_written", "collection", "shelfmark", "rights", "notes")
LABELS = {
    "title": "Title",
    "date": "Date",
    "date_as_written": "Date as written",
    "languages": "Languages",
    "collection": "Collection",
    "shelfmark": "Shelfmark",
    "rights": "Rights",
    "notes": "Notes",
    "name": "Name",
    "role": "Role",
    "organisation": "Organisation",
    "place": "Place",
    "country": "Country",
    "family": "Family name",
    "given": "Given names",
    "ref": "Authority record",
    "place_ref": "Place's authority record",
}
HINTS = {
    "title": "Leave empty to make one from the sender, recipient and date.",
    "date": "ISO 8601: 2009-02-16, 2009-02, 2009, or 1855/1856; add ? when uncertain.",
    "languages": "ISO 639-1 codes, separated by commas: en, fr.",
    "country": "An ISO code (SE, GB) or a country name.",
    "family": "For citations, when the name does not show it: García Belaunde.",
    "ref": "A GND, VIAF or Wikidata URI: https://d-nb.info/gnd/118540238.",
    "place_ref": "A GeoNames, Wikidata or GND URI: https://www.geonames.org/2761369.",
}


class FormError(MissiveError):
    """A value in the metadata form is not accepted; the message names it."""


@cache
def countries() -> list[tuple[str, str]]:
    import pycountry

    return sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda c: c[1])


# -- lookups --------------------------------------------------------------------------------
def folder_or_404(letter_id: str) -> None:
    if not is_id(letter_id):
        abort(
            404,
            f"{letter_id[:120]!r} is not a letter id: ids are 1 to 100 lower-case letters, "
            "digits and hyphens",
        )
    try:
        get_archive().folder(letter_id)
    except ArchiveError:
        abort(404, f"There is no letter {letter_id!r} in the archive.")


def indexed(letter_id: str) -> dict[str, Any] | None:
    """The letter as the index holds it (any status), None when it is not indexed."""
    try:
        return get_search().get(letter_id)
    except IndexMissing:
        return None


@bp.app_template_filter("failed_pages")
def failed_pages(meta: dict[str, Any]) -> list[dict[str, Any]]:
    """What could not be read of a letter (as indexed): [{"n", "step", "reason"}], page order."""
    return [
        {"n": page.get("n"), "step": STEPS.get(f.get("step"), f.get("step")), "reason": f["reason"]}
        for page in meta.get("pages") or []
        for f in page.get("failed") or []
    ]


def _being_read(letter_id: str) -> bool:
    return is_alive(get_jobs().files.read(letter_id))


def letter_or_processing(letter_id: str):
    """The indexed letter, or a redirect to the progress page while it is being read."""
    folder_or_404(letter_id)
    meta = indexed(letter_id)
    if meta is None or _being_read(letter_id):
        return None, redirect(url_for("upload.processing", letter_id=letter_id), 303)
    return meta, None


def wait_for(change, ids=()) -> str | None:
    """Run a change through the writer; None when saved, else the message why not."""
    try:
        get_jobs().write_and_wait(change, ids=ids)
    except MissiveError as exc:
        return str(exc)
    except TimeoutError:
        return "The archive is busy; the change may still be saved. Reload the page in a minute."
    return None


# -- the desk -------------------------------------------------------------------------------
def _drafts() -> list[dict[str, Any]]:
    archive, jobs = get_archive(), get_jobs()
    ids = {i for i in archive.ids() if drafts.is_provisional(i)}
    try:
        ids |= set(get_search().ids(status="draft"))
    except IndexMissing:
        pass
    out = []
    for letter_id in sorted(ids):
        if not (archive.letters_dir / letter_id).is_dir():
            continue
        meta = indexed(letter_id)
        state = jobs.state(letter_id, meta.get("fingerprint") if meta else None)
        added = drafts.added_record(archive, letter_id)
        out.append(
            {
                "id": letter_id,
                "title": meta.get("title") if meta else None,
                "added": added,
                "files": len(added.get("files") or []),
                "state": state.get("state"),
                "message": state.get("message"),
                "failed": len({f["n"] for f in failed_pages(meta)}) if meta else 0,
            }
        )
    out.sort(key=lambda d: d["added"].get("at") or "", reverse=True)
    return out


@bp.get("/")
def dashboard():
    return render_template("archive/dashboard.html", drafts=_drafts())


@bp.get("/letters")
def letters():
    q = (request.args.get("q") or "").strip()[:500]
    page_n = int_arg(request.args, "page", 1, "1 or more", minimum=1)  # else QueryError: 400
    req = SearchRequest(
        q=q, sort="relevance" if q else "date", page=page_n, per_page=50, unpublished=True
    )
    error = None
    try:
        result = get_search().search(req)
    except QueryError as exc:
        result, error = None, str(exc)
    return render_template("archive/letters.html", q=q, result=result, error=error)


# -- review and metadata --------------------------------------------------------------------
def form_values(meta: dict[str, Any]) -> dict[str, str]:
    """The form's fields, filled from what is known (given or extracted)."""
    values = {k: meta.get("title_given") if k == "title" else meta.get(k) for k in TEXT_KEYS}
    recipients = meta.get("recipients") or [{}]
    for role, party in (("sender", meta.get("sender") or {}), ("recipient", recipients[0])):
        for key in PARTY_FIELDS:
            values[f"{role}.{key}"] = party.get(key)
    values["languages"] = ", ".join(meta.get("languages") or [])
    return {k: str(v or "") for k, v in values.items()}


def suggestions(meta: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """For each form field whose value was extracted: where it was read (page, line)."""
    out = {}
    for key, prov in (meta.get("provenance") or {}).items():
        if prov.get("source") == "extracted":
            out[key] = prov
    if "date" in out or "date_as_written" in out:
        out.setdefault("date_as_written", out.get("date", {}))
    return out


def sidecar_from_form(old: dict[str, Any], form) -> dict[str, Any]:
    """The letter.json the form asks for: the old one with the form's fields replaced."""
    data = dict(old)
    for key in TEXT_KEYS:
        value = (form.get(key) or "").strip()
        if value:
            data[key] = value
        else:
            data.pop(key, None)
    for role in ("sender", "recipient"):
        party = {k: (form.get(f"{role}.{k}") or "").strip() for k in PARTY_FIELDS}
        party = {k: v for k, v in party.items() if v}
        if "country" in party:
            code = country_code(party["country"])
            if not code:
                raise FormError(
                    f"{role.capitalize()} country: {party['country']!r} is not a country; "
                    "accepted: an ISO 3166-1 code such as SE or GB, or a country name"
                )
            party["country"] = code
        old_party = old.get(role)
        if role == "recipient" and isinstance(old_party, list):
            rest = old_party[1:]
            parties = ([party] if party else []) + rest
            if parties:
                data[role] = parties
            else:
                data.pop(role, None)
        elif party:
            data[role] = party
        else:
            data.pop(role, None)
    langs = [x for x in re.split(r"[,;\s]+", (form.get("languages") or "").lower()) if x]
    if langs:
        data["languages"] = langs
    else:
        data.pop("languages", None)
    return data


def _render_letter(meta: dict[str, Any], *, error=None, values=None, reason="", status=200):
    archive = get_archive()
    letter_id = meta["id"]
    added = drafts.added_record(archive, letter_id)
    log = lifecycle.history(archive, letter_id)
    html = render_template(
        "archive/letter.html",
        letter=meta,
        provisional=drafts.is_provisional(letter_id),
        values=values or form_values(meta),
        suggested=suggestions(meta),
        labels=LABELS,
        hints=HINTS,
        party_fields=PARTY_FIELDS,
        countries=countries(),
        country_name=country_name,
        added=added,
        history=log[-5:][::-1],
        history_count=len(log),
        error=error,
        reason=reason,
        origin_notes=ORIGIN_NOTES,
    )
    return html, status


@bp.get("/letters/<letter_id>")
def letter(letter_id: str):
    meta, elsewhere = letter_or_processing(letter_id)
    if elsewhere:
        return elsewhere
    return _render_letter(meta)


def _publish_change(letter_id: str, by: str, result: dict, data: dict | None = None):
    """A writer change: save the sidecar (if given), publish; remembers the final id."""
    archive = get_archive()
    reader = get_jobs().write_reader

    def change():
        if data is not None:
            lifecycle.write_sidecar(archive, letter_id, data, by=by)
        letter = reader.read(letter_id)
        result["id"] = drafts.publish(archive, letter_id, letter, by=by)
        return [letter_id, result["id"]]

    return change


def _published(old_id: str, new_id: str):
    get_jobs().forget(old_id)
    public = url_for("letters.letter", letter_id=new_id)
    renamed = f" (its draft id was {old_id})" if new_id != old_id else ""
    flash(f"Published as {new_id}{renamed}. It is in public search now, at {public}.", "ok")
    return redirect(url_for("archivist.letter", letter_id=new_id), 303)


@bp.post("/letters/<letter_id>/metadata")
def save_metadata(letter_id: str):
    meta, elsewhere = letter_or_processing(letter_id)
    if elsewhere:
        return elsewhere
    publish = request.form.get("action") == "publish"
    archive, by = get_archive(), current_name()
    try:
        old = lifecycle.read_sidecar_data(archive, letter_id)
        data = sidecar_from_form(old, request.form)
    except MissiveError as exc:
        return _render_letter(meta, error=str(exc), values=dict(request.form), status=400)
    changed = data != old
    if publish:
        result: dict[str, str] = {}
        error = wait_for(_publish_change(letter_id, by, result, data if changed else None))
        if error is None:
            return _published(letter_id, result["id"])
    elif changed:

        def change():
            lifecycle.write_sidecar(archive, letter_id, data, by=by)
            return [letter_id]

        error = wait_for(change)
        if error is None:
            flash("Metadata saved. Every value in the form now counts as checked by you.", "ok")
    else:
        error = None
        flash("Nothing to save: the form is as it was.", "ok")
    if error is not None:
        return _render_letter(meta, error=error, values=dict(request.form), status=400)
    return redirect(url_for("archivist.letter", letter_id=letter_id), 303)


@bp.post("/letters/<letter_id>/publish")
def publish(letter_id: str):
    meta, elsewhere = letter_or_processing(letter_id)
    if elsewhere:
        return elsewhere
    if meta.get("status") == "published":
        flash("The letter is published already.", "ok")
        return redirect(url_for("archivist.letter", letter_id=letter_id), 303)
    result: dict[str, str] = {}
    error = wait_for(_publish_change(letter_id, current_name(), result))
    if error is not None:
        return _render_letter(meta, error=error, status=400)
    return _published(letter_id, result["id"])


@bp.post("/letters/<letter_id>/withdraw")
def withdraw(letter_id: str):
    meta, elsewhere = letter_or_processing(letter_id)
    if elsewhere:
        return elsewhere
    reason = (request.form.get("reason") or "").strip()
    if meta.get("status") != "published":
        error = f"Only a published letter can be withdrawn; this one is {meta.get('status')}."
        return _render_letter(meta, error=error, reason=reason, status=400)
    if not reason:
        error = "A withdrawal needs a reason: it is shown at the letter's permanent URL."
        return _render_letter(meta, error=error, status=400)
    archive, by = get_archive(), current_name()

    def change():
        lifecycle.set_status(archive, letter_id, "withdrawn", by=by, reason=reason[:2000])
        return [letter_id]

    error = wait_for(change)
    if error is not None:
        return _render_letter(meta, error=error, reason=reason, status=400)
    flash("Withdrawn. Its URL now says when and why; it is out of public search.", "ok")
    return redirect(url_for("archivist.letter", letter_id=letter_id), 303)
