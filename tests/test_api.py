"""The JSON API, the OpenSearch description and the exports, over real HTTP."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import LiveServer, app_config
from tests.test_web_search import Page, _failing_app
from webapp import create_app

PK_MOFA = "2009-02-16-pakistan-mofa"
ALL_IDS = {
    "2007-04-10-peru-mfa-lima",
    "2008-10-10-uk-fco-miliband",
    PK_MOFA,
    "2009-02-24-pakistan-embassy-washington",
    "2009-08-18-russia-embassy-wellington",
}


def get_json(server: LiveServer, path: str, status: int = 200) -> dict:
    got, headers, body = server.get(path)
    assert got == status, (path, got, body[:300])
    assert headers["Content-Type"].startswith("application/json")
    return json.loads(body)


# -- /api/search: the contract ------------------------------------------------------------
def test_api_search_contract_key_by_key(live_server):
    data = get_json(live_server, "/api/search?q=cluster+munitions&country=PK&sort=date")
    for key in ("query", "total", "page", "per_page", "hits", "facets", "did_you_mean"):
        assert key in data, key
    assert data["query"] == "cluster munitions"
    assert (data["total"], data["page"], data["per_page"]) == (2, 1, 20)
    assert data["did_you_mean"] is None
    hit = data["hits"][0]
    assert hit["id"] == PK_MOFA
    assert hit["url"] == f"{live_server.url}/letters/{PK_MOFA}"
    assert hit["title"].startswith("Ministry of Foreign Affairs of Pakistan")
    assert hit["date"] == "2009-02-16"
    assert hit["sender"] == {
        "name": "Irfan Yusuf Shami",
        "role": "Director General (Disarmament)",
        "organisation": "Ministry of Foreign Affairs",
        "place": "Islamabad",
        "country": "PK",
        "country_name": "Pakistan",
    }
    recipient = hit["recipient"]
    assert (recipient["name"], recipient["organisation"]) == (
        "Stephen D. Goose",
        "Human Rights Watch",
    )
    assert (recipient["country"], recipient["country_name"]) == ("US", "United States")
    assert hit["pages_with_hits"] == [1, 2]
    assert all(isinstance(n, int) for n in hit["pages_with_hits"])
    assert hit["snippets"] and {tuple(s) for s in hit["snippets"]} == {("page", "html")}
    assert {s["page"] for s in hit["snippets"]} <= {1, 2}
    assert "<mark>Cluster</mark> <mark>Munitions</mark>" in hit["snippets"][0]["html"]


def test_api_facets_have_values_labels_counts_and_selection(live_server):
    data = get_json(live_server, "/api/search?q=cluster+munitions&country=PK&country=RU")
    facets = data["facets"]
    assert set(facets) >= {"sender_country", "year", "language", "text_source", "recipient"}
    for item in facets["sender_country"]:
        assert set(item) >= {"value", "label", "count", "selected"}
        assert re.fullmatch(r"[A-Z]{2}", item["value"])
    countries = {v["value"]: v for v in facets["sender_country"]}
    assert countries["PK"] == {
        "value": "PK",
        "label": "Pakistan",
        "count": 2,
        "selected": True,
        "excluded": False,
    }
    assert countries["PE"]["count"] == 1 and not countries["PE"]["selected"]
    for item in facets["year"]:
        assert set(item) >= {"value", "count", "selected"}
    assert {v["value"]: v["count"] for v in facets["year"]} == {"2009": 3}
    assert data["total"] == 3
    assert {h["sender"]["country"] for h in data["hits"]} == {"PK", "RU"}


def test_api_paging_links_and_link_header(live_server):
    status, headers, body = live_server.get("/api/search?per_page=2&page=2")
    data = json.loads(body)
    assert (data["total"], data["page"], data["per_page"], data["last_page"]) == (5, 2, 2, 3)
    assert len(data["hits"]) == 2
    links = data["links"]
    assert links["next"] == f"{live_server.url}/api/search?per_page=2&page=3"
    assert links["prev"] == f"{live_server.url}/api/search?per_page=2"
    assert links["html"] == f"{live_server.url}/search?per_page=2&page=2"
    assert f'<{links["next"]}>; rel="next"' in headers["Link"]
    seen = set()
    for page in (1, 2, 3):
        seen |= {
            h["id"] for h in get_json(live_server, f"/api/search?per_page=2&page={page}")["hits"]
        }
    assert seen == ALL_IDS


def test_api_sorts_by_date_either_way(live_server):
    up = [h["date"] for h in get_json(live_server, "/api/search?q=munitions&sort=date")["hits"]]
    down = [h["date"] for h in get_json(live_server, "/api/search?q=munitions&sort=-date")["hits"]]
    assert up == sorted(up) and down == sorted(down, reverse=True) and len(up) == 5


def test_api_filters_that_match_nothing_give_no_hits(live_server):
    data = get_json(live_server, "/api/search?country=PK&year=2007")
    assert data["total"] == 0 and data["hits"] == []


def test_api_did_you_mean(live_server):
    data = get_json(live_server, "/api/search?q=munitoins")
    assert data["total"] == 0
    assert data["did_you_mean"] == "munitions"


def test_api_coverage(live_server):
    data = get_json(live_server, "/api/search?q=cluster+munitions")
    assert data["coverage"] == {"transcribed": 4, "ocr": 1}
    assert data["image_only_unsearched"] == 0


@pytest.mark.parametrize(
    "query, message",
    [
        ("page=-1", "page=-1 is not a page number; accepted: 1 or more"),
        ("page=x", "page='x' is not a whole number; accepted: 1 or more"),
        ("per_page=10000", "per_page=10000 is out of range; accepted: 1 to 100"),
        ("per_page=0", "per_page=0 is out of range; accepted: 1 to 100"),
        ("country=XX", "country='XX' is not a known sender country"),
        ("q=*", "a wildcard needs at least one letter"),
        ("q=munit*+OR+*", "a wildcard needs at least one letter"),
        ("q=date:%5Bnonsense+TO+2009%5D", "'nonsense' at character 7 is not a date"),
        ("q=country:Narnia", "country:Narnia at character 1 is not a country"),
        ("from=soon", "from='soon' is not a date; accepted: YYYY, YYYY-MM or YYYY-MM-DD"),
        ("to=2009-13", "to='2009-13' is not a date; accepted: YYYY, YYYY-MM or YYYY-MM-DD"),
        ("from=2010&to=2009", "from='2010' is after to='2009'"),
        ("sort=newest", "sort='newest' is unknown; accepted: relevance, date, -date"),
        ("language=zz", "language='zz' is not a known language"),
        ("year=last", "year='last' is not a known year"),
        ("source=paper", "source='paper' is not a known text source"),
        ("ocr=maybe", "ocr='maybe' is not a switch; accepted: 1 or 0"),
    ],
)
def test_api_bad_parameters_get_400_with_a_message(live_server, query, message):
    data = get_json(live_server, f"/api/search?{query}", status=400)
    assert data["status"] == 400
    assert message in data["error"]


def test_api_unknown_path_is_a_json_404(live_server):
    data = get_json(live_server, "/api/no-such-thing", status=404)
    assert data == {
        "status": 404,
        "error": "There is no page at this address. Check the link, or search the letters.",
    }
    letter = get_json(live_server, "/api/letters/no-such-letter", status=404)
    assert letter["status"] == 404 and "no-such-letter" in letter["error"]


def test_api_wrong_method_is_a_json_405(live_server):
    req = urllib.request.Request(live_server.url + "/api/search", data=b"q=x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=30)
    assert info.value.code == 405
    assert info.value.headers["Content-Type"].startswith("application/json")
    assert json.loads(info.value.read())["status"] == 405
    assert "GET" in info.value.headers["Allow"]


def test_api_unexpected_error_is_a_generic_json_500(sample_env):
    response = _failing_app(sample_env).test_client().get("/api/boom")
    assert response.status_code == 500
    data = response.get_json()
    assert data["status"] == 500 and "Something went wrong" in data["error"]
    assert "secret" not in response.get_data(as_text=True)


def test_api_error_is_importable_for_other_views(sample_env):
    from webapp.errors import api_error

    with create_app(app_config(sample_env)).test_request_context():
        response = api_error(418, "short and stout")
    assert response.status_code == 418
    assert json.loads(response.get_data()) == {"status": 418, "error": "short and stout"}


# -- OpenSearch --------------------------------------------------------------------------------
def test_opensearch_description_parses_and_has_html_and_json_templates(live_server):
    status, headers, body = live_server.get("/opensearch.xml")
    assert status == 200
    assert headers["Content-Type"].startswith("application/opensearchdescription+xml")
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    root = ET.fromstring(body)
    assert root.tag == "{http://a9.com/-/spec/opensearch/1.1/}OpenSearchDescription"
    assert root.find("os:ShortName", ns).text == "Missive"
    urls = {u.get("type"): u.get("template") for u in root.findall("os:Url", ns)}
    assert urls["text/html"] == f"{live_server.url}/search?q={{searchTerms}}&page={{startPage?}}"
    assert urls["application/json"].startswith(f"{live_server.url}/api/search?q={{searchTerms}}")
    filled = urls["application/json"].replace("{searchTerms}", "Oslo")
    filled = re.sub(r"&[a-z_]+=\{[a-zA-Z]+\?\}", "", filled)
    assert get_json(live_server, filled[len(live_server.url) :])["total"] >= 1
    home = Page(live_server.get("/")[2])
    link = home.one("link", rel="search")
    assert link.get("type") == "application/opensearchdescription+xml"


# -- exports -------------------------------------------------------------------------------------
def test_csv_export_has_one_row_per_hit_of_every_page(live_server):
    status, headers, body = live_server.get("/search.csv?q=munitions&per_page=2")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert "attachment" in headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert len(rows) == 5  # all hits, not one page of two
    assert {r["id"] for r in rows} == ALL_IDS
    pk = next(r for r in rows if r["id"] == PK_MOFA)
    assert pk["url"] == f"{live_server.url}/letters/{PK_MOFA}"
    assert (pk["sender_country"], pk["recipient_name"], pk["date"]) == (
        "PK",
        "Stephen D. Goose",
        "2009-02-16",
    )
    assert pk["pages_with_hits"] == "1;2"
    assert headers["X-Total-Count"] == "5"
    filtered = list(csv.reader(io.StringIO(live_server.get("/search.csv?country=RU")[2].decode())))
    assert len(filtered) == 2 and filtered[1][0] == "2009-08-18-russia-embassy-wellington"


def test_json_export_holds_every_hit(live_server):
    data = get_json(live_server, "/search.json?q=munitions&sort=date")
    assert (data["total"], data["exported"], data["truncated"]) == (5, 5, False)
    dates = [h["date"] for h in data["hits"]]
    assert dates == sorted(dates)
    assert data["hits"][0]["url"].startswith(live_server.url + "/letters/")


def test_bibtex_and_ris_exports_cite_each_letter(live_server):
    status, headers, body = live_server.get("/search.bib?q=munitions")
    bib = body.decode("utf-8")
    assert status == 200 and headers["Content-Type"].startswith("application/x-bibtex")
    assert bib.count("@misc{") == 5
    for letter_id in ALL_IDS:
        assert f"@misc{{{letter_id}," in bib
        assert f"{live_server.url}/letters/{letter_id}" in bib
    status, headers, body = live_server.get("/search.ris?country=PK")
    ris = body.decode("utf-8")
    assert status == 200 and headers["Content-Type"].startswith(
        "application/x-research-info-systems"
    )
    assert len(re.findall(r"^TY  - ", ris, re.M)) == 2
    assert len(re.findall(r"^ER  -", ris, re.M)) == 2
    assert f"UR  - {live_server.url}/letters/{PK_MOFA}" in ris


def test_exports_answer_bad_parameters_with_400(live_server):
    status, headers, body = live_server.get("/search.csv?country=XX")
    assert status == 400 and b"country='XX' is not a known sender country" in body
    data = get_json(live_server, "/search.json?sort=up", status=400)
    assert "sort='up' is unknown" in data["error"]


@pytest.fixture(scope="module")
def capped_server(sample_env):
    """The app with an export limit of 2 letters, walked in pages of 1."""
    config = app_config(sample_env) | {"EXPORT_LIMIT": 2, "EXPORT_BATCH": 1}
    server = LiveServer(create_app(config))
    yield server
    server.stop()


def test_exports_stop_at_the_limit_and_say_so(capped_server):
    status, headers, body = capped_server.get("/search.csv?sort=date")
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert [r["id"] for r in rows] == ["2007-04-10-peru-mfa-lima", "2008-10-10-uk-fco-miliband"]
    assert headers["X-Missive-Export"].startswith("2 of 5 letters exported (the limit is 2)")
    data = get_json(capped_server, "/search.json")
    assert (data["exported"], data["truncated"]) == (2, True)
    assert "narrow the search" in data["message"]
    page = Page(capped_server.get("/search")[2])
    assert "Export (first 2):" in page.text
    small = capped_server.get("/search.csv?country=PK")
    assert "X-Missive-Export" not in small[1]
    assert len(list(csv.reader(io.StringIO(small[2].decode())))) == 3


def test_export_urls_carry_the_search_not_the_page(live_server):
    page = Page(live_server.get("/search?q=munitions&per_page=2&page=2")[2])
    csv_link = next(a.get("href") for a in page.find("a") if a.text.strip() == "CSV")
    assert parse_qs(urlsplit(csv_link).query) == {"q": ["munitions"], "per_page": ["2"]}
