"""Faults on the local SolrCloud, through Missive itself.

An update of many letters into a 2 shards × 2 replicas collection, with the Solr node that
leads a shard killed (kill -9) half way through the update's writes: the update finishes,
every letter it reports indexed is there while the node is down and on every replica once
the node is back, and `python -m indexer check` passes. While that node is down, a
collection whose shards lived only on it answers the web app with a 503 and a message,
and the command line with one line; so does a Solr no node of which can be reached.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest

from indexer import indexing
from indexer.archive import Archive
from indexer.engines import EngineConfig, open_engine
from indexer.engines.solr.collections import CONFIGSET
from indexer.engines.solr.engine import BUFFERED
from indexer.engines.solr.setup import setup
from indexer.ingest.reader import Reader
from solr import admin
from solr import cluster as solrcloud
from tests.conftest import REPO, LiveServer, write_letter

pytestmark = [pytest.mark.solr, pytest.mark.slow]

ALIAS = "faults"  # 2 shards × 2 replicas, the update's
ONE_COPY = "faults-one-copy"  # 2 shards × 1 replica, both on the killed node
# More letters than the writer keeps before it sends (BUFFERED), so the update's first
# batches are acknowledged before the kill and its last ones are sent after it.
LETTERS = BUFFERED + 100
KILL_AFTER = BUFFERED + 40  # letters read when the node is killed (reads run 16 ahead)
TIMEOUT = 300.0  # seconds for the cluster to settle (2 shared cores)


def _letter_id(n: int) -> str:
    return f"letter-{n:04d}"


def _env(cluster, root: Path, alias: str) -> dict[str, str]:
    return {
        **os.environ,
        "MISSIVE_ENGINE": "solr",
        "MISSIVE_SOLR_URL": ",".join(cluster.urls),
        "MISSIVE_SOLR_COLLECTION": alias,
        "MISSIVE_ARCHIVE": str(root / "archive"),
        "MISSIVE_INDEX": str(root / "index"),
    }


def _engine(cluster, root: Path, alias: str):
    return open_engine(EngineConfig(root / "index", name="solr", url=",".join(cluster.urls),
                                    collection=alias))


def _cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "indexer", "--no-ocr", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )


def _served(url: str, alias: str) -> str:
    aliases = admin.call(url, "/admin/collections", {"action": "LISTALIASES"})["aliases"]
    return aliases[alias]


def _leader_node(cluster, collection: str) -> int:
    """The index in `cluster.nodes` of a node that leads a shard of `collection`."""
    status = admin.call(cluster.urls[0], "/admin/collections",
                        {"action": "CLUSTERSTATUS", "collection": collection})
    shards = status["cluster"]["collections"][collection]["shards"]
    leaders = {r["node_name"] for s in shards.values() for r in s["replicas"].values()
               if r.get("leader") == "true"}
    return next(i for i, n in enumerate(cluster.nodes) if n.name in leaders)


def replica_ids(cluster, collection: str) -> dict[str, list[set[str]]]:
    """The letters each replica of each shard holds, asked of that replica alone."""
    url = next(n.url for n in cluster.nodes if n.pid)
    status = admin.call(url, "/admin/collections",
                        {"action": "CLUSTERSTATUS", "collection": collection})
    shards = status["cluster"]["collections"][collection]["shards"]
    out: dict[str, list[set[str]]] = {}
    for shard, info in shards.items():
        out[shard] = []
        for replica in info["replicas"].values():
            found = admin.call(replica["base_url"], f"/{replica['core']}/select",
                               {"q": "status:published", "fl": "id", "rows": 100_000,
                                "distrib": "false"})
            out[shard].append({d["id"] for d in found["response"]["docs"]})
    return out


def _wait_for(condition, what: str, timeout: float = TIMEOUT):
    """Poll `condition` until it returns something true; its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not so after {timeout:.0f} s")
        time.sleep(0.5)


@pytest.fixture(scope="module")
def outage(solr_cluster, tmp_path_factory) -> Iterator[SimpleNamespace]:
    """The update with a node killed half way; the node stays down until the module ends
    (or `recovered` starts it again)."""
    cluster = solr_cluster
    root = tmp_path_factory.mktemp("solr-faults")
    env = _env(cluster, root, ALIAS)
    for n in range(LETTERS):
        write_letter(root / "archive", _letter_id(n),
                     [f"Letter {n} of the harbour master, about lamp oil."], {"date": "1901"})
    engine = _engine(cluster, root, ALIAS)
    assert "created" in setup(engine, shards=2, replicas=2)  # as `solr-setup` does
    collection = _served(cluster.urls[0], ALIAS)

    # The other collection: two shards, one replica each, both on the node to be killed.
    victim = _leader_node(cluster, collection)
    one_copy = f"{ONE_COPY}_v_test"
    admin.upload_configset(cluster.urls[0], CONFIGSET)
    admin.call(cluster.urls[0], "/admin/collections", {
        "action": "CREATE", "name": one_copy, "collection.configName": CONFIGSET,
        "numShards": 2, "replicationFactor": 1, "waitForFinalState": "true",
        "createNodeSet": cluster.nodes[victim].name,
    })
    admin.call(cluster.urls[0], "/admin/collections",
               {"action": "CREATEALIAS", "name": ONE_COPY, "collections": one_copy})
    one_root = root / "one-copy"
    write_letter(one_root / "archive", "1968-treaty", ["The Non-Proliferation Treaty."], None)
    one_archive = Archive(one_root / "archive")
    one_engine = _engine(cluster, one_root, ONE_COPY)
    filled = indexing.update(one_archive, one_engine, Reader(one_archive, use_ocr=False))
    assert filled.indexed == ["1968-treaty"]  # into the collection served, not a new one
    one_engine.close()

    archive = Archive(root / "archive")
    read: list[str] = []
    killed: list[int] = []

    def on_letter(letter_id: str) -> None:
        read.append(letter_id)
        if len(read) == KILL_AFTER:
            killed.append(solrcloud.kill_node(cluster, victim))

    try:
        report = indexing.update(archive, engine, Reader(archive, use_ocr=False),
                                 on_letter=on_letter)
        yield SimpleNamespace(cluster=cluster, root=root, env=env, engine=engine,
                              report=report, killed=killed, victim=victim,
                              collection=collection, one_root=one_root, one_copy=one_copy)
    finally:
        engine.close()
        if not cluster.nodes[victim].pid:
            solrcloud.restart_node(cluster, victim)


