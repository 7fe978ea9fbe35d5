"""The letter's own date in six languages and Latin; what is never taken for it."""

from __future__ import annotations

import pytest

from indexer.ingest.metadata import extract_metadata
from indexer.ingest.metadata.dates import (
    YearHint,
    collection_year,
    date_line,
    letter_date,
    month_number,
)

BODY = (
    "wir haben Ihren Brief mit großer Freude erhalten und danken Ihnen herzlich dafür, "
    "denn er kam zur rechten Zeit und brachte uns gute Nachricht von allen.\n"
)


def _iso(line: str, hint: int | None = None, **kw) -> str | None:
    got = date_line(line, YearHint(hint, "collection") if hint else None, **kw)
    return got[0].value.iso if got else None


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("Agosto 21 de 1919", "1919-08-21"),  # es, month first
        ("Junio 25-1927", "1927-06-25"),
        ("Feb. 5 de 1923", "1923-02-05"),
        ("México, 3 de deciembre de 1920", "1920-12-03"),  # misspelt
        ("Bäckerstraße No 1, den 14. März 1896", "1896-03-14"),  # a street and a house number
        ("Wien, Kantgasse 9, den 9ten März 1859.", "1859-03-09"),
        ("Zofingen 25 Merz 1852.", "1852-03-25"),  # old German
        ("Winterthur den 31sten Dezember 1846.", "1846-12-31"),
        ("Weiningen d. 30 Herbstm. 1851.", "1851-09-30"),  # the old month name
        ("Zürich Mittwoch Nachts 29. IV. 1868.", "1868-04-29"),  # a weekday, a Roman month
        ("Luzern d. 11/XII. 1847. Abends 8 Uhr", "1847-12-11"),  # an hour after the date
        ("Lugano 19 Janvier (Januar) 1869.", "1869-01-19"),  # an editor's gloss in brackets
        ("Paris, le 1er avril 1850", "1850-04-01"),  # fr
        ("De Strasbourg, ce premier d'octobre 1538.", "1538-10-01"),
        ("De Genève, ce dernier de may 1545.", "1545-05-31"),  # the last day of the month
        ("De Genesve, ce XXIX de septembre 1541.", "1541-09-29"),  # a Roman day
        ("Dall’Haya a’ 4 febraro 1617", "1617-02-04"),  # it, old spelling
        ("Dall’Haya a’ xi febraro 1617", "1617-02-11"),
        ("Dall’Haya al primo di marzo 1617", "1617-03-01"),
        ("Dall’Haya all’ultimo di maggio 1621", "1621-05-31"),
        ("Lucca, 7 Xbre 1780", "1780-12-07"),  # the tenth month of the Roman year
        ("Roma, 5 maggio 1880", "1880-05-05"),
        ("Amsterdam, 3 mei 1901", "1901-05-03"),  # nl
        ("Den Haag, 12 Maart 1910", "1910-03-12"),
        ("Romae, die 5 Maii 1620", "1620-05-05"),  # Latin
        ("Lisboa, 3 de março de 1900", "1900-03-03"),  # a name outside the tables: dateparser
        ("London, May 5, 1923", "1923-05-05"),  # en
        ("New York City, N.Y., May 5, 1923", "1923-05-05"),
        ("Datum: 12. März 2001", "2001-03-12"),
        ("Chicago, 6/25/1927", "1927-06-25"),  # the order is plain: 25 is no month
    ],
)
def test_date_lines(line, iso):
    assert _iso(line) == iso


@pytest.mark.parametrize(
    ("line", "hint", "iso"),
    [
        ("Wien, 25. 6. 23", 1920, "1923-06-25"),
        ("Florenz 14/4 901", 1900, "1901-04-14"),
        ("Zürich d. 21t Nov. 51.", 1860, "1851-11-21"),
        ("Bern 6. VII. 52.", 1860, "1852-07-06"),
        ("Wien, 25. 6. 99", 1910, "1899-06-25"),  # the nearest year with those digits
    ],
)
def test_short_years_need_the_collections_century(line, hint, iso):
    assert _iso(line) is None  # without a hint a short year is no date at all
    assert _iso(line, hint) == iso


