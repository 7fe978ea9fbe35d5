"""Every search has a cost budget: words its wildcards and fuzzy terms may stand for (by
count, refused with 400), and a deadline between its stages (503).

The archive has a vocabulary of 1,380 invented words, 60 for each initial a..w: each
wildcard alone is cheap, `a* OR b* OR ... w*` stands for more than the 1,000 words one
search may match.
"""

from __future__ import annotations

import json
import random
import string
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner

from indexer.cli import main as cli
from indexer.engines import EXPANSION_BUDGET, Engine, EngineConfig, open_engine
from indexer.search import QueryTooBroad, SearchRequest, SearchTimeout
from tests.archive_support import archive_env, config
from tests.conftest import write_letter
from tests.live_gunicorn import Gunicorn
from webapp import create_app

INITIALS = "abcdefghijklmnopqrstuvw"
PER_INITIAL = 60
BROAD = " OR ".join(f"{c}*" for c in INITIALS)
VOCABULARY: dict[str, list[str]] = {}


def _words(initial: str, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < PER_INITIAL:
        words.add(initial + "".join(rng.choices(string.ascii_lowercase, k=7)))
    return sorted(words)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("budget")
    (root / "archive" / "letters").mkdir(parents=True)
    rng = random.Random(9)
    for initial in INITIALS:
        VOCABULARY[initial] = _words(initial, rng)
        text = " ".join(VOCABULARY[initial])
        write_letter(root / "archive", f"words-{initial}", [text], {"title": "Word list"})
    return archive_env(root)  # adds alpha ("ships and harbours") and beta, builds


@pytest.fixture(scope="module")
def server(env):
    gunicorn = Gunicorn(env)
    yield gunicorn
    gunicorn.stop()


def ids(searcher: Engine, q: str) -> set[str]:
    return {h.id for h in searcher.search(SearchRequest(q=q, per_page=100)).hits}


def _refusal(message: str) -> None:
    assert "the query is too broad" in message
    assert f"the limit is {EXPANSION_BUDGET:,} words per search" in message
    assert "a* " in message and "use fewer wildcards" in message


def test_a_query_whose_wildcards_stand_for_too_many_words_is_refused(env):
    searcher = env.search()
    try:
        with pytest.raises(QueryTooBroad) as refused:
            searcher.search(SearchRequest(q=BROAD))
        _refusal(str(refused.value))
        # Each wildcard alone, and a few together, are within the budget.
        assert "words-a" in ids(searcher, "a*")
        assert {"words-a", "words-b", "words-c"} <= ids(searcher, "a* OR b* OR c*")
        wide = " OR ".join(f"{c}*" for c in INITIALS[:16])  # 960 words and a few
        assert {f"words-{c}" for c in INITIALS[:16]} <= ids(searcher, wide)
        # Fuzzy terms count too: 41 more words, each standing for itself at least.
        words = VOCABULARY["w"][:41]
        assert "words-w" in ids(searcher, wide + " OR " + " OR ".join(words))
        with pytest.raises(QueryTooBroad):
            searcher.search(SearchRequest(q=wide + " OR " + " OR ".join(w + "~" for w in words)))
    finally:
        searcher.close()


def test_the_cli_says_why_it_refused(env):
    paths = ["--archive", str(env.archive.root), "--index", str(env.index_dir)]
    result = CliRunner().invoke(cli, [*paths, "search", BROAD])
    assert result.exit_code == 2, result.output
    _refusal(result.output)
    result = CliRunner().invoke(cli, [*paths, "search", "ships"])
    assert result.exit_code == 0 and "alpha" in result.output


def _get(server: Gunicorn, path: str, q: str) -> tuple[int, str]:
    url = f"{server.url}{path}?{urllib.parse.urlencode({'q': q})}"
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_the_web_refuses_it_with_400_and_the_message(server):
    status, body = _get(server, "/api/search", BROAD)
    assert status == 400
    _refusal(json.loads(body)["error"])
    status, body = _get(server, "/search", BROAD)
    assert status == 400
    _refusal(body)


def test_plain_searches_are_answered_while_broad_ones_are_refused(server):
    results: dict[str, list[tuple[int, str]]] = {"broad": [], "plain": []}
    start = threading.Barrier(8)

    def run(kind: str, q: str) -> None:
        start.wait()
        for _ in range(3):
            results[kind].append(_get(server, "/api/search", q))

    threads = [threading.Thread(target=run, args=("broad", BROAD)) for _ in range(4)]
    threads += [threading.Thread(target=run, args=("plain", "ships")) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [status for status, _ in results["broad"]] == [400] * 12
    for status, body in results["plain"]:
        assert status == 200
        assert [h["id"] for h in json.loads(body)["hits"]] == ["alpha"]


def test_a_search_past_its_deadline_stops_with_503(env):
    # A deadline of 0 has passed at the first check: deterministic, whatever the machine.
    app = create_app(config(env, SEARCH_DEADLINE=0))
    client = app.test_client()
    r = client.get("/api/search?q=ships")
    assert r.status_code == 503
    message = r.get_json()["error"]
    assert message.startswith("the search was stopped after 0 s, the time one search may take")
    assert "narrow it" in message
    r = client.get("/search?q=ships")
    assert r.status_code == 503 and "the search was stopped after 0 s" in r.get_data(as_text=True)
    # The default deadline (2 s) leaves an ordinary search alone.
    r = create_app(config(env)).test_client().get("/api/search?q=ships")
    assert r.status_code == 200


def test_the_deadline_is_one_searchs_not_the_searchers(env):
    searcher = open_engine(EngineConfig(env.index_dir, deadline=0))
    try:
        with pytest.raises(SearchTimeout, match="while reading the query"):
            searcher.search(SearchRequest(q="ships"))
        # Reads other than search() have no deadline, even right after a stopped search.
        assert searcher.get("alpha") is not None
        assert searcher.marks("ships")
    finally:
        searcher.close()


@pytest.mark.slow  # starts processes: a server, or one per derivative
def test_the_benchmark_measures_the_refusal_and_the_plain_search_beside_it(env, tmp_path):
    from benchmarks import limits

    core = limits.search_in_process(env.index_dir)
    assert core["refused"]["n"] == 5 and core["words"] > EXPANSION_BUDGET
    # Run whole, it finds every word list, and alpha and beta ("about": a*).
    assert core["without_budget_total"] == len(INITIALS) + 2
    http = limits.search_over_http(env.archive.root, env.index_dir, tmp_path, rounds=2)
    for key in ("broad_alone", "plain_alone", "plain_beside_broad", "broad_beside"):
        assert http[key]["n"] >= 1 and http[key]["p50_ms"] > 0, key
    assert "refused over HTTP (400)" in limits.markdown({"search": {"core": core, "http": http}})
