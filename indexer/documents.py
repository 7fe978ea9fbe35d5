"""A Letter record as a Whoosh document, and as the JSON metadata stored beside it."""

from __future__ import annotations

import json
from typing import Any

from .records import Letter, Party


def _ymd(day) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def _party_words(party: Party) -> str:
    return " ".join(filter(None, (party.name, party.role, party.organisation, party.place)))


def letter_meta(letter: Letter) -> dict[str, Any]:
    """The letter's metadata as JSON-ready data, each value's provenance included."""
    return {
        "id": letter.id,
        "title": letter.display_title(),
        "title_given": letter.title,
        "date": str(letter.date) if letter.date else None,
        "date_precision": letter.date.precision if letter.date else None,
        "date_uncertain": letter.date.uncertain if letter.date else False,
        "date_as_written": letter.date_as_written,
        "sender": letter.sender.to_dict(),
        "recipients": [r.to_dict() for r in letter.recipients if not r.is_empty()],
        "languages": letter.languages,
        "collection": letter.collection,
        "rights": letter.rights,
        "notes": letter.notes,
        "related": [r.to_dict() for r in letter.related],
        "text_source": letter.text_source,
        "pages": [
            {
                "n": p.n,
                "image": p.image,
                "frame": p.frame,
                "width": p.width,
                "height": p.height,
                "origin": p.origin,
                "has_words": bool(p.words),
                "failed": [{"step": step, "reason": why} for step, why in p.failures],
            }
            for p in letter.pages
        ],
        "provenance": {k: v.to_dict() for k, v in letter.provenance.items()},
        "status": letter.status,
        "withdrawn": letter.withdrawn,
        "changed": letter.changed,
        "fingerprint": letter.fingerprint,
    }


# Fields whose values the facet column repeats; KEYWORD fields split on commas.
FACET_FIELDS = ("country", "years", "year", "language", "source", "recipient_facet")
_COMMAS = ("years", "language", "recipient_facet")


def facet_values(doc: dict[str, Any]) -> dict[str, list[str]]:
    """The terms each facet field of `doc` is indexed with (as Whoosh splits them)."""
    out = {}
    for name in FACET_FIELDS:
        value = doc.get(name)
        if not value:
            continue
        parts = [v.strip() for v in value.split(",")] if name in _COMMAS else [value]
        out[name] = list(dict.fromkeys(v for v in parts if v))
    return out


def to_document(letter: Letter) -> dict[str, Any]:
    """The fields Whoosh indexes and stores for one letter."""
    doc: dict[str, Any] = {
        "id": letter.id,
        "content": letter.text,
        "exact": letter.text,
        "grams": letter.text,
        "sender": _party_words(letter.sender),
        "recipient": " ".join(_party_words(r) for r in letter.recipients),
        "place": " ".join(
            filter(None, [letter.sender.place] + [r.place for r in letter.recipients])
        ),
        "source": letter.text_source,
        "status": letter.status,
        "meta": json.dumps(letter_meta(letter), ensure_ascii=False),
        "pages_text": [p.text for p in letter.pages],
        "fingerprint": letter.fingerprint,
        "page_count": len(letter.pages),
    }
    failures = [[p.n, step, why] for p in letter.pages for step, why in p.failures]
    if failures:
        doc["failures"] = failures
        doc["failed"] = "yes"
    if letter.title:
        doc["title"] = letter.title
        doc["title_grams"] = letter.title
    if letter.sender.country:
        doc["country"] = letter.sender.country
    if letter.sender.label():
        doc["sender_facet"] = letter.sender.label()
    recipients = [r for r in letter.recipients if r.label()]
    if recipients:
        # Commas separate KEYWORD values; a label's own commas must not split it.
        doc["recipient_facet"] = ",".join(r.label().replace(",", " ") for r in recipients)
    countries = [r.country for r in letter.recipients if r.country]
    if countries:
        doc["recipient_country"] = ",".join(countries)
    if letter.languages:
        doc["language"] = ",".join(letter.languages)
    if letter.collection:
        doc["collection"] = letter.collection
    if letter.date:
        doc["date"] = letter.date.iso
        doc["date_start"] = _ymd(letter.date.start)
        doc["date_end"] = _ymd(letter.date.end)
        doc["year"] = str(letter.date.year)
        doc["years"] = ",".join(str(y) for y in letter.date.years()[:200])
        doc["decade"] = f"{letter.date.decade}s"
    doc["facets"] = facet_values(doc)
    return doc
