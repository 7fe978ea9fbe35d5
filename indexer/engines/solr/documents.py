"""A Letter record as a Solr document of Missive's configset (configset/schema.xml)."""

from __future__ import annotations

import json
from typing import Any

from ...records import Letter, Party, ymd
from ...search.facets import FACETS
from ...search.meta import letter_meta
from . import analysis
from .analysis import ENGLISH, UNSTEMMED

NAME_SEPARATOR = "\x1f"  # between a named facet's value and its name in `names`
# The one document that is no letter: the skip records of the collection's last build.
SKIPS_ID = "_missive_skips"
SYSTEM_STATUS = "_missive"


def _party_words(party: Party) -> str:
    return " ".join(filter(None, (party.name, party.role, party.organisation, party.place)))


def to_document(letter: Letter) -> dict[str, Any]:
    """The fields Solr indexes and stores for one letter."""
    keys = analysis.keys(letter.languages)
    pages = [p.text or "" for p in letter.pages]
    doc: dict[str, Any] = {
        "id": letter.id,
        "content": pages,  # value i is page i+1
        "stemmed_as": list(keys),
        "sender": _party_words(letter.sender),
        "recipient": [_party_words(r) for r in letter.recipients],
        "place": [p for p in [letter.sender.place] + [r.place for r in letter.recipients] if p],
        "status": letter.status,
        "meta": json.dumps(letter_meta(letter), ensure_ascii=False),
        "fingerprint": letter.fingerprint or "",
        "page_count": len(letter.pages),
    }
    for k in keys:
        if k not in (ENGLISH, UNSTEMMED):
            doc[f"content_{k}"] = pages
            if letter.title:
                doc[f"title_{k}"] = letter.title
    failures = [[p.n, step, why] for p in letter.pages for step, why in p.failures]
    if failures:
        doc["failures"] = json.dumps(failures, ensure_ascii=False)
        doc["failed"] = "yes"
    for name in ("readings", "notes"):
        values = [getattr(p, name) for p in letter.pages if getattr(p, name)]
        if values:
            doc[name] = values
    if letter.title:
        doc["title"] = letter.title
    if letter.collection:
        doc["collection"] = letter.collection
    if letter.date:
        doc["date"] = letter.date.iso
        doc["date_start"] = ymd(letter.date.start)
        doc["date_end"] = ymd(letter.date.end)
        doc["decade"] = f"{letter.date.decade}s"
        doc["year"] = letter.date.year
    for facet in FACETS:
        values = facet.values(letter)
        if values:
            doc[facet.field] = values
    doc["recipient_country"] = [r.country for r in letter.recipients if r.country]
    names = [
        f"{value}{NAME_SEPARATOR}{name}"
        for facet in FACETS
        if facet.named
        for value, name in facet.named_values(letter)
        if name
    ]
    if names:
        doc["names"] = names
    return {k: v for k, v in doc.items() if v not in ([], None)}


def skips_document(skips: dict[str, dict[str, str]]) -> dict[str, Any]:
    return {"id": SKIPS_ID, "status": SYSTEM_STATUS, "meta": json.dumps(skips)}
