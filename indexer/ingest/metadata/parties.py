"""Sender and recipient: names, roles and organisations from signature, address and salutation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .countries import city_country, find_places, fold, place_code, tokenize
from .dates import date_line

_HONORIFIC = re.compile(
    r"(?:(?:his|her)\s+excellency|the\s+hon(?:ourable|orable)?|h\.\s?e\.?|s\.\s?e\.?|mrs|mr|ms"
    r"|miss|dr|doctor|docteur|doktor|prof|professor|sir|dame|lord|lady|hon|monsieur|madame|mademoiselle|mme|mlle"
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
_BARE_SALUTATION = re.compile(
    r"(?:sir|madam|monsieur|madame|mademoiselle|messieurs)\b.{0,20}[,:!]$", re.IGNORECASE
)
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
_SHORT_CLOSING = set(
    "ihr ihre ihrem ihres ihren ihrige dein deine deinem deines euer eurem ton ta votre vostro "
    "tuo suo your ever love thanks merci danke affectionately".split()
)
# Words that mark a short line as part of a closing, wherever they stand in it
# ("versichere ich Sie meiner hochachtungsvollen / Ergebenheit!").
_CLOSING_WORDS = set(
    "hochachtung hochachtungsvoll hochachtungsvollst hochachtungsvollen ergebenheit ergebene "
    "ergebener ergebenen ergebenster ergebensten ergebenst verehrung grusse grussen gruss "
    "freundschaft freundschaftlich versicherung genehmigen consideration sentiments salutations "
    "devoue devouee affectueusement amities regards sincerely faithfully respectfully ossequi "
    "saluti saludos atentamente".split()
)
_DESCRIPTION = re.compile(
    r"\b(?:handwritten|hand-written|signature|signed|illegible|stamp|seal|initials|unterschrift"
    r"|paraphe|cachet|firma)\b",
    re.IGNORECASE,
)
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
# German compounds: "Nationalrath", "Regierungspräsident", "Ministerialdirector".
_ROLE_ENDING = re.compile(
    r"(?:rath|\w{4}rat|pr(?:a|ae)sidente?n?|direktor|director|minister|sekretar|schultheiss)$"
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
_CONNECTOR_WORDS = set(
    "of the for and de du des la le der die das von für y del di to in à".split()
)
_PARTICLES = set("de da del della di du van von der den la le y bin ibn al el ter zu dos".split())
# Capitalised, these start a phrase, not a name ("Der Secretär", "P.S. Ich", "Per la Società").
_NOT_NAME = set(
    "der die das den dem des il lo gli per fur pour par the for im ich wir sie ps".split()
)
# Forms used to address someone, not to sign: "Herrn Weber" after a signature is the addressee.
_ADDRESSING = set("herrn herr frau monsieur madame mademoiselle mme mlle messrs mr mrs ms miss "
                  "senor senora sra sr srta signor signora sig".split())  # fmt: skip
_GENERIC = set(
    "sir sirs madam madame monsieur messieurs mesdames mademoiselle gentlemen ladies colleague "
    "colleagues friend friends all or and et und y e freund freundin freunde ami amie amis soeur "
    "frere sister brother mother father mama maman papa mutter vater bruder schwester cousin "
    "cousine excellency excellence herr frau signore signora senor senora whom it may concern "
    "chere cher hochwohlgeboren wohlgeboren hochgeboren".split()
)
_ADDRESS = re.compile(r"\d|@|c/o|\b(?:street|st|road|rd|avenue|ave|av|rue|strasse|straße|parade|"
                      r"box|tel|fax|phone|email|e-mail|chez|care\s+of|bei)\b\.?",
                      re.IGNORECASE)  # fmt: skip
_WORDS = re.compile(r"[^\W\d_]+")

Field = tuple[str, int]  # a value and the index of the line it was read from


def names_organisation(text: str) -> bool:
    """Does the line hold a capitalised organisation word ("MINISTRY", "Botschaft")?"""
    return any(w[0].isupper() and fold(w) in _ORG_WORDS for w in _WORDS.findall(text))


def _has_role(text: str) -> bool:
    words = [fold(w) for w in _WORDS.findall(text)]
    return any(w in _ROLE_WORDS or _ROLE_ENDING.search(w) for w in words)


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


def title_case(text: str) -> str:
    """Title-case an all-capitals name ("JOHN SMITH"); leave mixed case alone."""
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
    if not tokens[0][:1].isupper():
        return None
    for tok in tokens:
        word = fold(tok.replace(".", ""))
        if word in _PARTICLES and tok[0].islower():
            continue
        if word in _NOT_NAME:
            return None
        if not tok[0].isupper() or not all(c.isalpha() or c in "-'’." for c in tok):
            return None
        if _has_role(word) or word in _ORG_WORDS or word in _GENERIC or word in _SHORT_CLOSING:
            return None
    if not any(sum(c.isalpha() for c in t) >= 2 for t in tokens):
        return None
    if place_code(core):
        return None  # "New Zealand" on a line of its own is a place
    if len(tokens) == 1 and not (allow_single or honorific):
        return None
    core = title_case(core)
    return f"{honorific} {core}" if honorific and len(tokens) == 1 else core


def salutation_name(text: str) -> str | None:
    """The addressee named in a salutation ("Dear Mr. Brown," -> "Mr. Brown"), or None."""
    m = _SALUTATION.match(text)
    rest = text[m.end() :] if m else text
    rest = rest.strip(" ,:;!.")
    if not rest or all(fold(w) in _GENERIC for w in _WORDS.findall(rest)):
        return None
    return parse_name(rest, allow_single=True)


def is_closing(text: str) -> bool:
    """ "Yours sincerely,", "I avail myself…", "Hochachtungsvoll", "Ihr"."""
    folded = fold(text)
    words = _WORDS.findall(folded)
    if _CLOSING.match(folded):
        return len(words) <= 40 and not (folded.startswith("i remain") and len(words) > 12)
    if 0 < len(words) <= 8 and any(w in _CLOSING_WORDS for w in words):
        return True
    return 0 < len(words) <= 4 and words[0] in _SHORT_CLOSING


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


def _role_and_org(text: str) -> tuple[str, str]:
    """ "Director General (X) Ministry of Y" or "Director, Accademia Filarmonica, Rome"."""
    role, org = _split_org(text)
    if org or "," not in role:
        return role, org
    # Places at the end ("…, Pakistan") say where, not who.
    parts = [p.strip() for p in role.split(",") if p.strip() and not place_code(p)]
    if len(parts) > 1 and _has_role(parts[0]):
        return parts[0], ", ".join(parts[1:3])
    return ", ".join(parts), ""


def _trim_place(org: str) -> str:
    # "MINISTRY OF FOREIGN AFFAIRS NAIROBI": the city ends the letterhead, not the name.
    words = org.split()
    while len(words) > 2 and fold(words[-2]) not in _CONNECTOR_WORDS:
        if not place_code(words[-1]):
            break
        words.pop()
    return title_case(" ".join(words))


def letterhead_org(lines: Sequence[tuple[int, str]]) -> Field | None:
    """An organisation named on a letterhead line ("MINISTRY OF FOREIGN AFFAIRS ...")."""
    for idx, text in lines:
        if is_prose(text) or starts_with_honorific(text):
            continue
        before, org = _split_org(text)
        if org and len(org.split()) >= 2 and not any(c.isalpha() for c in before):
            return org, idx
    return None


def is_salutation(text: str, next_text: str | None) -> bool:
    """ "Dear Sir,", "Lieber Freund!", or a bare "Jo Franks," right before the first paragraph."""
    words = len(text.split())
    if _SALUTATION.match(text):
        return words <= 12
    if words > 5:
        return False
    if _BARE_SALUTATION.match(text):
        return True
    named = text.endswith((",", ":")) and next_text is not None and is_prose(next_text)
    return bool(named and salutation_name(text))


def before_signature(text: str) -> bool:
    """A closing, a lone "Yours,", or "A handwritten signature in black ink…": not the signer."""
    return bool(_DESCRIPTION.search(text) or is_closing(text) or re.fullmatch(r"[^\W\d_]+,", text))


def _addressee(text: str) -> bool:
    """A line that opens an address ("Mademoiselle", "Mr. X, Director, 1 Road…"), not a signer."""
    if not starts_with_honorific(text):
        return False
    honorific, rest = _strip_honorifics(re.sub(r"^(?:to:?|à|a|an)\s+", "", text, flags=re.I))
    bare = not rest.strip(" ,.")
    if fold(honorific).rstrip(".") in _ADDRESSING and len(rest.split()) == 1:
        return True  # "Herrn Weber", "Mr. Brown": a signer gives a full name
    to = re.match(r"(?:to:?|à|a|an)\s", text, flags=re.I) is not None
    return bare or to or bool(_ADDRESS.search(text)) or text.count(",") >= 3


@dataclass
class Signature:
    """The signer's lines after the closing, and the recipient's address that may follow."""

    lines: list[int] = field(default_factory=list)
    name: int | None = None  # the line with the signer's name
    post_block: list[int] = field(default_factory=list)
    fields: dict[str, Field] = field(default_factory=dict)  # name, role, organisation


def read_signature(texts: Sequence[str], start: int, stop: int) -> Signature:
    """Name, role and organisation from the lines after the closing."""
    sig = Signature()
    role, org = "", ""
    i = start
    while i < stop:
        text = texts[i]
        if sig.name is None:
            if i - start > 6 or _addressee(text):
                break  # the recipient's address after the signature, not the signer
            m = re.match(r"^\(([^()]{2,80})\)\s*(.*)$", text)  # "(Name) Counsellor"
            head, _, rest = (m[1], "", m[2]) if m else text.partition(",")
            name = parse_name(head, allow_single=i == start or is_closing(texts[i - 1]))
            if name:
                sig.name, sig.fields["name"] = i, (name, i)
                role, org = _role_and_org(rest) if rest.strip() else ("", "")
        elif starts_with_honorific(text) or date_line(text) or _ADDRESS.search(text):
            break
        elif i - sig.name > 4 or is_prose(text):
            break
        elif role and text[:1].islower():  # "to New Zealand" continues the title
            role = f"{role} {text.strip()}"
        elif not role and _has_role(text):
            role, new_org = _role_and_org(text)
            sig.fields["role"] = (role, i)
            org = org or new_org
        elif not org and _split_org(text)[1]:
            org = _split_org(text)[1]
        else:
            break
        if role:
            sig.fields["role"] = (role, sig.fields.get("role", (role, i))[1])
        if org and "organisation" not in sig.fields:
            sig.fields["organisation"] = (org, i)
        sig.lines.append(i)
        i += 1
    for j in range(i, stop):
        if starts_with_honorific(texts[j]):
            sig.post_block = list(range(j, stop))
            break
    return sig


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
        if rest or _ADDRESS.search(seg) or place_code(seg) or starts_with_honorific(seg):
            rest.append((idx, seg))
        elif _has_role(seg):
            if "role" in out or org:
                rest.append((idx, seg))
            else:
                out["role"] = (seg, idx)
        elif len(org) < 3:  # more would be an address we failed to recognise
            org.append(seg)
            out.setdefault("organisation", ("", idx))
    if org:
        out["organisation"] = (", ".join(org), out["organisation"][1])
    for hit in find_places(tokenize(rest)):
        if hit.tier == 4 and hit.is_place and "place" not in out:
            out["place"] = (title_case(" ".join(t.orig for t in hit.tokens)), hit.tokens[0].line)
        if hit.tier <= 3 and "country" not in out:
            out["country"] = (hit.code, hit.tokens[0].line)
    if "country" not in out and "place" in out:
        code = city_country(out["place"][0])
        if code:
            out["country"] = (code, out["place"][1])
    return out
