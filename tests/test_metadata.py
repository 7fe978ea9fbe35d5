"""Metadata extraction from a letter's text: the seed letters and each extractor's formats."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from indexer.ingest.metadata import Found, extract_metadata
from indexer.ingest.metadata.countries import country_code, country_name
from indexer.ingest.metadata.dates import date_line
from indexer.ingest.metadata.language import detect_languages
from indexer.records import DateValue

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def _seed_letters() -> dict[str, str]:
    """The seed transcripts as the archive stores them: 000 is two letters."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed letters not found at {SEEDS}")
    letters = {}
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines(keepends=True)
        cut = next((i for i, line in enumerate(lines) if line.startswith("## MINISTRY")), None)
        if cut is None:
            letters[path.stem[:3]] = text
        else:
            letters[path.stem[:3] + "-cover"] = "".join(lines[:cut])
            letters[path.stem[:3] + "-ministry"] = "".join(lines[cut:])
    return letters


SEED_EXPECTED = {
    "000-cover": ("PK", "2009-02-24", "Mumtaz Zahra Baloch"),
    "000-ministry": ("PK", "2009-02-16", "Irfan Yasui Shami"),
    "001": ("RU", "2009-08-18", "Andrey Tatarinov"),
    "003": ("PE", "2007-04-10", "José Antonio García Belaunde"),
    "004": ("GB", "2008-10-10", "David Miliband"),
}


@pytest.fixture(scope="module")
def seeds() -> dict[str, dict[str, Found]]:
    letters = _seed_letters()
    assert set(letters) == set(SEED_EXPECTED)
    return {key: extract_metadata([text]) for key, text in letters.items()}


@pytest.mark.parametrize("key", sorted(SEED_EXPECTED))
def test_seed_letter_country_date_and_sender(seeds, key):
    country, day, name = SEED_EXPECTED[key]
    found = seeds[key]
    assert found["sender.country"].value == country
    assert found["date"].value == DateValue.from_day(dt.date.fromisoformat(day))
    assert found["date"].value.precision == "day"
    assert found["sender.name"].value == name
    assert found["languages"].value[0] == "en"


def test_seed_provenance_is_the_line_it_came_from(seeds):
    letters = _seed_letters()
    for key, found in seeds.items():
        pages = [letters[key]]
        for field, item in found.items():
            prov = item.provenance
            assert prov.source == "extracted"
            if field == "languages":
                assert prov.method == "langdetect"
                continue
            assert prov.line == pages[prov.page - 1].splitlines()[prov.line_no - 1], (key, field)
            assert prov.method in {"date-line", "letterhead", "signature", "address", "salutation"}


def test_seed_roles_organisations_and_recipients(seeds):
    cover, ministry = seeds["000-cover"], seeds["000-ministry"]
    assert cover["sender.role"].value == "Counsellor"
    assert cover["sender.organisation"].value == "Embassy of Pakistan"
    assert cover["recipient.name"].value == "Stephen D. Goose"
    assert ministry["sender.role"].value == "Director General (Disarmament)"
    assert ministry["sender.organisation"].value == "Ministry of Foreign Affairs"
    ru = seeds["001"]
    assert ru["sender.role"].value == "Ambassador of the Russian Federation to New Zealand"
    # The recipient's Wellington address must not make the ambassador a New Zealander.
    assert ru["recipient.name"].value == "Mary Wareham"
    assert ru["recipient.role"].value == "Coordinator"
    assert ru["recipient.country"].value == "NZ"
    pe = seeds["003"]
    assert pe["sender.role"].value == "Minister of Foreign Affairs of Perú"
    assert pe["sender.place"].value == "Lima"
    assert pe["sender.place"].provenance.method == "date-line"
    assert pe["date_as_written"].value == "April 10th 2007"
    gb = seeds["004"]
    assert gb["sender.organisation"].value == "Foreign & Commonwealth Office"
    assert gb["recipient.name"].value == "Jo Franks"
    assert gb["recipient.name"].provenance.method == "salutation"


