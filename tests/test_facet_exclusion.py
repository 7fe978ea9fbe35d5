"""Excluding a facet value over real HTTP on the sample archive: `-country=PK` leaves out
both Pakistan letters, keeps every count right, shows a chip "not Pakistan" and a minus
link beside each value; the API, the exports and the command line echo it; a malformed
exclusion is a one-line 400.

Links are read from the pages and followed as a browser would."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest

from indexer.search import FACET_BY_PARAM
from tests.conftest import REPO, LiveServer
from tests.htmlpage import Element, Page

PAKISTAN = {"2009-02-16-pakistan-mofa", "2009-02-24-pakistan-embassy-washington"}
OTHERS = {
    "2007-04-10-peru-mfa-lima",
    "2008-10-10-uk-fco-miliband",
    "2009-08-18-russia-embassy-wellington",
}


def fetch(server: LiveServer, path: str, status: int = 200) -> Page:
    got, _, body = server.get(path)
    assert got == status, (path, got, body[:500])
    return Page(body)


def api(server: LiveServer, path: str, status: int = 200) -> dict:
    got, headers, body = server.get(path)
    assert got == status, (path, got, body[:500])
    assert headers["Content-Type"].startswith("application/json")
    return json.loads(body)


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def label_of(a: Element) -> str:
    """The value's label, as shown before its count ("not Pakistan" when excluded)."""
    words = " ".join(a.text.split())
    return words.split(" letter")[0].rsplit(" ", 1)[0]


def counts(data: dict, facet: str) -> dict[str, int]:
    return {v["value"]: v["count"] for v in data["facets"][facet]}


def test_excluding_pakistan_leaves_out_both_pakistan_letters(live_server):
    everything = fetch(live_server, "/search")
    assert set(everything.hit_ids()) == PAKISTAN | OTHERS
    link, minus = _rows(everything, "sender_country")["Pakistan"]
    assert params(minus.get("href")) == {"-country": ["PK"]}
    assert "Leave out Pakistan" in minus.text

    page = fetch(live_server, minus.get("href"))
    assert set(page.hit_ids()) == OTHERS
    assert "3 letters" in page.one("p", class_="total").text
    # Pakistan stays listed with its count, marked excluded, to be included again.
    link, minus = _rows(page, "sender_country")["not Pakistan"]
    assert "excluded" in link.classes and link.get("aria-current") == "true"
    assert "2 letters" in link.text and "follow to include again" in link.text
    assert "Include Pakistan again" in minus.text
    for back in (link.get("href"), minus.get("href")):
        assert "-country" not in params(back)
        assert set(fetch(live_server, back).hit_ids()) == PAKISTAN | OTHERS
    # The other facets count only the letters left: 2009 had both Pakistan letters and Russia's.
    years = {label_of(a): a.text for a, _ in _rows(page, "year").values()}
    assert "1 letter" in years["2009"] and "3 letters" in _rows(everything, "year")["2009"][0].text


def test_the_counts_without_pakistan_over_the_api(live_server):
    full = api(live_server, "/api/search")
    data = api(live_server, "/api/search?-country=PK")
    assert data["exclude"] == {"country": ["PK"]} and data["filters"] == {}
    assert data["total"] == 3 and {h["id"] for h in data["hits"]} == OTHERS
    # Its own facet is counted without the exclusion; Pakistan is flagged, not selected.
    assert counts(data, "sender_country") == counts(full, "sender_country")
    pk = next(v for v in data["facets"]["sender_country"] if v["value"] == "PK")
    assert pk == dict(value="PK", label="Pakistan", count=2, selected=False, excluded=True)
    assert not any(v["excluded"] for v in data["facets"]["year"])
    # The other facets honour it: each letter left has one year and one text source.
    assert counts(data, "year") == {"2007": 1, "2008": 1, "2009": 1}
    assert counts(full, "year")["2009"] == 3
    assert sum(counts(data, "text_source").values()) == 3
    assert sum(data["coverage"].values()) == 3
    for facet in ("sender", "recipient"):
        assert sum(counts(data, facet).values()) < sum(counts(full, facet).values()), facet
    # The permalinks keep the exclusion in its one form.
    assert params(data["links"]["self"]) == {"-country": ["PK"]}
    assert params(data["links"]["html"]) == {"-country": ["PK"]}


