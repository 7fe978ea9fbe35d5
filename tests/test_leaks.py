"""Nothing an archivist has not published reaches the public: not a word of a draft, of a
withdrawn letter or of a replaced transcript (as a did-you-mean suggestion), not the id,
title, date or link of a withdrawn or draft letter (on a related letter's page or in the API).

The letters get their status through the archivist's own functions (a draft made as an
upload makes it, publication, withdrawal, return to draft, transcript correction), each
applied through the one writer as the web app applies it.
"""

from __future__ import annotations

import io
import json

import pytest

from indexer import writer
from indexer.archive import lifecycle
from indexer.ingest import drafts
from indexer.search import SearchRequest
from tests.conftest import app_config, write_letter
from webapp import create_app

BY = "alice"
PUBLIC = "1901-harbour-board"
WITHDRAWN = "1902-zzsecretwithdrawn-letter"
RETURNED = "1903-zzsecretreturned-letter"
CORRECTED = "1904-corrected-letter"
FILLERS = 150  # Whoosh merges 5+ segments only while they hold fewer than fib(i + 5) letters
SECRETS = ("zzsecret", "Secret withdrawn title", "Secret draft title", "Secret returned title")


@pytest.fixture
def lifecycle_env(env):
    """A published letter related to a withdrawn one, a draft and a letter returned to draft;
    a corrected letter whose earlier transcript held a word no current text holds.

    Returns (env, draft id)."""
    root = env.archive.root
    write_letter(root, PUBLIC, ["The harbour board reports on munitions and lighthouses."])
    write_letter(
        root,
        WITHDRAWN,
        ["Words zzwithdrawnword and harbourzw only in a letter later withdrawn."],
        {"title": "Secret withdrawn title", "date": "1902-05-01"},
    )
    write_letter(
        root,
        RETURNED,
        ["Words zzreturnedword only in a letter returned to draft."],
        {"title": "Secret returned title", "date": "1903-06-02"},
    )
    write_letter(root, CORRECTED, ["An early reading with zzhistoryword in it."])
    # Enough letters that the first segment outlives the later small commits: Whoosh merges
    # only small segments, and a large one keeps the words of its replaced documents.
    for n in range(FILLERS):
        write_letter(root, f"1800-routine-{n:03d}", [f"A routine note on trade, number {n}."])
    env.build()

    def apply(letter_id: str, change) -> None:
        def run() -> list[str]:
            change()
            return [letter_id]

        out = writer.apply(env.archive, env.engine, env.reader, run)
        assert not out.errors, out.errors

    text = b"Words zzdraftsecret and harbourzz only in a draft.\n"
    draft_id = drafts.create_draft(
        env.archive, [("scan.txt", io.BytesIO(text))], by=BY, via="upload"
    )
    data = lifecycle.read_sidecar_data(env.archive, draft_id)
    data["title"] = "Secret draft title"
    apply(draft_id, lambda: lifecycle.write_sidecar(env.archive, draft_id, data, by=BY))
    apply(
        WITHDRAWN,
        lambda: lifecycle.set_status(env.archive, WITHDRAWN, "withdrawn", by=BY, reason="dup"),
    )
    apply(RETURNED, lambda: lifecycle.set_status(env.archive, RETURNED, "draft", by=BY))
    apply(
        CORRECTED,
        lambda: lifecycle.write_transcript(env.archive, CORRECTED, 1, "A later reading.", by=BY),
    )
    public = lifecycle.read_sidecar_data(env.archive, PUBLIC)
    public["related"] = [
        {"id": WITHDRAWN, "relation": "see-also"},
        {"id": draft_id, "relation": "encloses"},
        {"id": RETURNED, "relation": "reply-to"},
        {"id": CORRECTED, "relation": "see-also"},
    ]
    apply(PUBLIC, lambda: lifecycle.write_sidecar(env.archive, PUBLIC, public, by=BY))
    return env, draft_id


def did_you_mean(env, q: str, *, unpublished: bool = False) -> str | None:
    s = env.search()
    try:
        result = s.search(SearchRequest(q=q, unpublished=unpublished))
        assert unpublished or not any(h.id in (WITHDRAWN, RETURNED) for h in result.hits)
        return result.did_you_mean
    finally:
        s.close()


def test_the_index_still_holds_the_unpublished_words(lifecycle_env):
    """The premise: every hidden word is in the index's word list (so the tests below
    check the suggestion logic, not an index that happens to lack the words)."""
    env, _ = lifecycle_env
    s = env.search()
    try:
        words = set(s.vocabulary("text"))
    finally:
        s.close()
    for word in ("zzdraftsecret", "zzwithdrawnword", "zzreturnedword", "zzhistoryword"):
        assert word in words


@pytest.mark.parametrize(
    "typo", ["zzdraftsecre", "zzwithdrawnwor", "zzreturnedwor", "zzhistorywor"]
)
def test_did_you_mean_never_suggests_an_unpublished_word(lifecycle_env, typo):
    env, _ = lifecycle_env
    assert did_you_mean(env, typo) is None


def test_did_you_mean_still_suggests_published_words(lifecycle_env):
    env, _ = lifecycle_env
    assert did_you_mean(env, "munitons") == "munitions"
    assert did_you_mean(env, "lighthouse reading") is None  # both words are known
    assert did_you_mean(env, "harbur") == "harbour"


def test_a_word_only_unpublished_text_holds_is_unknown_to_the_public(lifecycle_env):
    """Typed exactly, a draft's word gets the nearest published word, as any unknown word
    would; a suggestion that stayed silent would tell the word exists somewhere."""
    env, _ = lifecycle_env
    assert did_you_mean(env, "harbourzz") == "harbour"
    # Nearer hidden words lose to farther published ones; archivists see drafts' words.
    assert did_you_mean(env, "harbourzy") == "harbour"
    assert did_you_mean(env, "harbourzy", unpublished=True) == "harbourzz"


def test_replaced_text_is_never_suggested_even_to_archivists(lifecycle_env):
    env, _ = lifecycle_env
    assert did_you_mean(env, "zzhistorywor", unpublished=True) is None
    assert did_you_mean(env, "zzdraftsecre", unpublished=True) == "zzdraftsecret"


def test_related_unpublished_letters_are_named_by_nothing(lifecycle_env):
    env, draft_id = lifecycle_env
    app = create_app(app_config(env))
    client = app.test_client()
    try:
        page = client.get(f"/letters/{PUBLIC}")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        api = client.get(f"/api/letters/{PUBLIC}")
        assert api.status_code == 200
        body = api.get_data(as_text=True)
    finally:
        app.extensions["missive.jobs"].shutdown()
    for text in (html, body):
        for secret in (*SECRETS, draft_id, "1902-05-01", "1903-06-02"):
            assert secret not in text
    assert html.count("a related letter (withdrawn)") == 1
    assert html.count("a related letter (not in the public collection)") == 2
    assert f'href="/letters/{CORRECTED}"' in html  # a published one is still linked
    related = json.loads(body)["related"]
    hidden = {"id": None, "title": None, "url": None, "api_url": None}
    assert [r["status"] for r in related] == [
        "withdrawn",
        "unavailable",
        "unavailable",
        "published",
    ]
    assert all(r.items() >= hidden.items() for r in related[:3])
    assert related[3]["id"] == CORRECTED and related[3]["url"].endswith(f"/letters/{CORRECTED}")
