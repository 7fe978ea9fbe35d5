"""Sender and recipient: the letter's layout, its signature, address blocks and salutation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .countries import city_country, find_places, fold, place_code, tokenize
from .dates import date_line

_HONORIFIC = re.compile(
    r"(?:(?:his|her)\s+excellency|the\s+hon(?:ourable|orable)?|h\.\s?e\.?|s\.\s?e\.?|mrs|mr|ms"
    r"|miss|dr|prof|professor|sir|dame|lord|lady|hon|monsieur|madame|mademoiselle|mme|mlle"
    r"|messrs|herrn|herr|frau|fräulein|señora|señor|sra|sr|srta|doña|signora|signor|sig)\b\.?",
    re.IGNORECASE,
)
_SALUTATION = re.compile(
    r"(?:dear(?:est)?|my\s+dear|to\s+whom|gentlemen|(?:mon|ma|mes|tr[eè]s)\s+ch[eè]re?s?"
    r"|ch[eè]re?s?|(?:sehr\s+)?(?:geehrte|verehrte|hochgeehrte|hochverehrte|werte)[rs]?"
    r"|lieber?|liebste[rs]?|teure[rs]?|estimad[oa]s?|querid[oa]s?|muy\s+señ[a-z]*"
    r"|distinguid[oa]s?|carissim[oa]|car[oa]|gentil[ei]ssim[oa]|egregi[oa]|pregiatissim[oa])\b",
    re.IGNORECASE,
)
# Bare forms of address count as a salutation only when the line is short and ends so.
_BARE_SALUTATION = re.compile(r"(?:sir|madam|monsieur|madame|mademoiselle|messieurs)\b.{0,20}[,:!]$",
                              re.IGNORECASE)  # fmt: skip
_CLOSING = re.compile(
    r"(?:yours\b|sincerely|faithfully|respectfully|cordially|(?:with\s+)?(?:best|kind|kindest|"
    r"warm|warmest)\s+(?:regards|wishes)|regards|i\s+avail\s+myself|i\s+remain|i\s+have\s+the\s+"
    r"hono[u]?r\s+to|please\s+accept|with\s+(?:my\s+)?(?:compliments|thanks)|veuillez|je\s+vous"
    r"\s+prie|agreez|recevez|croyez|cordialement|amicalement|respectueusement|bien\s+a\s+vous|"
    r"votre\s+(?:tout\s+)?devoue|adieu|je\s+t.embrasse|hochachtungsvoll|mit\s+(?:freundlichen|"
    r"besten|herzlichen)|herzlich|ergebenst|in\s+(?:aller\s+)?hochachtung|mit\s+vorzuglicher|"
    r"atentamente|cordiales\s+saludos|saludos|le\s+saluda|distinti\s+saluti|cordiali\s+saluti)"
)
# Possessives that close a letter only when they stand almost alone ("Ihr", "Votre").
_SHORT_CLOSING = set("ihr ihre dein deine euer ton ta votre vostro tuo suo your ever love thanks "
                     "merci danke affectionately".split())  # fmt: skip
_DESCRIPTION = re.compile(r"\b(?:handwritten|hand-written|signature|signed|illegible|stamp|seal|"
                          r"initials|unterschrift|paraphe|cachet|firma)\b", re.IGNORECASE)  # fmt: skip
_ROLE_WORDS = set(
    "ambassador ambassadeur botschafter embajador ambasciatore minister ministre ministro "
    "director directeur direktor directora secretary secretaire sekretar secretario counsellor "
    "counselor councillor conseiller coordinator coordinateur president presidente prasident "
    "chairman chairwoman chair chairperson chief head officer manager consul attache advisor "
    "adviser professor professeur editor executive deputy general commissioner representative "
    "delegate envoy charge governor mayor maire chancellor kanzler senator assistant counsel "
    "judge captain colonel admiral lieutenant rector dean founder partner spokesperson "
    "spokesman treasurer".split()
)
_ORG_WORDS = set(
    "ministry ministere ministerium ministerio ministero embassy ambassade botschaft embajada "
    "ambasciata commission consulate consulat konsulat consulado department departement "
    "departamento office bureau mission delegation secretariat government gouvernement "
    "regierung gobierno council committee university universite universitat universidad "
    "institute institut foundation fondation stiftung coalition campaign association society "
    "societe gesellschaft company bank parliament assembly agency organisation organization "
    "academy academie akademie museum library church school college hospital corporation".split()
)
_CONNECTOR_WORDS = set("of the for and de du des la le der die das von für y del di to in à".split())
_PARTICLES = set("de da del della di du van von der den la le y bin ibn al el ter zu dos das".split())
_GENERIC = set(
    "sir sirs madam madame monsieur messieurs mesdames mademoiselle gentlemen ladies colleague "
    "colleagues friend friends all or and et und y e freund freundin freunde ami amie amis soeur "
    "frere sister brother mother father mama maman papa mutter vater bruder schwester cousin "
    "cousine excellency excellence herr frau signore signora senor senora whom it may concern "
    "chere cher".split()
)
_ADDRESS = re.compile(r"\d|@|\b(?:street|st|road|rd|avenue|ave|av|rue|strasse|straße|parade|"
                      r"box|tel|fax|phone|email|e-mail)\b\.?", re.IGNORECASE)  # fmt: skip
_WORDS = re.compile(r"[^\W\d_]+")

Field = tuple[str, int]  # a value and the index of the line it was read from


def is_prose(text: str) -> bool:
    """A body line: several words, mostly not capitalised."""
    words = _WORDS.findall(text)
    return len(words) >= 6 and sum(w[0].islower() for w in words) >= 0.45 * len(words)


def _strip_honorifics(text: str) -> tuple[str, str]:
    honorific, rest = "", text.strip()
    while m := _HONORIFIC.match(rest):
        after = rest[m.end() :]
        if after[:1].isalpha():
            break  # "Mrsomething", not an honorific
        honorific, rest = m.group(), after.strip()
    return honorific, rest


def starts_with_honorific(text: str) -> bool:
    text = re.sub(r"^(?:to:?|à|a|an)\s+", "", text.strip(), flags=re.IGNORECASE)
    honorific, rest = _strip_honorifics(text)
    return bool(honorific) and (not rest or rest[:1].isupper() or rest[:1] == ",")


def _title(text: str) -> str:
    if any(c.islower() for c in text):
        return text
    small = {"of", "the", "and", "for", "de", "du", "des", "la", "le", "der", "von", "y", "del"}
    words = [w.lower() if w.lower() in small and i else w.capitalize() for i, w in
             enumerate(text.split())]  # fmt: skip
    return re.sub(r"(?<=[-'’])[a-z]", lambda m: m.group().upper(), " ".join(words))


def parse_name(text: str, *, allow_single: bool = False) -> str | None:
    """A person's name from a line, honorifics dropped when the full name is there, or None."""
    honorific, core = _strip_honorifics(text.strip().strip("()[]*_\"'“”‘’ ").rstrip(",.;:!"))
    core = core.strip("()[]*_ ").rstrip(",.;:!")
    tokens = core.split()
    if not tokens or len(tokens) > 6 or len(core) > 60:
        return None
    for tok in tokens:
        word = fold(tok.rstrip("."))
        if word in _PARTICLES and tok[0].islower():
            continue
        if not tok[0].isupper() or not all(c.isalpha() or c in "-'’." for c in tok):
            return None
        if word in _ROLE_WORDS or word in _ORG_WORDS or word in _GENERIC or word in _SHORT_CLOSING:
            return None
    if not any(sum(c.isalpha() for c in t) >= 2 for t in tokens):
        return None
    if place_code(core):
        return None  # "New Zealand" on a line of its own is a place
    if len(tokens) == 1 and not (allow_single or honorific):
        return None
    core = _title(core)
    return f"{honorific} {core}" if honorific and len(tokens) == 1 else core