def test_an_exclusion_is_named_and_canonical_in_the_echo(live_server):
    data = api(live_server, "/api/search?-country=Pakistan&-country=PK&-country=GB")
    assert data["exclude"] == {"country": ["PK", "GB"]}
    assert {h["id"] for h in data["hits"]} == OTHERS - {"2008-10-10-uk-fco-miliband"}
    assert params(data["links"]["self"]) == {"-country": ["PK", "GB"]}
    # Beside a selection of another facet and a text query, all AND.
    data = api(live_server, "/api/search?q=munitions&year=2009&-country=PK")
    assert [h["id"] for h in data["hits"]] == ["2009-08-18-russia-embassy-wellington"]
    assert data["filters"] == {"year": ["2009"]} and data["exclude"] == {"country": ["PK"]}


def test_the_chip_shows_the_exclusion_and_removes_it(live_server):
    page = fetch(live_server, "/search?q=munitions&-country=PK&from=2008")
    chips = {" ".join(a.text.split()): a for a in page.find("a", class_="chip")}
    assert set(chips) == {
        "Sender country: not Pakistan × (remove this filter)",
        "From: 2008 × (remove this filter)",
    }
    chip = chips["Sender country: not Pakistan × (remove this filter)"]
    assert "chip-not" in chip.classes
    assert params(chip.get("href")) == {"q": ["munitions"], "from": ["2008"]}
    assert set(fetch(live_server, chip.get("href")).hit_ids()) >= PAKISTAN
    assert "not Pakistan" in page.title
    # The header's search form carries the exclusion along.
    hidden = [(i.get("name"), i.get("value")) for i in page.find("input", type="hidden")]
    assert ("-country", "PK") in hidden


def test_a_selected_values_minus_excludes_it_instead(live_server):
    page = fetch(live_server, "/search?country=PK&country=RU")
    link, minus = _rows(page, "sender_country")["Pakistan"]
    assert "selected" in link.classes
    assert params(minus.get("href")) == {"country": ["RU"], "-country": ["PK"]}
    swapped = fetch(live_server, minus.get("href"))
    assert swapped.hit_ids() == ["2009-08-18-russia-embassy-wellington"]
    assert "excluded" in _rows(swapped, "sender_country")["not Pakistan"][0].classes


def test_exports_honour_and_echo_the_exclusion(live_server):
    status, _, body = live_server.get("/search.csv?-country=PK")
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert {r["id"] for r in rows} == OTHERS
    data = api(live_server, "/search.json?-country=PK")
    assert data["exclude"] == {"country": ["PK"]}
    assert {h["id"] for h in data["hits"]} == OTHERS


def test_the_command_line_excludes_as_the_api_does(live_server, sample_env):
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "indexer", "--archive", str(sample_env.archive.root)]
            + ["--index", str(sample_env.index_dir), "search", *args],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )

    done = run("--exclude", "country=PK", "--json", "--base-url", live_server.url)
    assert done.returncode == 0, done.stderr
    data = api(live_server, "/api/search?-country=PK")
    assert json.loads(done.stdout) == {k: v for k, v in data.items() if k != "links"}
    bad = run("--exclude", "PK")
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        "Error: exclude 'PK' is not FACET=VALUE; accepted: country=PK and the like, "
        "FACET one of " + ", ".join(FACET_BY_PARAM)
    ]


@pytest.mark.parametrize(
    "query, message",
    [
        ("country=-PK", "country='-PK': a value does not start with '-'; "
         "accepted: -country=PK to exclude PK"),
        ("-country=Narnia", "-country='Narnia' is not a known sender country"),
        ("-language=xx", "-language='xx' is not a known language; accepted: ISO 639-1 codes"),
        ("country=PK&-country=Pakistan", "country='PK' is both selected and excluded; "
         "accepted: one or the other"),
    ],
)
def test_a_malformed_exclusion_is_a_one_line_400(live_server, query, message):
    data = api(live_server, f"/api/search?{query}", status=400)
    assert data["error"].startswith(message) and "\n" not in data["error"]
    page = fetch(live_server, f"/search?{query}", status=400)
    assert message in " ".join(page.one("p", class_="error-message").text.split())


def _rows(page: Page, name: str) -> dict[str, tuple[Element, Element]]:
    """A facet's (value link, minus link) by the label shown, read from its section."""
    html = page.html
    start = html.rindex("<section", 0, html.index(f'id="facet-{name}"'))
    section = Page(html[start : html.index("</section>", start)])
    values = section.find("a", class_="facet-value")
    minuses = section.find("a", class_="facet-exclude")
    assert len(values) == len(minuses) > 0
    return {label_of(a): (a, m) for a, m in zip(values, minuses, strict=True)}

