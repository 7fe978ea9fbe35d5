"""The sender's place and country: the gazetteer's exonyms and abbreviations, and what is never
taken for the sender's place (the recipient's address, a name cut short, a word that merely is
a place name, a hotel's letterhead alone). Suggestions reach the API and the letter page."""

from __future__ import annotations

import pytest

from indexer.ingest.metadata import SUGGEST_BELOW, extract_metadata, is_sure
from indexer.ingest.metadata.gazetteer import resolve
from tests.archive_support import archive_env, config, sign_in
from tests.conftest import write_letter
from webapp import create_app

BODY = (
    "ich danke Ihnen herzlich für Ihren freundlichen Brief, den ich gestern mit großer "
    "Freude erhalten habe, und hoffe, dass es Ihnen und den Ihrigen gut geht."
)


def _letter(head: str, tail: str = "Mit herzlichen Grüßen\nIhr\nKarl Huber") -> str:
    return f"{head}\n\nSehr geehrter Herr Doktor!\n\n{BODY}\n\n{tail}\n"


def _sure(found: dict, key: str):
    item = found.get(key)
    return item.value if item is not None and is_sure(item) else None


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Wien", "AT"), ("München", "DE"), ("Prag", "CZ"), ("Venedig", "IT"),
        ("Florenz", "IT"), ("Lissabon", "PT"), ("Genf", "CH"), ("Mailand", "IT"),
        ("Bruxelles", "BE"), ("Brüssel", "BE"), ("Constantinople", "TR"),
    ],
)  # fmt: skip
def test_exonyms_and_historical_names_give_the_country(written, code):
    place = resolve(written)
    assert place is not None and place.code == code
    found = extract_metadata([_letter(f"{written}, den 25. Juni 1923")], languages=False)
    assert _sure(found, "sender.country") == code
    assert found["sender.place"].value == written
    assert found["sender.country"].provenance.line == f"{written}, den 25. Juni 1923"


@pytest.mark.parametrize(
    ("dateline", "code", "place"),
    [
        ("Denver, Colo., June 5, 1920", "US", "Denver"),
        ("Cheyenne, Wyo., May 2, 1911", "US", "Cheyenne"),
        ("Detroit, Mich., March 3, 1915", "US", "Detroit"),
        ("Toluca, Méx., Agosto 21 de 1919", "MX", "Toluca"),
        ("Dall'Haya a' 4 febraro 1617", "NL", None),
        ("De Genesve, ce 19 de janvier 1551.", "CH", None),
    ],
)
def test_abbreviations_and_old_forms_in_the_dateline(dateline, code, place):
    found = extract_metadata([_letter(dateline)], languages=False)
    assert _sure(found, "sender.country") == code
    if place:
        assert found["sender.place"].value == place


def test_a_place_on_the_line_above_the_date():
    found = extract_metadata([_letter("Mit Grüßen", "Ihr\nKarl Huber\nWinterthur\n1. Juli 1847.")])
    assert _sure(found, "sender.country") == "CH"
    assert found["sender.place"].value == "Winterthur"
    assert found["sender.place_ref"].value == "https://www.geonames.org/2657970"


@pytest.mark.parametrize("country", ["Austria", "Autriche!"])
def test_the_recipients_address_block_is_never_the_sender(country):
    head = f"Herrn Professor Anton Berger\nUniversitätsstrasse 7\nWien\n{country}"
    found = extract_metadata([_letter(head)], languages=False)
    assert found.get("sender.country") is None
    assert found.get("sender.place") is None
    # What it names belongs to the recipient.
    assert _sure(found, "recipient.country") in (None, "AT")


def test_the_recipients_address_after_the_signature_is_never_the_sender():
    tail = "Ihr ergebener\nKarl Huber\n\nMonsieur le Professeur Dupont\nVienne\nAutriche!"
    found = extract_metadata([_letter("Lieber Freund!", tail)], languages=False)
    assert found.get("sender.country") is None


@pytest.mark.parametrize(
    "signature",
    ["Jos. Springer", "Jos. Santos", "Springs", "Población"],
)
def test_a_word_that_merely_is_a_place_name_is_not_the_senders_country(signature):
    found = extract_metadata([_letter("Lieber Freund!", f"Ihr\n{signature}")], languages=False)
    assert _sure(found, "sender.country") is None


