"""Natural questions (indexer.search.natural): words typed side by side that no letter
holds all of are answered by the letters holding enough of them ("most" mode), said so
in `match`; stop words of a letter's language neither block nor let letters in;
explicit operators keep their meaning; two of the words side by side rank higher, and
a word in the form typed above its other forms."""

from __future__ import annotations

import pytest

from indexer.search import SearchRequest, natural
from tests.engine import scan
from tests.engine.conftest import found, ranked, search

LETTERS = {
    "harbour-treaty": (
        ["The harbour master signed the treaty on fishing rights in the northern bay."],
        {"languages": ["en"]},
    ),
    "harbour-only": (["The harbour was quiet all winter long."], {"languages": ["en"]}),
    "treaty-fishing": (["A treaty on fishing was drafted in spring."], {"languages": ["en"]}),
    "stop-words-only": (["It was the end of the matter and of the year."], {"languages": ["en"]}),
    "de-katze": (["Die Katze schläft auf dem Sofa."], {"languages": ["de"]}),
    "de-hafen": (["Die Schiffe liegen im Hafen."], {"languages": ["de"]}),
    # The same words, once side by side, once apart; ids such that a tie would put
    # the letter with the words apart first.
    "prox-a-apart": (
        ["Notes on heated things, and other aircraft we saw there."],
        {"languages": ["en"]},
    ),
    "prox-b-near": (
        ["Notes on heated aircraft, and other things we saw there."],
        {"languages": ["en"]},
    ),
    # One word in two forms; a tie would put the other form first.
    "form-a-other": (["One munition was found here."], {"languages": ["en"]}),
    "form-b-typed": (["Two munitions were found here."], {"languages": ["en"]}),
}
EIGHT = "harbour treaty fishing rights northern bay zeppelin airship"


@pytest.fixture
def natural_index(small_index):
    return small_index(LETTERS)


def _holding(words: list[str], letter) -> int:
    """How many of the words a letter holds (up to word endings)."""
    text = scan.text_words(letter)
    return sum(any(scan.same_word(w, t) for t in text) for w in words)


def test_a_question_no_letter_answers_whole_finds_the_letters_with_enough_of_its_words(
    natural_index,
):
    engine = natural_index.engine
    result = search(engine, EIGHT)
    assert result.match == "most" and result.strict_total == 0
    need = natural.needed(8)
    assert need == 2  # a quarter of eight words
    words = EIGHT.split()
    expected = {
        i for i, letter in natural_index.letters.items() if _holding(words, letter) >= need
    }
    assert expected == {"harbour-treaty", "treaty-fishing"}  # harbour-only holds one word
    assert found(engine, EIGHT) == expected
    assert ranked(engine, EIGHT)[0] == "harbour-treaty"  # six words before two


def test_a_question_some_letter_answers_whole_is_answered_strictly(natural_index):
    result = search(natural_index.engine, "harbour treaty")
    assert result.match == "all" and result.strict_total is None
    assert {h.id for h in result.hits} == {"harbour-treaty"}


def test_match_all_asks_for_every_word_and_match_most_for_enough(natural_index):
    engine = natural_index.engine
    strict = search(engine, EIGHT, match="all")
    assert strict.match == "all" and strict.total == 0
    loose = search(engine, "harbour treaty", match="most")
    assert loose.match == "most"
    assert {h.id for h in loose.hits} == {"harbour-treaty", "harbour-only", "treaty-fishing"}


def test_stop_words_neither_block_nor_let_letters_in(natural_index):
    engine = natural_index.engine
    result = search(engine, "the treaty of the zeppelin")
    assert result.match == "most"
    assert {h.id for h in result.hits} == {"harbour-treaty", "treaty-fishing"}
    # "die" is a German stop word: no German letter is found for it alone.
    assert found(engine, "die Hafen Zeppelin") == {"de-hafen"}


def test_explicit_operators_keep_their_meaning(natural_index):
    engine = natural_index.engine
    # +word, a phrase, -word: required or left out in "most" mode too.
    assert found(engine, "+zeppelin harbour treaty") == set()
    assert found(engine, '"fishing rights" harbour zeppelin airship') == {"harbour-treaty"}
    assert found(engine, "harbour treaty zeppelin -drafted") == {
        "harbour-treaty",
        "harbour-only",
    }
    # AND or OR anywhere: the query as written, no second try.
    result = search(engine, "harbour AND zeppelin airship")
    assert result.total == 0 and result.match == "all"
    assert found(engine, "zeppelin airship OR balloon") == set()


def test_a_question_mark_at_a_words_end_is_punctuation_in_a_question(natural_index):
    result = search(natural_index.engine, "who signed a treaty on zeppelins?")
    assert result.match == "most"
    assert "harbour-treaty" in {h.id for h in result.hits}


def test_exports_take_the_same_mode(natural_index):
    engine = natural_index.engine
    ordered = engine.ordered(SearchRequest(q=EIGHT), 100)
    assert ordered.match == "most"
    assert [i for i, _ in ordered.letters] == ranked(engine, EIGHT)


def test_words_side_by_side_rank_above_the_same_words_apart(natural_index):
    order = ranked(natural_index.engine, "heated aircraft zeppelin")
    assert order[:2] == ["prox-b-near", "prox-a-apart"]


def test_the_form_typed_ranks_above_another_form_of_the_word(natural_index):
    assert ranked(natural_index.engine, "munitions") == ["form-b-typed", "form-a-other"]
    assert ranked(natural_index.engine, "munition") == ["form-a-other", "form-b-typed"]
