"""The conformance suite's archive: the shipped sample letters, letters written for one
behaviour each, and generated letters for volume (facets, paging, phrases).

Every letter here goes through the real ingest Reader, so the engine is given the same
Letter records a build gives it. The texts below are what the tests search for; keep
them free of date lines ("Lima, 10 April 2007") unless a test wants the date extracted.
"""

from __future__ import annotations

import io
import itertools
import json
import shutil
from pathlib import Path

from PIL import Image

from benchmarks import generate
from indexer.archive import Archive, file_digest
from indexer.ingest.extract.ocr import OcrResult, tesseract_langs
from indexer.ingest.reader import Reader
from indexer.records import Letter
from tests.conftest import SAMPLE, write_letter

GENERATED = 80  # generated letters (seeded), beside the sample and the written ones
SEED = 11

# The words of the budget letter: 11**3 = 1331 distinct words starting "zq", more than
# the expansion budget of 1000 one wildcard may stand for.
MANY_WORDS = " ".join("zq" + "".join(p) for p in itertools.product("abcdefghijk", repeat=3))

# id -> (page texts, letter.json); None: no letter.json.
WRITTEN: dict[str, tuple[list[str], dict | None]] = {
    # Two pages; the second holds the phrase, markup to escape and a hit on "alert".
    "1850-03-01-paris": (
        [
            "Monsieur le Ministre,\n\nLe traité sur les munitions est signé.",
            "We discussed the Arms Trade Treaty at length.\n<script>alert(1)</script>",
        ],
        {
            "date": "1850-03-01",
            "sender": {"name": "Jean Dupont", "country": "FR", "place": "Paris"},
            "recipient": {"name": "Lord Palmerston", "country": "GB"},
            "languages": ["fr", "en"],
        },
    ),
    "2007-04-11-lima-conference": (
        [
            "The Minister of Foreign Affairs of Perú invites you to the Lima Conference "
            "on Cluster Munitions."
        ],
        {
            "date": "2007-04-11",
            "sender": {"name": "José García", "country": "PE", "place": "Lima"},
            "recipient": [
                {"name": "Kofi Quarshie", "country": "GH"},
                {"name": "Ingrid Halvorsen", "country": "NO"},
            ],
            "languages": ["en"],
            "title": "Invitation to the Lima Conference",
        },
    ),
    "2009-01-noisy": (
        ["Th1s letter was read by a rnachine: c1uster munitlons are discussed here."],
        {"date": "2009-01", "sender": {"organisation": "Embassy", "country": "PK"}},
    ),
    "1855-interval": (
        ["A letter of uncertain date about the harbour and its cluster of ships."],
        {"date": "1855/1856", "sender": {"name": "Anon", "country": "GB"}},
    ),
    "undated-note": (
        ["An undated note about munition supplies and the treaty."],
        {"sender": {"name": "Clerk", "country": "RU"}},
    ),
    "undated-memo": (
        ["A memo without a date about lighthouse keepers."],
        {"sender": {"name": "Keeper", "country": "NO"}},
    ),
    "1990-many-words": (
        [MANY_WORDS],
        {"date": "1990", "sender": {"country": "US"}, "title": "A word list"},
    ),
    # Hyphens and apostrophes split words; a query keeps them together as a phrase.
    "1970-05-01-co-chair": (
        ["The Co-Chair of the coalition spoke on Pakistan's policy."],
        {"date": "1970-05-01", "sender": {"name": "Amina Qureshi", "country": "PK"}},
    ),
    "1970-05-02-co-op": (
        ["The chair of the co-op; Pakistan policy."],
        {"date": "1970-05-02", "sender": {"name": "Omar Farooq", "country": "PK"}},
    ),
    # Dates next to the boundary of 2008: a year, a month, the last and first days.
    "2008-year-report": (
        ["The annual report on demining for the whole year."],
        {"date": "2008", "sender": {"name": "Registrar", "country": "CH"}},
    ),
    "2008-12-month": (
        ["A note written some day in December about the winter convoy."],
        {"date": "2008-12", "sender": {"name": "Quartermaster", "country": "CH"}},
    ),
    "2008-12-31-eve": (
        ["Greetings on the last evening of the year from the legation."],
        {"date": "2008-12-31", "sender": {"name": "Consul", "country": "AT"}},
    ),
    "2009-01-01-new-year": (
        ["Greetings on the first morning of the new year from the legation."],
        {"date": "2009-01-01", "sender": {"name": "Consul", "country": "AT"}},
    ),
    # Letters no public search shows; their words are in the index all the same.
    "2009-05-draft": (
        ["A draft about the quixotical negotiations, not yet published."],
        {"date": "2009-05-01", "sender": {"name": "Drafter", "country": "SE"}, "status": "draft"},
    ),
    "2009-06-withdrawn": (
        ["A withdrawn letter about the marmalade embargo."],
        {
            "date": "2009-06-01",
            "sender": {"name": "Withdrawer", "country": "SE"},
            "status": "withdrawn",
            "withdrawn": {"at": "2026-01-01T10:00:00Z", "by": "alice", "reason": "rights"},
        },
    ),
    # Two near twins about lighthouses, for more-like-this.
    "1901-lighthouse-a": (
        ["The lighthouse keepers of the northern fjord ask for lamp oil and a new lens."],
        {"date": "1901-03-02", "sender": {"name": "Harbour Master", "country": "NO"}},
    ),
    "1901-lighthouse-b": (
        ["Lamp oil and a new lens for the lighthouse keepers of the fjord are on the way."],
        {"date": "1901-04-02", "sender": {"name": "Lighthouse Board", "country": "NO"}},
    ),
    # Equal relevance for a query on "gazebo": ties come back in id order.
    "tie-c": (["One gazebo in the garden."], {"sender": {"country": "IE"}}),
    "tie-a": (["One gazebo in the garden."], {"sender": {"country": "IE"}}),
    "tie-b": (["One gazebo in the garden."], {"sender": {"country": "IE"}}),
}

