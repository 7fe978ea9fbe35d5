"""A page's other readings (TEI `orig`, `abbr`, `sic`) and editorial notes: every engine
searches both, shows neither as the page's text, and ranks a word in a note below the same
word in a letter's own text."""

from __future__ import annotations

from tests.engine.conftest import found, ranked

LETTERS = {
    "calvin": (["Mes frères en notre Seigneur, je vous écris."], None),
    "harbour": (["The harbour master writes about lamp oil."], None),
}


def test_other_readings_and_notes_are_searched_and_not_shown(small_index):
    small = small_index(LETTERS)
    engine = small.engine
    letter = small.letters["calvin"]
    letter.pages[0].readings = "nostre escris"
    letter.pages[0].notes = "Copie aux Archives de Genève, on the harbour dues."
    with engine.write_lock(), engine.writer() as w:
        w.replace(letter)
    assert found(engine, "notre") == {"calvin"}
    assert found(engine, "nostre") == {"calvin"}  # the other reading
    assert found(engine, "escris") == {"calvin"}
    assert found(engine, '"Archives de Genève"') == {"calvin"}  # a phrase in a note
    assert found(engine, "genève") == {"calvin"}
    assert engine.get("calvin")["pages_text"] == ["Mes frères en notre Seigneur, je vous écris."]
    # The same word in a letter's own text weighs more than in an editorial note.
    assert ranked(engine, "harbour") == ["harbour", "calvin"]
