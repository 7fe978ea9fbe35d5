"""One malformed letter never stops the archive: it is reported, skipped and listed by
`check`; every other letter is indexed and served. And `add` is all or nothing."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from indexer import indexing, writer
from indexer.archive import lifecycle
from indexer.engines import IndexBusy
from indexer.engines.whoosh import engine as whoosh_engine
from indexer.errors import IngestError
from indexer.repair import repair
from tests.conftest import REPO, write_letter

# id -> (what letter.json holds, the field its one-line report names)
MALFORMED: dict[str, tuple[object, str]] = {
    "related-a-number": ({"related": 5}, "related"),
    "relation-a-list": (
        {"related": [{"id": "good-one", "relation": ["x"]}]},
        "related[0].relation",
    ),
    "related-id-a-path": ({"related": [{"id": "../etc", "relation": "see-also"}]}, "related[0].id"),
    "related-not-objects": ({"related": ["good-one"]}, "related[0]"),
    "frame-text": ({"pages": [{"image": "page-001.png", "frame": "x"}]}, "pages[0].frame"),
    "frame-negative": ({"pages": [{"image": "page-001.png", "frame": -1}]}, "pages[0].frame"),
    "frame-true": ({"pages": [{"image": "page-001.png", "frame": True}]}, "pages[0].frame"),
    "frame-beyond-the-file": ({"pages": [{"image": "page-001.png", "frame": 3}]}, "pages[0].frame"),
    "transcript-a-number": (
        {"pages": [{"image": "page-001.png", "transcript": 5}]},
        "pages[0].transcript",
    ),
    "transcript-outside": (
        {"pages": [{"image": "page-001.png", "transcript": "../good-one/page-001.txt"}]},
        "pages[0].transcript",
    ),
    "words-a-list": ({"pages": [{"image": "page-001.png", "words": ["x"]}]}, "pages[0].words"),
    "image-missing": ({"pages": [{"image": "nope.png"}]}, "pages[0].image"),
    "image-null": ({"pages": [{"image": None}]}, "pages[0].image"),
    "page-not-an-object": ({"pages": ["page-001.png"]}, "pages[0]"),
    "pages-an-object": ({"pages": {"image": "page-001.png"}}, "pages"),
    "date-not-iso": ({"date": "16/02/2009"}, "date"),
    "date-year-zero": ({"date": "0000"}, "date"),
    "date-a-list": ({"date": [2009]}, "date"),
    "country-not-a-code": ({"sender": {"country": "Narnia"}}, "sender.country"),
    "country-a-number": ({"recipient": {"country": 44}}, "recipient.country"),
    "sender-a-list": ({"sender": ["Ann"]}, "sender"),
    "recipient-null-inside": ({"recipient": [None]}, "recipient[0]"),
    "title-a-number": ({"title": 5}, "title"),
    "notes-an-object": ({"notes": {"a": 1}}, "notes"),
    "languages-a-word": ({"languages": ["english"]}, "languages[0]"),
    "languages-a-number": ({"languages": 5}, "languages"),
    "status-unknown": ({"status": "hidden"}, "status"),
    "status-a-list": ({"status": ["draft"]}, "status"),
    "withdrawn-text": ({"withdrawn": "yesterday"}, "withdrawn"),
    "withdrawn-reason-a-list": ({"withdrawn": {"reason": ["x"]}}, "withdrawn.reason"),
    "added-files-a-number": ({"added": {"files": 5}}, "added.files"),
    "top-level-a-list": ([1, 2], "top level"),
    "top-level-null": (None, "top level"),
}
# Files that are no JSON object at all: the line says so.
UNREADABLE: dict[str, bytes] = {
    "not-json": b"{not json",
    "not-utf8": b'{"title": "\xff"}',
    "nested-too-deep": b"[" * 100_000,
    "lone-surrogate": b'{"title": "\\ud800"}',
}
GOOD: dict[str, object] = {
    "good-one": {
        "title": "The first good letter",
        "date": "2009-02-16",
        "sender": {"name": "Ann", "country": "PK"},
        "recipient": [{"name": "Bo", "country": "GB"}, {"organisation": "Archive"}],
        "languages": ["en"],
        "related": [{"id": "good-two", "relation": "reply-to"}],
    },
    "good-two": None,  # no sidecar at all
    "good-frame-null": {"pages": [{"image": "page-001.png", "frame": None}]},  # null: not given
    "good-year-a-number": {"date": 1855, "status": None, "withdrawn": None},
}


def _word(letter_id: str) -> str:
    """A word only this letter's text holds."""
    return "zq" + re.sub(r"[^a-z]", "", letter_id)


