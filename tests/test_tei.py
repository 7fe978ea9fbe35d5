"""TEI letters in: `python -m indexer add` on real editions (Escher, Calvin, Suriano,
Israëls), the letter over the real app's API, both sides of `choice` found, pages split at
`pb`, notes kept apart, letter.json over the TEI, and broken TEI refused in one line."""

from __future__ import annotations

import json
import shutil

import pytest

from indexer.ingest.drafts import create_draft
from indexer.ingest.extract.tei import TEI_NAME, read_tei
from tests.conftest import Env, LiveServer, app_config, need_corpus
from tests.test_sample import cli

ESCHER_ANONYM = "K_0002_Anonym_an_Escher_1877-02-00.xml"
ESCHER_JENNY = "K_1371_Jenny_Peter_an_Escher_1854-10-30.xml"
CALVIN = "1538_10_01_EgliseGeneve.xml"


@pytest.fixture(scope="module")
def tei_env(tmp_path_factory) -> Env:
    """An archive with real TEI letters added through the command line."""
    env = Env(tmp_path_factory.mktemp("tei"))
    (env.archive.root / "letters").mkdir(parents=True)
    escher = need_corpus("letters", "escher_sample", "briefe")
    calvin = need_corpus("letters", "calvin_fr", "letters")
    files = [
        escher / ESCHER_ANONYM,
        escher / ESCHER_JENNY,
        calvin / CALVIN,
        need_corpus("letters", "suriano_it", "letters", "03", "005.xml"),
        need_corpus("letters", "israels_nl", "letters", "ii001.xml"),
    ]
    people = need_corpus("letters", "escher_sample", "people.xml")  # the edition's persons
    env.ids = {}
    for path in files:
        extra = [str(people)] if path.parent == escher else []
        out = cli(env, "add", str(path), *extra)
        assert out.returncode == 0, out.stderr
        env.ids[path.name] = out.stdout.strip()
    return env


@pytest.fixture(scope="module")
def server(tei_env):
    from webapp import create_app

    live = LiveServer(create_app(app_config(tei_env)))
    yield live
    live.stop()


def api(server: LiveServer, letter_id: str) -> dict:
    status, _, body = server.get(f"/api/letters/{letter_id}")
    assert status == 200, body[:300]
    return json.loads(body)


def test_escher_letter_shows_the_tei_parties_places_and_date(tei_env, server):
    letter = api(server, tei_env.ids[ESCHER_JENNY])
    # The title "Peter Jenny an Alfred Escher" names the sender; the source's
    # correspAction roles say the opposite, and the title wins (README "TEI letters").
    assert letter["sender"]["name"] == "Peter Jenny"
    assert letter["sender"]["place"] == "Schwanden"
    assert letter["recipients"][0]["name"] == "Alfred Escher"
    assert letter["recipients"][0]["place"] == "Zürich"
    assert letter["date"] == "1854-10-30"
    assert letter["date_as_written"] == "30. Oktober 1854"
    assert letter["collection"] == "BAR"
    # the manuscript's idno is its shelfmark: the citations' archive location
    assert letter["fields"]["shelfmark"] == {
        "value": "CH-BAR#J1.67#1000/1363#290*", "source": "tei", "method": "msIdentifier"
    }
    assert letter["citation"]["ris"].count("AN  - CH-BAR#J1.67#1000/1363#290*\n") == 1
    fields = letter["fields"]
    assert fields["sender.name"]["source"] == "tei"
    assert fields["sender.name"]["method"] == "title"  # the swap is said, not hidden
    place = {"value": "Schwanden", "source": "tei", "method": "correspDesc"}
    assert fields["sender.place"] == place
    assert fields["date"]["source"] == "tei"
    # Authority ids: the letter's @key points into the edition's list of persons, given
    # with it; its GND ids follow the names through the swap.
    assert letter["sender"]["ref"] == "https://d-nb.info/gnd/1053809247"
    assert (letter["sender"]["family"], letter["sender"]["given"]) == ("Jenny", "Peter")
    assert letter["recipients"][0]["ref"] == "https://d-nb.info/gnd/118830295"
    assert fields["sender.name"]["authority"]["url"] == "https://d-nb.info/gnd/1053809247"


def test_only_the_persons_a_letter_names_are_kept_beside_it(tei_env):
    from indexer.ingest.extract.teilists import LISTS_NAME, read_persons

    folder = tei_env.archive.folder(tei_env.ids[ESCHER_JENNY])
    # beside the change log (history.jsonl) that records the letter's arrival
    kept = sorted(p.name for p in folder.iterdir() if p.name != "history.jsonl")
    assert kept == [LISTS_NAME, TEI_NAME]
    persons = read_persons(folder / LISTS_NAME)
    assert set(persons) == {"Jenny Peter", "Jenny-Peter", "Escher (vom Glas) Alfred",
                            "Escher-_vom-Glas-Alfred"}  # fmt: skip
    calvin = tei_env.archive.folder(tei_env.ids[CALVIN])
    assert sorted(p.name for p in calvin.iterdir() if p.name != "history.jsonl") == [TEI_NAME]


