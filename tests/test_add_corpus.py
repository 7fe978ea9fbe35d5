"""`python -m indexer add` on real material: Berlioz scans, Poilus wills.

(Hostile files: tests/test_hostile.py.)
"""

from __future__ import annotations

import json
import re
import unicodedata

import pytest

from indexer.ingest.extract.text import read_text
from indexer.search import SearchRequest
from tests.conftest import Env, need_corpus, write_letter
from tests.test_sample import cli

pytestmark = pytest.mark.slow  # each adds real letters through the command line, OCR too


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


@pytest.fixture
def small_env(tmp_path) -> Env:
    env = Env(tmp_path)
    write_letter(env.archive.root, "first-letter", ["An early letter about the harbour."])
    write_letter(env.archive.root, "second-letter", ["A later letter about the lighthouse."])
    env.build()
    return env


@pytest.mark.ocr
def test_berlioz_image_only_pdfs_come_out_with_ocr_text_that_finds_their_words(small_env):
    # Tesseract is a print OCR engine and these are 19th-century cursive hands: it reads
    # a few words per letter, not the letter. What must hold: every scan goes through
    # OCR, and the transcript words it does read make the letter findable.
    berlioz = need_corpus("letters", "berlioz")
    meta = small_env.root / "fr.json"
    meta.write_text(json.dumps({"languages": ["fr"], "sender": {"name": "Hector Berlioz"}}))
    letters = sorted(d for d in berlioz.iterdir() if d.is_dir())
    assert len(letters) == 6
    shared_by_letter = {}
    s = small_env.search()
    try:
        for folder in letters:
            pdf = next(folder.glob("*.pdf"))
            out = cli(small_env, "add", str(pdf), "--meta", str(meta))
            assert out.returncode == 0, out.stderr
            letter_id = out.stdout.strip()
            stored = s.get(letter_id)
            assert stored["text_source"] == "ocr"
            assert {p["origin"] for p in stored["pages"]} <= {"ocr", "none"}
            ocr_words = set(re.findall(r"\w{4,}", fold(" ".join(stored["pages_text"]))))
            truth = " ".join(read_text(p) for p in folder.glob("*_transcriptions_texte/*.txt"))
            shared = sorted(ocr_words & set(re.findall(r"\w{4,}", fold(truth))))
            shared_by_letter[folder.name] = shared
            for word in shared:
                hits = {h.id for h in s.search(SearchRequest(q=word, per_page=100)).hits}
                assert letter_id in hits, (folder.name, word)
    finally:
        s.close()
    findable = [name for name, words in shared_by_letter.items() if words]
    assert len(findable) >= 4, shared_by_letter
    assert sum(map(len, shared_by_letter.values())) >= 15, shared_by_letter


def test_poilus_wills_ingest_with_images_transcripts_and_word_boxes(small_env, tmp_path):
    poilus = need_corpus("letters", "poilus_sample")
    wills = sorted(p for p in poilus.glob("*.txt"))
    assert len(wills) == 10
    s = small_env.search()
    try:
        for will in wills:
            images = sorted(poilus.glob(f"{will.stem}-*.jpg"))
            altos = sorted(poilus.glob(f"{will.stem}-*.xml"))
            # The edition marks page breaks with "[Page]"; one transcript file per page.
            staged = tmp_path / will.stem
            staged.mkdir()
            pages = [p.strip() for p in read_text(will).split("[Page]")]
            pages = [p for p in pages if p] or [""]
            for n, text in enumerate(pages[: len(images)], start=1):
                (staged / f"t{n}.txt").write_text(text, encoding="utf-8")
            out = cli(small_env, "add", *map(str, images + altos + sorted(staged.iterdir())))
            assert out.returncode == 0, (will.name, out.stderr)
            stored = s.get(out.stdout.strip())
            assert len(stored["pages"]) == len(images)
            assert stored["text_source"] == "transcribed"
            assert stored["pages"][0]["has_words"]
            first_line = next(line for line in pages[0].splitlines() if len(line) > 8)
            word = max(re.findall(r"\w+", first_line), key=len)
            hits = {h.id for h in s.search(SearchRequest(q=word, per_page=100)).hits}
            assert stored["id"] in hits
    finally:
        s.close()