def write_archive(root: Path) -> None:
    """Every malformed letter and the good ones, each with a one-page transcript."""
    for letter_id in [*MALFORMED, *UNREADABLE, *GOOD]:
        folder = write_letter(root, letter_id, [f"Dear friend, {_word(letter_id)} and more."])
        Image.new("L", (60, 40), 255).save(folder / "page-001.png")
        if letter_id in UNREADABLE:
            (folder / "letter.json").write_bytes(UNREADABLE[letter_id])
        elif letter_id in MALFORMED:
            (folder / "letter.json").write_text(json.dumps(MALFORMED[letter_id][0]))
        elif GOOD[letter_id] is not None:
            (folder / "letter.json").write_text(json.dumps(GOOD[letter_id]))


def assert_reported(lines: list[str], prefix: str = "") -> None:
    """Each bad letter in exactly one line: its file, the field, what is wrong, what is not."""
    for letter_id, (_data, field) in MALFORMED.items():
        mine = [line for line in lines if line.startswith(f"{prefix}{letter_id}/")]
        assert len(mine) == 1, (letter_id, lines)
        assert mine[0].startswith(f"{prefix}{letter_id}/letter.json: {field}: "), mine[0]
        assert "; accepted: " in mine[0] and "\n" not in mine[0], mine[0]
    for letter_id in UNREADABLE:
        mine = [line for line in lines if line.startswith(f"{prefix}{letter_id}/")]
        assert len(mine) == 1, (letter_id, lines)
        wrong = "title: " if letter_id == "lone-surrogate" else "not valid UTF-8 JSON"
        assert mine[0].startswith(f"{prefix}{letter_id}/letter.json: {wrong}"), mine[0]


@pytest.fixture
def bad_env(env):
    write_archive(env.archive.root)
    env.reader.use_ocr = False  # every page has a transcript; nothing here needs OCR
    return env


def test_build_indexes_every_other_letter_and_check_lists_the_bad_ones(bad_env):
    env = bad_env
    report = env.build()
    assert sorted(report.indexed) == sorted(GOOD)
    assert len(report.errors) == len(MALFORMED) + len(UNREADABLE)
    assert_reported(report.errors)
    for letter_id in GOOD:
        assert env.found(_word(letter_id)) == {letter_id}
    for letter_id in MALFORMED:
        assert env.found(_word(letter_id)) == set()

    problems = indexing.check(env.archive, env.engine)
    assert len(problems) == len(MALFORMED) + len(UNREADABLE)
    assert_reported(problems, prefix="skipped ")

    # The repair run at the web app's start reports them and goes on; nothing changes.
    lines = repair(env.archive, env.engine, env.reader).lines()
    assert_reported(lines, prefix="skipped ")
    assert indexing.check(env.archive, env.engine) == problems