# Image-only letters: a page image and no text. One gets its OCR text from the reader's
# OCR cache (as on any build after the first), so the suite needs no Tesseract.
IMAGE_ONLY = "1920-scan-unread"
OCR_LETTER = "1921-scan-ocr"
OCR_TEXT = "Telegram received about the consignment of rifles at the frontier post."
# A letter the index cannot take (its letter.json is not JSON): recorded as a skip.
BROKEN = "broken-sidecar"


def _page_image(path: Path, shade: int) -> None:
    image = Image.new("L", (300, 400), shade)  # a shade of its own: a file of its own
    buf = io.BytesIO()
    image.save(buf, "JPEG")
    path.write_bytes(buf.getvalue())


def write_archive(root: Path) -> Archive:
    """The suite's archive in `root` (copied sample, written and generated letters)."""
    shutil.copytree(SAMPLE, root, dirs_exist_ok=True)
    generate.generate(root, GENERATED, seed=SEED, images=0)
    for letter_id, (pages, meta) in WRITTEN.items():
        write_letter(root, letter_id, pages, meta)
    scans = ((IMAGE_ONLY, "1920-02-02"), (OCR_LETTER, "1921-02-02"))
    for shade, (letter_id, date) in enumerate(scans):
        folder = root / "letters" / letter_id
        folder.mkdir(parents=True)
        _page_image(folder / "page-001.jpg", 250 - shade)
        meta = {"date": date, "sender": {"country": "DK"}, "languages": ["en"]}
        (folder / "letter.json").write_text(json.dumps(meta), encoding="utf-8")
    broken = root / "letters" / BROKEN
    broken.mkdir()
    (broken / "page-001.txt").write_text("A letter whose metadata cannot be read.")
    (broken / "letter.json").write_text("{not json", encoding="utf-8")
    return Archive(root)


def reader(archive: Archive, cache: Path) -> Reader:
    """The ingest Reader without Tesseract: the OCR letter's text is in its cache."""
    r = Reader(archive, ocr_cache=cache, use_ocr=False)
    image = archive.folder(OCR_LETTER) / "page-001.jpg"
    key = r.cache.key(file_digest(image), 0, tesseract_langs(["en"]))
    r.cache.put(key, OcrResult(OCR_TEXT, [], 300, 400, 90.0))
    return r


def read_all(archive: Archive, reader: Reader) -> tuple[dict[str, Letter], dict[str, str]]:
    """Every letter of the archive as the Reader gives it, and the ones it could not read
    (id -> reason)."""
    letters: dict[str, Letter] = {}
    failed: dict[str, str] = {}
    for item in reader.read_many(archive.ids()):
        if isinstance(item, Letter):
            letters[item.id] = item
        else:
            failed[item.letter_id] = str(item)
    return letters, failed
