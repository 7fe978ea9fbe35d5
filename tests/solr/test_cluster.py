"""The local SolrCloud is a real cluster: separate processes, a 2 × 2 collection built from
Missive's configset, every letter still found with a node killed, the node recovering."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from solr import admin
from solr import cluster as solrcloud
from tests.solr_support import need_java_and_maven

pytestmark = [pytest.mark.solr, pytest.mark.slow]

LETTERS = [
    {
        "id": "2013-05-uk",
        "title": "The Arms Trade Treaty",
        "content": ["The United Kingdom supports the Arms Trade Treaty.", "Signed in Perú."],
        "content_en": ["The United Kingdom supports the Arms Trade Treaty.", "Signed in Perú."],
        "country": "GB",
        "language": ["en"],
        "year": 2013,
        "years": [2013],
        "date_range": "2013-05",
        "status": "published",
    },
    {
        "id": "2010-11-de",
        "content": ["Die Regierungen schrieben über München."],
        "content_de": ["Die Regierungen schrieben über München."],
        "country": "DE",
        "language": ["de"],
        "year": 2010,
        "years": [2010, 2011],
        "date_range": "[2010-11 TO 2011-02]",
        "status": "published",
    },
    {
        "id": "2009-pk",
        "content": ["Pakistan's delegation wrote again."],
        "country": "PK",
        "year": 2009,
        "years": [2009],
        "status": "published",
    },
]
IDS = sorted(d["id"] for d in LETTERS)


def found(url: str, collection: str, q: str = "*:*", **params) -> list[str]:
    answer = admin.select(url, collection, q=q, fl="id", rows=100, **params)
    return sorted(d["id"] for d in answer["response"]["docs"])


def shard_counts(url: str, collection: str) -> dict[str, list[int]]:
    """Each shard's document count as each of its replicas holds it (not distributed)."""
    status = admin.call(
        url, "/admin/collections", {"action": "CLUSTERSTATUS", "collection": collection}
    )
    shards = status["cluster"]["collections"][collection]["shards"]
    return {
        shard: [
            admin.call(
                replica["base_url"],
                f"/{replica['core']}/select",
                {"q": "*:*", "rows": 0, "distrib": "false"},
            )["response"]["numFound"]
            for replica in info["replicas"].values()
        ]
        for shard, info in shards.items()
    }


def test_nodes_are_separate_processes_with_their_own_data(solr_cluster):
    pids = [n.pid for n in solr_cluster.nodes]
    assert len(set(pids)) == len(pids) >= 2 and solr_cluster.zk_pid not in pids
    for node in solr_cluster.nodes:
        assert Path(f"/proc/{node.pid}").exists()
        assert Path(node.home, "solr.xml").exists()
        assert node.home.startswith(solr_cluster.run_dir)
    assert len({n.home for n in solr_cluster.nodes}) == len(solr_cluster.nodes)
    assert solrcloud.live_nodes(solr_cluster.urls[0]) == sorted(
        n.name for n in solr_cluster.nodes
    )
    state = solrcloud.Cluster.load(solr_cluster.run_dir)
    assert state is not None and [n.pid for n in state.nodes] == pids


@pytest.fixture(scope="module")
def collection(solr_cluster):
    """A 2 shards × 2 replicas collection of Missive's configset holding LETTERS."""
    url, name = solr_cluster.urls[0], "cluster_test"
    admin.delete_collection(url, name)
    admin.create_collection(url, name, shards=2, replicas=2)
    admin.add_documents(url, name, LETTERS)
    yield name
    admin.delete_collection(url, name)


