"""Search in Missive's own terms, the same for every engine: the request (`request`), the
facets (`facets`, one class each), the results (`results`) and their JSON (`serialize`),
snippets (`snippets`), the stored metadata of a letter (`meta`), the time limit
(`deadline`) and the errors (`errors`). An engine (indexer.engines) runs a SearchRequest
and gives back a SearchResult."""

from .deadline import SearchTimeout
from .errors import QueryError, QueryTooBroad
from .facets import FACET_BY_PARAM, FACETS, Facet
from .request import PER_PAGE_MAX, SORTS, SearchRequest
from .results import FacetValue, Hit, Ordered, SearchResult

__all__ = [
    "FACETS",
    "FACET_BY_PARAM",
    "PER_PAGE_MAX",
    "SORTS",
    "Facet",
    "FacetValue",
    "Hit",
    "Ordered",
    "QueryError",
    "QueryTooBroad",
    "SearchRequest",
    "SearchResult",
    "SearchTimeout",
]
