"""The Whoosh engine: everything Missive knows of Whoosh is in this package.

- `schema`: the fields and analyzers, `SCHEMA_VERSION`; `analysis`: words as the index sees
  them (folded, stemmed, word pairs and triples), fast; `languages`: a stemmer and stop
  words per language; `documents`: a Letter as a document.
- `store`: generations on disk, CURRENT, the writer, skip records.
- `query`: the search syntax as a Whoosh query, wildcard and fuzzy expansion, guarded.
- `searcher`: the read side (one searcher per process, refreshed); `arrays`: what every
  search reads of a searcher, once; `matching`: sets, scores and order; `spelling`:
  did-you-mean; `marks`: which words of a text a query matched.
- `engine`: the Engine protocol over all of it.
"""

from __future__ import annotations

from .. import EngineConfig
from .engine import FEATURES, WhooshEngine, WhooshWriter

DEFAULT = True  # the engine used when MISSIVE_ENGINE is not set


def open(config: EngineConfig) -> WhooshEngine:  # noqa: A001 - the engines' entry point
    """Open the Whoosh engine over `config.index` (nothing is read until it is used)."""
    return WhooshEngine(config)


__all__ = ["DEFAULT", "FEATURES", "WhooshEngine", "WhooshWriter", "open"]
