"""`python -m indexer solr-setup`: the collection Missive's alias serves, made once.

It uploads the configset (configset/, as `missive-<SCHEMA_VERSION>`) and creates an empty
collection with the shards and replicas asked for, behind the alias MISSIVE_SOLR_COLLECTION;
`build` then fills a new collection of the same shape and moves the alias to it. Run again,
it changes nothing (and says so); a collection made from an older configset is left serving
until `build` makes it again.
"""

from __future__ import annotations

import sys

import click

from ...errors import MissiveError
from .collections import CONFIGSET


def setup(engine, *, shards: int, replicas: int) -> str:
    """Make the collection unless it is there; what was done, in one line."""
    from .engine import SolrEngine

    if not isinstance(engine, SolrEngine):
        raise MissiveError(
            f"solr-setup sets up the Solr engine, and the engine is {engine.features.name}; "
            "accepted: MISSIVE_ENGINE=solr with MISSIVE_SOLR_URL"
        )
    collections = engine.collections
    current = collections.current()
    if current is not None:
        made = collections.shape(current)
        problem = collections.problem()
        state = f"; {problem}" if problem else ""
        return (f"collection {collections.alias} is there ({current}: {made[0]} shards × "
                f"{made[1]} replicas){state}; nothing changed")
    name = collections.create(shards, replicas)
    collections.serve(name)
    return (f"collection {collections.alias} created ({name}: {shards} shards × {replicas} "
            f"replicas, configset {CONFIGSET}); fill it with `python -m indexer build`")


@click.command("solr-setup")
@click.option("--shards", type=click.IntRange(1), default=2, show_default=True)
@click.option("--replicas", type=click.IntRange(1), default=2, show_default=True,
              help="Copies of each shard, on different nodes.")
@click.pass_obj
def solr_setup(ctx, shards: int, replicas: int) -> None:
    """Upload the configset and create the Solr collection (MISSIVE_ENGINE=solr), once."""
    try:
        click.echo(setup(ctx.engine, shards=shards, replicas=replicas))
    except MissiveError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
