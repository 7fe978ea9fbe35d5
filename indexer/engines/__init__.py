"""Search engines behind one protocol (`base.Engine`), chosen by configuration.

`open_engine` opens the engine named by `EngineConfig.name`, else by the environment
variable MISSIVE_ENGINE, else the default engine. An engine is a package
`indexer/engines/<name>/` whose `open(config)` returns an `Engine`; the default one says
`DEFAULT = True` in its `__init__.py`. An engine is imported only when it is used.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .base import (
    WRITE_TIMEOUT,
    Engine,
    Failure,
    Features,
    IndexBusy,
    IndexMissing,
    Marks,
    Skips,
    UnknownEngine,
    Writer,
)

# The engines Missive has, by MISSIVE_ENGINE name: the packages in this folder.
ENGINES = tuple(sorted(m.name for m in pkgutil.iter_modules(__path__) if m.ispkg))
# Distinct words all the wildcard and fuzzy terms of one query may stand for together, the
# same on every machine (the measurements behind it are in the default engine's query.py).
EXPANSION_BUDGET = 1000


@dataclass(frozen=True)
class EngineConfig:
    """How to open an engine."""

    index: Path  # where the engine keeps its index (or, for a remote one, its local state)
    name: str | None = None  # None: $MISSIVE_ENGINE, else the default engine
    deadline: float | None = None  # seconds one search may run (None: no limit)
    budget: int | None = EXPANSION_BUDGET  # words a query's wildcards may stand for (None: any)
    # A remote engine's servers and collection (None: its own environment variables).
    url: str | None = None
    collection: str | None = None


@cache
def default_engine() -> str:
    """The engine whose package declares `DEFAULT = True`."""
    for candidate in ENGINES:
        if getattr(importlib.import_module(f"{__name__}.{candidate}"), "DEFAULT", False):
            return candidate
    raise UnknownEngine(f"no engine in {__path__[0]} declares DEFAULT = True")


def engine_name(name: str | None = None) -> str:
    """The engine to use: `name`, else $MISSIVE_ENGINE, else the default; UnknownEngine if
    it names none."""
    chosen = (name or os.environ.get("MISSIVE_ENGINE") or default_engine()).strip().lower()
    if chosen not in ENGINES:
        source = "engine" if name else "MISSIVE_ENGINE"
        raise UnknownEngine(
            f"{source}={chosen!r} is not an engine Missive has; accepted: {', '.join(ENGINES)}"
        )
    return chosen


def open_engine(config: EngineConfig | Path | str) -> Engine:
    """Open the configured engine over `config.index` (a path alone: default options)."""
    if not isinstance(config, EngineConfig):
        config = EngineConfig(Path(config))
    module = importlib.import_module(f"{__name__}.{engine_name(config.name)}")
    return module.open(config)


__all__ = [
    "ENGINES",
    "EXPANSION_BUDGET",
    "WRITE_TIMEOUT",
    "Engine",
    "EngineConfig",
    "Failure",
    "Features",
    "IndexBusy",
    "IndexMissing",
    "Marks",
    "Skips",
    "UnknownEngine",
    "Writer",
    "default_engine",
    "engine_name",
    "open_engine",
]