def test_three_digit_year_needs_a_hint_near_it():
    assert _iso("Florenz 14/4 901", 1750) is None  # 1901 is too far from the collection


def test_short_year_from_the_letters_other_dates():
    text = f"Wien, 25. 6. 23\n\nLieber Freund,\n\n{BODY}seit dem 3. Mai 1922 ist viel geschehen.\n"
    found = letter_date([text])
    assert found.value.iso == "1923-06-25"
    assert "letter's other dates" in found.method
    assert found.confidence < 0.95  # surer than a guess, less sure than a written year


def test_numeric_order_by_language():
    assert _iso("Berlin, 5/6/1923") == "1923-06-05"  # day first
    assert _iso("London, 5/6/1923", day_first=False) is None  # May or June: left unread
    english = "London, 5/6/1923\n\nDear Sir,\n\nThank you for the letter of the other day.\n"
    assert letter_date([english], languages=["en"]) is None
    assert letter_date([english], languages=["de"]).value.iso == "1923-06-05"


@pytest.mark.parametrize(
    "line",
    [
        "WIEN 25.6.1923",  # a postmark: a place in capitals and a numeric date
        "Poststempel: 11 februari 1920",
        "Postmark 11 February 1920",
        "Pay to the order of John Smith 5 May 1923",  # a cheque
        "Páguese a la orden de 5 de mayo de 1923",
        "Cheque No 123, 5 May 1923",
        "Wien, am ........ 19..",  # a printed form
        "México, D.F., a ____ de ______ de 19__",
        "4 febraro 1616 ricevute 22 detto",  # the chancery's receipt
        "Received 3 June 1850",
        "Beilage vom 3. Mai 1850",
        "Enclosure dated 3 May 1850",
        "(14 octobre 1543)",  # the whole date the editor's
        "Zürich, d. 19./29. März 1864.",  # two days: which one is not the line's to say
        "Amst. 19 nov.",  # no year
        "Genève 1240",  # a shelfmark, not a month
        "12 Winter 1850",
        "No.Pol.9/4/09",
    ],
)
def test_not_the_letters_date(line):
    assert _iso(line, 1900) is None


def test_enclosure_after_the_letter_keeps_its_own_date():
    text = (
        f"Serenissimo Principe\n\n{BODY}\nDall’Haya a’ 4 febraro 1617\n\n"
        "humilissimo servitore\nChristofforo Suriano\n\nAllegato I\n\n"
        f"Serenissimo Principe\n\n{BODY}\nli 9 marzo 1617\n"
    )
    found = letter_date([text])
    assert found.value.iso == "1617-02-04"
    assert found.line == "Dall’Haya a’ 4 febraro 1617"


def test_enclosure_alone_gives_no_date():
    text = f"Lieber Freund,\n\n{BODY}\nDein Hans\n\nAbschrift\n\nZürich, den 3. Mai 1850\n{BODY}"
    assert letter_date([text]) is None


def test_body_date_never_taken():
    broken = (
        "Lieber Freund,\n\nwir haben Ihren Brief mit großer Freude erhalten und am\n"
        "5. Mai 1850\nbeschlossen, die Reise nach Italien anzutreten, wie besprochen.\n"
    )
    assert letter_date([broken]) is None
    with_dateline = "Bern, 2. Juni 1850\n\n" + broken
    assert letter_date([with_dateline]).value.iso == "1850-06-02"


def test_head_and_foot_disagree_head_taken_and_said():
    text = f"Zürich, 3. März 1896\n\nLieber Freund,\n\n{BODY}\nZürich, 5. März 1896\nDein Hans\n"
    found = letter_date([text])
    assert found.value.iso == "1896-03-03"
    assert found.line_no == 1
    assert "1896-03-05" in found.method and "head" in found.method
    assert found.confidence < 0.9