def test_escher_letter_splits_at_pb_with_labels_and_keeps_notes_apart(tei_env, server):
    letter = api(server, tei_env.ids[ESCHER_ANONYM])
    pages = letter["pages"]
    assert [p["label"] for p in pages] == [None, "2", "3"]
    assert pages[0]["text"].startswith("Titulo (mit Titel)")
    assert "Verzeihen Sie, wenn ein Anonymus" in pages[0]["text"]
    assert pages[1]["text"].startswith("entweder in der Freitagszeitung")
    # Editorial notes: on the page they stand on, never in its text.
    assert "Datierung gemäss Briefinhalt." in pages[0]["notes"]
    assert all("Datierung gemäss" not in p["text"] for p in pages)
    assert letter["date"] == "1877-02-01?" and letter["date_uncertain"]  # "[Februar 1877?]"
    assert letter["sender"]["organisation"] == "Anonym"


def test_both_sides_of_choice_are_found_and_the_reading_text_is_shown(tei_env, server):
    anonym, calvin = tei_env.ids[ESCHER_ANONYM], tei_env.ids[CALVIN]
    # Escher: <choice><abbr>republ.</abbr><expan>republikanisch</expan></choice>
    assert anonym in tei_env.found("republ")
    assert anonym in tei_env.found("republikanisch")
    # Calvin: <choice><orig>nostre</orig><reg>notre</reg></choice>
    assert calvin in tei_env.found("nostre")
    assert calvin in tei_env.found("notre")
    text = " ".join(p["text"] for p in api(server, calvin)["pages"])
    assert " notre " in text and "nostre" not in text
    assert "republ." not in " ".join(p["text"] for p in api(server, anonym)["pages"])


def test_calvin_gives_authority_refs_and_a_licence(tei_env, server):
    letter = api(server, tei_env.ids[CALVIN])
    assert letter["sender"]["name"] == "Jean Calvin"
    assert letter["sender"]["place_ref"] == "https://www.wikidata.org/entity/Q6602"
    recipient = letter["recipients"][0]
    assert recipient["organisation"] == "Église de Genève"
    assert recipient["ref"] == "https://www.wikidata.org/entity/Q13371956"
    assert recipient["place_ref"] == "https://www.wikidata.org/entity/Q71"
    assert letter["fields"]["recipient.organisation"]["authority"]["name"] == "Wikidata"
    assert letter["languages"] == ["fr"]
    assert letter["rights"].startswith("Distributed under a Creative Commons")


def test_suriano_pages_carry_their_folio_labels_and_pointed_notes(tei_env, server):
    letter = api(server, tei_env.ids["005.xml"])
    pages = letter["pages"]
    labels = [p["label"] for p in pages]
    assert labels[:3] == ["028r", "028v", "029r"] and labels[-1] == "032v"
    assert pages[0]["text"].splitlines()[2] == "Serenissimo Principe"
    # <ptr target="#tn1"/> on the first page: the note at the end of the file goes there.
    assert "Gap in the outer margin of the page." in pages[0]["notes"]
    assert "There is a hole in the page." in pages[1]["notes"]
    assert letter["sender"]["name"] == "Christofforo Suriano"
    assert letter["fields"]["sender.name"]["method"] == "correspDesc"


def test_israels_translation_is_searched_not_shown(tei_env, server):
    letter_id = tei_env.ids["ii001.xml"]
    letter = api(server, letter_id)
    assert letter["sender"]["name"] == "Isaac Israëls"  # the title agrees: nothing swapped
    assert letter["recipients"][0]["name"] == "Jo van Gogh-Bonger"
    assert [p["label"] for p in letter["pages"]] == ["1", "2"]
    assert "Geachte Mevrouw" in letter["pages"][0]["text"]
    assert "Dear Madam" not in letter["pages"][0]["text"]
    assert letter_id in tei_env.found('"heartfelt condolences"')


def test_letter_page_shows_notes_apart_and_page_labels(tei_env, server):
    status, _, body = server.get(f"/letters/{tei_env.ids['005.xml']}")
    html = body.decode()
    assert status == 200
    assert "Editorial notes" in html and "Gap in the outer margin of the page." in html
    assert "(028r)" in html
    assert "given in the TEI" in html


