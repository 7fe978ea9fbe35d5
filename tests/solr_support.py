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