def test_a_name_cut_short_is_not_a_place_even_in_the_dateline():
    assert resolve("Jos.") is None
    assert resolve("Jos. Müller") is None
    assert resolve("Denver, Colo.").code == "US"  # an abbreviation that names a state is


def test_a_hotel_letterhead_alone_is_only_a_suggestion():
    found = extract_metadata([_letter("GRAND HOTEL BRISTOL\nWIEN")], languages=False)
    country = found.get("sender.country")
    assert country is not None and country.value == "AT"
    assert country.provenance.confidence < SUGGEST_BELOW
    assert not is_sure(country)


def test_a_hotel_letterhead_gives_way_to_the_dateline():
    head = "HOTEL BAUR AU LAC\nZÜRICH\n\nGenf, den 3. Mai 1890"
    found = extract_metadata([_letter(head)], languages=False)
    assert _sure(found, "sender.country") == "CH"
    assert found["sender.place"].value == "Genf"


def test_an_ambiguous_name_is_a_suggestion():
    # Altdorf is in Uri and in Bavaria, of nearly one size: which one the writer meant is
    # not in the line.
    found = extract_metadata([_letter("Altdorf den 31. Juli 1849.")], languages=False)
    assert found["sender.country"].provenance.confidence < SUGGEST_BELOW


@pytest.fixture
def served(tmp_path):
    env = archive_env(tmp_path)
    write_letter(env.archive.root, "hotel", [_letter("GRAND HOTEL BRISTOL\nWIEN")])
    write_letter(env.archive.root, "vienna", [_letter("Wien, den 25. Juni 1923")])
    env.build()
    app = create_app(config(env))
    return app.test_client()


def test_suggestions_are_in_the_api_and_shown_to_archivists_not_set(served):
    hotel = served.get("/api/letters/hotel").get_json()
    assert "country" not in hotel["sender"]
    suggested = hotel["suggestions"]["sender.country"]
    assert suggested["value"] == "AT" and suggested["line"] == "WIEN"
    assert suggested["confidence"] < SUGGEST_BELOW

    vienna = served.get("/api/letters/vienna").get_json()
    assert vienna["sender"]["country"] == "AT"
    assert vienna["fields"]["sender.country"]["confidence"] >= SUGGEST_BELOW
    assert "sender.country" not in vienna["suggestions"]

    public = served.get("/letters/hotel").get_data(as_text=True)
    assert "Suggested: sender country AT" not in public
    sign_in(served)
    page = served.get("/letters/hotel").get_data(as_text=True)
    assert "Suggested: sender country AT (from ‘WIEN’" in page


@pytest.mark.parametrize(
    ("head", "code", "place"),
    [
        ("Den Haag, Zondag", "NL", "Den Haag"),
        ("Bern – Montags", "CH", "Bern"),
        ("Amst.\n2 nov.", "NL", "Amst"),
    ],
)
def test_a_dateline_with_the_weekday_or_a_city_cut_short_names_the_place(head, code, place):
    found = extract_metadata([_letter(head)], languages=False)
    assert _sure(found, "sender.country") == code
    assert found["sender.place"].value == place


def test_a_cut_short_name_must_stand_for_one_large_city():
    assert resolve("Amst.").code == "NL"
    assert resolve("Jos.") is None  # too short to tell from a name
    assert resolve("Ams.") is None  # too short: several cities begin so


def test_a_place_in_a_list_of_signatories_is_not_the_senders():
    tail = (
        "With the assurance of our highest consideration,\n"
        "Karl Huber\nAmbassador of Austria\n"
        "Jean Dupont\nAmbassador of France"
    )
    found = extract_metadata([_letter("Dear Colleague,", tail)], languages=False)
    assert _sure(found, "sender.country") is None
    # One signer with one office is the sender.
    one = extract_metadata(
        [_letter("Dear Colleague,", "Yours sincerely,\nKarl Huber\nAmbassador of Austria")],
        languages=False,
    )
    assert _sure(one, "sender.country") == "AT"
