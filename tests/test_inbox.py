"""The inbox folder: dropped files become drafts; nothing is lost, nothing taken half-copied."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PIL import Image

from indexer import indexing
from indexer.ingest import drafts
from indexer.ingest.inbox import Inbox
from indexer.ingest.processing import JobFiles
from indexer.search import SearchRequest
from tests.archive_support import page_scans
from tests.conftest import REPO


@pytest.fixture
def inbox(env, tmp_path):
    env.build()
    return Inbox(
        tmp_path / "inbox",
        env.archive,
        env.engine,
        env.reader,
        JobFiles(tmp_path / "jobs"),
        settle=0,
        log=lambda line: None,
    )


def unpublished(env, q: str) -> list[str]:
    s = env.search()
    try:
        return [h.id for h in s.search(SearchRequest(q=q, unpublished=True)).hits]
    finally:
        s.close()


def test_a_file_and_a_folder_each_become_one_draft(env, inbox):
    inbox.root.mkdir()
    (inbox.root / "note.txt").write_text("A note about the puffin census.\n")
    folder = inbox.root / "letter-7"
    folder.mkdir()
    (folder / "scan-1.jpg").write_bytes(page_scans("gannet", pages=1)[0])
    (folder / "scan-1.txt").write_text("The gannet ledger, page one.\n")
    (folder / "scan-2.txt").write_text("Page two.\n")  # a second transcript for one image
    (folder / ".DS_Store").write_bytes(b"\x00hidden files are ignored")
    made = inbox.run(interval=0, once=True)
    assert len(made) == 1  # the folder is refused: two transcripts for one page
    assert unpublished(env, "puffin") == made
    assert (inbox.root / "done" / "note.txt").exists()
    assert (inbox.root / "failed" / "letter-7").is_dir()
    error = (inbox.root / "failed" / "letter-7.error.txt").read_text()
    assert error.count("\n") == 1 and error.startswith("letter-7: 2 transcripts for 1 page")
    assert inbox.jobs.read(made[0])["state"] == "done"
    assert indexing.check(env.archive, env.engine) == []
    # Fixed and dropped again: taken, and the name in done/ does not overwrite anything.
    (folder := inbox.root / "failed" / "letter-7").joinpath("scan-2.txt").unlink()
    folder.rename(inbox.root / "letter-7")
    (inbox.root / "note.txt").write_text("Another note, about the tern census.\n")
    made = inbox.run(interval=0, once=True)
    assert len(made) == 2
    assert sorted(p.name for p in (inbox.root / "done").iterdir()) == [
        "letter-7",
        "note-2.txt",
        "note.txt",
    ]
    assert unpublished(env, "gannet") and unpublished(env, "tern")
    sidecar = drafts.added_record(env.archive, unpublished(env, "gannet")[0])
    assert sidecar["via"] == "inbox" and [f["name"] for f in sidecar["files"]] == [
        "scan-1.jpg",
        "scan-1.txt",
    ]


def test_refused_files_go_to_failed_with_a_one_line_reason(inbox):
    inbox.root.mkdir()
    (inbox.root / "scan.gif").write_bytes(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
    (inbox.root / "empty.pdf").write_bytes(b"")
    assert inbox.run(interval=0, once=True) == []
    failed = inbox.root / "failed"
    assert sorted(p.name for p in failed.iterdir()) == [
        "empty.pdf",
        "empty.pdf.error.txt",
        "scan.gif",
        "scan.gif.error.txt",
    ]
    assert (failed / "empty.pdf.error.txt").read_text() == (
        "empty.pdf: the file is empty; add the file again from its original; "
        "accepted: JPEG, PNG, TIFF, JPEG 2000 or WebP page "
        "images, one PDF, plain-text transcripts, word boxes (PAGE XML, ALTO, hOCR), or one "
        "TEI letter with its page images\n"
    )
    assert (failed / "scan.gif.error.txt").read_text().startswith("scan.gif: ")


def test_a_damaged_scan_is_refused_in_plain_words_and_the_library_speaks_in_the_log(inbox):
    inbox.root.mkdir()
    whole = inbox.root.parent / "whole.png"
    Image.new("RGB", (300, 200), "white").save(whole)
    (inbox.root / "cut.png").write_bytes(whole.read_bytes()[:-40])
    logged: list[str] = []
    inbox.log = logged.append
    assert inbox.run(interval=0, once=True) == []
    line = (inbox.root / "failed" / "cut.png.error.txt").read_text()
    assert line.startswith("cut.png: damaged file (the end of the image is missing); ")
    assert "Error" not in line
    assert logged[0] == f"cut.png: refused, moved to failed/cut.png: {line.strip()}"
    assert logged[1].startswith("cut.png: (the library said: ")


def test_a_file_is_taken_only_once_its_size_has_settled(inbox):
    inbox.root.mkdir()
    inbox.settle = 2.0
    growing = inbox.root / "big.txt"
    growing.write_text("The first part")
    assert inbox.settled(now=0.0) == []  # first look: remembered
    assert inbox.settled(now=1.0) == []
    with growing.open("a") as fh:
        fh.write(" and the rest of the letter.\n")
    os.utime(growing, ns=(1, 1))
    assert inbox.settled(now=2.5) == []  # it changed: the clock starts again
    assert inbox.settled(now=3.5) == []
    assert inbox.settled(now=4.6) == [growing]


def test_a_crash_before_the_move_does_not_make_a_second_draft(env, inbox):
    inbox.root.mkdir()
    (inbox.root / "note.txt").write_text("A note about the dunlin count.\n")
    with open(inbox.root / "note.txt", "rb") as fh:
        first = drafts.create_draft(env.archive, [("note.txt", fh)], by="inbox", via="inbox")
    # ...the watcher died here, before moving the file to done/.
    assert inbox.run(interval=0, once=True) == [first]
    assert [i for i in env.archive.ids() if drafts.is_provisional(i)] == [first]
    assert (inbox.root / "done" / "note.txt").exists()


def test_the_watch_command(tmp_path, env):
    env.build()
    box = tmp_path / "box"
    box.mkdir()
    (box / "letter.txt").write_text("A letter about the curlew survey.\n")
    run_env = {
        **os.environ,
        "MISSIVE_ARCHIVE": str(env.archive.root),
        "MISSIVE_INDEX": str(env.index_dir),
        "MISSIVE_INBOX": str(box),
    }
    result = subprocess.run(
        [sys.executable, "-m", "indexer", "--no-ocr", "watch", "--once", "--settle", "0"],
        cwd=REPO,
        env=run_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert f"watching {box}" in result.stdout and "1 drafts made" in result.stdout
    assert "letter.txt: saved as draft draft-" in result.stdout
    assert unpublished(env, "curlew")
    assert (box / "done" / "letter.txt").read_text().startswith("A letter")
