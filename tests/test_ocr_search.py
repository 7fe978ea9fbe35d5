"""OCR-tolerant search over real HTTP on the sample archive (the Peru letter is read by
OCR from its page images): a phrase typed as OCR misreads it finds the letters that hold
it, the letters holding the words as typed come first, and a snippet shows a variant with
its reading."""

from __future__ import annotations

import shutil
from urllib.parse import quote

import pytest

from tests.conftest import SAMPLE, Env, serve, write_letter
from tests.test_letters import fetch, get_json

PERU = "2007-04-10-peru-mfa-lima"
MISREAD = "2009-03-02-misread-circular"  # "C1uster Munitlons" in its text
MISREAD_TEXT = (
    "Ministry of Foreign Affairs\n\nThe C1uster Munitlons Coalition thanks the States that "
    "signed the Oslo Declaration.\n"
)


def ids(server, q: str, *, ocr: bool) -> list[str]:
    path = f"/api/search?q={quote(q)}&per_page=100" + ("&ocr=1" if ocr else "")
    return [h["id"] for h in get_json(server, path)["hits"]]


def test_a_misread_phrase_finds_the_letters_holding_it_with_ocr_mode(live_server):
    holding = set(ids(live_server, '"cluster munitions"', ocr=False))
    assert PERU in holding and len(holding) >= 4
    assert ids(live_server, '"c1uster munitlons"', ocr=False) == []
    assert set(ids(live_server, '"c1uster munitlons"', ocr=True)) == holding
    # A proximity query, and the words alone, too.
    assert set(ids(live_server, '"c1uster munitlons"~3', ocr=True)) == holding
    assert PERU in ids(live_server, "c1uster munitlons", ocr=True)


@pytest.fixture(scope="module")
def misread_server(sample_env, tmp_path_factory):
    """The sample archive and one letter whose OCR misread "Cluster Munitions"."""
    root = tmp_path_factory.mktemp("misread")
    shutil.copytree(SAMPLE, root / "archive")
    shutil.copytree(sample_env.root / "cache", root / "cache")  # the sample's OCR, read once
    write_letter(
        root / "archive",
        MISREAD,
        [MISREAD_TEXT],
        {"title": "A circular read by OCR", "date": "2009-03-02", "languages": ["en"]},
    )
    yield from serve(Env(root))


def test_letters_holding_the_words_as_typed_come_first(misread_server):
    right = set(ids(misread_server, '"cluster munitions"', ocr=False))
    assert MISREAD not in right and PERU in right
    tolerant = ids(misread_server, '"cluster munitions"', ocr=True)
    assert set(tolerant[:-1]) == right and tolerant[-1] == MISREAD
    # Typed as misread, the letter holding that form comes first, then those holding it right.
    misread = ids(misread_server, '"c1uster munitlons"', ocr=True)
    assert misread[0] == MISREAD and set(misread[1:]) == right


def test_the_snippet_shows_a_variant_with_its_reading(misread_server):
    page = fetch(misread_server, "/search?q=%22cluster+munitions%22&ocr=1")
    texts = [" ".join(s.text.split()) for s in page.find("span", class_="snippet-text")]
    assert [t for t in texts if "C1uster" in t] == [
        "Ministry of Foreign Affairs The C1uster ≈ cluster Munitlons ≈ munitions Coalition "
        "thanks the States that signed the Oslo Declaration."
    ]
    # Only the variants have a reading; the words as typed are marked alone.
    assert [r.text for r in page.find("span", class_="reading")] == ["≈ cluster", "≈ munitions"]
    marked = {m.text.lower() for m in page.find("mark")}
    assert {"cluster", "munitions", "c1uster", "munitlons"} <= marked
    assert marked <= {"cluster", "munitions", "munition", "c1uster", "munitlons"}