def test_a_letter_that_goes_bad_leaves_the_index_and_comes_back_when_mended(env):
    write_letter(env.archive.root, "alpha", ["apples"], {"title": "Alpha"})
    write_letter(env.archive.root, "beta", ["pears"])
    env.build()
    sidecar = env.archive.folder("alpha") / "letter.json"
    sidecar.write_text(json.dumps({"title": "Alpha", "related": 5}))

    report = indexing.update(env.archive, env.engine, env.reader)
    assert report.errors == [
        'alpha/letter.json: related: 5 is a number, not a list; accepted: a list of {"id", '
        '"relation"}; relation is one of encloses, enclosed-in, reply-to, replied-by, see-also'
    ]
    assert env.found("apples") == set()  # as a build would leave it: not the old version
    assert env.found("pears") == {"beta"}
    assert indexing.check(env.archive, env.engine) == [f"skipped {report.errors[0]}"]

    sidecar.write_text(json.dumps({"title": "Alpha", "related": []}))
    assert indexing.check(env.archive, env.engine) == [
        "alpha: in the archive but not in the index"  # changed since: the update reads it
    ]
    report = indexing.update(env.archive, env.engine, env.reader)
    assert report.indexed == ["alpha"] and report.errors == []
    assert indexing.check(env.archive, env.engine) == []
    assert env.found("apples") == {"alpha"}


def test_the_web_apps_writer_treats_a_letter_that_goes_bad_as_update_does(env):
    write_letter(env.archive.root, "alpha", ["apples"], {"title": "Alpha"})
    write_letter(env.archive.root, "beta", ["pears"])
    env.build()
    sidecar = env.archive.folder("alpha") / "letter.json"

    def write(data: dict):
        def change() -> list[str]:
            sidecar.write_text(json.dumps(data))
            return ["alpha"]

        return change

    out = writer.apply(
        env.archive, env.engine, env.reader, write({"title": "Alpha", "related": 5}), ids=["beta"]
    )
    assert out.ids == ["beta"]
    assert out.errors == [
        'alpha/letter.json: related: 5 is a number, not a list; accepted: a list of {"id", '
        '"relation"}; relation is one of encloses, enclosed-in, reply-to, replied-by, see-also'
    ]
    assert env.found("apples") == set()  # not the old version
    assert env.found("pears") == {"beta"}
    problems = indexing.check(env.archive, env.engine)
    assert problems == [f"skipped {out.errors[0]}"]
    # An update finds the archive and the index as it would have left them itself.
    assert indexing.update(env.archive, env.engine, env.reader).errors == out.errors
    assert indexing.check(env.archive, env.engine) == problems

    # Without an index the writer builds one; only the letters it was given are its errors.
    shutil.rmtree(env.index_dir)
    out = writer.apply(env.archive, env.engine, env.reader, ids=["beta"])
    assert out.rebuilt and out.ids == ["beta"] and out.errors == []
    assert indexing.check(env.archive, env.engine) == problems

    out = writer.apply(env.archive, env.engine, env.reader, write({"title": "Alpha"}))
    assert out.ids == ["alpha"] and out.errors == []
    assert indexing.check(env.archive, env.engine) == []
    assert env.found("apples") == {"alpha"}


def test_odd_lines_of_a_change_log_stop_nothing(env):
    folder = write_letter(env.archive.root, "alpha", ["apples"])
    (folder / "history.jsonl").write_text(
        '5\n"text"\n[1]\n{"action": "edit-transcript", "at": 7}\n'
        '{"action": "edit-transcript", "at": "2026-01-02T03:04:05Z", "file": "page-001.txt"}\n'
    )
    report = env.build()
    assert report.indexed == ["alpha"] and report.errors == []
    assert [e["at"] for e in lifecycle.history(env.archive, "alpha")] == [
        7,
        "2026-01-02T03:04:05Z",
    ]
    assert lifecycle.last_text_change(folder) == "2026-01-02T03:04:05Z"


