"""Missive's query language: read what a researcher types into a query tree (querytree).

A hand-written recursive-descent reader over the characters themselves: which characters
are special depends on where they stand (`-` only starts a term, `[` only opens a range
after `date:`), and each error names its character.  The grammar, in EBNF, and every rule
below are in docs/query-language.md.  Nothing here knows a search engine.
"""

from __future__ import annotations

import re

from ..records import TEXT_SOURCES, DateValue, RecordError
from .errors import QueryError  # a MissiveError; `position`: the character at fault
from .querytree import (
    TEXT_FIELDS,
    VALUE_FIELDS,
    DateRange,
    Everything,
    Fuzzy,
    Id,
    Node,
    Not,
    Phrase,
    Term,
    Wildcard,
    Year,
    all_of,
    any_of,
)

MAX_LENGTH = 1000  # characters of one query
MAX_DEPTH = 32  # brackets inside brackets

# The field names a query may use: each field by its own name, and the short forms.
ALIASES = {"content": "text", "from": "sender", "to": "recipient", "lang": "language"}
FIELDS = {f: f for f in (*TEXT_FIELDS, *VALUE_FIELDS, "date", "year", "id")} | ALIASES
_ACCEPTED_FIELDS = ", ".join(
    name + "".join(f" ({a})" for a, f in FIELDS.items() if f == name and a != name)
    for name in dict.fromkeys(FIELDS.values())
)

OPERATORS = ("AND", "OR", "NOT")
_ENDS_WORD = frozenset('()"')
_FIELD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?=[^\s)])")
_FUZZY = re.compile(r"(?P<text>[^~]+)~(?P<distance>[0-9])?(?:/(?P<prefix>[0-9]+))?")
_SLOP = re.compile(r"~([0-9]+)")
_ISO = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
_DATE_FORMS = "YYYY, YYYY-MM, YYYY-MM-DD"


def parse(text: str) -> Node:
    """Read a query string into a tree; Everything() for an empty query.  Raises
    QueryError naming the character at fault."""
    text = text or ""
    if len(text) > MAX_LENGTH:
        raise QueryError(f"the query is longer than {MAX_LENGTH} characters; shorten it")
    return _Reader(text).query()


