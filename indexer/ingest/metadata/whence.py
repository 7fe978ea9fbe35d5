"""Where a letter was written: the sender's country and place, each with a confidence.

Candidates, strongest first: an office naming its country on the letterhead or under the
signature ("Embassy of Pakistan", "Foreign & Commonwealth Office"); the place of the dateline
resolved through the gazetteer ("Wien, 25. 6. 23"); a place or country on a letterhead line
that names an organisation ("MINISTRY OF FOREIGN AFFAIRS ISLAMABAD") or under the signature
beside one. Anything else (a place on a line of its own, a hotel's letterhead, a place in the
signer's name line) is only a suggestion. The recipient's address block is never read here:
the layout leaves it out of the header and the signature.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .countries import Hit, find_places, fold, tokenize
from .dates.months import is_weekday
from .gazetteer import Place, resolve
from .parties import names_organisation, title_case

# Confidence of each kind of evidence (SUGGEST_BELOW in __init__ draws the line).
OFFICE, KNOWN_OFFICE = 0.95, 0.9
DATELINE, DATELINE_ALTERNATE = 0.9, 0.8  # a place by its own name / by another language's
ORGANISATION_COUNTRY, ORGANISATION_PLACE = 0.8, 0.75
LETTERHEAD_PLACE = 0.75  # a line that is only a place, at the top of the letterhead
LETTERHEAD_LINES = 3
AMBIGUOUS = 0.6  # a dateline's place whose name is as likely another country's
LOOSE, HOTEL, NAME_LINE = 0.5, 0.4, 0.3
# Travellers write on the paper of the hotel they stay at: its letterhead alone does not say
# where the sender lives or works.
_HOTEL = re.compile(
    r"\b(?:hotel|hôtel|hostellerie|gasthof|gasthaus|albergo|pension|inn|posada|fonda|motel)\b",
    re.IGNORECASE,
)


# A dateline's shape, whether or not its date could be read: a place, then a day
# ("Glarus den 27. Nov.", "Zürich d. 21t Nov. 51", "Dall'Haya li 19 maggio", "Denver, Colo.,
# June 5").
_FILLER = r"(?:(?:den|d\.|le|li|il|el|am|ce|the|a['’]?)\s*)"
_DATELINE = re.compile(
    rf"^(?P<place>[^\W\d_][^\d]{{1,50}}?)[\s,.;:–-]+{_FILLER}?(?:[^\W\d_]{{3,12}}\.?,?\s+)?"
    r"[0-3]?\d(?!\d)"
)
# A line that starts with the day ("1. Juli 1847.", "d. 19", "den 12. April", "June 5").
_DATE_START = re.compile(
    rf"^{_FILLER}?(?:[0-3]?\d(?![\d)])|[^\W\d_]{{3,12}}\.?\s+[0-3]?\d(?![\d)]))"
)
_SHORT_PLACE = re.compile(rf"^(?P<place>[^\W\d_][^\d]{{1,40}}?)[\s,]*(?:{_FILLER})?$")
_PLACE_WORDS = 4  # a dateline's place is a few words at most
_PLACE_WEEKDAY = re.compile(
    r"^(?P<place>[^\W\d_][^\d,–/-]{1,40}?)\s*[,–/-]\s*(?P<day>[^\W\d_]+)\W*$"
)


def _short_place(lines: Sequence[tuple[int, str]], k: int) -> str | None:
    """The place on line k when it stands alone above a line that begins with the day."""
    idx, text = lines[k]
    m = _SHORT_PLACE.match(text.strip())
    if not m or not m["place"][0].isupper() or len(m["place"].split()) > 3:
        return None  # "à Milan" ends the recipient's address
    if k + 1 >= len(lines) or lines[k + 1][0] != idx + 1:
        return None
    below = lines[k + 1][1].strip(" ,;:–-")  # "Aarau" / ", den 18 April 1868."
    if k + 2 < len(lines) and re.fullmatch(_FILLER.rstrip("?"), below + " "):
        below = below + " " + lines[k + 2][1].strip()  # "Bonn" / "d." / "8 9ten Septbr. 38"
    return m["place"] if _DATE_START.match(below) or _weekday_first(below) else None


def _weekday_first(text: str) -> bool:
    """ "Dinsdag", "Montags, den 3.": a line that starts with the day of the week."""
    first = re.match(r"[^\W\d_]+", text)
    return bool(first) and any(is_weekday(w) for w in (first[0], first[0][:-1]))


def _place_then_weekday(text: str) -> str | None:
    """ "Bern – Montags", "Den Haag, Zondag": a dateline that gives the day of the week only."""
    m = _PLACE_WEEKDAY.match(text)
    return m["place"] if m and _weekday_first(m["day"]) else None


def dateline_place(lines: Sequence[tuple[int, str]]) -> tuple[int, str] | None:
    """The place part of the first line among `lines` shaped like a dateline, or of a short
    line right above a line that begins with the day; (index, text) or None."""
    for k, (idx, text) in enumerate(lines):
        m = _DATELINE.match(text.strip())
        part = m["place"] if m and len(m["place"].split()) <= _PLACE_WORDS else None
        part = part or _place_then_weekday(text.strip()) or _short_place(lines, k)
        if part and resolve(part):
            return idx, part
    return None


@dataclass(frozen=True)
class Whence:
    """One candidate for the sender's country (and perhaps place)."""

    code: str
    index: int  # the line it was read from (the caller's index)
    method: str  # "date-line", "letterhead" or "signature"
    confidence: float
    place: str | None = None
    place_ref: str | None = None


