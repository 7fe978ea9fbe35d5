"""Authority ids: refs of persons and places in the sidecar (checked, written one way),
the Sender/Recipient/Place facets keyed by them in the web app, the letter page's links to
the authority records, the JSON API's fields, and citations from family and given names."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from indexer.archive.sidecar import SidecarError, letter_to_sidecar, parse_sidecar
from indexer.authority import authority_of, normalise_ref, normalise_refs
from indexer.records import Letter
from tests import test_archivist
from tests.conftest import Env, LiveServer, app_config, write_letter
from tests.htmlpage import Page
from webapp import citation, create_app
from webapp.letters import metadata_fields

GOETHE = "https://d-nb.info/gnd/118540238"
WEIMAR = "https://www.geonames.org/2812482"
ZELTER = "https://viaf.org/viaf/44348232"
GARCIA = {
    "name": "José Antonio García Belaunde",
    "family": "García Belaunde",
    "given": "José Antonio",
    "ref": "http://www.wikidata.org/wiki/Q1691579",
    "place": "Lima",
    "place_ref": "http://sws.geonames.org/3936456/",
}


# -- the patterns --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "given, canonical, name",
    [
        ("https://d-nb.info/gnd/118540238", GOETHE, "GND"),
        ("http://d-nb.info/gnd/118540238/", GOETHE, "GND"),
        ("HTTP://D-NB.INFO/gnd/4005728-8", "https://d-nb.info/gnd/4005728-8", "GND"),
        ("http://d-nb.info/gnd/10153740x", "https://d-nb.info/gnd/10153740X", "GND"),
        ("http://viaf.org/viaf/44348232/", ZELTER, "VIAF"),
        ("https://www.viaf.org/viaf/44348232", ZELTER, "VIAF"),
        (
            "http://www.wikidata.org/entity/Q5879",
            "https://www.wikidata.org/entity/Q5879",
            "Wikidata",
        ),
        (
            "https://www.wikidata.org/wiki/Q5879",
            "https://www.wikidata.org/entity/Q5879",
            "Wikidata",
        ),
        ("https://wikidata.org/wiki/q5879/", "https://www.wikidata.org/entity/Q5879", "Wikidata"),
        ("http://sws.geonames.org/2812482/", WEIMAR, "GeoNames"),
        ("https://www.geonames.org/2812482/weimar.html", WEIMAR, "GeoNames"),
        ("  https://geonames.org/2812482  ", WEIMAR, "GeoNames"),
    ],
)
def test_each_spelling_of_a_ref_has_one_canonical_form(given, canonical, name):
    assert normalise_ref(given) == canonical
    assert authority_of(given) == (name, canonical)
    assert normalise_ref(canonical) == canonical  # canonical forms stay as they are


@pytest.mark.parametrize(
    "text",
    [
        "",
        "118540238",  # an id without its authority
        "gnd:118540238",
        "ftp://d-nb.info/gnd/118540238",
        "https://d-nb.info/gnd/abc",
        "https://viaf.org/viaf/12a",
        "https://www.wikidata.org/wiki/Goethe",
        "https://www.geonames.org/2812482/weimar/extra",
        "https://d-nb.info.example.org/gnd/118540238",
        "https://example.org/viaf/44348232",
        "https://viaf.org/viaf/44348232?x=1",
        "javascript:alert(1)//viaf.org/viaf/1",
    ],
)
def test_other_text_is_no_ref(text):
    assert normalise_ref(text) is None
    assert authority_of(text) is None


def test_several_refs_in_one_attribute():
    text = "http://d-nb.info/gnd/118540238 https://example.org/x http://viaf.org/viaf/44348232/"
    assert normalise_refs(text) == [GOETHE, ZELTER]
    assert normalise_refs(f"{GOETHE} {GOETHE}/") == [GOETHE]


# -- the sidecar ---------------------------------------------------------------------------
def _parse(data: dict) -> Letter:
    letter = Letter(id="x")
    parse_sidecar(data, letter, path="1832-x/letter.json")
    return letter


def test_sidecar_parties_take_refs_and_name_parts_in_canonical_form():
    letter = _parse({"sender": GARCIA, "recipient": [{"name": "Zelter", "ref": ZELTER + "/"}]})
    sender = letter.sender
    assert sender.ref == "https://www.wikidata.org/entity/Q1691579"
    assert sender.place_ref == "https://www.geonames.org/3936456"
    assert (sender.family, sender.given) == ("García Belaunde", "José Antonio")
    assert letter.recipients[0].ref == ZELTER
    assert letter.provenance["sender.ref"].source == "archivist"
    # Written back as given (canonical), so the archivists' desk keeps them.
    back = letter_to_sidecar(letter)
    assert back["sender"]["ref"] == "https://www.wikidata.org/entity/Q1691579"
    assert back["sender"]["family"] == "García Belaunde"
    assert back["sender"]["place_ref"] == "https://www.geonames.org/3936456"


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"sender": {"ref": "gnd:118540238"}},
            '1832-x/letter.json: sender.ref: "gnd:118540238" is not an authority URI; '
            "accepted: an authority URI of GND (https://d-nb.info/gnd/118540238), VIAF (",
        ),
        (
            {"sender": {"name": "Goethe", "ref": WEIMAR}},
            f'1832-x/letter.json: sender.ref: "{WEIMAR}" is a GeoNames id (a place); '
            "accepted: an authority URI of GND",
        ),
        (
            {"recipient": [{"name": "A"}, {"place_ref": ZELTER}]},
            f'1832-x/letter.json: recipient[1].place_ref: "{ZELTER}" is a VIAF id (a person '
            "or body); accepted: an authority URI of GeoNames (https://www.geonames.org/",
        ),
        (
            {"sender": {"family": ["García", "Belaunde"]}},
            '1832-x/letter.json: sender.family: ["García", "Belaunde"] is a list, not text; '
            "accepted: text",
        ),
        (
            {"recipient": {"given": 5}},
            "1832-x/letter.json: recipient.given: 5 is a number, not text; accepted: text",
        ),
    ],
)
def test_a_bad_ref_or_name_part_is_one_line_naming_it(data, message):
    with pytest.raises(SidecarError) as caught:
        _parse(data)
    text = str(caught.value)
    assert text.startswith(message), text
    assert "\n" not in text


# -- the web app ---------------------------------------------------------------------------
LETTERS = {
    "1820-a": ({"sender": {"name": "J. W. Goethe", "ref": GOETHE}}, "Weimar, a letter."),
    "1821-b": (
        {"sender": {"name": "J. W. Goethe", "ref": "http://d-nb.info/gnd/118540238/"}},
        "Another letter.",
    ),
    "1822-c": (
        {
            "sender": {
                "name": "Johann Wolfgang von Goethe",
                "ref": GOETHE,
                "place": "Weimar",
                "place_ref": "http://sws.geonames.org/2812482/",
            },
            "recipient": [{"name": "C. F. Zelter", "ref": ZELTER}, {"ref": GOETHE}],
        },
        "A third letter.",
    ),
    "1823-d": ({"sender": {"name": "Goethe"}}, "No ref."),
    "2009-e": ({"sender": GARCIA, "date": "2009-02-16"}, "Lima, a letter."),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("authority")
    (root / "archive" / "letters").mkdir(parents=True)
    for letter_id, (meta, text) in LETTERS.items():
        write_letter(root / "archive", letter_id, [text], meta)
    env = Env(root)
    assert not env.build().errors
    live = LiveServer(create_app(app_config(env)))
    yield live
    live.stop()


def _get(server, path: str):
    status, headers, body = server.get(path)
    assert status == 200, (path, status, body[:300])
    return headers, body


def _json(server, path: str):
    return json.loads(_get(server, path)[1])


def test_the_sender_facet_is_one_value_for_two_spellings(server):
    facets = _json(server, "/api/search")["facets"]
    senders = {v["value"]: (v["label"], v["count"]) for v in facets["sender"]}
    assert senders[GOETHE] == ("J. W. Goethe", 3)
    assert senders["Goethe"] == ("Goethe", 1)  # no ref: not known to be the same person
    places = {v["value"]: (v["label"], v["count"]) for v in facets["place"]}
    assert places[WEIMAR] == ("Weimar", 1)
    recipients = {v["value"]: v["label"] for v in facets["recipient"]}
    assert recipients[ZELTER] == "C. F. Zelter"
    # A recipient known by the ref alone is labelled by the name other letters give.
    assert recipients[GOETHE] == "J. W. Goethe"


def test_the_search_page_filters_by_a_person_and_names_him_in_the_chip(server):
    page = Page(_get(server, "/search")[1])
    # The value's own link selects it (the minus beside it, "-sender=", excludes it).
    links = [a for a in page.find("a") if "sender" in parse_qs(urlsplit(a.get("href") or "").query)]
    [href] = [a.get("href") for a in links if "J. W. Goethe" in a.text]
    assert parse_qs(urlsplit(href).query)["sender"] == [GOETHE]
    filtered = Page(_get(server, href)[1])
    [chip] = filtered.find("a", class_="chip")
    assert " ".join(chip.text.split()).startswith("Sender: J. W. Goethe")
    # Any spelling of the ref filters the same.
    spelt = _json(server, "/api/search?sender=http://d-nb.info/gnd/118540238/")
    assert {h["id"] for h in spelt["hits"]} == {"1820-a", "1821-b", "1822-c"}
    assert _json(server, "/api/search?sender=Goethe")["total"] == 1


def test_the_api_gives_refs_and_name_parts(server):
    data = _json(server, "/api/letters/2009-e")
    sender = data["sender"]
    assert sender["ref"] == "https://www.wikidata.org/entity/Q1691579"
    assert sender["family"] == "García Belaunde" and sender["given"] == "José Antonio"
    assert sender["place_ref"] == "https://www.geonames.org/3936456"
    fields = data["fields"]
    assert fields["sender.name"]["authority"] == {
        "name": "Wikidata",
        "url": "https://www.wikidata.org/entity/Q1691579",
    }
    assert fields["sender.place"]["authority"]["name"] == "GeoNames"
    # Citations from the name parts.
    assert data["citation"]["csl"]["author"] == [
        {"family": "García Belaunde", "given": "José Antonio"}
    ]
    assert "García Belaunde, José Antonio" in data["citation"]["chicago-bibliography"]


def test_the_letter_page_links_the_authority_records(server):
    page = Page(_get(server, "/letters/1822-c")[1])
    links = [(a.get("href"), a.text.strip()) for a in page.find("a", class_="authority")]
    # The sender's GND record, his place's GeoNames record, the recipient's VIAF record,
    # and the second recipient, known by the ref alone, still linked.
    assert sorted(links) == sorted(
        [(GOETHE, "GND"), (WEIMAR, "GeoNames"), (ZELTER, "VIAF"), (GOETHE, "GND")]
    )
    # The byline names the recipients that have a name; the one known by the ref alone is
    # linked in the metadata only.
    byline = " ".join(page.one("p", class_="byline").text.split())
    assert byline.endswith("to C. F. Zelter · Transcribed"), byline
    # A letter without refs has no such links.
    assert Page(_get(server, "/letters/1823-d")[1]).find("a", class_="authority") == []


def test_a_ref_of_no_authority_file_is_never_linked():
    # A ref another reader put in the index unchecked: no link, whatever it holds.
    for ref in ("javascript:alert(1)", "https://evil.example/gnd/1", GOETHE + "?q=x"):
        meta = {"id": "x", "sender": {"name": "Goethe", "ref": ref, "place_ref": ref}}
        rows = metadata_fields(meta)["sender"]
        assert [f.authority for f in rows] == [None], ref
    # A spelling of a real record is linked in its canonical form.
    meta = {"id": "x", "sender": {"name": "Goethe", "ref": "http://d-nb.info/gnd/118540238/"}}
    assert metadata_fields(meta)["sender"][0].authority == {"name": "GND", "url": GOETHE}


# -- citations -----------------------------------------------------------------------------
def test_citations_use_the_name_parts_and_keep_todays_split_without_them():
    url = "https://missive.example/letters/2009-e"
    with_parts = {"id": "2009-e", "title": "A letter", "date": "2009-02-16", "sender": GARCIA}
    item = citation.csl_item(with_parts, url)
    assert item["author"] == [{"family": "García Belaunde", "given": "José Antonio"}]
    cites = citation.render(with_parts, url)
    assert "García Belaunde, José Antonio" in cites["chicago-bibliography"]
    assert "author = {García Belaunde, José Antonio}" in cites["bibtex"]
    assert "AU  - García Belaunde, José Antonio" in cites["ris"]
    # Without parts: the last word is the family name, as before.
    plain = dict(with_parts, sender={"name": GARCIA["name"]})
    assert citation.csl_item(plain, url)["author"] == [
        {"family": "Belaunde", "given": "José Antonio García"}
    ]
    # A family name alone is cited as it is.
    alone = dict(with_parts, sender={"name": "Humboldt", "family": "von Humboldt"})
    assert citation.csl_item(alone, url)["author"] == [{"literal": "von Humboldt"}]


# -- the archivists' form ------------------------------------------------------------------
desk = test_archivist.desk  # a signed-in archivist over a small archive


def test_the_metadata_form_keeps_and_checks_refs(desk):
    env, _app, client, token = desk
    form = {
        "csrf_token": token,
        "title": "Beta",
        "sender.name": "J. W. Goethe",
        "sender.family": "Goethe",
        "sender.given": "Johann Wolfgang",
        "sender.ref": "http://d-nb.info/gnd/118540238/",
        "sender.place": "Weimar",
        "sender.place_ref": "https://www.geonames.org/2812482/weimar.html",
    }
    r = client.post("/archive/letters/beta/metadata", data=form)
    assert r.status_code == 303, r.get_data(as_text=True)[:800]
    data = json.loads((env.archive.folder("beta") / "letter.json").read_text())
    assert data["sender"]["ref"] == "http://d-nb.info/gnd/118540238/"  # as the archivist wrote
    page = client.get("/archive/letters/beta").get_data(as_text=True)
    assert 'name="sender.ref"' in page and "d-nb.info/gnd/118540238" in page
    assert client.get("/api/letters/beta").get_json()["sender"]["ref"] == GOETHE
    # Saving the form again keeps them (the form shows every party field).
    html = Page(page)
    values = {e.get("name"): e.get("value") or "" for e in html.find("input") if e.get("name")}
    values["action"] = "save"
    client.post("/archive/letters/beta/metadata", data=values)
    data = json.loads((env.archive.folder("beta") / "letter.json").read_text())
    assert data["sender"]["place_ref"] == WEIMAR  # kept, as the form shows it: canonical
    assert data["sender"]["family"] == "Goethe"
    # A ref that is none is refused, naming the field, and nothing is written.
    before = (env.archive.folder("beta") / "letter.json").read_text()
    r = client.post(
        "/archive/letters/beta/metadata", data={**form, "sender.ref": "https://example.org/1"}
    )
    assert r.status_code == 400
    assert "sender.ref: &#34;https://example.org/1&#34; is not an authority URI" in r.get_data(
        as_text=True
    )
    assert (env.archive.folder("beta") / "letter.json").read_text() == before