def test_foot_dateline_on_a_later_page():
    pages = ["Monsieur,\n\n" + BODY, BODY + "\nDe Genève, ce 28 d'avril 1545.\n\nJean Calvin\n"]
    found = letter_date(pages)
    assert (found.value.iso, found.page, found.line_no) == ("1545-04-28", 2, 3)
    assert found.place == "Genève"


def test_year_in_brackets_is_the_editors_and_a_suggestion():
    text = "Monsieur,\n\n" + BODY + "\nDe Villefranche, ce dernier de janvier (1538).\n"
    found = letter_date([text])
    assert found.value.iso == "1538-01-31"
    assert "editor" in found.method
    assert found.confidence < 0.7


def test_extracted_date_keeps_line_and_confidence():
    found = extract_metadata(["Madrid, Agosto 21 de 1919\n\nMuy señor mío:\n\n" + BODY])
    prov = found["date"].provenance
    assert found["date"].value.iso == "1919-08-21"
    assert (prov.line, prov.line_no, prov.page) == ("Madrid, Agosto 21 de 1919", 1, 1)
    assert prov.method == "date-line"
    assert 0.9 <= prov.confidence <= 1


def test_year_hint_reaches_extract_metadata():
    text = "Florenz 14/4 901\n\nLieber Freund,\n\n" + BODY
    assert "date" not in extract_metadata([text], languages=False)
    hint = collection_year([1899, 1903, 1905, 1910, 1960])
    assert hint == 1905
    found = extract_metadata([text], languages=False, year_hint=hint)
    assert found["date"].value.iso == "1901-04-14"
    assert "collection" in found["date"].provenance.method


@pytest.mark.parametrize(
    ("word", "month"),
    [("Merz", 3), ("deciembre", 12), ("febraro", 2), ("Jenner", 1), ("juing", 6),
     ("aoust", 8), ("Novbr", 11), ("Septbr.", 9), ("8bre", 10), ("Martii", 3),
     ("Mrt", 3), ("Herbstm.", 9), ("Christmonat", 12), ("mei", 5)],
)  # fmt: skip
def test_month_names(word, month):
    assert month_number(word) == month


@pytest.mark.parametrize("word", ["Genève", "Margaret", "Martin", "Winter", "Horn", "mais",
                                  "Augsburg", "Marseille", "jui", "set"])  # fmt: skip
def test_words_that_are_no_month(word):
    assert month_number(word) is None


def test_machine_read_page_is_less_sure():
    pages = ["Monsieur,\n\n" + BODY, "Paris, 25 mars 1899\n"]
    typed = letter_date(pages, origins=["transcript", "transcript"])
    htr = letter_date(pages, origins=["transcript", "htr"])
    assert typed.value == htr.value
    assert htr.confidence < 0.7 <= typed.confidence  # a suggestion, not set
    assert "machine-read (htr)" in htr.method


def test_full_date_before_a_month_alone():
    upper = BODY.capitalize()  # a new sentence after the line: it is not inside one
    text = f"Lieber Freund,\n\n{BODY}\nJänner 1867\n\n{upper}\nZürich, 28. Juli 1866.\nDein Hans\n"
    assert letter_date([text]).value.iso == "1866-07-28"


def test_dates_in_a_list_are_not_the_letters():
    text = (
        "Dear Sir,\n\nThe meetings of the committee will be held on the following days:\n"
        "Monday, 5 May 1923\nTuesday, 6 May 1923\n\nYours faithfully,\nJohn Smith\n"
    )
    assert letter_date([text]) is None
    announced = "Dear Sir,\n\nThe next meeting of the committee will be held on:\n5 May 1923\n"
    assert letter_date([announced]) is None
