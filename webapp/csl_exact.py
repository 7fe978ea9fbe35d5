"""citeproc-py's rendering made equal to citeproc-js's, the reference CSL processor.

Missive renders citations with citeproc-py (pure Python: no Node at run time), and holds them
to what citeproc-js (Zotero's processor) prints for the same CSL-JSON item and style file:
tests/test_citation_exact.py renders both and compares.  citeproc-py 0.11.1 differs in ways
mended here, each for a reason of its own:

1. Punctuation in quotes.  The en-US locale says `punctuation-in-quote`; citeproc-py ignores
   it and prints `“Title”.`.  `finish` moves a full stop or comma that follows closing
   quotation marks inside them (`“Title.”`), and drops the full stop when the quotation
   ends in . ? or ! already (`“Why not?”`).
2. Quotation marks and apostrophes of the letter's own words.  citeproc-js prints a straight
   apostrophe as ’ (Pakistan’s, Jones’, ’90s, ’Tis), makes straight or typographic quotes
   typographic and alternates double and single marks by nesting (a quoted word inside a
   quoted title is ‘single’); citeproc-py leaves them as written.  `shield` replaces them by
   private-use placeholders before rendering (so they are not mistaken for the style's
   quotation marks in 1), `finish` puts the right mark back.
3. Initials of given names with lowercase words ("José María de la Cruz", "Ludwig van"):
   citeproc-py prints a stray full stop ("J. M. de . la C.").  `_initialize` replaces its
   initialiser (a correction of citeproc-py itself, applied on import; see `patch`).
4. A word opening with a quotation mark in title case: citeproc-js capitalises the letter
   after the mark (‘Cluster’), citeproc-py tries the mark itself; `_capitalize_first`
   corrects that the same way.
5. A date range shown only by its year (APA's "(ca. 1855, March–May)"): citeproc-py prints
   no year, and drops "ca." with it, when both ends are in one year; `_render_date_range`.

Name particles ("van", "de la", "y") are given to both processors in CSL's own name-part
fields (citation.py `_name`), so that particle order and initials do not depend on either
processor's guessing.  What stays different is listed in README ("Citing letters").
"""

from __future__ import annotations

import re
from typing import Any

from citeproc import model
from citeproc import string as cstring

__all__ = ["finish", "patch", "shield"]

# The characters HTML needs escaped: citeproc-py's HTML output does not escape values, so
# they travel through rendering as placeholders and are escaped after it.
HTML_SPECIALS = {"&": "\ue000", "<": "\ue001", ">": "\ue002"}
# The letter's own quotation marks and apostrophes, as placeholders while rendering.
_APOS, _DQ, _LDQ, _RDQ, _LSQ, _RSQ = "\ue003", "\ue004", "\ue005", "\ue006", "\ue007", "\ue008"
_QUOTES = {"'": _APOS, '"': _DQ, "“": _LDQ, "”": _RDQ, "‘": _LSQ, "’": _RSQ}
_SHIELD = {**HTML_SPECIALS, **_QUOTES}
_PRIVATE = re.compile("[\ue000-\uf8ff]")
# Marks by nesting level: the style's own quotes are level 0 (double), inner ones single.
_OPEN = ("“", "‘")
_CLOSE = ("”", "’")
# Where an opening mark may stand: at the start, after a space, a bracket or another mark.
_OPENS_AFTER = set(" \t([{/—–-") | set(_OPEN) | {_LDQ, _LSQ, _DQ}


def shield(value: Any) -> Any:
    """`value` with &, <, > and quotation marks replaced by placeholders, in strings inside
    lists and dicts too (private-use characters of the value itself are dropped)."""
    if isinstance(value, str):
        return "".join(_SHIELD.get(c, c) for c in _PRIVATE.sub("", value))
    if isinstance(value, list):
        return [shield(v) for v in value]
    if isinstance(value, dict):
        return {k: shield(v) for k, v in value.items()}
    return value


def _is_word(c: str) -> bool:
    return c.isalnum() or c in _PRIVATE_WORDS


# Placeholders for &, < and > count as word characters for the apostrophe rule (A&B's).
_PRIVATE_WORDS = set(HTML_SPECIALS.values())


def _closes_later(text: str, start: int) -> bool:
    """Whether the straight single quote before `start` opens a quotation: one follows that
    can close it (after a letter, not before one) before another could open."""
    for i in range(start, len(text)):
        if text[i] != _APOS:
            continue
        before = text[i - 1]
        after = text[i + 1] if i + 1 < len(text) else " "
        if before in _OPENS_AFTER:
            return False  # another opening first: the first one was an elision (’Tis)
        if _is_word(before) and not _is_word(after):
            return True
    return False


# Closing marks while the punctuation is moved (then made ” and ’): apostrophes stay out.
_CLOSE_D, _CLOSE_S = "\ue010", "\ue011"
_CLOSERS = (_CLOSE_D, _CLOSE_S)


