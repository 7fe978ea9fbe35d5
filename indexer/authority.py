"""Authority ids: the URIs of persons, bodies and places in the authority files Missive
knows (GND, VIAF, Wikidata, GeoNames), recognised by pattern and written one way each.

The same record is written many ways (http or https, `www.` or not, a trailing slash,
Wikidata's `/wiki/` page or its `/entity/` URI, GeoNames' `sws.` URI or its page), so a
ref is kept in its canonical form: two letters naming one person by two spellings of
one URI are then one facet value. Used by the sidecar's checks, the TEI and CMIF readers
and the CMIF export.
"""

from __future__ import annotations

import re

# name -> (pattern of the URI without scheme, canonical form of the id)
_PATTERNS: dict[str, tuple[re.Pattern[str], str]] = {
    # GND ids: digits, with a check character (a digit or X), sometimes after a hyphen.
    "GND": (re.compile(r"d-nb\.info/gnd/([0-9]{1,10}(?:-?[0-9xX])?)"), "https://d-nb.info/gnd/{}"),
    "VIAF": (re.compile(r"(?:www\.)?viaf\.org/viaf/([0-9]{1,22})"), "https://viaf.org/viaf/{}"),
    "Wikidata": (
        re.compile(r"(?:www\.|m\.)?wikidata\.org/(?:entity|wiki)/([qQ][0-9]{1,12})"),
        "https://www.wikidata.org/entity/{}",
    ),
    "GeoNames": (
        re.compile(r"(?:www\.|sws\.)?geonames\.org/([0-9]{1,12})(?:/[^/?#\s]*\.(?:html|rdf))?"),
        "https://www.geonames.org/{}",
    ),
}
_SCHEME = re.compile(r"^https?://", re.IGNORECASE)

AUTHORITIES = tuple(_PATTERNS)
# Which authority files name persons and bodies, and which name places.
PERSON_AUTHORITIES = ("GND", "VIAF", "Wikidata")
PLACE_AUTHORITIES = ("GeoNames", "Wikidata", "GND")
EXAMPLES = {
    "GND": "https://d-nb.info/gnd/118540238",
    "VIAF": "https://viaf.org/viaf/24602065",
    "Wikidata": "https://www.wikidata.org/entity/Q5879",
    "GeoNames": "https://www.geonames.org/2761369",
}


def _match(text: str) -> tuple[str, str] | None:
    raw = text.strip()
    scheme = _SCHEME.match(raw)
    if not scheme:
        return None
    host, _, path = raw[scheme.end() :].partition("/")
    rest = f"{host.lower()}/{path.removesuffix('/')}"  # host names have no case
    for name, (pattern, canonical) in _PATTERNS.items():
        m = pattern.fullmatch(rest)
        if m:
            return name, canonical.format(m[1].upper())
    return None


def normalise_ref(text: str | None) -> str | None:
    """The canonical form of an authority URI, or None when `text` is not one Missive knows."""
    if not text:
        return None
    found = _match(text)
    return found[1] if found else None


def authority_of(ref: str | None) -> tuple[str, str] | None:
    """(authority name, canonical URL) of a ref: ("GND", "https://d-nb.info/gnd/…"), or None."""
    if not ref:
        return None
    return _match(ref)


def normalise_refs(text: str | None) -> list[str]:
    """The known authority URIs among the space-separated ones of `text` (as TEI's `@ref`
    may hold several), canonical, in their order; unknown ones are left out."""
    refs = (normalise_ref(part) for part in (text or "").split())
    return list(dict.fromkeys(r for r in refs if r))


def accepted(kinds: tuple[str, ...]) -> str:
    """What a field holding refs of these authorities accepts, for one-line errors."""
    return "an authority URI of " + ", ".join(f"{k} ({EXAMPLES[k]})" for k in kinds)
