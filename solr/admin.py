"""Collections on the local SolrCloud, through Solr's Configsets and Collections APIs over
HTTP (urllib: no client library for a handful of admin calls).

    python -m solr.admin create NAME [--shards 2] [--replicas 2] [--url URL]

uploads Missive's configset (indexer/engines/solr/configset) and creates the collection.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.parse
from pathlib import Path

from indexer.engines.solr.collections import CONFIGSET_DIR, configset_zip

from .cluster import DEFAULT_PORT, ClusterError, as_command, request_json

# The configset kept with the Solr engine, zipped the way the engine uploads it.
CONFIGSET = CONFIGSET_DIR


def call(
    url: str, path: str, params: dict | None = None, body: bytes | None = None,
    content_type: str = "application/json", timeout: float = 120.0,
) -> dict:
    """`path` with `params` on the node at `url` (cluster.request_json)."""
    query = urllib.parse.urlencode({**(params or {}), "wt": "json"}, doseq=True)
    return request_json(f"{url}{path}?{query}", body, content_type, timeout)


def upload_configset(url: str, name: str, folder: Path = CONFIGSET) -> None:
    """Upload (or replace) configset `name` in ZooKeeper."""
    call(
        url,
        "/admin/configs",
        {"action": "UPLOAD", "name": name, "overwrite": "true", "cleanup": "true"},
        body=configset_zip(folder),
        content_type="application/octet-stream",
    )


def collections(url: str) -> list[str]:
    return call(url, "/admin/collections", {"action": "LIST"}).get("collections", [])


def create_collection(url: str, name: str, shards: int = 2, replicas: int = 2,
                      configset: str | None = None) -> None:
    """Upload the configset and create collection `name` with `shards` × `replicas` cores,
    spread over the live nodes; returns when every replica is active."""
    configset = configset or name
    upload_configset(url, configset)
    call(
        url,
        "/admin/collections",
        {
            "action": "CREATE",
            "name": name,
            "collection.configName": configset,
            "numShards": shards,
            "replicationFactor": replicas,
            "waitForFinalState": "true",
        },
    )
    wait_active(url, name)


def delete_collection(url: str, name: str) -> None:
    if name in collections(url):
        call(url, "/admin/collections", {"action": "DELETE", "name": name})


def replica_states(url: str, name: str) -> dict[str, list[str]]:
    """Each shard's replica states as ZooKeeper holds them, counting a replica on a node
    that is not live as "down" (ZooKeeper may still say "active" just after a crash)."""
    status = call(url, "/admin/collections", {"action": "CLUSTERSTATUS", "collection": name})
    live = set(status["cluster"].get("live_nodes", []))
    shards = status["cluster"]["collections"][name]["shards"]
    return {
        shard: [
            r["state"] if r["node_name"] in live else "down"
            for r in info["replicas"].values()
        ]
        for shard, info in shards.items()
    }


def wait_active(url: str, name: str, timeout: float = 120.0) -> dict[str, list[str]]:
    """Wait until every replica of collection `name` is active on a live node."""
    deadline = time.monotonic() + timeout
    states: dict[str, list[str]] = {}
    while time.monotonic() < deadline:
        states = replica_states(url, name)
        if states and all(s == "active" for shard in states.values() for s in shard):
            return states
        time.sleep(0.5)
    raise ClusterError(f"collection {name}: replicas {states} not all active after {timeout:.0f} s")


def add_documents(url: str, name: str, docs: list[dict], commit: bool = True) -> None:
    """Index `docs` in collection `name` (a hard commit when `commit`)."""
    params = {"commit": "true"} if commit else {}
    call(url, f"/{name}/update", params, body=json.dumps(docs).encode("utf-8"))


def select(url: str, name: str, **params) -> dict:
    """A /select on collection `name`; Solr's JSON answer."""
    return call(url, f"/{name}/select", params)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m solr.admin", description=__doc__)
    parser.add_argument("command", choices=["create", "delete", "list"])
    parser.add_argument("name", nargs="?", default="missive")
    parser.add_argument("--url", default=f"http://127.0.0.1:{DEFAULT_PORT}/solr")
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--replicas", type=int, default=2)
    args = parser.parse_args(argv)
    if args.command == "create":
        create_collection(args.url, args.name, args.shards, args.replicas)
        print(f"collection {args.name}: {args.shards} shards × {args.replicas} replicas")
    elif args.command == "delete":
        delete_collection(args.url, args.name)
    else:
        print("\n".join(collections(args.url)))
    return 0


if __name__ == "__main__":
    sys.exit(as_command(main))