def salutation_name(text: str) -> str | None:
    """The addressee named in a salutation ("Dear Mr. Goose," -> "Mr. Goose"), or None."""
    m = _SALUTATION.match(text)
    rest = text[m.end() :] if m else text
    rest = rest.strip(" ,:;!.")
    if not rest or all(fold(w) in _GENERIC for w in _WORDS.findall(rest)):
        return None
    return parse_name(rest, allow_single=True)


def _is_closing(text: str) -> bool:
    folded = fold(text)
    words = folded.split()
    if _CLOSING.match(folded):
        return len(words) <= 40 and not (folded.startswith("i remain") and len(words) > 12)
    return 0 < len(words) <= 4 and words[0].strip(",.") in _SHORT_CLOSING


def _split_org(text: str) -> tuple[str, str]:
    """Split "Director General (Disarmament) Ministry of X, Y" at the organisation word."""
    prev = ""
    for m in _WORDS.finditer(text):
        word = fold(m.group())
        if word in _ORG_WORDS and m.group()[0].isupper() and prev not in _CONNECTOR_WORDS:
            org = re.split(r"[,;(\d]", text[m.start() :])[0].strip()
            return text[: m.start()].strip(" ,;"), _trim_place(org)
        prev = word
    return text.strip(" ,;"), ""


