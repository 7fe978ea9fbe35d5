"""Missive's collections on a SolrCloud: one alias (the name Missive is configured with)
pointing at the collection that serves, so a rebuild fills a new collection while the old
one serves and then moves the alias in one step.

Collections are named `<alias>_v<SCHEMA_VERSION>_<milliseconds>` and made from the
configset `missive-<SCHEMA_VERSION>` (configset/ in this folder, uploaded to ZooKeeper):
a collection made from another version is read as damaged and rebuilt by `build`.
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

    def status(self, name: str) -> dict:
        """CLUSTERSTATUS of one collection ({} when it does not exist)."""
        try:
            found = self._admin({"action": "CLUSTERSTATUS", "collection": name}, write=False)
        except (SolrError, IndexMissing):
            return {}
        return (found.get("cluster", {}).get("collections") or {}).get(name, {})

    def shape(self, name: str) -> tuple[int, int]:
        """(shards, replicas per shard) of a collection."""
        shards = self.status(name).get("shards") or {}
        if not shards:
            return DEFAULT_SHARDS, DEFAULT_REPLICAS
        replicas = max(len(s.get("replicas") or {}) for s in shards.values())
        return len(shards), max(1, replicas)

    def names(self) -> list[str]:
        """Every collection made for this alias (served or left by a rebuild)."""
        listed = self._admin({"action": "LIST"}, write=False).get("collections") or []
        return sorted(c for c in listed if c.startswith(f"{self.alias}_v"))

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
