"""Search engines behind one protocol (`base.Engine`), chosen by configuration.

`open_engine` opens the engine named by `EngineConfig.name`, else by the environment
variable MISSIVE_ENGINE, else `whoosh`. An engine is a package `indexer/engines/<name>/`
whose `open(config)` returns an `Engine`; it is imported only when chosen.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
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

ENGINES = ("whoosh",)  # the engines Missive has, by MISSIVE_ENGINE name
DEFAULT = "whoosh"
# Distinct words all the wildcard and fuzzy terms of one query may stand for together
# (see indexer.engines.whoosh.query for the measurements behind it).
EXPANSION_BUDGET = 1000


@dataclass(frozen=True)
class EngineConfig:
    """How to open an engine."""

    index: Path  # where the engine keeps its index (or, for a remote one, its local state)
    name: str | None = None  # None: $MISSIVE_ENGINE, else DEFAULT
    deadline: float | None = None  # seconds one search may run (None: no limit)
    budget: int | None = EXPANSION_BUDGET  # words a query's wildcards may stand for (None: any)


def engine_name(name: str | None = None) -> str:
    """The engine to use: `name`, else $MISSIVE_ENGINE, else DEFAULT; UnknownEngine if none."""
    chosen = (name or os.environ.get("MISSIVE_ENGINE") or DEFAULT).strip().lower()
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
    "DEFAULT",
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
    "engine_name",
    "open_engine",
]
