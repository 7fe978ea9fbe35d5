"""The Solr engine: Missive's letters in a collection of a SolrCloud.

- `configset/`: the schema and collection settings Solr is given; `collections`: the
  alias, the collections behind it, SCHEMA_VERSION; `setup`: `python -m indexer
  solr-setup`.
- `client`: Solr's JSON API over HTTP, across nodes, with retries; `documents`: a Letter
  as a Solr document; `analysis`: words as the configset reads them.
- `translate`: the query tree as an escaped query string; `expansion`: the syntax's
  escaping, wildcard, fuzzy and OCR terms expanded within the budget; `searching`: the
  read side; `spelling`: did-you-mean; `marks`: which words of a text a query matched;
  `engine`: the Engine protocol over all of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import EngineConfig

if TYPE_CHECKING:
    from .engine import SolrEngine


def open(config: EngineConfig) -> SolrEngine:  # noqa: A001 - the engines' entry point
    """Open the Solr engine ($MISSIVE_SOLR_URL, $MISSIVE_SOLR_COLLECTION); nothing is asked
    of Solr until it is used. (Imported here: `solr-setup` loads this package alone.)"""
    from .engine import SolrEngine

    return SolrEngine(config)


__all__ = ["open"]
