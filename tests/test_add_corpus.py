"""`python -m indexer add` on real material: hostile files, Berlioz scans, Poilus wills."""

from __future__ import annotations

import json
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import pytest

from indexer.extract.text import read_text
from indexer.search import SearchRequest
from tests.conftest import CORPUS, Env, need_corpus, write_letter
from tests.test_sample import cli

HOSTILE = sorted(p for p in (CORPUS / "hostile").glob("*/*") if p.is_file())


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


def test_every_hostile_file_is_ingested_or_rejected_in_one_line(small_env):
    need_corpus("hostile")
    assert len(HOSTILE) > 60
    outcomes = {}
    # Two adds at a time (one per core): each file gets its own id, so they never collide,
    # and the index's write lock serialises their commits.
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda p: cli(small_env, "--no-ocr", "add", str(p)), HOSTILE))
    for path, out in zip(HOSTILE, runs, strict=True):
        assert "Traceback" not in out.stderr, (path.name, out.stderr)
        if out.returncode == 0:
            letter_id = out.stdout.strip()
            assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", letter_id), out.stdout
            outcomes[path.name] = letter_id
        else:
            lines = out.stderr.strip().splitlines()
            assert len(lines) == 1, (path.name, out.stderr)
            assert lines[0].startswith(f"Error: {path.name}: "), lines[0]
            assert len(lines[0]) > len(f"Error: {path.name}: ") + 10
            outcomes[path.name] = None
    rejected = {n for n, v in outcomes.items() if v is None}
    assert {"decompression_bomb.gif", "truncated_image.png", "r2-user-password.pdf"} <= rejected
    assert outcomes["multipage.tiff"] and outcomes["encrypted_doc_no_id.pdf"]
    check = cli(small_env, "check")
    assert check.returncode == 0, check.stdout
    s = small_env.search()
    try:
        for q, letter_id in (("harbour", "first-letter"), ("lighthouse", "second-letter")):
            assert letter_id in {h.id for h in s.search(SearchRequest(q=q)).hits}
        vicksburg = outcomes["Seige_of_Vicksburg_Sample_OCR.pdf"]
        assert s.get(vicksburg)["pages"] and len(s.get(vicksburg)["pages"]) == 6
    finally:
        s.close()
    assert not list((small_env.archive.letters_dir / ".staging").glob("*"))


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
