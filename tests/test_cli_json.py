"""`python -m indexer search --json` prints what `/api/search` answers, less its `links`."""

from __future__ import annotations

import json
import subprocess
import sys
from urllib.parse import urlencode

import pytest

from tests.conftest import REPO, LiveServer, app_config, write_letter
from webapp import create_app

LETTERS = {
    "2009-ships-pk": (
        ["Ships and harbours of Karachi.", "More on ships."],
        {"date": "2009-02-16", "sender": {"name": "A. Khan", "country": "PK"}},
    ),
    "2008-ships-ru": (
        ["A letter about ships and ice."],
        {"date": "2008-05", "sender": {"organisation": "Embassy of Russia", "country": "RU"}},
    ),
    "2007-ships-gb": (
        ["Ships, ships and more ships from London."],
        {"date": "2007", "recipient": {"name": "J. Franks", "country": "GB"}},
    ),
    "undated-lighthouse": (["A lighthouse keeper writes."], {}),
}

# (query-string parameters of /api/search, the same search as command-line arguments)
SEARCHES = [
    ({"q": "ships"}, ["ships"]),
    ({}, []),
    ({"q": "ships", "country": "PK"}, ["ships", "--country", "PK"]),
    (
        {"q": "ships", "sort": "-date", "page": "2", "per_page": "1"},
        ["ships", "--sort", "-date", "--page", "2", "--per-page", "1"],
    ),
    (
        {"q": "ships", "from": "2008", "to": "2009-06"},
        ["ships", "--from", "2008", "--to", "2009-06"],
    ),
    ({"q": "shipz"}, ["shipz"]),
    ({"year": "2007", "ocr": "1", "q": "shps"}, ["shps", "--year", "2007", "--ocr"]),
    # A question no letter answers whole: most of its words, or with match=all none.
    ({"q": "ships harbours zeppelin"}, ["ships harbours zeppelin"]),
    (
        {"q": "ships harbours zeppelin", "match": "all"},
        ["ships harbours zeppelin", "--match", "all"],
    ),
]


@pytest.fixture
def served(env):
    for letter_id, (pages, meta) in LETTERS.items():
        write_letter(env.archive.root, letter_id, pages, meta)
    env.build()
    server = LiveServer(create_app(app_config(env)))
    yield env, server
    server.stop()


def cli_json(env, args: list[str], base_url: str | None = None) -> dict:
    """`python -m indexer search ARGS --json`, run as its own process."""
    site = ["--base-url", base_url] if base_url else []
    run = subprocess.run(
        [sys.executable, "-m", "indexer", "--archive", str(env.archive.root)]
        + ["--index", str(env.index_dir), "search", *args, "--json", *site],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize(("params", "args"), SEARCHES)
def test_cli_json_is_the_api_json_without_links(served, params, args):
    env, server = served
    status, _, body = server.get("/api/search?" + urlencode(params))
    assert status == 200, body
    api = json.loads(body)
    cli = cli_json(env, args, server.url)
    assert list(cli) == [k for k in api if k != "links"]
    assert cli["hits"] == api["hits"]
    assert cli == {k: v for k, v in api.items() if k != "links"}


def test_the_searches_compared_are_not_all_alike(served):
    """The comparison above means something: hits, pages and suggestions differ by search."""
    env, server = served
    answers = [json.loads(server.get("/api/search?" + urlencode(p))[2]) for p, _ in SEARCHES]
    assert answers[0]["total"] == 3 and answers[1]["total"] == 4
    assert [h["id"] for h in answers[2]["hits"]] == ["2009-ships-pk"]
    assert answers[3]["last_page"] == 3 and answers[3]["hits"][0]["id"] == "2008-ships-ru"
    assert answers[5]["did_you_mean"] == "ships"
    assert all(h["url"].startswith(server.url + "/letters/") for h in answers[0]["hits"])


def test_without_a_base_url_the_cli_gives_no_letter_urls(served, monkeypatch):
    env, _server = served
    monkeypatch.delenv("MISSIVE_BASE_URL", raising=False)
    data = cli_json(env, ["ships"])
    assert data["total"] == 3 and all(h["url"] is None for h in data["hits"])
