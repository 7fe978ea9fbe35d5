"""What a search gives back, the same from every engine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..engines.base import Marks
from .request import SearchRequest
from .snippets import Snippet


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    excluded: bool = False  # in the request's exclusions (SearchRequest.exclude)


@dataclass
class Hit:
    id: str
    title: str
    date: str | None
    meta: dict[str, Any]  # the letter's stored metadata (indexer.search.meta.letter_meta)
    score: float | None  # relevance; None when sorted by date
    pages_with_hits: list[int]
    snippets: list[Snippet]


@dataclass
class Ordered:
    """Every letter a request matches, in its order (up to a limit): what exports stream."""

    total: int  # letters matching, the limit aside
    letters: list[tuple[str, float | None]]  # (id, relevance score or None), in order
    marks: Marks  # the words the query matched, for snippets
    match: str = "all"  # the mode that answered: "all" or "most" (search.natural)


@dataclass
class SearchResult:
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]  # facet name -> values, each without its own filter
    coverage: dict[str, int]  # text source -> matching letters
    did_you_mean: str | None = None
    # Image-only letters within the filters that a text query could not search.
    unsearched: int = 0
    # The mode that answered a question (search.natural): "all" its words, or "most";
    # in "most" mode, how many letters held every word (fewer than natural.MIN_ALL).
    match: str = "all"
    strict_total: int | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))