class _Reader:
    def __init__(self, text: str):
        self.s = text
        self.i = 0
        self.depth = 0

    # -- characters ---------------------------------------------------------------------
    def at(self, n: int = 0) -> str:
        return self.s[self.i + n] if self.i + n < len(self.s) else ""

    def skip_space(self) -> None:
        while self.i < len(self.s) and self.s[self.i].isspace():
            self.i += 1

    def word_end(self, start: int) -> int:
        """Where a bare word starting at `start` ends: at a space, a bracket or a quote."""
        j = start
        while j < len(self.s) and not self.s[j].isspace() and self.s[j] not in _ENDS_WORD:
            j += 1
        return j

    def operator(self) -> str | None:
        """The operator at the reading position, if a whole word AND, OR or NOT is there."""
        end = self.word_end(self.i)
        word = self.s[self.i : end]
        return word if word in OPERATORS else None

    def error(self, message: str, at: int) -> QueryError:
        """The error at index `at`: the message's last '@' becomes "at character N" (any
        text the user typed comes before it)."""
        before, _, after = message.rpartition("@")
        return QueryError(f"{before}at character {at + 1}{after}", at + 1)

    # -- structure: query = { or } ; or = and { OR and } ; and = unary { AND unary } ----
    def query(self) -> Node:
        self.skip_space()
        if self.i == len(self.s):
            return Everything()
        return self.sequence(None, opener=None)

    def sequence(self, field: str | None, opener: int | None) -> Node:
        """Terms side by side, all required, up to a ')' (inside brackets) or the end."""
        parts: list[Node] = []
        while True:
            self.skip_space()
            if self.i == len(self.s):
                if opener is not None:
                    raise self.error("missing ')' for '(' @", opener)
                break
            if self.at() == ")":
                if opener is None:
                    raise self.error("unexpected ')' @: there is no '(' before it to close", self.i)
                if not parts:
                    raise self.error("empty brackets '()' @; put a search term inside", opener)
                self.i += 1
                break
            if self.lone_mark():
                continue
            parts.append(self.either(field))
        return all_of(parts) if parts else Everything()

    def lone_mark(self) -> bool:
        """Step over a '-' or '+' standing alone between terms ("appear to be,. - (a)"):
        punctuation in a question, not an operator, as the engine's analysis drops it in a
        letter's text.  An operator touches its term (-Oslo)."""
        if self.at() not in ("-", "+") or not (self.at(1) == "" or self.at(1).isspace()):
            return False
        self.i += 1
        return True

    def either(self, field: str | None) -> Node:
        parts = [self.both(field)]
        while self.infix("OR"):
            parts.append(self.both(field))
        return any_of(parts)

    def both(self, field: str | None) -> Node:
        parts = [self.unary(field)]
        while self.infix("AND"):
            parts.append(self.unary(field))
        return all_of(parts)

    def infix(self, name: str) -> bool:
        """Step over the operator `name` if it comes next, making sure a term follows."""
        start = self.i
        self.skip_space()
        if self.operator() != name:
            self.i = start
            return False
        self.i += len(name)
        self.expect_term(f"'{name}'", self.i - len(name))
        return True

    def expect_term(self, after: str, at: int) -> None:
        """Fail unless a term starts after the operator `after` (at index `at`)."""
        self.skip_space()
        found = self.operator() if self.operator() != "NOT" else None
        found = found or (")" if self.at() == ")" else "")
        if self.i == len(self.s) or found:
            but = f", found '{found}'" if found else ""
            raise self.error(f"expected a search term after {after} @{but}", at)

    def unary(self, field: str | None) -> Node:
        """NOT, '-' and '+' before a term; '+' changes nothing (terms are required)."""
        negations = 0
        while True:
            self.skip_space()
            start, mark = self.i, self.at()
            if self.operator() == "NOT":
                self.i += 3
                self.expect_term("'NOT'", start)
            elif mark in ("+", "-"):
                self.i += 1
                if not self.at() or self.at().isspace() or self.at() == ")":
                    raise self.error(
                        f"'{mark}' @ must be followed by a search term without a space, "
                        f"e.g. {mark}Oslo",
                        start,
                    )
            else:
                break
            negations += mark != "+"
        node = self.primary(field)
        return Not(node) if negations % 2 else node  # a double negation cancels

    def primary(self, field: str | None) -> Node:
        start = self.i
        found = self.operator()
        if found:
            raise self.error(f"'{found}' @ needs a search term before it", start)
        named = _FIELD.match(self.s, self.i)
        if named:
            if named[1] not in FIELDS:
                raise self.error(
                    f"unknown field '{named[1]}' @; accepted: {_ACCEPTED_FIELDS}", start
                )
            field, self.i = FIELDS[named[1]], named.end()
            if self.at() in ("[", "{", "<", ">") and field not in ("date", "year"):
                raise self.error(
                    "a range or comparison @ is accepted only after date: or year:", self.i
                )
        if self.at() == "(":
            return self.group(field)
        if self.at() == '"':
            return self.quoted(field, start)
        if field in ("date", "year") and self.at() in ("[", "{"):
            return self.range(field)
        if field in ("date", "year") and self.at() in ("<", ">"):
            return self.comparison(field)
        return self.word(field, start)

    def group(self, field: str | None) -> Node:
        opener = self.i
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"brackets @ nest more than {MAX_DEPTH} deep; use fewer", opener)
        self.i += 1
        node = self.sequence(field, opener)
        self.depth -= 1
        return node

    # -- terms ------------------------------------------------------------------------
    def quoted(self, field: str | None, start: int) -> Node:
        opening = self.i
        closing = self.s.find('"', opening + 1)
        if closing < 0:
            raise self.error('unclosed quote @; end the phrase with "', opening)
        inner = self.s[opening + 1 : closing]
        self.i = closing + 1
        slop = 1
        if self.at() == "~":
            m = _SLOP.match(self.s, self.i)
            if not m or int(m[1]) < 1:
                raise self.error(
                    "expected a number of words, 1 or more, after '~' @, "
                    'e.g. "Lima munitions"~8',
                    self.i,
                )
            slop, self.i = int(m[1]), m.end()
        if not inner.strip():
            raise self.error("empty quotes @; put words inside", opening)
        if field in (None, *TEXT_FIELDS):
            return Phrase(field, tuple(inner.split()), slop)
        if slop != 1:
            raise self.error(f"'~' @ follows phrases of words, not {field}: values", closing + 1)
        text = inner.strip()
        return self.value(field, text, start, opening + 1 + inner.find(text), quoted=True)

    def word(self, field: str | None, start: int) -> Node:
        at, end = self.i, self.word_end(self.i)
        text, self.i = self.s[at:end], end
        if field in ("date", "year", "id", *VALUE_FIELDS):
            return self.value(field, text, start, at, quoted=False)
        if "~" in text:
            m = _FUZZY.fullmatch(text)
            if not m or "*" in text or "?" in text:
                raise self.error(
                    f"'{text}' @ is not a fuzzy term; accepted: word~ or word~2 "
                    "(a digit: the edits allowed)",
                    at,
                )
            distance = int(m["distance"]) if m["distance"] else 1
            return Fuzzy(field, m["text"], distance, int(m["prefix"] or 0))
        if "*" in text or "?" in text:
            return self.wildcard(field, text, at)
        return Term(field, text, span=(at, end))

    def wildcard(self, field: str | None, text: str, at: int) -> Node:
        if not text.strip("*?"):
            raise self.error(
                f"'{text}' @: a wildcard needs at least one letter, e.g. munition*", at
            )
        return Wildcard(field, text)

    def value(self, field: str, text: str, start: int, at: int, *, quoted: bool) -> Node:
        """A term of a field holding exact values, dates or years (`at`: where `text` is)."""
        if field == "date":
            return self.date(text, at)
        if field == "year":
            return Year(int(self.year(text, at)))
        shown = f"{field}:{text}"
        if not quoted and "~" in text:
            raise self.error(f"{shown} @: fuzzy terms (~) are for words, not {field}:", start)
        if not quoted and ("*" in text or "?" in text):
            if field not in ("collection", "id"):
                raise self.error(
                    f"{shown} @: wildcards are for words, id: and collection:, not {field}:",
                    start,
                )
            return self.wildcard(field, text, at)
        if field == "id":
            return Id(text)
        return Term(field, _code(field, text, start))

    # -- dates ------------------------------------------------------------------------
    def date(self, text: str, at: int) -> Node:
        if "/" in text:  # an interval, as the archive writes them: 1855/1856
            left, _, right = text.partition("/")
            node = DateRange(self.iso(left, at, text), self.iso(right, at, text))
        else:
            node = DateRange(self.iso(text, at), self.iso(text, at))
        return self.nonempty(node, at)

    def comparison(self, field: str) -> Node:
        at, sign = self.i, self.at()
        inclusive = self.at(1) == "="
        self.i += 1 + inclusive
        end = self.word_end(self.i)
        if end == self.i:
            what = "year" if field == "year" else "date"
            raise self.error(f"expected a {what} after '{self.s[at:end]}' @", at)
        bound = self.bound(field, self.s[self.i : end], self.i)
        self.i = end
        if sign == ">":
            return self.nonempty(DateRange(bound, None, start_inclusive=inclusive), at)
        return self.nonempty(DateRange(None, bound, end_inclusive=inclusive), at)

    def range(self, field: str) -> Node:
        opener, bracket = self.i, self.at()
        ends = [j for j in (self.s.find("]", opener), self.s.find("}", opener)) if j >= 0]
        if not ends:
            pair = "]" if bracket == "[" else "}"
            raise self.error(f"missing '{pair}' for '{bracket}' @", opener)
        closing = min(ends)
        inner = self.s[opener + 1 : closing]
        words = [(m.group(), opener + 1 + m.start()) for m in re.finditer(r"\S+", inner)]
        shape = ["TO" if w.upper() == "TO" else "x" for w, _ in words]
        if shape not in (["x", "TO", "x"], ["x", "TO"], ["TO", "x"]):
            raise self.error(
                f"the range @ reads [FROM TO UNTIL] (either end may be left out), "
                f"e.g. {field}:[2007 TO 2009-06]",
                opener,
            )
        lo = self.bound(field, *words[0]) if shape[0] == "x" else None
        hi = self.bound(field, *words[-1]) if shape[-1] == "x" else None
        self.i = closing + 1
        inclusive = (bracket == "[", self.s[closing] == "]")
        return self.nonempty(DateRange(lo, hi, *inclusive), opener)

    def bound(self, field: str, text: str, at: int) -> str:
        return self.year(text, at) if field == "year" else self.iso(text, at)

    def iso(self, text: str, at: int, shown: str | None = None) -> str:
        """A partial ISO date, checked against the calendar (2009-02-30 is refused)."""
        if _ISO.fullmatch(text):
            try:
                DateValue.parse(text)
                return text
            except RecordError:
                pass
        interval = " or an interval such as 1855/1856" if shown else ""
        raise self.error(
            f"'{shown or text}' @ is not a date; accepted: {_DATE_FORMS}{interval}", at
        )

    def year(self, text: str, at: int) -> str:
        if re.fullmatch(r"[0-9]{4}", text) and text != "0000":
            return text
        raise self.error(f"'{text}' @ is not a year; accepted: YYYY", at)

    def nonempty(self, node: DateRange, at: int) -> DateRange:
        first, last = node.first_day(), node.last_day()
        if first is not None and last is not None and first > last:
            raise self.error(f"{node} @ takes in no day; widen the range", at)
        return node


def _code(field: str, text: str, start: int) -> str:
    """A value field's value in the form the index holds: ISO codes, a known source."""
    shown = f"{field}:{text}"
    where = f"at character {start + 1}"
    if field in ("country", "recipient_country"):
        from ..ingest.metadata.countries import country_code  # the metadata package is heavy

        code = country_code(text)
        if not code:
            raise QueryError(
                f"{shown} {where} is not a country; accepted: an ISO 3166-1 code such as PK "
                "or a country name such as Pakistan",
                start + 1,
            )
        return code
    if field == "language":
        from ..ingest.metadata.language import language_code

        code = language_code(text)
        if not code:
            raise QueryError(
                f"{shown} {where} is not a language; accepted: an ISO 639-1 code such as "
                "en or a name such as English",
                start + 1,
            )
        return code
    if field == "source":
        if text.lower() not in TEXT_SOURCES:
            raise QueryError(
                f"{shown} {where} is unknown; accepted: {', '.join(TEXT_SOURCES)}", start + 1
            )
        return text.lower()
    return text
