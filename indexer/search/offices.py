"""A letter's official correspondence: when a party writes for an office (it names an
organisation and a country: a ministry, an embassy), the letters between that country's
offices and the other party, either way, by date.

Two signers of one government (a minister, then an ambassador) are two persons to the
correspondents' context (correspondents.py), but one correspondence to a reader. No one
search says "sender in Pakistan to Goose, or Goose to a recipient in Pakistan" (filters of
two facets both apply), so each direction is its own search, in date order, and the two
are merged by the engines' date order: the date's start, then the id, undated last.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from ..engines.base import Engine
from ..ingest.metadata.countries import country_code, country_name
from ..records import DateValue, RecordError
from .correspondents import FIRST_READ, Correspondent, correspondent
from .request import SearchRequest

_UNDATED = (1, dt.date.max)


@dataclass(frozen=True)
class Direction:
    """One direction's search: facet filters and a query (Missive's query language)."""

    filters: dict[str, list[str]]
    q: str = ""
    total: int = 0


@dataclass
class Offices:
    """The letters between a country's offices and one correspondent."""

    country: str  # ISO 3166-1 code
    other: Correspondent
    outgoing: Direction  # from the country's offices to the other
    incoming: Direction  # from the other to the country
    previous: dict[str, Any] | None = None
    next: dict[str, Any] | None = None

    @property
    def total(self) -> int:
        return self.outgoing.total + self.incoming.total

    @property
    def country_label(self) -> str:
        return country_name(self.country) or self.country


def office_country(party: dict[str, Any] | None) -> str | None:
    """The country code of a party writing for an office (organisation and country), else None."""
    party = party or {}
    if not party.get("organisation") or not party.get("country"):
        return None
    return country_code(party["country"])


def _key(meta: dict[str, Any]) -> tuple[int, dt.date, str]:
    try:
        start = (0, DateValue.parse(meta["date"]).start) if meta.get("date") else _UNDATED
    except RecordError:
        start = _UNDATED
    return (*start, meta["id"])


def _between(meta: dict[str, Any], country: str, other: str) -> bool:
    """True when the letter goes from an office of `country` to `other`, or back."""
    sender = meta.get("sender") or {}
    recipients = meta.get("recipients") or []
    s = correspondent(sender)
    to = [(correspondent(r), office_country(r)) for r in recipients]
    if s is not None and s.value == other:
        return any(c == country and (r is None or r.value != other) for r, c in to)
    return office_country(sender) == country and any(r and r.value == other for r, _ in to)


def offices(engine: Engine, meta: dict[str, Any], person_total: int) -> list[Offices]:
    """The official correspondences of the letter's sender and first recipient: for each
    party writing for an office, its country's offices with the other party; only those
    holding more letters than the persons' correspondence (`person_total`)."""
    recipients = meta.get("recipients") or []
    if not recipients or not meta.get("date"):
        return []
    pairs = ((meta.get("sender"), recipients[0]), (recipients[0], meta.get("sender")))
    out = []
    for office, other_party in pairs:
        country, other = office_country(office), correspondent(other_party)
        if country is None or other is None:
            continue
        found = _offices(engine, meta, country, other)
        if found.total > person_total:
            out.append(found)
    return out


def _ids(engine: Engine, req: SearchRequest) -> tuple[int, list[str]]:
    ordered = engine.ordered(req, FIRST_READ)
    if ordered.total > len(ordered.letters):
        ordered = engine.ordered(req, ordered.total)
    return ordered.total, [letter_id for letter_id, _ in ordered.letters]


def _offices(engine: Engine, meta: dict[str, Any], country: str, other: Correspondent) -> Offices:
    out_filters = {"country": [country], "recipient": [other.value]}
    in_q, in_filters = f"recipient_country:{country}", {"sender": [other.value]}
    out_total, out_ids = _ids(engine, SearchRequest(filters=out_filters, sort="date"))
    in_total, in_ids = _ids(engine, SearchRequest(q=in_q, filters=in_filters, sort="date"))
    found = Offices(
        country,
        other,
        Direction(out_filters, total=out_total),
        Direction(in_filters, in_q, in_total),
    )
    here = _key(meta)
    befores, afters = [], []
    for ids in (out_ids, in_ids):
        at = _position(engine, ids, here)
        after = at + 1 if at < len(ids) and ids[at] == meta["id"] else at
        befores.append(_first(engine, reversed(ids[:at]), country, other.value))
        afters.append(_first(engine, ids[after:], country, other.value))
    found.previous = max((m for m in befores if m), key=_key, default=None)
    found.next = min((m for m in afters if m), key=_key, default=None)
    return found


def _position(engine: Engine, ids: list[str], here: tuple) -> int:
    """Where a letter with the sort key `here` stands among `ids` (in date order): a binary
    search reading only the letters it compares with."""
    keys: dict[int, tuple] = {}

    class _Keys:
        def __len__(self) -> int:
            return len(ids)

        def __getitem__(self, i: int) -> tuple:
            if i not in keys:
                other = engine.get(ids[i])
                keys[i] = _key(other) if other else (*_UNDATED, ids[i])
            return keys[i]

    return bisect_left(_Keys(), here)


def _first(engine: Engine, ids, country: str, other: str) -> dict[str, Any] | None:
    for letter_id in ids:
        found = engine.get(letter_id)
        if found is None:
            continue  # taken out of the index since the search
        if not found.get("date"):
            return None  # undated letters come last and have no place in the order
        if _between(found, country, other):
            return found
    return None
