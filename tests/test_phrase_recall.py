"""Phrase search against a plain scan of the texts, over 296 real letters (the Escher edition)."""

from __future__ import annotations

import random
import re
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from whoosh.lang.porter import stem
from whoosh.support.charset import accent_map

from indexer.search import SearchRequest
from tests.conftest import need_corpus, write_letter

TEI = "{http://www.tei-c.org/ns/1.0}"
WORD = re.compile(r"\w+(?:\.\w+)*")


def tei_body(path) -> str:
    root = ET.parse(path).getroot()
    body = root.find(f".//{TEI}body")
    if body is None:
        return ""
    lines = []
    for block in body.iter():
        if block.tag in (f"{TEI}p", f"{TEI}opener", f"{TEI}closer", f"{TEI}dateline"):
            text = " ".join("".join(block.itertext()).split())
            if text:
                lines.append(text)
    return "\n".join(lines)


def words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return WORD.findall(folded)


def contains(seq: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return any(seq[i : i + n] == phrase for i in range(len(seq) - n + 1))


@pytest.fixture(scope="module")
def escher(tmp_path_factory):
    briefe = need_corpus("letters", "escher_sample", "briefe")
    from tests.conftest import Env

    root = tmp_path_factory.mktemp("escher")
    (root / "archive" / "letters").mkdir(parents=True)
    env = Env(root)
    texts = {}
    for path in sorted(briefe.glob("*.xml")):
        text = tei_body(path)
        if len(text) < 40:
            continue
        letter_id = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
        write_letter(env.archive.root, letter_id, [text], {"languages": ["de"]})
        texts[letter_id] = text
    report = env.build()
    assert report.errors == []
    searcher = env.search()
    yield texts, searcher
    searcher.close()


@pytest.mark.slow  # indexes 290 Escher letters, then checks every phrase of them
def test_every_letter_containing_a_phrase_is_found(escher):
    texts, searcher = escher
    assert len(texts) >= 100
    tokens = {i: words(t) for i, t in texts.items()}

    # "Up to case, accents and word endings" as the index folds them (ß -> s, then stems).
    def loose(ws: list[str]) -> list[str]:
        return [stem(w.translate(accent_map)) for w in ws]

    stems = {i: loose(ws) for i, ws in tokens.items()}
    rng = random.Random(1234)
    ids = sorted(texts)
    checked = 0
    for _ in range(80):
        source = tokens[rng.choice(ids)]
        n = rng.choice((2, 3, 4))
        if len(source) <= n:
            continue
        start = rng.randrange(len(source) - n)
        phrase = source[start : start + n]
        exact = {i for i in ids if contains(tokens[i], phrase)}
        near = {i for i in ids if contains(stems[i], loose(phrase))}
        result = searcher.search(SearchRequest(q='"' + " ".join(phrase) + '"', per_page=100))
        hits = {h.id for h in result.hits}
        assert result.total == len(hits)
        # Every letter with the phrase as written is found ...
        assert exact <= hits, (phrase, exact - hits)
        # ... and every hit has the phrase, up to case, accents and word endings.
        assert hits <= near, (phrase, hits - near)
        checked += 1
    assert checked >= 60