@pytest.fixture(scope="module")
def recovered(outage) -> SimpleNamespace:
    """The killed node started again and every replica of the collection active."""
    if not outage.cluster.nodes[outage.victim].pid:
        solrcloud.restart_node(outage.cluster, outage.victim)
    for collection in (outage.collection, outage.one_copy):
        admin.wait_active(outage.cluster.urls[0], collection, timeout=TIMEOUT)
    return outage


def test_the_update_finishes_and_serves_every_letter_while_the_node_is_down(outage):
    assert outage.killed, "the node was not killed during the update"
    assert not Path(f"/proc/{outage.killed[0]}").exists()
    assert sorted(outage.report.indexed) == [_letter_id(n) for n in range(LETTERS)]
    assert outage.report.errors == []
    # The shards' other replicas answer for the killed node's.
    assert outage.engine.ids() == [_letter_id(n) for n in range(LETTERS)]
    assert outage.engine.stats()["letters"] == LETTERS


def _unavailable(env: dict, root: Path, monkeypatch) -> list[str]:
    """The web app's answers (API and page) and the command line's error, each asserted to
    be a 503 or a failure; what they said. (Asked side by side: each tries for
    READ_RETRY seconds before it gives up.)"""
    for name in ("MISSIVE_ENGINE", "MISSIVE_SOLR_URL", "MISSIVE_SOLR_COLLECTION"):
        monkeypatch.setenv(name, env[name])
    from webapp import create_app

    server = LiveServer(create_app({
        "TESTING": True,
        "ARCHIVE_DIR": str(root / "archive"),
        "INDEX_DIR": str(root / "index"),
        "CACHE_DIR": str(root / "cache"),
    }))
    try:
        with ThreadPoolExecutor(3) as pool:
            line = pool.submit(_cli, env, "search", "treaty")
            api = pool.submit(server.get, "/api/search?q=" + urllib.parse.quote("treaty"))
            html = pool.submit(server.get, "/search?q=treaty")
            (status, _, body), (page_status, _, page) = api.result(), html.result()
            line = line.result()
    finally:
        server.stop()
    assert status == 503, body
    assert page_status == 503, page
    assert line.returncode != 0
    error = line.stderr.strip().splitlines()
    assert len(error) == 1, line.stderr  # one line, no traceback
    return [body.decode(), page.decode(), error[0]]


def test_a_shard_without_a_live_replica_is_a_503_and_one_line(outage, monkeypatch):
    # One node is up: Solr itself answers that the shards have no live replica.
    env = _env(outage.cluster, outage.one_root, ONE_COPY)
    said = _unavailable(env, outage.one_root, monkeypatch)
    for text in said:
        assert "Solr cannot answer" in text and "Traceback" not in text
    assert "live replica" in said[2]


def test_solr_out_of_reach_is_a_503_and_one_line(tmp_path, monkeypatch):
    # No node answers at all (as with every node down): the same answers, saying so.
    write_letter(tmp_path / "archive", "1968-treaty", ["The Non-Proliferation Treaty."], None)
    nowhere = SimpleNamespace(urls=[f"http://127.0.0.1:{port}/solr"
                                    for port in solrcloud.free_ports(2)])
    said = _unavailable(_env(nowhere, tmp_path, ONE_COPY), tmp_path, monkeypatch)
    for text in said:
        assert "Solr cannot answer" in text and "cannot be reached" in text


def test_no_acknowledged_letter_is_lost_once_the_node_is_back(recovered):
    everything = {_letter_id(n) for n in range(LETTERS)}

    def agreed():
        held = replica_ids(recovered.cluster, recovered.collection)
        same = all(len(r) == 2 and r[0] == r[1] for r in held.values())
        return held if same and set().union(*(r[0] for r in held.values())) == everything \
            else None

    held = _wait_for(agreed, "every replica holding every letter")
    assert sum(len(r[0]) for r in held.values()) == LETTERS  # each letter in one shard
    recovered.engine.refresh()
    assert set(recovered.engine.ids()) == everything
    checked = _cli(recovered.env, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # The other collection is whole again too.
    searched = _cli(_env(recovered.cluster, recovered.one_root, ONE_COPY), "search", "treaty")
    assert searched.returncode == 0 and "1968-treaty" in searched.stdout, searched
