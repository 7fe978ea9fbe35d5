"""The facets: what a search counts and filters by, one class each.

A facet has a name (in the API and the JSON), a query-string parameter, the index field
that holds its values (every engine indexes a letter's facet values under this name; see
`values`), a title for the page, a label for each value and a rule that normalises what a
user types. Adding a facet is one class here and its field in each engine's schema.
"""

from __future__ import annotations

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


class Recipient(Facet):
    name, param, field, title = "recipient", "recipient", "recipient_facet", "Recipient"

    def values(self, letter: Letter) -> list[str]:
        # Each recipient's label; engines may join values with commas, so a label's own
        # commas become spaces.
        labels = (r.label().replace(",", " ").strip() for r in letter.recipients)
        return list(dict.fromkeys(label for label in labels if label))


FACETS: tuple[Facet, ...] = (SenderCountry(), Year(), Language(), TextSource(), Recipient())
FACET_BY_PARAM = {f.param: f for f in FACETS}
