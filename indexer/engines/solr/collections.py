"""Missive's collections on a SolrCloud: one alias (the name Missive is configured with)
pointing at the collection that serves, so a rebuild fills a new collection while the old
one serves and then moves the alias in one step.

Collections are named `<alias>_v<SCHEMA_VERSION>_<milliseconds>` and made from the
configset `missive-<SCHEMA_VERSION>` (configset/ in this folder, uploaded to ZooKeeper):
a collection made from another version is read as damaged and rebuilt by `build`.
A rebuild fills a collection of the alias that serves nothing (one an interrupted rebuild
left), emptied first, before it makes a new one: creating a collection costs seconds of
cluster work, emptying one a commit.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

from ..base import IndexMissing
from .client import SolrClient, SolrError

CONFIGSET_DIR = Path(__file__).resolve().parent / "configset"
# The configset's version: bump with every change to configset/ (schema.xml's name says it).
SCHEMA_VERSION = 2
CONFIGSET = f"missive-{SCHEMA_VERSION}"
DEFAULT_SHARDS = 2  # a collection a build makes before solr-setup chose its shape
DEFAULT_REPLICAS = 1
VALID_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def configset_zip(folder: Path = CONFIGSET_DIR) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())
    return buf.getvalue()


class Collections:
    """The alias `alias` and the collections behind it."""

    def __init__(self, client: SolrClient, alias: str):
        if not VALID_NAME.fullmatch(alias):
            raise IndexMissing(
                f"MISSIVE_SOLR_COLLECTION={alias!r} is not a collection name; accepted: "
                "letters, digits, '.', '_' and '-', starting with a letter or digit"
            )
        self.client = client
        self.alias = alias

    def _admin(self, params: dict, *, write: bool = True) -> dict:
        return self.client.request("/admin/collections", params, write=write)

    def upload_configset(self) -> None:
        """Upload configset/ as CONFIGSET (replacing an upload of the same version)."""
        self.client.request(
            "/admin/configs",
            {"action": "UPLOAD", "name": CONFIGSET, "overwrite": "true", "cleanup": "true"},
            raw=configset_zip(),
            content_type="application/octet-stream",
            write=True,
        )

    def current(self) -> str | None:
        """The collection the alias points at, or None when there is no alias yet."""
        aliases = self._admin({"action": "LISTALIASES"}, write=False).get("aliases") or {}
        target = aliases.get(self.alias)
        return target.split(",")[0] if target else None

    def _cluster(self, name: str) -> dict:
        """CLUSTERSTATUS of one collection: {"collections": {name: ...}, "live_nodes": [...]}
        ({} when it does not exist)."""
        try:
            found = self._admin({"action": "CLUSTERSTATUS", "collection": name}, write=False)
        except (SolrError, IndexMissing):
            return {}
        return found.get("cluster") or {}

    def status(self, name: str) -> dict:
        """CLUSTERSTATUS of one collection ({} when it does not exist)."""
        return (self._cluster(name).get("collections") or {}).get(name, {})

    def shape(self, name: str) -> tuple[int, int]:
        """(shards, replicas per shard) of a collection."""
        return _shape(self.status(name))

    def spare(self, shape: tuple[int, int] | None, serving: str | None) -> str | None:
        """A collection of this alias other than `serving`, made from CONFIGSET, of `shape`
        (any when None) and with every replica active on a live node, emptied (every
        document deleted and committed, so no word of it is left); None when there is
        none. For a rebuild, under the write lock."""
        for name in self.names():
            if name == serving:
                continue
            cluster = self._cluster(name)
            status = (cluster.get("collections") or {}).get(name, {})
            live = set(cluster.get("live_nodes") or [])
            replicas = [r for s in (status.get("shards") or {}).values()
                        for r in (s.get("replicas") or {}).values()]
            if (status.get("configName") != CONFIGSET or not replicas
                    or (shape is not None and _shape(status) != shape)
                    or any(r.get("state") != "active" or r.get("node_name") not in live
                           for r in replicas)):
                continue
            # Solr deletes a whole index for `*:*` (IndexWriter.deleteAll), not letter
            # by letter: the emptied collection holds no word of its old letters.
            self.client.request(f"/{name}/update", {"commit": "true"},
                                {"delete": {"query": "*:*"}}, write=True)
            return name
        return None

    def names(self) -> list[str]:
        """Every collection made for this alias (served or left by a rebuild)."""
        listed = self._admin({"action": "LIST"}, write=False).get("collections") or []
        return sorted(c for c in listed if c.startswith(f"{self.alias}_v"))

    def fresh(self, shape: tuple[int, int] | None, serving: str | None) -> str:
        """An empty collection for a rebuild, not served yet: a spare() one, else a new one
        of `shape` (the default shape when None); its name."""
        return self.spare(shape, serving) or self.create(
            *(shape or (DEFAULT_SHARDS, DEFAULT_REPLICAS))
        )

    def create(self, shards: int, replicas: int) -> str:
        """A new, empty collection for this alias (not served yet); its name."""
        self.upload_configset()
        name = f"{self.alias}_v{SCHEMA_VERSION}_{int(time.time() * 1000)}"
        self._admin({
            "action": "CREATE",
            "name": name,
            "collection.configName": CONFIGSET,
            "numShards": shards,
            "replicationFactor": replicas,
            "waitForFinalState": "true",
        })
        return name

    def serve(self, name: str) -> None:
        """Point the alias at `name` (one step for every node)."""
        self._admin({"action": "CREATEALIAS", "name": self.alias, "collections": name})

    def delete(self, name: str) -> None:
        self._admin({"action": "DELETE", "name": name})

    def drop_alias(self) -> None:
        """Remove the alias itself (a scratch index's, once its collections are gone)."""
        if self.current() is not None:
            self._admin({"action": "DELETEALIAS", "name": self.alias})

    def problem(self) -> str | None:
        """Why the served collection cannot be read, or None (also when there is none)."""
        name = self.current()
        if name is None:
            return None
        status = self.status(name)
        if not status:
            return f"the alias {self.alias} points at {name}, which does not exist; run build"
        made_with = status.get("configName", "")
        if made_with != CONFIGSET:
            return (f"collection {name} was made with configset {made_with or '?'}; this "
                    f"Missive reads {CONFIGSET}: run build to make it again")
        return None


def _shape(status: dict) -> tuple[int, int]:
    """(shards, replicas per shard) of a collection's CLUSTERSTATUS (the default shape for
    one that does not exist)."""
    shards = status.get("shards") or {}
    if not shards:
        return DEFAULT_SHARDS, DEFAULT_REPLICAS
    replicas = max(len(s.get("replicas") or {}) for s in shards.values())
    return len(shards), max(1, replicas)