def _trim_place(org: str) -> str:
    # "MINISTRY OF FOREIGN AFFAIRS ISLAMABAD": the city ends the letterhead, not the name.
    words = org.split()
    while len(words) > 2 and fold(words[-2]) not in _CONNECTOR_WORDS:
        if not place_code(words[-1]):
            break
        words.pop()
    return _title(" ".join(words))


def letterhead_org(lines: Sequence[tuple[int, str]]) -> Field | None:
    """An organisation named on a letterhead line ("MINISTRY OF FOREIGN AFFAIRS ...")."""
    for idx, text in lines:
        if is_prose(text) or starts_with_honorific(text):
            continue
        before, org = _split_org(text)
        if org and len(org.split()) >= 2 and not any(c.isalpha() for c in before):
            return org, idx
    return None


@dataclass
class Layout:
    """Where the parts of a letter are, as indices into its lines."""

    header: list[int] = field(default_factory=list)  # letterhead, place and date
    salutation: int | None = None
    head_block: list[int] = field(default_factory=list)  # recipient address before the text
    signature: list[int] = field(default_factory=list)  # after the closing, sender side only
    post_block: list[int] = field(default_factory=list)  # recipient address after the signature
    name: int | None = None  # the sender's name line
    sender: dict[str, Field] = field(default_factory=dict)


def _block(texts: Sequence[str], joined: Sequence[bool], start: int, stop: int) -> list[int]:
    block = [start]
    for j in range(start + 1, min(stop, start + 12)):
        if not joined[j] or is_prose(texts[j]) or date_line(texts[j]):
            break
        block.append(j)
    return block


def _signature(texts: Sequence[str], layout: Layout, start: int, stop: int) -> None:
    role, org = "", ""
    i = start
    while i < stop:
        text = texts[i]
        if layout.name is None:
            if i - start > 6:
                return
            m = re.match(r"^\(([^()]{2,80})\)\s*(.*)$", text)
            head, _, rest = (m[1], "", m[2]) if m else text.partition(",")
            name = parse_name(head, allow_single=i == start or _is_closing(texts[i - 1]))
            if starts_with_honorific(text) and (_ADDRESS.search(text) or text.count(",") >= 3):
                break  # the recipient's address after the signature, not the signer
            if name:
                layout.name, layout.sender["name"] = i, (name, i)
                role, org = _split_org(rest) if rest.strip() else ("", "")
                if role:
                    layout.sender["role"] = (role, i)
                if org:
                    layout.sender["organisation"] = (org, i)
        elif starts_with_honorific(text) or date_line(text) or _ADDRESS.search(text):
            break
        elif i - layout.name > 4 or is_prose(text):
            break
        else:
            words = [fold(w) for w in _WORDS.findall(text)]
            if role and text[:1].islower():  # "to New Zealand" continues the title
                role = f"{role} {text.strip()}"
                layout.sender["role"] = (role, layout.sender["role"][1])
            elif not role and any(w in _ROLE_WORDS for w in words):
                role, new_org = _split_org(text)
                layout.sender["role"] = (role, i)
                if new_org and not org:
                    org = new_org
                    layout.sender["organisation"] = (org, i)
            elif not org and (split := _split_org(text))[1]:
                org = split[1]
                layout.sender["organisation"] = (org, i)
            else:
                break
        layout.signature.append(i)
        i += 1
    for j in range(i, stop):
        if starts_with_honorific(texts[j]):
            layout.post_block = list(range(j, stop))
            break


