"""Citations: the CSL-JSON item, the styles citeproc-py renders, BibTeX and RIS."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from webapp import citation, citation_records

URL = "https://missive.example/letters/2009-02-16-pakistan-mofa"
TODAY = dt.date(2025, 3, 4)
MOFA = {
    "id": "2009-02-16-pakistan-mofa",
    "title": "Ministry of Foreign Affairs of Pakistan to Human Rights Watch on cluster munitions",
    "date": "2009-02-16",
    "sender": {
        "name": "Irfan Yusuf Shami",
        "organisation": "Ministry of Foreign Affairs",
        "country": "PK",
        "place": "Islamabad",
    },
    "recipients": [{"name": "Stephen D. Goose", "organisation": "Human Rights Watch"}],
    "languages": ["en"],
    "collection": "Cluster munitions correspondence",
    "shelfmark": "HRW 2009/14",
    "rights": "For research use.",
    "notes": "Enclosed with the\nEmbassy's letter.",
}


def meta(**changes):
    return {**MOFA, **changes}


# -- the CSL item --------------------------------------------------------------------------
def test_csl_item_describes_the_letter():
    item = citation.csl_item(MOFA, URL, accessed=TODAY)
    assert item == {
        "id": "2009-02-16-pakistan-mofa",
        "type": "personal_communication",
        "title": MOFA["title"],
        "genre": "letter",
        "author": [{"family": "Shami", "given": "Irfan Yusuf"}],
        "recipient": [{"family": "Goose", "given": "Stephen D."}],
        "issued": {"date-parts": [[2009, 2, 16]]},
        "publisher-place": "Islamabad",
        "language": "en",
        "URL": URL,
        "archive": "Cluster munitions correspondence",
        "archive_location": "HRW 2009/14",  # the shelfmark
        "abstract": "Enclosed with the Embassy's letter.",
        "accessed": {"date-parts": [[2025, 3, 4]]},
    }
    json.dumps(item)  # plain JSON


@pytest.mark.parametrize(
    "date, issued",
    [
        ("2009-02", {"date-parts": [[2009, 2]]}),
        ("1856", {"date-parts": [[1856]]}),
        ("1855?", {"date-parts": [[1855]], "circa": True}),
        ("1855/1856", {"date-parts": [[1855], [1856]]}),
        ("1855-03/1855-05?", {"date-parts": [[1855, 3], [1855, 5]], "circa": True}),
    ],
)
def test_partial_uncertain_and_interval_dates(date, issued):
    assert citation.csl_item(meta(date=date), URL)["issued"] == issued


def test_names_organisations_and_defaults():
    org = {"organisation": "Foreign & Commonwealth Office", "country": "GB"}
    bare = meta(sender=org, recipients=[], date=None, collection=None, shelfmark=None)
    item = citation.csl_item(bare, URL)
    assert item["author"] == [{"literal": "Foreign & Commonwealth Office"}]
    assert "recipient" not in item and "issued" not in item
    assert item["archive"] == "Missive"
    assert "archive_location" not in item  # no shelfmark: no location, never the letter id
    assert citation.csl_item(MOFA, URL)["accessed"]["date-parts"] == [
        list(dt.date.today().timetuple()[:3])
    ]


@pytest.mark.parametrize(
    "party, name",
    [
        ({"name": "Ludwig van Beethoven"}, {"non-dropping-particle": "van", "family": "Beethoven",
                                            "given": "Ludwig"}),
        ({"name": "José María de la Cruz y Núñez"},
         {"non-dropping-particle": "de la", "family": "Cruz y Núñez", "given": "José María"}),
        ({"name": "José Antonio García Belaunde"}, {"family": "Belaunde",
                                                    "given": "José Antonio García"}),
        ({"name": "José Antonio García Belaunde", "family": "García Belaunde",
          "given": "José Antonio"}, {"family": "García Belaunde", "given": "José Antonio"}),
        ({"family": "Beethoven", "given": "Ludwig van"},
         {"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"}),
        ({"name": "Plato"}, {"literal": "Plato"}),
    ],
)  # fmt: skip
def test_names_with_particles_and_parts(party, name):
    """The archive's family/given win over the split of the name; particles go to CSL's own
    fields; a joiner ("y") keeps a double family name whole."""
    assert citation.csl_item(meta(sender=party), URL)["author"] == [name]


# -- rendered styles -----------------------------------------------------------------------
def test_render_gives_every_format():
    out = citation.render(MOFA, URL, accessed=TODAY)
    assert list(out) == list(citation.FORMATS) == [
        "chicago-note", "chicago-bibliography", "mla", "apa", "bibtex", "ris", "csl-json",
    ]  # fmt: skip
    assert all(isinstance(v, str) and v for v in out.values())


def test_chicago_note_has_sender_recipient_date_and_permanent_url():
    note = citation.render(MOFA, URL, accessed=TODAY)["chicago-note"]
    # Chicago 18th edition
    assert note.startswith("Irfan Yusuf Shami, “Ministry of Foreign Affairs")
    assert "Munitions,” letter to Stephen D. Goose, Islamabad, February 16, 2009, HRW" in note
    assert URL in note and note.endswith(".")


def test_bibliography_styles():
    out = citation.render(MOFA, URL, accessed=TODAY)
    assert out["chicago-bibliography"].startswith("Shami, Irfan Yusuf. “Ministry of Foreign")
    assert "Munitions.” Letter to Stephen D. Goose. Islamabad" in out["chicago-bibliography"]
    assert out["mla"].startswith("Shami, Irfan Yusuf. “Ministry")  # full given names in MLA
    assert "16 Feb. 2009" in out["mla"]
    assert out["apa"].startswith("Shami, I. Y. (2009, February 16).")
    assert "[Letter to Stephen D. Goose]" in out["apa"]
    for key in ("chicago-bibliography", "mla", "apa"):
        assert URL in out[key], key


def test_uncertain_dates_are_marked_circa():
    out = citation.render(meta(date="1855?"), URL, accessed=TODAY)
    assert "Circa 1855" in out["mla"]
    assert "(ca. 1855)" in out["apa"]


def test_html_rendering_escapes_the_letters_words():
    hostile = meta(title="<script>alert(1)</script> & more", sender={"name": "A <b>B</b>"})
    html = citation.render_html(hostile, URL, accessed=TODAY)
    for key, text in html.items():
        assert "<script>" not in text and "<b>" not in text, key
        assert "&lt;script&gt;" in text, key
    assert "<i>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</i>" in html["apa"]
    plain = citation.render(hostile, URL, accessed=TODAY)
    assert "<script>alert(1)</script> & more" in plain["apa"]


def test_csl_json_output_is_a_list_of_one_valid_item():
    data = json.loads(citation.render(MOFA, URL, accessed=TODAY)["csl-json"])
    assert isinstance(data, list) and len(data) == 1
    item = data[0]
    assert set(item) >= {"id", "type", "title", "author", "issued", "URL"}
    assert all(isinstance(p, int) for p in item["issued"]["date-parts"][0])
    for name in item["author"] + item["recipient"]:
        assert set(name) in ({"family", "given"}, {"literal"})


# -- BibTeX --------------------------------------------------------------------------------
def bibtex_fields(entry: str) -> dict[str, str]:
    return dict(re.findall(r"^  (\w+) = \{?(.*?)\}?,?$", entry, re.M))


def test_bibtex_entry():
    entry = citation_records.bibtex_entry(MOFA, URL, accessed=TODAY)
    assert entry.startswith("@misc{2009-02-16-pakistan-mofa,\n") and entry.endswith("}\n")
    fields = bibtex_fields(entry)
    assert fields["author"] == "Shami, Irfan Yusuf"
    assert fields["title"] == "{" + MOFA["title"] + "}"
    assert fields["howpublished"] == "Letter to Stephen D. Goose"
    assert fields["year"] == "2009" and fields["month"] == "feb"
    assert fields["date"] == "2009-02-16" and fields["urldate"] == "2025-03-04"
    assert fields["url"] == URL and fields["address"] == "Islamabad"
    assert entry.count("{") == entry.count("}")


def test_bibtex_escapes_special_characters():
    odd = meta(
        title="50% of {cases} & costs $5 #1_a^b~c \\ end",
        sender={"organisation": "Foreign & Commonwealth Office"},
        date="1855?",
    )
    entry = citation_records.bibtex_entry(odd, URL + "?a=%20#x", accessed=TODAY)
    fields = bibtex_fields(entry)
    assert fields["title"] == (
        r"{50\% of \{cases\} \& costs \$5 \#1\_a\textasciicircum{}b\textasciitilde{}c "
        r"\textbackslash{} end}"
    )
    assert fields["author"] == r"{Foreign \& Commonwealth Office}"  # one name, not split
    assert fields["url"] == URL + r"?a=\%20\#x"
    assert fields["note"].startswith("Date uncertain.")
    assert entry.count("{") - entry.count(r"\{") == entry.count("}") - entry.count(r"\}")


# -- RIS -----------------------------------------------------------------------------------
def test_ris_record():
    record = citation_records.ris_record(MOFA, URL, accessed=TODAY)
    lines = record.splitlines()
    assert lines[0] == "TY  - PCOMM" and lines[-1] == "ER  -"
    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) or line == "ER  -" for line in lines)
    tags = {}
    for line in lines:
        tags.setdefault(line[:2], []).append(line[6:])
    assert tags["AU"] == ["Shami, Irfan Yusuf"]
    assert tags["A2"] == ["Goose, Stephen D."]  # the recipient
    assert tags["TI"] == [MOFA["title"]]
    assert tags["PY"] == ["2009"] and tags["DA"] == ["2009/02/16/"]
    assert tags["UR"] == [URL] and tags["Y2"] == ["2025/03/04/"]
    assert tags["AN"] == ["HRW 2009/14"]  # Zotero: Loc. in Archive
    assert tags["DB"] == ["Cluster munitions correspondence"]  # Zotero: Archive
    assert tags["AB"] == ["Enclosed with the Embassy's letter."]
    assert tags["CR"] == ["For research use."]
    assert "AN" not in dict(
        line.split("  - ", 1)
        for line in citation_records.ris_record(meta(shelfmark=""), URL).splitlines()
        if "  - " in line
    )
    assert tags["LA"] == ["en"] and tags["CY"] == ["Islamabad"]


def test_ris_values_stay_on_one_line():
    odd = meta(
        title="A title\nwith a line break\r\nand\ttabs",
        sender={"organisation": "Amnesty International, International Secretariat"},
        date="2009-02",
    )
    record = citation_records.ris_record(odd, URL, accessed=TODAY)
    assert "TI  - A title with a line break and tabs\n" in record
    # a comma would split an organisation into family and given names
    assert "AU  - Amnesty International; International Secretariat\n" in record
    assert "DA  - 2009/02//\n" in record