@pytest.mark.parametrize(
    ("line", "iso", "written", "place"),
    [
        ("Lima, April 10th 2007", "2007-04-10", "April 10th 2007", "Lima"),
        ("London, 3rd May 1850", "1850-05-03", "3rd May 1850", "London"),
        ("Paris, le 4 novembre 1823", "1823-11-04", "4 novembre 1823", "Paris"),
        ("Zürich, den 18. März 1905", "1905-03-18", "18. März 1905", "Zürich"),
        ("24 February 2009", "2009-02-24", "24 February 2009", None),
        ("2009-02-16", "2009-02-16", "2009-02-16", None),
        ("le 4 novembre 1823", "1823-11-04", "4 novembre 1823", None),
        ("18. März 1905", "1905-03-18", "18. März 1905", None),
        ("April 10th 2007", "2007-04-10", "April 10th 2007", None),
        ("10 October 2008", "2008-10-10", "10 October 2008", None),
        ("Madrid, 3 de mayo de 1900", "1900-05-03", "3 de mayo de 1900", "Madrid"),
        ("Roma, 5 maggio 1880", "1880-05-05", "5 maggio 1880", "Roma"),
        ("Bern, 16.2.1851", "1851-02-16", "16.2.1851", "Bern"),
        ("Winterthur den 31sten Dezember 1846.", "1846-12-31", "31sten Dezember 1846", None),
        ("Samedi 1er janvier 1842", "1842-01-01", "1er janvier 1842", None),
        ("Bern 6. VIII. 1851.", "1851-08-06", "6. VIII. 1851", "Bern"),
        ("Florenz den 28t Junj 1870", "1870-06-28", "28t Junj 1870", "Florenz"),
        ("Paris, mars 1850", "1850-03", "mars 1850", "Paris"),
    ],
)
def test_date_line_formats(line, iso, written, place):
    match, got_place = date_line(line)
    assert match.value.iso == iso
    assert match.as_written.rstrip(".") == written
    if place:
        assert got_place == place


@pytest.mark.parametrize(
    "line",
    [
        "Reference your letter dated 30 January 2009 addressed to the Foreign Minister.",
        "held from last February 22nd to February 23rd, 46 States approved the Declaration",
        "No.Pol.9/4/09",
        "Tel: (04) 476-6113, Fax: (04) 476-3843",
        "30 February 2009",  # no such day
        "12 May 0999",  # outside the years letters are dated in
        "Margaret 1850",
        "Ref: 12 May 2009",
        "Received 3 June 1850",
        "beantw. den 5. Mai 1850",
        "AUTORIZZATA CON R. D. 1o SETTEMBRE 1869",  # a company's letterhead
    ],
)
def test_not_a_date_line(line):
    assert date_line(line) is None


def test_body_date_is_not_the_letters_date():
    text = (
        "Dear Madam,\n\n"
        "Thank you for your letter of 12 March 2001, which reached me on 20 March 2001 "
        "after a long delay in the post.\n\nYours faithfully,\n\nJohn Smith\n"
    )
    assert "date" not in extract_metadata([text])


def test_date_line_preferred_over_body_dates():
    text = (
        "Dear Madam,\n\nYour letter of 12 March 2001 arrived on 20 March 2001 and was "
        "read with care by all of us here.\n\nYours faithfully,\n\nJohn Smith\n"
        "Geneva, 2 April 2001\n"
    )
    found = extract_metadata(["Geneva header\n", text])
    assert found["date"].value.iso == "2001-04-02"
    assert found["date"].provenance.page == 2
    assert found["date"].provenance.line == "Geneva, 2 April 2001"


def test_date_from_the_signature_area():
    body = "Nous avons bien reçu votre lettre et nous vous en remercions vivement tous.\n" * 3
    text = f"Monsieur,\n\n{body}\nFaite à Paris le 12 Août 1914\n\nJean Dupont\n"
    found = extract_metadata([text])
    assert found["date"].value.iso == "1914-08-12"
    assert found["date_as_written"].value == "12 Août 1914"
    assert found["sender.place"].value == "Paris"
    assert found["sender.country"].value == "FR"


LETTER_FROM_ROME = """\
Rome, 3 June 1962

Mrs Anne Martin
Secretary
Society of Friends of Music
12 Rue de Rivoli
Paris, France

Dear Mrs Martin,

We were delighted to receive your kind invitation to the festival next spring in town.

With best regards,

GIOVANNI ROSSI
Director, Accademia Filarmonica
"""