def test_a_collection_of_missives_configset(solr_cluster, collection):
    url, name = solr_cluster.urls[0], collection
    states = admin.replica_states(url, name)
    assert len(states) == 2 and all(s == ["active", "active"] for s in states.values())
    assert found(url, name) == IDS
    # Phrases, folded accents, apostrophes splitting words, Snowball per language, dates.
    assert found(url, name, '"arms trade treaty"') == ["2013-05-uk"]
    assert found(url, name, '"trade arms treaty"') == []
    assert found(url, name, "peru") == ["2013-05-uk"]
    assert found(url, name, "pakistan") == ["2009-pk"]
    assert found(url, name, "content_de:regierung AND content_de:munchen") == ["2010-11-de"]
    assert found(url, name, "content_en:regierung") == []
    assert found(url, name, fq="{!field f=date_range op=Intersects}2011-01") == ["2010-11-de"]
    # The unified highlighter marks the match in its page, the text HTML-escaped.
    answer = admin.select(url, name, q="peru", hl="true", **{"hl.fl": "content"})
    assert answer["highlighting"]["2013-05-uk"]["content"] == ["Signed in <mark>Perú</mark>."]
    # The JSON Facet API: terms, and the year histogram as a range facet.
    facets = admin.select(
        url,
        name,
        q="*:*",
        rows=0,
        **{
            "json.facet": json.dumps(
                {
                    "country": {"type": "terms", "field": "country"},
                    "years": {"type": "range", "field": "years", "start": 2005,
                              "end": 2015, "gap": 5},
                }
            )
        },
    )["facets"]
    assert {b["val"]: b["count"] for b in facets["country"]["buckets"]} == {
        "DE": 1, "GB": 1, "PK": 1,
    }
    assert [(b["val"], b["count"]) for b in facets["years"]["buckets"]] == [(2005, 1), (2010, 2)]


def test_collection_survives_a_killed_node_and_the_node_recovers(solr_cluster, collection):
    """Searches while a node is killed; writes while it is down are tests/solr/test_faults.py's
    (through Missive, with the wait for a new leader)."""
    url, other, name = solr_cluster.urls[0], solr_cluster.urls[1], collection
    killed = solrcloud.kill_node(solr_cluster, 1)
    try:
        assert not Path(f"/proc/{killed}").exists()
        # Every search through the surviving node still sees every letter: each shard
        # has a replica there (a request to the dead one is sent to the other).
        for _ in range(5):
            assert found(url, name) == IDS
            assert found(url, name, '"arms trade treaty"') == ["2013-05-uk"]
    finally:
        # What `make solr` does after a crash: the running cluster is kept (ZooKeeper and
        # node 0 untouched), its killed node started again.
        again = solrcloud.start(solr_cluster.run_dir)
        for node, now in zip(solr_cluster.nodes, again.nodes, strict=True):
            node.pid = now.pid
    assert again.zk_pid == solr_cluster.zk_pid
    assert again.nodes[0].pid == solr_cluster.nodes[0].pid
    assert again.nodes[1].pid not in (0, killed)

    # The restarted node's replicas recover and hold what the others hold.
    admin.wait_active(url, name)
    counts = shard_counts(url, name)
    assert all(len(set(c)) == 1 for c in counts.values()), counts
    assert sum(c[0] for c in counts.values()) == len(IDS)
    assert found(other, name) == IDS


def test_start_again_and_stop_end_every_process():
    """What `make solr` and `make solr-stop` do: a second start keeps the running cluster
    (a killed node started again: above); stop, from the state file alone, ends every
    process."""
    need_java_and_maven()
    # Not pytest's tmp_path: another pytest run on the machine may prune it meanwhile.
    with tempfile.TemporaryDirectory(prefix="missive-solrcloud-") as folder:
        run = Path(folder)
        *ports, zk_port = solrcloud.free_ports(2)
        cluster = solrcloud.start(run, ports=ports, zk_port=zk_port)
        try:
            again = solrcloud.start(run, ports=ports, zk_port=zk_port)
            assert again.zk_pid == cluster.zk_pid
            assert [n.pid for n in again.nodes] == [n.pid for n in cluster.nodes]
            assert solrcloud.live_nodes(again.urls[0]) == [again.nodes[0].name]
        finally:
            pids = solrcloud.stop(run)
        assert len(pids) == 2
        assert not any(Path(f"/proc/{p}").exists() for p in pids)
        assert solrcloud.Cluster.load(run).zk_pid == 0
