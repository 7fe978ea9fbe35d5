"""The local SolrCloud for tests marked `solr`: one cluster per session, started on free
loopback ports in a temporary folder and stopped by PID at the end (solr/cluster.py).

Registered as a plugin in tests/conftest.py, so any test may ask for `solr_cluster`.
Without Java or Maven the tests that need it are skipped, except under CI, where
`make test` has installed both (scripts/system-deps.sh) and their absence is a failure.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from solr import cluster as solrcloud

NODES = 2


def need_java_and_maven() -> None:
    """Skip (fail under CI) when Java or Maven is missing."""
    missing = [tool for tool in ("java", "mvn") if not shutil.which(tool)]
    if missing:
        message = f"{', '.join(missing)} not found: the Solr tests need Java 17 and Maven"
        if os.environ.get("CI"):
            pytest.fail(message + " (make system-deps installs them)")
        pytest.skip(message)


@pytest.fixture(scope="session")
def solr_cluster():
    """A running SolrCloud: ZooKeeper and NODES Solr nodes, each its own process."""
    need_java_and_maven()
    *ports, zk_port = solrcloud.free_ports(NODES + 1)
    # Not under pytest's basetemp: another pytest run on the machine may prune those
    # folders while this cluster still writes in it. MISSIVE_SOLR_TEST_DIR keeps the data
    # and logs for a look afterwards.
    kept = os.environ.get("MISSIVE_SOLR_TEST_DIR")
    run_dir = Path(kept) if kept else Path(tempfile.mkdtemp(prefix="missive-solrcloud-"))
    cluster = solrcloud.start(run_dir, ports=ports, zk_port=zk_port)
    try:
        yield cluster
    finally:
        solrcloud.stop(cluster)
        if not kept:
            shutil.rmtree(run_dir, ignore_errors=True)



class SolrIndexes:
    """Where the conformance suite's Solr indexes live, and the collections behind them.

    On Solr an index folder names a collection alias (`alias_for`: a hash of its path), in
    the test's process and in the processes it starts. A collection of the alias that
    serves nothing is what a rebuild fills first (`Collections.spare`: emptied, every
    document deleted, no word left), so a collection made here beforehand gives the index
    its shape: the suite's shared index 2 shards × 2 replicas; a test's small index 1 × 1,
    in a folder used test after test (`small`), so its collection is emptied and filled
    again rather than created for each test (seconds of cluster work on a small machine).
    """

    SHARED = (2, 2)
    SMALL = (1, 1)

    def __init__(self, root: Path):
        self.root = root

    def shared(self, folder: Path) -> None:
        """Make `folder`'s first build fill a SHARED collection."""
        self._spare(folder, self.SHARED)

    def small(self, n: int) -> Path:
        """Slot `n`'s index folder: empty, its alias removed (no index, as in a new folder),
        a SMALL collection waiting for its first build."""
        folder = self.root / f"slot-{n}" / "index"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self._spare(folder, self.SMALL)
        return folder

    @staticmethod
    def _spare(folder: Path, shape: tuple[int, int]) -> None:
        from indexer.engines import EngineConfig, open_engine

        engine = open_engine(EngineConfig(folder, name="solr"))
        try:
            collections = engine.collections
            collections.drop_alias()
            if not collections.names():
                collections.create(*shape)
        finally:
            engine.close()


@pytest.fixture(scope="session")
def solr_indexes(tmp_path_factory) -> SolrIndexes:
    """The conformance suite's Solr indexes (SolrIndexes)."""
    return SolrIndexes(tmp_path_factory.mktemp("solr-indexes"))