def _restore_quotes(text: str) -> str:
    """The letter's own quotation marks and apostrophes as citeproc-js prints them; closing
    marks (the style's and the letter's) as _CLOSE_D/_CLOSE_S, for `finish`."""
    out: list[str] = []
    stack: list[str] = []  # open marks: "style", "double" or "single" (what will close it)
    # citeproc-js takes double quotes as the outer kind when the text has any: a quotation
    # in single quotes is then an inner one even outside any other ("x" and ‘y’).
    singles_inner = 1 if (_DQ in text or _LDQ in text) else 0
    for i, c in enumerate(text):
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        level = len(stack) % 2
        if c == "“":  # the style's own
            stack.append("style")
            out.append(c)
        elif c == "”":
            if stack:
                stack.pop()
            out.append(_CLOSE_D)
        elif c in (_DQ, _LDQ, _RDQ):
            opening = c == _LDQ or (c == _DQ and before in _OPENS_AFTER)
            if opening:
                stack.append("double")
                out.append(_OPEN[level])
            else:
                if stack and stack[-1] == "double":
                    stack.pop()
                out.append(_CLOSERS[len(stack) % 2])
        elif c in (_APOS, _LSQ, _RSQ):
            if c == _LSQ or (c == _APOS and before in _OPENS_AFTER and not after.isdigit()):
                if c == _LSQ or _closes_later(text, i + 1):
                    out.append(_OPEN[max(len(stack), singles_inner) % 2])
                    stack.append("single")
                else:
                    out.append("’")  # ’Tis: an elision, not a quotation
            elif stack and stack[-1] == "single" and not _is_word(after):
                stack.pop()
                out.append(_CLOSERS[max(len(stack), singles_inner) % 2])
            else:
                out.append("’")  # an apostrophe: Pakistan’s, Jones’, ’90s
        else:
            out.append(c)
    return "".join(out)


# A full stop or comma after closing marks (and the end of a tag around them): moved inside.
_PUNCT_OUTSIDE = re.compile(f"([{_CLOSE_D}{_CLOSE_S}](?:[{_CLOSE_D}{_CLOSE_S}]|</[a-z]+>)*)([.,])")


def _inside(m: re.Match) -> str:
    """The punctuation moved inside the closing marks; a full stop after a quotation that
    ends in . ? or ! is dropped ("Why not?" stays so), as citeproc-js does."""
    closers, mark = m.group(1), m.group(2)
    ended = m.string[m.start() - 1 : m.start()] in (".", "?", "!")
    return closers if mark == "." and ended else mark + closers


def finish(raw: str) -> str:
    """citeproc-py's rendering (HTML, placeholders in) with citeproc-js's punctuation and
    quotation marks; &, < and > stay placeholders (the caller escapes them)."""
    text = _PUNCT_OUTSIDE.sub(_inside, _restore_quotes(raw))
    return text.replace(_CLOSE_D, "”").replace(_CLOSE_S, "’")


# -- corrections of citeproc-py itself ----------------------------------------------------
def _initialize(self, given, mark, context):
    """A given name's initials ("José María de la Cruz" -> "J. M. de la C."): citeproc-py's
    own adds `mark` after a lowercase word too ("J. M. de . la C.")."""
    if self.get_option("initialize-with-hyphen", context):
        hyphen_parts = given.split("-")
    else:
        hyphen_parts = [given.replace("-", " ")]
    result = []
    for part in hyphen_parts:
        words = []
        group: list[str] = []
        for word in part.replace(".", " ").split():
            if word[0].isupper():
                group.append(word[0])
            else:  # a particle keeps its form and gets no mark
                if group:
                    words.append(mark.join(group) + mark)
                words.append(word)
                group = []
        if group:
            words.append(mark.join(group) + mark)
        result.append(" ".join(" ".join(words).split()))
    return "-".join(result)


_LEADING_MARKS = set(_QUOTES.values()) | set(_OPEN)


def _capitalize_first(self):
    """The first letter capitalised, after any leading quotation mark (‘Cluster’)."""
    text = str(self)
    i = 0
    while i < len(text) - 1 and text[i] in _LEADING_MARKS:
        i += 1
    return self.__class__(text[:i] + text[i : i + 1].upper() + text[i + 1 :])


_RENDER_DATE_RANGE = model.Date.render_date_range


def _render_date_range(self, date_range, show_parts=None, context=None):
    """A range whose shown parts are all alike is one date (the year of March–May 1855):
    citeproc-py's own prints nothing for it."""
    shown = list(show_parts or ("year", "month", "day"))
    begin, end = date_range.begin, date_range.end
    if not end.is_nil() and all(getattr(begin, p, None) == getattr(end, p, None) for p in shown):
        return self.render_single_date(begin, shown, context)
    return _RENDER_DATE_RANGE(self, date_range, show_parts, context)


def patch() -> None:
    """Apply the corrections 3 to 5 to citeproc-py (idempotent)."""
    model.Name.initialize = _initialize
    cstring.String.capitalize_first = _capitalize_first
    model.Date.render_date_range = _render_date_range