def test_a_folder_of_tei_files_adds_each_and_a_broken_one_gets_one_line(tmp_path):
    escher = need_corpus("letters", "escher_sample", "briefe")
    env = Env(tmp_path)
    (env.archive.root / "letters").mkdir(parents=True)
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(escher / ESCHER_JENNY, folder)
    shutil.copy(escher.parent / "people.xml", folder)  # a list of persons: no letter
    good = (escher / ESCHER_ANONYM).read_bytes()
    (folder / "broken.xml").write_bytes(good[: len(good) // 2])  # cut off mid-element
    bomb = b'<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY a "aaaaaaaa">]>' + good[39:]
    (folder / "bomb.xml").write_bytes(bomb)
    out = cli(env, "add", str(folder))
    assert out.returncode == 1
    lines = out.stderr.splitlines()
    broken = [line for line in lines if line.startswith("broken.xml: ")]
    bombed = [line for line in lines if line.startswith("bomb.xml: ")]
    assert len(broken) == 1 and "not well-formed XML" in broken[0] and "accepted: " in broken[0]
    assert len(bombed) == 1 and "refused" in bombed[0] and "accepted: " in bombed[0]
    assert out.stderr.splitlines()[-1] == "1 TEI letters added, 2 refused"
    added = out.stdout.split()
    assert added == ["1854-10-30-peter-jenny"]
    # Nothing lost, nothing half-made: the good letter is whole and searchable, no other.
    folders = [p.name for p in (env.archive.root / "letters").iterdir() if p.is_dir()]
    assert [f for f in folders if not f.startswith(".")] == added
    assert (env.archive.root / "letters" / added[0] / TEI_NAME).read_bytes() == (
        escher / ESCHER_JENNY
    ).read_bytes()
    assert env.found("Nordostbahn") == set(added)
    jenny = env.reader.read(added[0])
    assert jenny.recipient.ref == "https://d-nb.info/gnd/118830295"
    assert jenny.provenance["recipient.ref"].method == "listPerson"  # said where it came from


def test_letter_json_wins_over_the_tei_field_by_field(tmp_path):
    env = Env(tmp_path)
    folder = env.archive.root / "letters" / "jenny"
    folder.mkdir(parents=True)
    escher = need_corpus("letters", "escher_sample", "briefe")
    shutil.copy(escher / ESCHER_JENNY, folder / TEI_NAME)
    meta = {"title": "Jenny to Escher on the Nordostbahn", "sender": {"country": "CH"}}
    (folder / "letter.json").write_text(json.dumps(meta), encoding="utf-8")
    letter = env.reader.read("jenny")
    assert letter.title == "Jenny to Escher on the Nordostbahn"
    assert letter.provenance["title"].source == "archivist"
    assert letter.sender.name == "Peter Jenny"
    assert letter.provenance["sender.name"].source == "tei"
    assert letter.provenance["sender.country"].source == "archivist"
    # A corrected page (page-NNN.txt, as the corrections page writes it) wins too.
    (folder / "page-002.txt").write_text("A corrected second page.", encoding="utf-8")
    again = env.reader.read("jenny")
    assert again.pages[1].text == "A corrected second page."
    assert again.pages[0].text == letter.pages[0].text


def test_an_uploaded_tei_file_becomes_a_draft_read_from_its_tei(tmp_path):
    env = Env(tmp_path)
    (env.archive.root / "letters").mkdir(parents=True)
    path = need_corpus("letters", "calvin_fr", "letters", CALVIN)
    with open(path, "rb") as fh:
        draft = create_draft(env.archive, [("calvin.xml", fh)], by="ann", via="upload")
    folder = env.archive.folder(draft)
    assert sorted(p.name for p in folder.iterdir() if p.name != "history.jsonl") == [
        "letter.json",
        TEI_NAME,
    ]
    letter = env.reader.read(draft)
    assert letter.status == "draft"
    assert letter.sender.name == "Jean Calvin" and letter.date.iso == "1538-10-01"
    broken = tmp_path / "broken.xml"
    broken.write_bytes(path.read_bytes()[:2000])
    from indexer.errors import IngestError

    with open(broken, "rb") as fh, pytest.raises(IngestError) as caught:
        create_draft(env.archive, [("letter from calvin.xml", fh)], by="ann", via="upload")
    assert str(caught.value).startswith("letter from calvin.xml: not well-formed XML")
    assert "\n" not in str(caught.value)


@pytest.mark.slow
@pytest.mark.parametrize(
    "edition",
    ["escher_sample/briefe", "calvin_fr/letters", "calvin_fr/translations_es", "israels_nl/letters"]
    + [f"suriano_it/letters/{n}" for n in ("02", "03", "04", "05")],
)
def test_every_file_of_the_editions_reads_with_text_and_a_sender(edition):
    folder = need_corpus("letters", *edition.split("/"))
    for path in sorted(folder.glob("*.xml")):
        tei = read_tei(path)
        assert any(p.text.render() for p in tei.pages), path.name
        assert tei.sender.label(), path.name
