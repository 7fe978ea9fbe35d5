"""The brute scan the suite checks engines against: a letter's words as the README says
search sees them, read without any engine.

"Up to case, accents and word endings": words are compared folded (lower case, accents
dropped), and two words count as one word in two forms when they share a start long
enough that only an ending tells them apart (`same_word`). Every engine stems in its own
way, so the scan bounds what a hit may hold; it never pins one stemmer. Nor does it pin
how an engine folds "ß" (as "s" or as "ss"): it stays "ß" here, and either is allowed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from indexer.records import Letter

WORD = re.compile(r"\w+(?:\.\w+)*")  # dots inside a word keep it whole ("u.s", "3.5")
ENDING = 4  # letters a stemmer may take off or change at the end of a word
# Letters that do not decompose into a base letter and an accent.
_SPELLED = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th"})


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_SPELLED))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


def same_word(a: str, b: str) -> bool:
    """Whether `a` and `b` may be one word in two forms ("munition", "munitions")."""
    if "ß" in a + b:
        spell = lambda w: {w.replace("ß", "s"), w.replace("ß", "ss")}  # noqa: E731
        return any(_same_word(x, y) for x in spell(a) for y in spell(b))
    return _same_word(a, b)


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    shorter = min(len(a), len(b))
    return shared >= min(3, shorter) and shared >= shorter - ENDING


def contains(seq: list[str], phrase: list[str]) -> bool:
    """`phrase` stands in `seq` word for word."""
    n = len(phrase)
    return any(seq[i : i + n] == phrase for i in range(len(seq) - n + 1))


def contains_loosely(seq: list[str], phrase: list[str]) -> bool:
    """`phrase` stands in `seq`, each word maybe in another form."""
    n = len(phrase)
    return any(
        all(same_word(w, p) for w, p in zip(seq[i : i + n], phrase, strict=True))
        for i in range(len(seq) - n + 1)
    )


def page_words(letter: Letter) -> list[list[str]]:
    return [words(p.text) for p in letter.pages]


def text_words(letter: Letter) -> list[str]:
    """The letter's text, pages one after another."""
    return [w for page in page_words(letter) for w in page]


def title_words(letter: Letter) -> list[str]:
    return words(letter.display_title())


def party_words(letter: Letter, which: str) -> list[str]:
    """The words of the sender's (which="sender") or recipients' name, role,
    organisation and place."""
    parties = [letter.sender] if which == "sender" else letter.recipients
    parts = [part for p in parties for part in (p.name, p.role, p.organisation, p.place)]
    return [w for part in parts if part for w in words(part)]


def osa(a: str, b: str) -> int:
    """Edits between two words: a letter added, dropped or changed, or two neighbours
    swapped (the README's edit)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(
                rows[-1][j] + 1,
                row[j - 1] + 1,
                rows[-1][j - 1] + (a[i - 1] != b[j - 1]),
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def having(letters: Iterable[Letter], test) -> set[str]:
    """The ids of the letters for which `test(letter)` is true."""
    return {x.id for x in letters if test(x)}
