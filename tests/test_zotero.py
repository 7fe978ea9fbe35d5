"""What Zotero reads from a letter page, over HTTP from the running app on the sample archive:
the unAPI server and its RIS (parsed by rispy), Highwire/Dublin Core tags and COinS."""

from __future__ import annotations

from urllib.parse import parse_qs
from xml.etree import ElementTree

import pytest
import rispy

from tests.conftest import Env, serve, write_letter
from tests.htmlpage import Page

PERU = "2007-04-10-peru-mfa-lima"  # no recipient; sender given as family/given in the sidecar
PK_MOFA = "2009-02-16-pakistan-mofa"


def get(server, path: str) -> tuple[int, str, str]:
    status, headers, body = server.get(path)
    return status, headers["Content-Type"], body.decode("utf-8")


def ris(server, letter_id: str) -> dict:
    status, ctype, body = get(server, f"/unapi?id={letter_id}&format=ris")
    assert status == 200 and ctype == "application/x-research-info-systems; charset=utf-8"
    [entry] = rispy.loads(body)
    return entry


def test_letter_page_names_the_unapi_server_and_the_letter(live_server):
    status, _, body = get(live_server, f"/letters/{PK_MOFA}/pages/2")
    page = Page(body)
    assert status == 200
    link = page.one("link", rel="unapi-server")
    assert link.get("type") == "application/xml"
    assert link.get("href") == f"{live_server.url}/unapi"
    assert page.one("abbr", class_="unapi-id").get("title") == PK_MOFA


def test_unapi_lists_its_formats_and_a_letters_formats(live_server):
    status, ctype, body = get(live_server, "/unapi")
    assert status == 200 and ctype.startswith("application/xml")
    formats = ElementTree.fromstring(body)
    assert formats.tag == "formats" and "id" not in formats.attrib
    names = {f.get("name"): f.get("type") for f in formats}
    assert names == {
        "ris": "application/x-research-info-systems",
        "bibtex": "application/x-bibtex",
        "csl-json": "application/vnd.citationstyles.csl+json",
    }
    status, ctype, body = get(live_server, f"/unapi?id={PK_MOFA}")
    assert status == 300  # unAPI: a letter's formats answer "Multiple Choices"
    assert ElementTree.fromstring(body).get("id") == PK_MOFA


def test_unapi_ris_carries_author_recipient_archive_and_date(live_server):
    entry = ris(live_server, PK_MOFA)
    assert entry["type_of_reference"] == "PCOMM"  # Zotero: a letter
    assert entry["authors"] == ["Shami, Irfan Yusuf"]
    assert entry["secondary_authors"] == ["Goose, Stephen D."]  # Zotero: the recipient
    assert entry["name_of_database"] == "Cluster munitions and arms trade correspondence (sample)"
    assert entry["accession_number"] == "Sample letter no. 3"  # Zotero: Loc. in Archive
    assert entry["date"] == "2009/02/16/" and entry["year"] == "2009"
    assert entry["title"].startswith("Ministry of Foreign Affairs of Pakistan")
    assert entry["urls"] == [f"{live_server.url}/letters/{PK_MOFA}"]
    assert entry["language"] == "en"
    assert entry["abstract"].startswith("Enclosed with the Embassy of Pakistan")
    assert entry["unknown_tag"]["CR"][0].startswith("Sample letters for demonstration")


def test_unapi_ris_names_family_and_given_as_the_sidecar_gives_them(live_server):
    entry = ris(live_server, PERU)
    assert entry["authors"] == ["García Belaunde, José Antonio"]
    assert "secondary_authors" not in entry  # the circular has no recipient
    assert entry["accession_number"] == "Sample letter no. 1"


def test_unapi_other_formats(live_server):
    status, ctype, body = get(live_server, f"/unapi?id={PERU}&format=bibtex")
    assert status == 200 and ctype.startswith("application/x-bibtex")
    assert "author = {García Belaunde, José Antonio}" in body
    status, ctype, body = get(live_server, f"/unapi?id={PERU}&format=csl-json")
    assert status == 200 and '"family": "García Belaunde"' in body


def test_unapi_refuses_unknown_letters_and_formats_in_one_line(live_server):
    status, ctype, body = get(live_server, f"/unapi?id={PK_MOFA}&format=pdf")
    assert status == 406 and ctype.startswith("text/plain")
    assert body == "unapi: format 'pdf' is not offered; accepted: ris, bibtex, csl-json\n"
    status, _, body = get(live_server, "/unapi?id=1999-no-such-letter&format=ris")
    assert status == 404 and body.count("\n") == 1 and "1999-no-such-letter" in body
    status, _, body = get(live_server, "/unapi?id=../etc&format=ris")
    assert status == 404 and "is not a letter id" in body
    status, _, body = get(live_server, "/unapi?format=ris")
    assert status == 400 and "needs an id" in body


def test_highwire_dublin_core_and_coins_complete(live_server):
    status, _, body = get(live_server, f"/letters/{PERU}")
    page = Page(body)
    assert status == 200
    assert page.meta("citation_author") == ["García Belaunde, José Antonio"]
    assert page.meta("DC.type") == ["letter"]  # the item type Zotero saves
    abstract = "A circular invitation to the Lima Conference of 23–25 May 2007."
    assert page.meta("citation_abstract") == [abstract]
    assert page.meta("DC.rights")[0].startswith("Sample letters for demonstration")
    coins = parse_qs(page.one("span", class_="Z3988").get("title"))
    assert coins["rft.aulast"] == ["García Belaunde"] and coins["rft.aufirst"] == ["José Antonio"]
    assert coins["rft.rights"][0].startswith("Sample letters for demonstration")
    assert coins["rft.description"] == [abstract]
    status, _, body = get(live_server, f"/letters/{PK_MOFA}")
    assert Page(body).meta("DC.contributor") == ["Goose, Stephen D."]  # the recipient


@pytest.fixture(scope="module")
def lifecycle_server(tmp_path_factory):
    """A small archive: a published letter, a draft and a withdrawn letter."""
    root = tmp_path_factory.mktemp("zotero")
    env = Env(root)
    letters = env.archive.root / "letters"
    gone = {"at": "2026-11-23T10:00:00Z", "reason": "a duplicate"}
    for letter_id, extra in (
        ("1850-public", {}),
        ("1850-draft", {"status": "draft"}),
        ("1850-gone", {"status": "withdrawn", "withdrawn": gone}),
    ):
        meta = {"title": "On the harbour", "date": "1850-03-04", **extra}
        write_letter(letters.parent, letter_id, ["The harbour is closed."], meta)
    yield from serve(env)


def test_unapi_hides_drafts_and_says_when_a_letter_was_withdrawn(lifecycle_server):
    assert get(lifecycle_server, "/unapi?id=1850-public&format=ris")[0] == 200
    status, _, body = get(lifecycle_server, "/unapi?id=1850-draft&format=ris")
    assert status == 404 and "1850-draft" in body
    status, _, body = get(lifecycle_server, "/unapi?id=1850-gone")
    assert status == 410 and "withdrawn" in body and "a duplicate" in body
