"""A question typed in words, over HTTP on the sample archive: when no letter holds every
word, the letters holding enough of them, said so in the API (`match`) and on the page,
with a link back to the strict search (`match=all`)."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import quote_plus

from tests.test_api import PK_MOFA, get_json

QUESTION = "Pakistan position on cluster munitions in the zeppelin age"


def test_the_api_says_which_mode_answered(live_server):
    loose = get_json(live_server, f"/api/search?q={quote_plus(QUESTION)}")
    assert loose["match"] == "most" and loose["strict_total"] == 0
    assert loose["total"] >= 2 and PK_MOFA in [h["id"] for h in loose["hits"][:2]]
    strict = get_json(live_server, f"/api/search?q={quote_plus(QUESTION)}&match=all")
    assert strict["match"] == "all" and strict["total"] == 0 and strict["hits"] == []
    assert "match=all" in strict["links"]["self"]
    whole = get_json(live_server, "/api/search?q=cluster+munitions")
    assert whole["match"] == "all" and whole["strict_total"] is None and whole["total"] >= 3


def test_operators_keep_the_api_strict(live_server):
    for q in (f"{QUESTION} AND Pakistan", f"+zeppelin {QUESTION}"):
        data = get_json(live_server, f"/api/search?q={quote_plus(q)}")
        assert data["total"] == 0, q
    assert get_json(live_server, f"/api/search?q={quote_plus('+zeppelin ' + QUESTION)}")[
        "match"
    ] == "most"


def test_a_bad_match_is_a_one_line_400(live_server):
    status, _, body = live_server.get("/api/search?q=a+b&match=some")
    assert status == 400
    message = json.loads(body)["error"]
    assert "match='some' is unknown; accepted: auto, all, most" in message


def test_the_page_says_no_letter_has_every_word_and_links_the_strict_search(live_server):
    status, _, raw = live_server.get(f"/search?q={quote_plus(QUESTION)}")
    assert status == 200
    body = raw.decode()
    line = re.search(r'<p class="natural" data-match="most">(.*?)</p>', body, re.S)
    assert line, body[:2000]
    text = html.unescape(re.sub(r"<[^>]+>", "", line[1]))
    # "Pakistan position cluster munitions zeppelin age": six words, not counting stop words.
    assert text.startswith("No letter has all 6 words; ")
    assert "letters have one or more of them" in text
    link = html.unescape(re.search(r'href="([^"]+)"', line[1])[1])
    assert "match=all" in link
    status, _, strict = live_server.get(link)
    assert status == 200 and b'class="natural"' not in strict
    assert b"<strong>0 letters</strong>" in strict
