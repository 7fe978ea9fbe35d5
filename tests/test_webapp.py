"""The web app's search page and API over the sample index."""

from __future__ import annotations

import pytest

from tests.conftest import app_config
from webapp import create_app


@pytest.fixture
def client(sample_env):
    return create_app(app_config(sample_env)).test_client()


def test_search_page_shows_marked_snippets_and_country_facets(client):
    response = client.get("/search?q=%22Arms+Trade+Treaty%22")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<mark>Arms</mark>" in html
    assert "2008-10-10-uk-fco-miliband" in html
    assert "1 letter<" in html


def test_api_search_filters_by_country(client):
    data = client.get("/api/search?q=cluster+munitions&country=PK&country=RU").get_json()
    assert data["total"] == 3
    assert {h["sender"]["country"] for h in data["hits"]} == {"PK", "RU"}
    facet = {v["value"]: v for v in data["facets"]["sender_country"]}
    assert facet["PE"]["count"] == 1 and not facet["PE"]["selected"]
    assert facet["PK"]["selected"]


@pytest.mark.parametrize(
    "query, message",
    [
        ("page=-1", "page=-1 is not a page number"),
        ("per_page=10000", "per_page=10000 is out of range"),
        ("country=XX", "country='XX' is not a known sender country"),
        ("q=*", "a wildcard needs at least one letter"),
        ("from=soon", "from='soon' is not a date"),
    ],
)
def test_api_bad_parameters_get_400_with_a_message(client, query, message):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_unknown_letter_is_404(client):
    assert client.get("/api/letters/no-such-letter").status_code == 404
    assert client.get("/letters/no-such-letter").status_code == 404
    assert (
        client.get("/api/letters/2009-02-16-pakistan-mofa").get_json()["sender"]["country"] == "PK"
    )


def test_live_server_answers_over_http(live_server):
    status, headers, body = live_server.get("/api/search?q=Oslo")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert b'"total"' in body
