"""Whether a line is a date line: a place perhaps, a street, a weekday, and one date."""

from __future__ import annotations

import re

from ..countries import fold
from .forms import DateMatch, YearHint, dates_in
from .months import is_weekday

MAX_DATE_LINE = 90  # a date line is short; longer lines are prose that mentions a date
MAX_PLACE_WORDS = 3

# Words a date line may hold besides the place and the date ("Paris, le", "Dall'Haya li").
_FILLER = set(
    "le la les den dem der am im ce d the this of de du del à a en in at on fait faite faites "
    "done given dated written li il el y et and ca circa vers bei b dall dalla dalle dell della "
    "dal da van te op jour anno adi addi nachts abends morgens mittags abend morgen fruh "
    "matin soir sera mattina manana tarde noche avond ochtend s die date datum fecha data al all "
    "alli ai di".split()
)
# A line with one of these dates something else: a reply, a receipt, a stamp, a cheque, an
# enclosure, a printed form, a life.
NOT_THE_LETTERS = set(
    "ref re subject betreff betr objet oggetto asunto received recu eingegangen erhalten empf "
    "erh empfangen ricevute ricevuta ricevuto recibido recibida recibi ontvangen your our votre "
    "vos ihr ihre vostra vostro vuestra uw letter lettre brief schreiben lettera answered beantw "
    "beantwortet repondu reponse risposta respuesta contestada contestado geantwoord antw "
    "postmark poststempel stempel timbre cachet matasellos timbro stamp pay payable paguese "
    "pagadero zahlen scheck cheque check assegno wissel beilage anlage enclosure encl enclosed "
    "allegato allegata annexe anexo bijlage copia copie abschrift kopie copy born geboren nato "
    "nacido decede died gestorben morto muerto valid gultig expires vom dated datiert datee "
    "datata fechada registered eingeschrieben recommande raccomandata certificado aangetekend "
    "seit since depuis until bis jusqu hasta fino tot invoice rechnung facture fattura factura "
    "total summe betrag importe".split()
)
_STREET_WORD = (
    r"[^\W\d_]*(?:straße|strasse|str\.|gasse|weg|platz|gracht|straat|laan|kade|plein|street|"
    r"road|avenue|lane|square|rue|boulevard|calle|avenida|plaza|via|viale|piazza|corso)"
)
_NUMBER = r"(?:(?:No|Nr|Nro|Núm|Num|Numero|Nummer|N[°º])\.?\s*)?\d+[a-z]?\b\.?"
_STREET = re.compile(
    rf"(?i){_STREET_WORD}\s*,?\s*{_NUMBER}"
    rf"|\b\d+[a-z]?,?\s+{_STREET_WORD}\b"
    rf"|\b(?:No|Nr|Nro|Núm|Num|Numero|Nummer|N[°º])\.?\s*\d+[a-z]?\b\.?"
)
_TIME = re.compile(
    r"(?i)\b(?:um\s+|à\s+|at\s+|alle\s+|a\s+las\s+)?\d{1,2}(?:\s?[½¼¾]|[.:h]\d\d)?\s*"
    r"\.?\s*(?:uhr|h\b|heures?|o'?clock|[ap]\.\s?m\.|ore\b)"
    r"|(?<=\w )\d{1,2}\s?[½¼¾]"
)
_DIGIT = re.compile(r"\d")
_STREET_CUE = re.compile(
    r"(?i)str\.|straße|strasse|gasse|weg|platz|gracht|straat|laan|kade|plein|street|road|avenue|"
    r"lane|square|rue|boulevard|calle|avenida|plaza|via|viale|piazza|corso|\bN[or°º]"
)
_TIME_CUE = re.compile(r"(?i)uhr|h\b|heure|clock|m\.|ore\b|[½¼¾]")
_GLOSS_CUE = re.compile(r"[(\[]")
# A remark in brackets without a digit: "Lugano 19 Janvier (Januar) 1869", "(Canton d'Uri)".
_GLOSS = re.compile(r"\([^()\d]{1,40}\)|\[[^\[\]\d]{1,40}\]")
_FORM_BLANK = re.compile(r"_{3,}|\.{4,}|…{2,}|\b1[89]\s?(?:_|\.\.)")
_ELIDED = re.compile(
    r"(?i)^(?:dall|dell|d)['’]\s*|^(?:de|da|dal|dalla|von|aus|from|desde|van|uit)\s+"
)
_WORD = re.compile(r"[^\W\d_]+\.?")
_INITIALS = re.compile(r"\b(?:[A-Z]\.){2,}")
_ARTICLES = {"den", "la", "le", "el", "las", "los", "il", "les"}


