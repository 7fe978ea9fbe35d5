"""What the letter page asks of an engine for a letter's context, through the protocol
only: the letters between two correspondents in date order (either way, a person known by
an authority id under any spelling), and a query's hits in one letter, line by line."""

from __future__ import annotations

import pytest

from indexer.search import QueryError
from indexer.search.correspondents import correspondence
from indexer.search.offices import offices
from indexer.search.within import search_letter

GOETHE = "https://d-nb.info/gnd/118540238"
STEIN = "Charlotte von Stein"


def _letter(date: str | None, sender: dict, recipients: list[dict], **more) -> dict:
    return {**({"date": date} if date else {}), "sender": sender, "recipient": recipients, **more}


GOETHE_1 = {"name": "Goethe", "ref": "http://d-nb.info/gnd/118540238/"}
GOETHE_2 = {"name": "J. W. Goethe", "ref": GOETHE}
CHARLOTTE = {"name": STEIN}
LETTERS = {
    "c1": (["Weimar, the first."], _letter("1776-01-10", GOETHE_1, [CHARLOTTE])),
    # Two letters on one day: in id order.
    "c2b": (["The answer."], _letter("1776-02-01", CHARLOTTE, [GOETHE_2])),
    "c2a": (["Same day."], _letter("1776-02-01", GOETHE_2, [CHARLOTTE])),
    # Not between the two: Goethe to himself, Goethe to Herder, a draft between them.
    "x1": (["A note to self."], _letter("1776-02-05", GOETHE_2, [GOETHE_1])),
    "x2": (["To Herder."], _letter("1776-02-06", GOETHE_2, [{"name": "Herder"}])),
    "x3": (["A draft."], _letter("1776-02-07", CHARLOTTE, [GOETHE_2], status="draft")),
    # Between them, as a second recipient; then the last, and an undated one.
    "c3": (["To both."], _letter("1776-03-01", GOETHE_2, [{"name": "Herder"}, CHARLOTTE])),
    "c4": (["The last.\nIt speaks of the garden\nand of the Garden house."],
           _letter("1776-04-01", CHARLOTTE, [GOETHE_1])),
    "c5": (["Undated."], _letter(None, CHARLOTTE, [GOETHE_2])),
    "solo": (["A circular."], _letter("1776-05-01", GOETHE_2, [])),
}


def _neighbours(engine, letter_id: str) -> tuple[str | None, str | None, int]:
    found = correspondence(engine, engine.get(letter_id))
    assert found is not None
    ids = [m["id"] if m else None for m in (found.previous, found.next)]
    return ids[0], ids[1], found.total


def test_the_letters_between_two_either_way_by_date(small_index):
    engine = small_index(LETTERS).engine
    found = correspondence(engine, engine.get("c1"))
    assert (found.a.value, found.a.label) == (GOETHE, "Goethe")
    assert (found.b.value, found.b.label) == (STEIN, STEIN)
    assert found.filters == {"sender": [GOETHE, STEIN], "recipient": [GOETHE, STEIN]}
    # c1 c2a c2b c3 c4 c5 and the note to self (x1); not the draft, not the letter to Herder.
    assert found.total == 7
    assert _neighbours(engine, "c1")[:2] == (None, "c2a")
    assert _neighbours(engine, "c2a")[:2] == ("c1", "c2b")
    assert _neighbours(engine, "c2b")[:2] == ("c2a", "c3")  # past the note to self and the draft
    assert _neighbours(engine, "c4")[:2] == ("c3", None)  # the undated letter comes after none
    assert _neighbours(engine, "c5")[:2] == (None, None)
    # The second-recipient letter pairs Goethe with Herder, its first recipient: x2 and c3,
    # and the note to self, which the search finds as it finds any letter among the two.
    herder = correspondence(engine, engine.get("c3"))
    assert (herder.b.value, herder.total) == ("Herder", 3)
    assert _neighbours(engine, "c3")[:2] == ("x2", None)
    # No recipient, or a letter to oneself: no pair.
    assert correspondence(engine, engine.get("solo")) is None
    assert correspondence(engine, engine.get("x1")) is None


GOOSE = {"name": "Goose", "organisation": "Human Rights Watch", "country": "US"}
MOFA = {"name": "Shami", "organisation": "Ministry of Foreign Affairs", "country": "PK"}
EMBASSY = {"name": "Baloch", "organisation": "Embassy of Pakistan", "country": "PK"}
OFFICES = {
    "o1": (["From the ministry."], _letter("1990-01-01", MOFA, [GOOSE])),
    "o2": (["To the embassy."], _letter("1990-02-01", GOOSE, [EMBASSY])),
    # A writer in Pakistan for no office: searched for, passed over as a neighbour.
    "o3": (["A private letter."], _letter("1990-03-01", {"name": "Ali", "country": "PK"}, [GOOSE])),
    "o4": (["From the embassy."], _letter("1990-04-01", EMBASSY, [GOOSE])),
    "o5": (["To Oslo."], _letter("1990-04-01", GOOSE, [{"name": "Ostern", "country": "NO"}])),
}


def test_the_letters_between_a_country_s_offices_and_one_person(small_index):
    engine = small_index(OFFICES).engine

    def level(letter_id: str) -> tuple[str | None, str | None, int]:
        meta = engine.get(letter_id)
        [found] = offices(engine, meta, correspondence(engine, meta).total)
        assert (found.country, found.other.value) == ("PK", "Goose")
        ids = [m["id"] if m else None for m in (found.previous, found.next)]
        return ids[0], ids[1], found.total

    # Two searches (from Pakistan to Goose: o1 o3 o4; from Goose to Pakistan: o2), merged.
    assert level("o1") == (None, "o2", 4)
    assert level("o2") == ("o1", "o4", 4)
    assert level("o4") == ("o2", None, 4)
    # A party writing for no office has no such level; nor one as large as the persons'.
    assert offices(engine, engine.get("o3"), 1) == []
    assert offices(engine, engine.get("o1"), 4) == []


def test_a_query_within_one_letter(small_index):
    engine = small_index(LETTERS).engine
    pages = engine.get("c4")["pages_text"]
    found = search_letter(engine, "c4", pages, "gardens")
    assert found.match and (found.hits, found.line_count) == (2, 2)
    assert [(h.page, h.line, h.html) for h in found.lines] == [
        (1, 2, "It speaks of the <mark>garden</mark>"),
        (1, 3, "and of the <mark>Garden</mark> house."),
    ]
    # Another letter's words, a phrase the letter does not hold, a query naming the letter.
    assert not search_letter(engine, "c4", pages, "circular").match
    phrase = search_letter(engine, "c4", pages, '"garden party"')
    assert not phrase.match and phrase.line_count == 2
    assert search_letter(engine, "c4", pages, "garden OR circular").match
    assert not search_letter(engine, "c4", pages, "garden -house").match
    with pytest.raises(QueryError, match="missing '\\)'"):
        search_letter(engine, "c4", pages, "(garden")
