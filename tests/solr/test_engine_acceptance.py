"""The sample archive served from SolrCloud, as README "Scaling out" says to run it:
`solr-setup --shards 2 --replicas 2`, `build`, then the app under gunicorn with
MISSIVE_ENGINE=solr, asked over HTTP. (Solr down or a shard without a live replica:
tests/solr/test_faults.py.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from types import SimpleNamespace

import pytest

from indexer.engines import EngineConfig
from indexer.engines.solr.engine import alias_for
from solr import admin
from tests.conftest import REPO, SAMPLE
from tests.live_gunicorn import Gunicorn

pytestmark = [pytest.mark.solr, pytest.mark.slow]

UK_LETTER = "2008-10-10-uk-fco-miliband"


def _cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "indexer", "--no-ocr", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _served_collection(served) -> str:
    """The collection the alias points at (build made it)."""
    aliases = admin.call(served.cluster.urls[0], "/admin/collections", {"action": "LISTALIASES"})
    return aliases["aliases"][served.alias]


@pytest.fixture(scope="module")
def served(solr_cluster, tmp_path_factory):
    # No MISSIVE_SOLR_COLLECTION, as in README: the alias is made from the index folder's
    # path, the same in every command and in the web app (which gives the path as a string).
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("MISSIVE_SOLR_COLLECTION", raising=False)
        yield from _served(solr_cluster, tmp_path_factory.mktemp("solr-acceptance"))


def _served(cluster, root):
    shutil.copytree(SAMPLE, root / "archive")
    env = {
        **os.environ,
        "MISSIVE_ENGINE": "solr",
        "MISSIVE_SOLR_URL": ",".join(cluster.urls),
        "MISSIVE_ARCHIVE": str(root / "archive"),
        "MISSIVE_INDEX": str(root / "index"),
    }
    setup = _cli(env, "solr-setup", "--shards", "2", "--replicas", "2")
    assert setup.returncode == 0, setup.stderr
    assert "created" in setup.stdout
    again = _cli(env, "solr-setup", "--shards", "2", "--replicas", "2")
    assert again.returncode == 0 and "nothing changed" in again.stdout, again
    built = _cli(env, "build")
    assert built.returncode == 0, built.stderr
    assert "index rebuilt: 5 letters indexed" in built.stdout
    site = SimpleNamespace(root=root, archive=SimpleNamespace(root=root / "archive"),
                           index_dir=root / "index")
    server = Gunicorn(site, extra_env={k: env[k] for k in env if k.startswith("MISSIVE_")})
    alias = alias_for(EngineConfig(root / "index"))
    try:
        yield SimpleNamespace(url=server.url, env=env, cluster=cluster, alias=alias)
    finally:
        server.stop()


def test_the_sample_archive_is_served_from_solrcloud(served):
    q = urllib.parse.quote('"Arms Trade Treaty"')
    status, found = _get(f"{served.url}/api/search?q={q}")
    assert status == 200, found
    assert [h["id"] for h in found["hits"]] == [UK_LETTER]
    assert found["total"] == 1
    snippets = [s["html"] for s in found["hits"][0]["snippets"]]
    assert any("<mark>Arms</mark> <mark>Trade</mark> <mark>Treaty</mark>" in s for s in snippets)
    status, everything = _get(f"{served.url}/api/search")
    assert status == 200
    countries = {v["value"] for v in everything["facets"]["sender_country"]}
    assert {"PK", "RU", "PE", "GB"} <= countries
    # Each facet is counted without its own filter: Pakistan chosen, the others stay.
    status, chosen = _get(f"{served.url}/api/search?country=PK")
    assert status == 200 and chosen["total"] == 2
    assert {v["value"] for v in chosen["facets"]["sender_country"]} == countries
    # The collection behind the alias has the shape solr-setup gave it.
    states = admin.replica_states(served.cluster.urls[0], _served_collection(served))
    assert len(states) == 2 and all(len(r) == 2 for r in states.values())
