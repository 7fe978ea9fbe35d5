"""Facets of persons and places (Sender, Recipient, Place of writing): a value is the
authority id when a letter gives one, so two spellings of one person are one value whose
label is the name most letters give; without an id, the name as written. Filters take an
id in any of its spellings or a name. Through the protocol only, in an index of its own."""

from __future__ import annotations

import pytest

from indexer.search import QueryError
from tests.engine.conftest import found, search

GOETHE = "https://d-nb.info/gnd/118540238"
WEIMAR = "https://www.geonames.org/2812482"
HERDER = "https://www.wikidata.org/entity/Q77144"


def _party(name: str, ref: str | None = None, **more) -> dict:
    return {"name": name, **({"ref": ref} if ref else {}), **more}


LETTERS = {
    # One person under three spellings of his name and two spellings of his GND URI.
    "g1": (["Weimar, a letter."], {"sender": _party("Goethe", "http://d-nb.info/gnd/118540238/")}),
    "g2": (["Another letter."], {"sender": _party("J. W. Goethe", GOETHE)}),
    "g3": (["A third letter."], {"sender": _party("J. W. Goethe", GOETHE)}),
    "g4": (["A fourth."], {"sender": _party("Johann Wolfgang von Goethe", GOETHE + "/")}),
    # The same name without an id: another value (nothing says it is the same person).
    "n1": (["No id here."], {"sender": _party("Goethe")}),
    # Places: one GeoNames id, two spellings of the place; a place with no id.
    "p1": (
        ["Place one."],
        {"sender": {"name": "Schiller", "place": "Weimar", "place_ref": WEIMAR}},
    ),
    "p2": (
        ["Place two."],
        {
            "sender": {
                "name": "Schiller",
                "place": "Weymar",
                "place_ref": "http://sws.geonames.org/2812482/",
            }
        },
    ),
    "p3": (["Place three."], {"sender": {"name": "Schiller", "place": "Jena"}}),
    # Recipients: one with a VIAF id under two spellings, one without.
    "r1": (
        ["To Zelter."],
        {
            "recipient": [
                _party("Carl Friedrich Zelter", "https://viaf.org/viaf/44348232"),
                _party("Knebel"),
            ]
        },
    ),
    "r3": (["To Goethe."], {"recipient": {"ref": GOETHE}}),
    "r2": (
        ["To Zelter again."],
        {"recipient": _party("C. F. Zelter", "http://viaf.org/viaf/44348232")},
    ),
    # Herder: one public letter, two drafts spelling him otherwise; the drafts' spelling
    # is no public label.
    "h1": (["Herder writes."], {"sender": _party("Herder", HERDER)}),
    "h2": (["A draft."], {"status": "draft", "sender": _party("J. G. Herder", HERDER)}),
    "h3": (["A draft."], {"status": "draft", "sender": _party("J. G. Herder", HERDER)}),
}


def _facet(result, name: str) -> dict[str, tuple[str, int]]:
    return {v.value: (v.label, v.count) for v in result.facets[name]}


def test_two_spellings_of_one_person_are_one_value(small_index):
    engine = small_index(LETTERS).engine
    senders = _facet(search(engine), "sender")
    # Four letters under one id; the name most of them give is the label.
    assert senders[GOETHE] == ("J. W. Goethe", 4)
    assert senders["Goethe"] == ("Goethe", 1)
    assert senders["Schiller"] == ("Schiller", 3)
    assert senders[HERDER] == ("Herder", 1)
    assert len(senders) == 4


def test_places_and_recipients_are_keyed_by_their_ids(small_index):
    engine = small_index(LETTERS).engine
    result = search(engine)
    places = _facet(result, "place")
    # One letter each: the first name in alphabetical order.
    assert places[WEIMAR] == ("Weimar", 2)
    assert places["Jena"] == ("Jena", 1)
    recipients = _facet(result, "recipient")
    assert recipients["https://viaf.org/viaf/44348232"][1] == 2
    assert recipients["Knebel"] == ("Knebel", 1)
    # An id the letter gives without a name is named by the other letters, in any role.
    assert recipients[GOETHE] == ("J. W. Goethe", 1)


def test_filters_take_any_spelling_of_an_id_or_a_name(small_index):
    engine = small_index(LETTERS).engine
    goethe = {"g1", "g2", "g3", "g4"}
    assert found(engine, filters={"sender": [GOETHE]}) == goethe
    assert found(engine, filters={"sender": ["http://d-nb.info/gnd/118540238/"]}) == goethe
    assert found(engine, filters={"sender": ["Goethe"]}) == {"n1"}
    assert found(engine, filters={"sender": ["Goethe", GOETHE]}) == goethe | {"n1"}
    assert found(engine, filters={"place": ["https://www.geonames.org/2812482/weimar.html"]}) == {
        "p1",
        "p2",
    }
    assert found(engine, filters={"recipient": ["Knebel"]}) == {"r1"}
    # The request says the value as indexed: the canonical id.
    result = search(engine, filters={"sender": ["http://d-nb.info/gnd/118540238"]})
    assert result.request.filters["sender"] == [GOETHE]
    selected = [v for v in result.facets["sender"] if v.selected]
    assert [(v.value, v.label) for v in selected] == [(GOETHE, "J. W. Goethe")]


def test_an_empty_value_is_no_filter(small_index):
    engine = small_index(LETTERS).engine
    with pytest.raises(QueryError, match="sender=' , ' is not a known sender"):
        search(engine, filters={"sender": [" , "]})


def test_labels_come_from_the_letters_the_reader_may_see(small_index):
    engine = small_index(LETTERS).engine
    assert _facet(search(engine), "sender")[HERDER] == ("Herder", 1)
    assert found(engine, "wikidata") == set()  # an id is no word of the letter
    # Archivists see the drafts: counted, and their spelling is now the commoner.
    everyone = _facet(search(engine, unpublished=True), "sender")
    assert everyone[HERDER] == ("J. G. Herder", 3)
    # An id no letter names keeps a label made from the id.
    none = search(engine, filters={"sender": ["https://viaf.org/viaf/1"]})
    assert [(v.label, v.count) for v in none.facets["sender"] if v.selected] == [("VIAF 1", 0)]
