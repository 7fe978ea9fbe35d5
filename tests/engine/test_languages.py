"""Every language in its own words: a letter's words are matched in its language (given in
letter.json, else detected), a query in each language the collection holds; word forms
of one word find each other, stop words of the letter's language are not required, the
matched forms are marked, and English is searched as it always was."""

from __future__ import annotations

import itertools
import re

import pytest

from tests.engine.conftest import found, search

MARK = re.compile(r"<mark>(.*?)</mark>")

# id -> (page texts, letter.json); written for one language each.
LETTERS = {
    "de-brief": (
        ["Lieber Freund, ich danke Dir für Deinen Brief und für das Bild von Deinem Haus."],
        {"languages": ["de"]},
    ),
    "de-haeuser": (
        ["Die Häuser der Altstadt stehen leer, und die Briefe bleiben liegen."],
        {"languages": ["de"]},
    ),
    # No language given: detected from the text.
    "de-detected": (
        [
            "Sehr geehrter Herr Professor, mit großer Freude habe ich Ihre Briefe aus Zürich "
            "gelesen und danke Ihnen herzlich für die freundlichen Worte über unsere Arbeit."
        ],
        None,
    ),
    "de-no-article": (["Briefe aus Wien, Rom und Neapel."], {"languages": ["de"]}),
    "fr-lettre": (
        ["Je vous envoie cette lettre par le courrier de demain, pour l'université."],
        {"languages": ["fr"]},
    ),
    "es-carta": (
        ["Le escribo esta carta desde Lima para darle las gracias por su acción."],
        {"languages": ["es"]},
    ),
    "it-lettere": (
        ["Ho ricevuto le vostre lettere e vi ringrazio per le notizie della famiglia."],
        {"languages": ["it"]},
    ),
    "nl-brieven": (
        ["Ik heb uw brieven ontvangen en dank u voor de vriendelijke woorden."],
        {"languages": ["nl"]},
    ),
    "pt-cartas": (
        ["Recebi as suas cartas e agradeço as notícias da família."],
        {"languages": ["pt"]},
    ),
    "ru-pisma": (["Я получил ваши письма и благодарю вас за новости."], {"languages": ["ru"]}),
    "la-epistola": (["Epistolam tuam accepi et gratias ago."], {"languages": ["la"]}),
    "en-houses": (
        ["The houses by the harbour were sold; the letters arrived yesterday."],
        {"languages": ["en"]},
    ),
    # 600 distinct words: a wildcard for them is within the budget of 1,000 only if its
    # words count once, not once per language.
    "en-word-list": (
        [" ".join("zx" + "".join(p) for p in itertools.product("abcdefghij", repeat=3))[:3600]],
        {"languages": ["en"]},
    ),
}


@pytest.fixture
def languages(small_index):
    return small_index(LETTERS)


@pytest.mark.parametrize(
    "q,letter_id",
    [
        ("Briefe", "de-brief"),  # plural finds singular
        ("Brief", "de-haeuser"),  # and singular plural
        ("Häuser", "de-brief"),  # umlaut plural finds "Haus"
        ("Haus", "de-haeuser"),
        ("Hauses", "de-haeuser"),
        ("Brief", "de-detected"),  # the language detected when not given
        ("lettres", "fr-lettre"),
        ("universites", "fr-lettre"),  # accents ignored, as everywhere
        ("Hauser", "de-haeuser"),
        ("acciones", "es-carta"),
        ("cartas", "es-carta"),
        ("carta", "pt-cartas"),
        ("notizia", "it-lettere"),
        ("brief", "nl-brieven"),
        ("письмо", "ru-pisma"),
        ("epistolam", "la-epistola"),  # unstemmed, found as written
        ("house", "en-houses"),  # English as it always was
        ("letter", "en-houses"),
    ],
)
def test_a_word_finds_its_other_forms_in_the_letters_language(languages, q, letter_id):
    assert letter_id in found(languages.engine, q)


def test_a_word_finds_only_letters_holding_a_form_of_it(languages):
    engine = languages.engine
    assert found(engine, "Briefe") == {"de-brief", "de-haeuser", "de-detected", "de-no-article"}
    assert found(engine, "Häuser") == {"de-brief", "de-haeuser"}
    assert found(engine, "lettres") == {"fr-lettre"}
    assert found(engine, "houses") == {"en-houses"}


def test_phrases_match_word_forms_side_by_side_in_the_letters_language(languages):
    engine = languages.engine
    assert found(engine, '"Haus der Altstadt"') == {"de-haeuser"}
    assert found(engine, '"Altstadt der Haus"') == set()
    assert found(engine, '"cette lettre"') == {"fr-lettre"}
    assert found(engine, '"the house"') == {"en-houses"}


def test_not_excludes_a_form_in_the_letters_own_language(languages):
    engine = languages.engine
    everyone = set(LETTERS)
    assert found(engine, "NOT Haus") == everyone - {"de-brief", "de-haeuser"}
    assert found(engine, "Briefe -Häuser") == {"de-detected", "de-no-article"}


def test_a_wildcards_words_count_once_in_every_language(languages):
    words = len(LETTERS["en-word-list"][0][0].split())
    assert 500 < words < 1000
    assert found(languages.engine, "zx*") == {"en-word-list"}


def test_a_stop_word_of_the_letters_language_is_not_required(languages):
    engine = languages.engine
    # "die" is a German stop word: German letters without it are found all the same.
    assert "de-no-article" in found(engine, "die Briefe")
    # In a phrase every word counts.
    assert found(engine, '"die Briefe"') == {"de-haeuser"}
    # English keeps every word of a query, as it always did.
    assert found(engine, "the letters") == {"en-houses"}


def test_the_forms_matched_are_marked(languages):
    engine = languages.engine
    hit = next(h for h in search(engine, "Haus").hits if h.id == "de-haeuser")
    assert "Häuser" in {m for s in hit.snippets for m in MARK.findall(s.html)}
    marks = engine.marks("Haus")
    text = "Die Häuser und das Haus des Bruders"
    assert [text[a:b] for a, b in marks.spans(text)] == ["Häuser", "Haus"]
    marks = engine.marks("lettres")
    text = "une lettre, des lettres"
    assert [text[a:b] for a, b in marks.spans(text)] == ["lettre", "lettres"]


def test_a_word_of_any_language_of_the_collection_is_not_corrected(languages):
    for q in ("Briefe", "cartas", "lettres", "письма"):
        assert search(languages.engine, q).did_you_mean is None, q


def test_a_letter_in_two_languages_is_found_in_both(engine):
    # The suite's Paris letter is French and English: "traité" on page 1, "Treaty" on 2.
    assert "1850-03-01-paris" in found(engine, "traités")
    assert "1850-03-01-paris" in found(engine, "treaties")