def _hit_confidence(hit: Hit, text: str, *, name_line: bool) -> float:
    if hit.tier == 1:
        return OFFICE
    if hit.tier == 2:
        return KNOWN_OFFICE
    if name_line or _HOTEL.search(text):
        return NAME_LINE  # "Hotel Bristol", "Hôtel de Russie": a hotel's name, not a place
    if names_organisation(text):
        return ORGANISATION_COUNTRY if hit.tier == 3 else ORGANISATION_PLACE
    return LOOSE


def candidates(
    texts: Sequence[str],
    header: Sequence[int],
    signature: Sequence[int],
    name_line: int | None,
    dateline: tuple[int, str] | None,
    after: Sequence[int] = (),
) -> list[Whence]:
    """Every candidate, in reading order; `dateline` is (index, the place part of the line);
    `after`: the lines after the signature that are not the recipient's address (other
    signers, when there are several)."""
    found: list[Whence] = []
    for lines, method in ((header, "letterhead"), (signature, "signature")):
        hits = find_places(tokenize([(i, texts[i]) for i in lines]))
        # Signers of several countries ("Ambassador of Austria", "Ambassador of France"):
        # a list of signatories, whose places are theirs, not one sender's.
        codes = {h.code for h in hits}
        if method == "signature" and after:
            others = find_places(tokenize([(i, texts[i]) for i in after]))
            codes |= {h.code for h in others if h.tier <= 2}  # offices: a dateline is no signer
        several = method == "signature" and len(codes) > 1
        for hit in hits:
            idx = hit.tokens[0].line
            conf = _hit_confidence(hit, texts[idx], name_line=False)
            conf = min(conf, LOOSE) if several else conf
            place = " ".join(t.orig for t in hit.tokens) if hit.tier == 4 and hit.is_place else None
            found.append(Whence(hit.code, idx, method, conf, place and title_case(place)))
    found += _letterhead_places(texts, header)
    if name_line is not None:
        # "Jordan" or "Florence" in the signer's name is a person.
        for hit in find_places(tokenize([(name_line, texts[name_line])])):
            found.append(Whence(hit.code, name_line, "signature", NAME_LINE))
    if dateline is not None:
        idx, part = dateline
        place = resolve(part)
        if place is not None:
            found.append(_from_dateline(place, idx, texts[idx]))
    return found


def _letterhead_places(texts: Sequence[str], header: Sequence[int]) -> list[Whence]:
    """A line at the top of the letterhead that is only a place ("ZÜRICH."); under a hotel's
    name it is the hotel's town, only a suggestion."""
    hotel = any(_HOTEL.search(texts[i]) for i in header)
    found = []
    for i in header[:LETTERHEAD_LINES]:
        text = texts[i].strip(" .,;:!")
        place = resolve(text) if len(text.split()) <= 3 else None
        if place is None or fold(place.name) != fold(text):
            continue
        conf = HOTEL if hotel else AMBIGUOUS if place.ambiguous else LETTERHEAD_PLACE
        name = title_case(place.name) if place.geonameid else None
        found.append(Whence(place.code, i, "letterhead", conf, name, place.ref))
    return found


def _from_dateline(place: Place, idx: int, text: str) -> Whence:
    conf = DATELINE if place.exact else DATELINE_ALTERNATE
    if place.ambiguous:
        conf = AMBIGUOUS
    if _HOTEL.search(text):
        conf = HOTEL
    name = place.name if place.geonameid else None
    return Whence(place.code, idx, "date-line", conf, name, place.ref)


def best(found: Sequence[Whence]) -> Whence | None:
    """The most confident candidate; among equals the first."""
    top = None
    for item in found:
        if top is None or item.confidence > top.confidence:
            top = item
    return top