def normalise(text: str) -> str:
    """The line without decoration, with one kind of apostrophe."""
    text = text.strip().strip("*_#>").strip()
    return text.replace("’", "'").replace("‘", "'")


def _blank(rx: re.Pattern, text: str) -> str:
    """The text with every match of `rx` turned into spaces, so positions stay."""
    return rx.sub(lambda m: " " * len(m.group()), text)


def _is_filler(word: str) -> bool:
    w = fold(word).rstrip(".")
    return w in _FILLER or is_weekday(w)


def _place_words_ok(rest: str) -> bool:
    if re.search(r"\d", rest):
        return False  # a second number: a reference, a postcode, a sentence
    words = _WORD.findall(rest)
    if any(fold(w).rstrip(".") in NOT_THE_LETTERS for w in words):
        return False
    # A capitalised "D." or "CON" inside a line is a word of a heading, not "d." or "con".
    places = [
        w
        for k, w in enumerate(words)
        if not (is_weekday(w) or _is_filler(w) and (k == 0 or w[0].islower()))
    ]
    # Initials run together ("D.C.", "N.Y.") are part of a place's name, not words of their
    # own; "R. D." apart are words of a heading.
    initials = sum(m.count(".") for m in _INITIALS.findall(rest))
    return len(places) - initials <= MAX_PLACE_WORDS and all(w[:1].isupper() for w in places)


def _place(left: str) -> str | None:
    words = left.split()
    # "Den Haag", "La Haye", "Le Havre": a capitalised article before a name is the name's.
    while words and _is_filler(words[0].strip(",;:'")) and not (
        words[0][:1].isupper() and len(words) > 1 and words[1][:1].isupper()
        and fold(words[0]) in _ARTICLES
    ):
        words.pop(0)
    while words and _is_filler(words[-1].strip(",;:'")):
        words.pop()
    place = _ELIDED.sub("", " ".join(words).strip(" ,;:-–—()")).strip(" ,;:-–—()")
    return place if place and place[:1].isupper() else None


def _stamp_like(text: str, match: DateMatch) -> bool:
    """"BERN 16.2.51": a postmark or a rubber stamp, not a hand's date line."""
    letters = [ch for ch in text[: match.start] + text[match.end :] if ch.isalpha()]
    return match.order != "words" and len(letters) >= 3 and all(ch.isupper() for ch in letters)


def date_line(
    text: str, hint: YearHint | None = None, *, day_first: bool = True
) -> tuple[DateMatch, str | None] | None:
    """The date and the place before it if the line is a date line, else None."""
    text = normalise(text)
    if not text or len(text) > MAX_DATE_LINE or _FORM_BLANK.search(text):
        return None
    if text[0] in "([" and text[-1] in ")]":
        return None  # the whole date in brackets: the editor's, not the letter's
    if not _DIGIT.search(text):
        return None
    clean = text
    for rx, cue in ((_STREET, _STREET_CUE), (_TIME, _TIME_CUE), (_GLOSS, _GLOSS_CUE)):
        if cue.search(clean):  # the cheap test first: most lines have no street, hour or gloss
            clean = _blank(rx, clean)
    found = dates_in(clean, hint, day_first=day_first)
    if len(found) != 1:
        return None
    m = found[0]
    left, right = clean[: m.start], clean[m.end :]
    if not _place_words_ok(left + " " + right) or _stamp_like(clean, m):
        return None
    as_written = text[m.start : m.end].strip().rstrip(".,")
    match = DateMatch(m.value, as_written, m.start, m.end, m.year_from, m.order)
    return match, _place(left) or _place(right)
