"""A Letter record as a Whoosh document: the fields the schema indexes and stores."""

from __future__ import annotations

import json
from typing import Any

from ...records import Letter, Party, ymd
from ...search.facets import FACETS
from ...search.meta import letter_meta
from . import languages
from .analysis import Analysed

# Fields whose values the facet column repeats: each facet's field, and the first year
# (the home page's figures count it).
FACET_FIELDS = (*(f.field for f in FACETS), "year")
# The facet column's entry holding each named facet's (value, name) pairs, its labels.
NAMES = "__names__"


def _party_words(party: Party) -> str:
    return " ".join(filter(None, (party.name, party.role, party.organisation, party.place)))


def facet_values(letter: Letter) -> dict[str, list[str]]:
    """Each facet field's values for `letter`, as its terms are indexed (the facet column)."""
    out = {f.field: f.values(letter) for f in FACETS}
    out["year"] = [str(letter.date.year)] if letter.date else []
    return {name: values for name, values in out.items() if values}


def facet_names(letter: Letter) -> dict[str, list[tuple[str, str]]]:
    """Each named facet's (value, name) pairs for `letter` (search.facets.NamedFacet)."""
    out = {f.field: [p for p in f.named_values(letter) if p[1]] for f in FACETS if f.named}
    return {name: pairs for name, pairs in out.items() if pairs}


def to_document(letter: Letter) -> dict[str, Any]:
    """The fields Whoosh indexes and stores for one letter."""
    keys = languages.keys(letter.languages)
    text = Analysed(letter.text, keys)  # one object: the fields share its analysis
    doc: dict[str, Any] = {
        "id": letter.id,
        "content": text,
        "exact": text,
        "grams": text,
        "stemmed_as": ",".join(keys),
        "sender": _party_words(letter.sender),
        "recipient": " ".join(_party_words(r) for r in letter.recipients),
        "place": " ".join(
            filter(None, [letter.sender.place] + [r.place for r in letter.recipients])
        ),
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
    for name in ("readings", "notes"):  # other readings and editorial notes, searched apart
        if any(getattr(p, name) for p in letter.pages):
            doc[name] = "\n\n".join(getattr(p, name) for p in letter.pages if getattr(p, name))
    if letter.title:
        doc["title"] = doc["title_grams"] = Analysed(letter.title, keys)
        doc["_stored_title"] = letter.title  # stored as a plain str
    countries = [r.country for r in letter.recipients if r.country]
    if countries:
        doc["recipient_country"] = ",".join(countries)
    if letter.collection:
        doc["collection"] = letter.collection
    if letter.date:
        doc["date"] = letter.date.iso
        doc["date_start"] = ymd(letter.date.start)
        doc["date_end"] = ymd(letter.date.end)
        doc["decade"] = f"{letter.date.decade}s"
    facets = facet_values(letter)
    for name, values in facets.items():
        # Facet fields are KEYWORD fields split on commas, or ID fields of one value; a
        # facet's values hold no commas (Facet.values).
        doc[name] = ",".join(values)
    doc["facets"] = {**facets, NAMES: facet_names(letter)}
    return doc
