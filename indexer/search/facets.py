"""The facets: what a search counts and filters by, one class each.

A facet has a name (in the API and the JSON), a query-string parameter, the index field
that holds its values (every engine indexes a letter's facet values under this name; see
`values`), a title for the page, a label for each value and a rule that normalises what a
user types. Adding a facet is one class here and its field in each engine's schema.

Facets of persons and places (`NamedFacet`) are keyed by the authority id when a letter
gives one, so two spellings of one person are one value. Their labels are names the
letters give: a value's label is the name the most letters give it, in any of these
facets (`most_common_names`), which each engine keeps beside the values.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable

from ..authority import authority_of, normalise_ref
from ..ingest.metadata.countries import country_code, country_name
from ..ingest.metadata.language import language_name
from ..records import TEXT_SOURCES, Letter


class Facet:
    """One facet; subclasses set the class attributes and override what differs."""

    name: str  # in the API's `facets` and the JSON
    param: str  # the query-string parameter that filters by it
    field: str  # the index field holding its values
    title: str  # heading on the search page
    by_value: bool = False  # ordered by value (years) rather than by count
    named: bool = False  # labels are names the letters give (NamedFacet.named_values)

    def label(self, value: str) -> str:
        """How a value is shown."""
        return value

    def normalise(self, value: str) -> str | None:
        """The value as indexed, from what a user typed; None when it is not one."""
        return value

    def values(self, letter: Letter) -> list[str]:
        """The letter's values of this facet, as indexed (no value holds a comma)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<Facet {self.name}>"


class SenderCountry(Facet):
    name, param, field, title = "sender_country", "country", "country", "Sender country"

    def label(self, value: str) -> str:
        return country_name(value) or value

    def normalise(self, value: str) -> str | None:
        return country_code(value)

    def values(self, letter: Letter) -> list[str]:
        return [letter.sender.country] if letter.sender.country else []


class Year(Facet):
    name, param, field, title = "year", "year", "years", "Year"
    by_value = True

    def normalise(self, value: str) -> str | None:
        return value if value.isascii() and value.isdigit() else None

    def values(self, letter: Letter) -> list[str]:
        # Every year an interval spans (at most 200), so a filter finds it in each.
        return [str(y) for y in letter.date.years()[:200]] if letter.date else []


class Language(Facet):
    name, param, field, title = "language", "language", "language", "Language"

    def label(self, value: str) -> str:
        return language_name(value) or value

    def values(self, letter: Letter) -> list[str]:
        return list(dict.fromkeys(v.strip() for v in letter.languages if v.strip()))


class TextSource(Facet):
    name, param, field, title = "text_source", "source", "source", "Text source"

    def label(self, value: str) -> str:
        return TEXT_SOURCES.get(value, value)

    def normalise(self, value: str) -> str | None:
        return value if value in TEXT_SOURCES else None

    def values(self, letter: Letter) -> list[str]:
        return [letter.text_source] if letter.text_source else []


def name_key(text: str | None) -> str:
    """A name as a facet value: one space between words, no commas (engines may join
    values with commas), Unicode composed ("Jose\u0301" and "José" are one)."""
    return " ".join(unicodedata.normalize("NFC", text or "").replace(",", " ").split())


def most_common_names(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each value's label from (value, name) pairs, one per letter: the name most letters
    give it, ties going to the name first in alphabetical order."""
    counts = Counter(pairs)
    best: dict[str, tuple[int, str]] = {}
    for (value, name), n in counts.items():
        if value not in best or (-n, name) < (-best[value][0], best[value][1]):
            best[value] = (n, name)
    return {value: name for value, (_, name) in best.items()}


class NamedFacet(Facet):
    """Persons or places: a value is the authority id (canonical URI) when the letter gives
    one, else the name as written (name_key); the label is the name most letters give it
    in any named facet (an id known by itself in one letter is named by the others)."""

    named = True

    def entries(self, letter: Letter) -> list[tuple[str | None, str | None]]:
        """(authority URI, name) of each person or place of the letter this facet counts."""
        raise NotImplementedError

    def named_values(self, letter: Letter) -> list[tuple[str, str]]:
        """(value, name) for each of the letter's values; name "" when it gives none."""
        out: dict[str, str] = {}
        for ref, name in self.entries(letter):
            value = normalise_ref(ref) or name_key(name)
            if value and value not in out:
                out[value] = name_key(name)
        return list(out.items())

    def values(self, letter: Letter) -> list[str]:
        return [value for value, _ in self.named_values(letter)]

    def normalise(self, value: str) -> str | None:
        return normalise_ref(value) or name_key(value) or None

    def label(self, value: str) -> str:
        """Without a name from the letters: an authority id as "GND 118540238"."""
        found = authority_of(value)
        return f"{found[0]} {found[1].rsplit('/', 1)[1]}" if found else value


class Sender(NamedFacet):
    name, param, field, title = "sender", "sender", "sender_facet", "Sender"

    def entries(self, letter: Letter) -> list[tuple[str | None, str | None]]:
        return [(letter.sender.ref, letter.sender.label())]


class Recipient(NamedFacet):
    name, param, field, title = "recipient", "recipient", "recipient_facet", "Recipient"

    def entries(self, letter: Letter) -> list[tuple[str | None, str | None]]:
        return [(r.ref, r.label()) for r in letter.recipients]


class Place(NamedFacet):
    """Where the letter was written (the sender's place)."""

    name, param, field, title = "place", "place", "place_facet", "Place of writing"

    def entries(self, letter: Letter) -> list[tuple[str | None, str | None]]:
        return [(letter.sender.place_ref, letter.sender.place)]


FACETS: tuple[Facet, ...] = (
    *(SenderCountry(), Year(), Language(), TextSource()),
    *(Sender(), Recipient(), Place()),
)
FACET_BY_PARAM = {f.param: f for f in FACETS}