def analyse(texts: Sequence[str], joined: Sequence[bool], head_end: int, tail_start: int) -> Layout:
    """Find header, salutation, address blocks and signature among the lines."""
    layout = Layout()
    n = len(texts)
    header_end = min(head_end, 25)
    for i in range(min(head_end, 30)):
        text = texts[i]
        words = len(text.split())
        # "Jo Franks," before the first paragraph is a salutation without "Dear".
        named = (
            text.endswith((",", ":"))
            and i + 1 < n
            and is_prose(texts[i + 1])
            and salutation_name(text)
        )
        if (_SALUTATION.match(text) and words <= 12) or (
            words <= 5 and (_BARE_SALUTATION.match(text) or named)
        ):
            layout.salutation = header_end = i
            break
        if is_prose(text):
            header_end = i
            break
    for i in range(header_end):
        if starts_with_honorific(texts[i]) and not date_line(texts[i]):
            layout.head_block = _block(texts, joined, i, header_end)
            break
    layout.header = [i for i in range(header_end) if i not in layout.head_block]

    body_end = max(header_end, (layout.salutation or 0) + 1)
    tail = range(max(tail_start, body_end), n)
    closing = next((i for i in reversed(tail) if _is_closing(texts[i])), None)
    if closing is None:
        closing = next((i for i in reversed(tail) if is_prose(texts[i])), None)
    start = closing + 1 if closing is not None else max(body_end, n - 6)
    # Neither "A handwritten signature in black ink…" nor a lone "Yours," is the sender.
    while start < n and (
        _DESCRIPTION.search(texts[start])
        or _is_closing(texts[start])
        or re.fullmatch(r"[^\W\d_]+,", texts[start])
    ):
        start += 1
    _signature(texts, layout, start, n)
    return layout


def address_block(texts: Sequence[str], block: Sequence[int]) -> dict[str, Field]:
    """Name, role, organisation, place and country of an address block."""
    segments = [(i, s.strip()) for i in block for s in texts[i].split(",") if s.strip(" .")]
    out: dict[str, Field] = {}
    k = 0
    while k < len(segments) and "name" not in out and k < 2:
        name = parse_name(re.sub(r"^(?:to:?|à|a|an)\s+", "", segments[k][1], flags=re.I))
        if name:
            out["name"] = (name, segments[k][0])
        k += 1
    org: list[str] = []
    rest = []
    for idx, seg in segments[k:]:
        words = {fold(w) for w in _WORDS.findall(seg)}
        if rest or _ADDRESS.search(seg) or place_code(seg):
            rest.append((idx, seg))
        elif words & _ROLE_WORDS:
            if "role" in out or org:
                rest.append((idx, seg))
            else:
                out["role"] = (seg, idx)
        else:
            org.append(seg)
            out.setdefault("organisation", ("", idx))
    if org:
        out["organisation"] = (", ".join(org), out["organisation"][1])
    for hit in find_places(tokenize(rest)):
        if hit.tier == 4 and "place" not in out:
            out["place"] = (_title(" ".join(t.orig for t in hit.tokens)), hit.tokens[0].line)
        if hit.tier <= 3 and "country" not in out:
            out["country"] = (hit.code, hit.tokens[0].line)
    if "country" not in out and "place" in out:
        code = city_country(out["place"][0])
        if code:
            out["country"] = (code, out["place"][1])
    return out
