"""Missive's query tree: what a search asks for, in Missive's own terms, for any engine.

`querylang.parse` builds these nodes from what a researcher types; an engine translates
them.  Every node prints as its canonical query string (`str(node)`), which parses back
to the same node: the form a citation or a permalink keeps.  docs/query-language.md
describes the language and this form.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from dataclasses import field as _field

from ..records import DateValue

# Fields searched as words (analysed by the engine); None in a node means "the letter's
# text and its title", the fields a bare word searches.
TEXT_FIELDS = ("title", "text", "sender", "recipient", "place")
# Fields holding one exact value per letter (or several, each exact).
VALUE_FIELDS = ("country", "recipient_country", "language", "source", "collection")

# A value that needs no quotes after `field:`: nothing that ends a word or marks a
# wildcard, fuzzy term, range or comparison.
_BARE_VALUE = re.compile(r'[^\s()"*?~\[{<>][^\s()"*?~]*')


class Node:
    """A query tree node; str() is its canonical query string."""

    __slots__ = ()


def _leaf(field: str | None, token: str) -> str:
    """A word-like token under its field.  A token that would read as a range or a
    comparison right after `field:` is put in brackets, where it reads as a word."""
    if field is None:
        return token
    if token[0] in "[{<>":
        return f"{field}:({token})"
    return f"{field}:{token}"


def _value(text: str) -> str:
    return text if _BARE_VALUE.fullmatch(text) else f'"{text}"'


@dataclass(frozen=True)
class Term(Node):
    """A word in a text field, or one exact value of a value field."""

    field: str | None
    text: str
    # Where the text stands in the query string read (start, end), for suggestions that
    # replace a word in place; not part of what the term means.
    span: tuple[int, int] | None = _field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        if self.field in VALUE_FIELDS:
            return f"{self.field}:{_value(self.text)}"
        return _leaf(self.field, self.text)


@dataclass(frozen=True)
class Phrase(Node):
    """Words in this order; `slop` > 1: within that many positions of each other."""

    field: str | None
    words: tuple[str, ...]
    slop: int = 1

    def __post_init__(self) -> None:
        if not self.words or self.slop < 1:
            raise ValueError(f"a phrase needs words and a slop of 1 or more: {self!r}")

    def __str__(self) -> str:
        quoted = '"' + " ".join(self.words) + '"' + (f"~{self.slop}" if self.slop > 1 else "")
        return quoted if self.field is None else f"{self.field}:{quoted}"


@dataclass(frozen=True)
class Wildcard(Node):
    """Word forms matching a pattern: `*` any letters, `?` one letter."""

    field: str | None
    pattern: str

    def __str__(self) -> str:
        return _leaf(self.field, self.pattern)


@dataclass(frozen=True)
class Fuzzy(Node):
    """Words within `distance` edits of `text` sharing its first `prefix` letters."""

    field: str | None
    text: str
    distance: int = 1
    prefix: int = 0

    def __str__(self) -> str:
        mark = "~" + (str(self.distance) if self.distance != 1 or self.prefix else "")
        return _leaf(self.field, self.text + mark + (f"/{self.prefix}" if self.prefix else ""))


def _day_after(day: dt.date) -> dt.date:
    return day if day == dt.date.max else day + dt.timedelta(days=1)  # the calendar's end


def _day_before(day: dt.date) -> dt.date:
    return day if day == dt.date.min else day - dt.timedelta(days=1)


@dataclass(frozen=True)
class DateRange(Node):
    """Letters whose date overlaps a range; each bound a partial ISO date (YYYY, YYYY-MM,
    YYYY-MM-DD) or None (open).  An inclusive bound takes in its whole year or month; an
    exclusive one leaves it out: `date:>2008` starts on 1 January 2009."""

    start: str | None
    end: str | None
    start_inclusive: bool = True
    end_inclusive: bool = True

    def __post_init__(self) -> None:
        if self.start is None and self.end is None:
            raise ValueError("a date range needs at least one bound")
        # An open end has nothing to include or leave out: one tree per range.
        if self.start is None:
            object.__setattr__(self, "start_inclusive", True)
        if self.end is None:
            object.__setattr__(self, "end_inclusive", True)

    def first_day(self) -> dt.date | None:
        """The first day the range takes in (None: no lower bound)."""
        if self.start is None:
            return None
        span = DateValue.parse(self.start)
        return span.start if self.start_inclusive else _day_after(span.end)

    def last_day(self) -> dt.date | None:
        """The last day the range takes in (None: no upper bound)."""
        if self.end is None:
            return None
        span = DateValue.parse(self.end)
        return span.end if self.end_inclusive else _day_before(span.start)

    def __str__(self) -> str:
        lo, hi = self.start, self.end
        if lo == hi and self.start_inclusive and self.end_inclusive:
            return f"date:{lo}"
        if hi is None:
            return f"date:>{'=' if self.start_inclusive else ''}{lo}"
        if lo is None:
            return f"date:<{'=' if self.end_inclusive else ''}{hi}"
        opening = "[" if self.start_inclusive else "{"
        closing = "]" if self.end_inclusive else "}"
        return f"date:{opening}{lo} TO {hi}{closing}"


@dataclass(frozen=True)
class Year(Node):
    """Letters dated in that year (an interval such as 1855/1856 is in each of its years)."""

    year: int

    def __str__(self) -> str:
        return f"year:{self.year:04d}"


@dataclass(frozen=True)
class Id(Node):
    """One letter, by its id."""

    value: str

    def __str__(self) -> str:
        return f"id:{_value(self.value)}"


def _flat(kind: type, parts: tuple[Node, ...]) -> tuple[Node, ...]:
    out: list[Node] = []
    for part in parts:
        out.extend(part.parts if isinstance(part, kind) else (part,))  # type: ignore[attr-defined]
    return tuple(out)


def _child(node: Node) -> str:
    return f"({node})" if isinstance(node, And | Or | Most) else str(node)


@dataclass(frozen=True)
class And(Node):
    """Every part matches.  Nested And nodes are merged into one."""

    parts: tuple[Node, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "parts", _flat(And, tuple(self.parts)))
        if len(self.parts) < 2:
            raise ValueError("And needs two parts or more; use the part itself")

    def __str__(self) -> str:
        return " ".join(_child(p) for p in self.parts)


@dataclass(frozen=True)
class Or(Node):
    """At least one part matches.  Nested Or nodes are merged into one."""

    parts: tuple[Node, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "parts", _flat(Or, tuple(self.parts)))
        if len(self.parts) < 2:
            raise ValueError("Or needs two parts or more; use the part itself")

    def __str__(self) -> str:
        return " OR ".join(_child(p) for p in self.parts)


@dataclass(frozen=True)
class Most(Node):
    """Most of these words: a natural question's words (`indexer.search.natural`), never
    made by the parser.  A letter matches when it holds at least `natural.needed(n)` of
    the n parts that are not stop words of its language (`natural.stop_words`); the stop
    words count for ranking only.  Prints as its parts OR-ed, the nearest query a
    citation can keep (`match=most` keeps the mode)."""

    parts: tuple[Node, ...]

    def __post_init__(self) -> None:
        if len(self.parts) < 2:
            raise ValueError("Most needs two parts or more; use the part itself")

    def __str__(self) -> str:
        return " OR ".join(_child(p) for p in self.parts)


@dataclass(frozen=True)
class Not(Node):
    """The part does not match."""

    part: Node

    def __post_init__(self) -> None:
        if isinstance(self.part, Not):
            raise ValueError("a double negation cancels; use the inner part itself")

    def __str__(self) -> str:
        return f"NOT {_child(self.part)}"


@dataclass(frozen=True)
class Everything(Node):
    """The empty query: every letter."""

    def __str__(self) -> str:
        return ""


def all_of(parts: list[Node]) -> Node:
    """And over the parts, or the one part alone."""
    return parts[0] if len(parts) == 1 else And(tuple(parts))


def any_of(parts: list[Node]) -> Node:
    """Or over the parts, or the one part alone."""
    return parts[0] if len(parts) == 1 else Or(tuple(parts))


def to_query_string(node: Node) -> str:
    """The canonical query string of a tree; `querylang.parse` reads it back to the tree."""
    return str(node)
