"""Missive's citations equal citeproc-js's (the reference CSL processor) for the same CSL-JSON
item and style file: the sample letters, names with particles, apostrophes and quotation
marks, partial, uncertain and interval dates (fixtures: tests/csl_reference.py)."""

from __future__ import annotations

import json

import pytest

from tests import csl_reference as ref
from webapp import citation, csl_exact


@pytest.fixture(scope="module")
def expected() -> list[dict]:
    return json.loads(ref.EXPECTED.read_text("utf-8"))


def test_every_case_equals_citeproc_js(expected):
    ids = {c["item"]["id"] for c in expected}
    assert len(expected) == len(ids) * len(citation.STYLES) >= 40
    differ = []
    for case in expected:
        ours = citation.render_item(case["item"], html=False)[case["style"]]
        if ours != case["citeproc_js"]:
            where = f"{case['item']['id']} {case['style']}"
            differ.append(f"{where}:\n  {ours}\n  {case['citeproc_js']}")
    assert not differ, "\n".join(differ)


def test_every_case_equals_citeproc_js_as_html(expected):
    """The HTML too (italics, escaped characters), once citeproc-js's wrapper is taken off."""
    differ = []
    for case in expected:
        ours = citation.render_item(case["item"], html=True)[case["style"]]
        if ours != ref.unwrapped(case["citeproc_js_html"]):
            differ.append(f"{case['item']['id']} {case['style']}:\n  {ours}")
    assert not differ, "\n".join(differ)
    assert any("<i>" in c["citeproc_js_html"] for c in expected)  # APA italicises titles


def test_fixture_items_are_what_missive_makes_now(expected):
    """The fixtures hold today's items: the sample sidecars and cases as csl_item makes them."""
    items = {c["item"]["id"]: c["item"] for c in expected}
    assert list(items.values()) == ref.items()


@pytest.mark.skipif(not ref.have_citeproc_js(), reason="node or node_modules/citeproc absent")
def test_fixtures_are_what_citeproc_js_prints(expected):
    """citeproc-js, run now on the fixtures' items, prints the fixtures' strings."""
    printed = ref.citeproc_js(expected)
    assert [p["text"] for p in printed] == [c["citeproc_js"] for c in expected]
    assert [p["html"] for p in printed] == [c["citeproc_js_html"] for c in expected]


def test_the_five_differences_are_mended(expected):
    by = {(c["item"]["id"], c["style"]): c["citeproc_js"] for c in expected}
    peru = "2007-04-10-peru-mfa-lima"
    # full stop inside the closing quotes (Chicago, MLA)
    assert "Munitions.” Letter. Lima, April 10, 2007." in by[(peru, "chicago-bibliography")]
    assert "Munitions.” Letter. Lima, 10 Apr. 2007" in by[(peru, "mla")]
    # without a recipient, no "Letter." between the author and the title (the 16th edition's)
    assert by[(peru, "chicago-bibliography")].startswith("García Belaunde, José Antonio. “")
    # typographic apostrophes
    assert "Pakistan’s Policy" in by[("2009-apostrophes", "chicago-note")]
    # particles: APA initials, Chicago order
    assert by[("1820-beethoven-given-particle", "apa")].startswith("Beethoven, L. van. (1820")
    assert "to José María de la Cruz y Núñez" in by[("1820-beethoven-given-particle", "apa")]
    assert by[("1790-cruz-to-beethoven", "chicago-bibliography")].startswith(
        "Cruz y Núñez, José María de la. “On the Harvest at Sevilla.”"
    )
    assert by[("1790-cruz-to-beethoven", "apa")].startswith("de la Cruz y Núñez, J. M. (1790")
    for case in expected:
        assert case["citeproc_js"] == citation.render_item(case["item"], html=False)[case["style"]]


def test_shelfmark_is_the_archive_location_else_none(expected):
    by = {(c["item"]["id"], c["style"]): c for c in expected}
    peru = by[("2007-04-10-peru-mfa-lima", "chicago-note")]
    assert peru["item"]["archive_location"] == "Sample letter no. 1"
    assert "Sample letter no. 1, Cluster munitions" in peru["citeproc_js"]
    for case in expected:
        cited = case["citeproc_js"].replace(case["item"]["URL"], "")
        assert case["item"]["id"] not in cited  # the bare letter id is no archive location
    assert "archive_location" not in by[("1816-beethoven", "apa")]["item"]


@pytest.mark.parametrize(
    "raw, printed",
    [
        ("A “Title”.", "A “Title.”"),
        ("“Why not?”.", "“Why not?”"),
        ("“Why not?”,", "“Why not?,”"),
        ("Jones\ue003, and", "Jones’, and"),  # an apostrophe keeps the comma outside
        ("the \ue00390s", "the ’90s"),
        ("“Say \ue004no\ue004”.", "“Say ‘no.’”"),
        ("<i>“T”</i>.", "<i>“T.”</i>"),
    ],
)
def test_finish_moves_punctuation_and_restores_marks(raw, printed):
    assert csl_exact.finish(raw) == printed


def test_initials_of_given_names_with_particles():
    class Name:
        def get_option(self, *_):
            return False

    assert csl_exact._initialize(Name(), "José María de la Cruz", ". ", None) == "J. M. de la C."
    assert csl_exact._initialize(Name(), "Ludwig van", ". ", None) == "L. van"
    assert csl_exact._initialize(Name(), "Stephen D.", ". ", None) == "S. D."