@pytest.mark.slow  # the command line and gunicorn
def test_the_command_line_and_gunicorn_over_an_archive_with_every_kind_of_bad_value(bad_env):
    from tests.live_gunicorn import Gunicorn

    env = bad_env

    def cli(*args: str) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "indexer", "--archive", str(env.archive.root)]
        cmd += ["--index", str(env.index_dir), "--no-ocr", *args]
        return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=600)

    built = cli("build")
    assert built.returncode == 1, built.stderr
    assert "Traceback" not in built.stderr
    assert_reported(built.stderr.splitlines(), prefix="skipped ")
    total = len(MALFORMED) + len(UNREADABLE)
    assert f"{len(GOOD)} letters indexed" in built.stdout
    assert f"{total} letters were not indexed" in built.stderr
    for letter_id in GOOD:
        out = cli("search", _word(letter_id), "--json")
        assert out.returncode == 0, out.stderr
        assert [h["id"] for h in json.loads(out.stdout)["hits"]] == [letter_id]

    updated = cli("update")
    assert updated.returncode == 1 and "Traceback" not in updated.stderr
    assert_reported(updated.stderr.splitlines(), prefix="skipped ")

    checked = cli("check", "--repair")
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    assert_reported(checked.stdout.splitlines(), prefix="skipped ")
    assert f"{total} letters cannot be indexed until their files are mended" in checked.stderr

    server = Gunicorn(env)  # make run's config: it runs the repair before it serves
    try:
        for path, status in [
            ("/", 200),
            (f"/search?q={_word('good-one')}", 200),
            ("/letters/good-one", 200),
            ("/letters/related-a-number", 404),
        ]:
            try:
                with urllib.request.urlopen(server.url + path, timeout=60) as r:
                    got, body = r.status, r.read().decode()
            except urllib.error.HTTPError as exc:
                got, body = exc.code, ""
            assert got == status, (path, got)
            if path.startswith("/search"):
                assert "/letters/good-one" in body
    finally:
        server.stop()
    log = server.log_path.read_text()
    assert "skipped related-a-number/letter.json: related: 5 is a number" in log


# -- add: all or nothing -------------------------------------------------------------------
def _source(tmp_path: Path) -> Path:
    src = tmp_path / "incoming"
    src.mkdir(parents=True)
    (src / "page-1.txt").write_text("A new letter about quinces.", encoding="utf-8")
    return src


def _nothing_added(env, before: list[str]) -> None:
    assert env.archive.ids() == before
    staging = env.archive.letters_dir / ".staging"
    assert not staging.exists() or list(staging.iterdir()) == []
    assert indexing.check(env.archive, env.engine) == []
    repair(env.archive, env.engine, env.reader)
    assert indexing.check(env.archive, env.engine) == []
    assert env.found("quinces") == set()


def test_add_while_the_index_is_busy_adds_nothing_and_says_so(env, tmp_path):
    write_letter(env.archive.root, "alpha", ["apples"])
    env.build()
    before = env.archive.ids()
    held, release = threading.Event(), threading.Event()

    def writer():
        with env.engine.write_lock():
            held.set()
            release.wait(60)

    t = threading.Thread(target=writer)
    t.start()
    try:
        assert held.wait(30)
        with pytest.raises(IndexBusy) as caught:
            indexing.add(env.archive, env.engine, env.reader, [_source(tmp_path)], lock_timeout=0.2)
    finally:
        release.set()
        t.join(30)
    message = str(caught.value)
    assert message.startswith("page-1.txt: not added, the archive is unchanged: ")
    assert "being written by another process" in message
    _nothing_added(env, before)


def test_add_whose_indexing_fails_takes_the_letter_back(env, tmp_path, monkeypatch):
    write_letter(env.archive.root, "alpha", ["apples"])
    env.build()
    before = env.archive.ids()
    real = whoosh_engine.to_document

    def failing(letter):
        if "quinces" in letter.text:
            raise OSError(28, "No space left on device")
        return real(letter)

    monkeypatch.setattr(whoosh_engine, "to_document", failing)
    with pytest.raises(IngestError) as caught:
        indexing.add(env.archive, env.engine, env.reader, [_source(tmp_path)])
    assert str(caught.value) == (
        "page-1.txt: not added, the archive is unchanged: indexing failed "
        "(OSError: [Errno 28] No space left on device)"
    )
    monkeypatch.undo()
    _nothing_added(env, before)
    letter = indexing.add(env.archive, env.engine, env.reader, [_source(tmp_path / "again")])
    assert env.found("quinces") == {letter.id}
    assert indexing.check(env.archive, env.engine) == []
