"""A letter's correspondents' context: the letters between its sender and its (first)
recipient, in either direction, by date, and the letters just before and after it.

A correspondent is the value the Sender and Recipient facets give a party: the authority
id when the letter gives one, else the name as written (else the organisation, else the
role). The letters between A and B are one search: sender A or B, and a recipient A or B,
in date order; a letter of A to A alone is not between the two and is passed over.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from ..authority import normalise_ref
from ..engines.base import Engine
from ..records import Party
from .facets import name_key
from .request import SearchRequest

# Letters read for the neighbours at first; a longer correspondence is read whole.
FIRST_READ = 5000
_PARTY_KEYS = {f.name for f in fields(Party)}


@dataclass(frozen=True)
class Correspondent:
    value: str  # the Sender/Recipient facet value: authority URI, else the name
    label: str  # as the letter names the party


@dataclass
class Correspondence:
    """The letters between a letter's two correspondents."""

    a: Correspondent  # the sender
    b: Correspondent  # the (first) recipient
    total: int  # letters the search finds, this one included
    previous: dict[str, Any] | None = None  # the stored metadata of the letter before
    next: dict[str, Any] | None = None  # and after, by date; None at either end or undated

    @property
    def filters(self) -> dict[str, list[str]]:
        """The search for every letter between the two: facet param -> values."""
        return {"sender": [self.a.value, self.b.value], "recipient": [self.a.value, self.b.value]}


def correspondent(party: dict[str, Any] | None) -> Correspondent | None:
    """A party of a letter's stored metadata as a correspondent; None when it names nobody."""
    p = Party(**{k: v for k, v in (party or {}).items() if k in _PARTY_KEYS})
    value = normalise_ref(p.ref) or name_key(p.label())
    return Correspondent(value, p.label() or value) if value else None


def _parties(meta: dict[str, Any]) -> tuple[Correspondent, Correspondent] | None:
    recipients = meta.get("recipients") or []
    a = correspondent(meta.get("sender"))
    b = correspondent(recipients[0]) if recipients else None
    if a is None or b is None or a.value == b.value:
        return None
    return a, b


def _between(meta: dict[str, Any] | None, a: str, b: str) -> bool:
    """True when the letter goes from one of the two to the other."""
    if not meta:
        return False
    sender = correspondent(meta.get("sender"))
    to = {c.value for r in meta.get("recipients") or [] if (c := correspondent(r))}
    return sender is not None and (
        (sender.value == a and b in to) or (sender.value == b and a in to)
    )


def correspondence(engine: Engine, meta: dict[str, Any]) -> Correspondence | None:
    """The letters between the letter's sender and first recipient, with the letters just
    before and after it by date; None when the letter lacks either party."""
    parties = _parties(meta)
    if parties is None:
        return None
    found = Correspondence(*parties, total=0)
    req = SearchRequest(filters=found.filters, sort="date", per_page=1)
    ordered = engine.ordered(req, FIRST_READ)
    if ordered.total > len(ordered.letters):
        ordered = engine.ordered(req, ordered.total)
    found.total = ordered.total
    ids = [letter_id for letter_id, _ in ordered.letters]
    if not meta.get("date") or meta["id"] not in ids:
        return found  # an undated letter has no place in the order
    at = ids.index(meta["id"])
    a, b = found.a.value, found.b.value
    # Dated letters come first in date order (then by id); undated ones after them all.
    found.previous = _first(engine, reversed(ids[:at]), a, b)
    found.next = _first(engine, ids[at + 1 :], a, b)
    return found


def _first(engine: Engine, ids, a: str, b: str) -> dict[str, Any] | None:
    for letter_id in ids:
        other = engine.get(letter_id)
        if other is None:
            continue  # taken out of the index since the search
        if not other.get("date"):
            return None
        if _between(other, a, b):
            return other
    return None