def test_recipient_address_does_not_decide_the_sender_country():
    found = extract_metadata([LETTER_FROM_ROME])
    assert found["sender.country"].value == "IT"
    assert found["sender.country"].provenance.method == "date-line"
    assert found["sender.name"].value == "Giovanni Rossi"
    assert found["sender.role"].value == "Director"
    assert found["sender.organisation"].value == "Accademia Filarmonica"
    assert found["recipient.name"].value == "Anne Martin"
    assert found["recipient.role"].value == "Secretary"
    assert found["recipient.organisation"].value == "Society of Friends of Music"
    assert found["recipient.country"].value == "FR"


@pytest.mark.parametrize(
    ("letterhead", "country"),
    [
        ("Ambassade de France au Japon", "FR"),
        ("British Embassy\nTokyo", "GB"),
        ("Botschaft der Bundesrepublik Deutschland", "DE"),
        ("Embajada del Perú", "PE"),
        ("Permanent Mission of the Republic of Korea", "KR"),
        ("Department of State\nWashington", "US"),
        ("Auswärtiges Amt", "DE"),
        ("Karachi", "PK"),
    ],
)
def test_sender_country_from_letterhead(letterhead, country):
    text = (
        f"{letterhead}\n\nDear Colleague,\n\nI write to you about the meeting that we are "
        "planning for the autumn of this year.\n\nSincerely,\n\nA. N. Other\n"
    )
    found = extract_metadata([text])
    assert found["sender.country"].value == country
    assert found["sender.country"].provenance.method == "letterhead"


@pytest.mark.parametrize(
    ("salutation", "name"),
    [("Dear Mr. Goose,", "Mr. Goose"), ("Dear Sir,", None), ("Lieber Herr Horner!", "Herr Horner")],
)
def test_recipient_from_salutation(salutation, name):
    text = f"{salutation}\n\nwe write to you about the meeting that we are planning for autumn.\n"
    found = extract_metadata([text])
    assert (found["recipient.name"].value if "recipient.name" in found else None) == name


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Perú", "PE"),
        ("PERU", "PE"),
        ("Russia", "RU"),
        ("Russian Federation", "RU"),
        ("UK", "GB"),
        ("United Kingdom", "GB"),
        ("Great Britain", "GB"),
        ("gb", "GB"),
        ("U.S.A.", "US"),
        ("United States", "US"),
        ("Pakistan", "PK"),
        ("Deutschland", "DE"),
        ("Republic of Korea", "KR"),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_country_code(name, code):
    assert country_code(name) == code


@pytest.mark.parametrize(
    ("code", "name"),
    [("RU", "Russia"), ("GB", "United Kingdom"), ("PE", "Peru"), ("ir", "Iran"), ("XX", "XX")],
)
def test_country_name(code, name):
    assert country_name(code) == name


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("We regret that we are unable to attend the conference, but we send our best "
         "wishes for its success and hope to meet you on another occasion.", "en"),
        ("Nous regrettons de ne pouvoir assister à la conférence, mais nous vous adressons "
         "nos meilleurs vœux de succès et espérons vous rencontrer bientôt.", "fr"),
        ("Wir bedauern, dass wir an der Konferenz nicht teilnehmen können, wünschen aber "
         "viel Erfolg und hoffen, Sie bei anderer Gelegenheit zu treffen.", "de"),
    ],
)  # fmt: skip
def test_languages(text, lang):
    assert detect_languages(text)[0] == lang
    assert extract_metadata([text])["languages"].value[0] == lang


def test_no_language_for_short_text():
    assert detect_languages("Yours, J.") == []
    assert "languages" not in extract_metadata(["Yours, J."])


@pytest.mark.parametrize(
    "pages",
    [
        [],
        [""],
        ["\n\n \n"],
        ["\x00\x01 ((((( ]]] \u202e"],
        ["Dear " * 20000],
        ["Mr. X\n" * 5000],
        ["12 " * 50000 + "May 2009"],
        ["a" * 2_000_000],
        ["x\n"] * 20000,
    ],
)
def test_never_raises_on_empty_odd_or_huge_input(pages):
    found = extract_metadata(pages)
    assert isinstance(found, dict)
    assert all(isinstance(item, Found) for item in found.values())
