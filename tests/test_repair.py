"""After a crash: `check --repair` reconciles the index with the archive and cleans up."""

from __future__ import annotations

import io
import json
import os
import time

import pytest
from click.testing import CliRunner

from indexer import indexing
from indexer.archive import lifecycle
from indexer.cli import main as cli
from indexer.errors import IngestError
from indexer.ingest import drafts
from indexer.ingest.reader import Reader
from indexer.repair import repair
from indexer.search import SearchRequest
from tests.conftest import write_letter


def run_cli(env, *args: str):
    paths = ["--archive", str(env.archive.root), "--index", str(env.index_dir), "--no-ocr"]
    return CliRunner().invoke(cli, [*paths, *args])


def test_check_repair_reconciles_and_reports_what_it_did(env):
    write_letter(env.archive.root, "kept", ["A kept letter."])
    write_letter(env.archive.root, "gone", ["A letter whose folder disappears."])
    env.build()
    # What crashes leave behind: an unfinished upload, a half-written file, an old
    # generation of an interrupted rebuild, a letter not yet indexed, one removed.
    leftover = env.archive.letters_dir / ".staging" / "0123456789ab"
    leftover.mkdir(parents=True)
    (leftover / "page-001.jpg").write_bytes(b"half an upload")
    tmp = env.archive.folder("kept") / ".letter.json.deadbeef.tmp"
    tmp.write_text("{")
    os.utime(tmp, (time.time() - 3600, time.time() - 3600))
    (env.index_dir / "gen-20000101-000000-abcdef").mkdir()
    write_letter(env.archive.root, "new", ["A letter added while the app was down."])
    for path in sorted(env.archive.folder("gone").iterdir()):
        path.unlink()
    env.archive.folder("gone").rmdir()

    result = run_cli(env, "check")
    assert result.exit_code == 1 and "--repair" in result.output
    result = run_cli(env, "check", "--repair")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "removed .staging/0123456789ab: an upload or add that never finished" in out
    assert "removed kept/.letter.json.deadbeef.tmp" in out
    assert "removed index generation gen-20000101-000000-abcdef" in out
    assert "1 letters indexed, 1 unchanged, 1 removed" in out
    assert "archive and index agree: 2 letters" in out
    assert not leftover.exists() and not tmp.exists()
    assert run_cli(env, "check").exit_code == 0


def test_a_staging_folder_in_use_is_left_alone(env):
    with env.archive.staging() as staged:
        (staged / "page-001.txt").write_text("being added")
        assert env.archive.clean_staging() is None
        assert staged.exists()
        report = repair(env.archive, env.engine, env.reader)
        assert report.staging_removed is None and staged.exists()
        assert "being added right now" in "\n".join(report.lines())
    assert not staged.exists()  # not committed: removed when the block ends
    assert env.archive.clean_staging() == []


def test_a_damaged_index_is_rebuilt_from_the_archive(env):
    write_letter(env.archive.root, "alpha", ["Ships and harbours."])
    env.build()
    for toc in env.engine.store.current_dir().glob("_MAIN_*.toc"):
        toc.write_bytes(b"\x00garbage after a crash")
    report = repair(env.archive, env.engine, env.reader)
    assert report.damaged and report.index.rebuilt
    assert "the index could not be opened (" in "\n".join(report.lines())
    assert indexing.check(env.archive, env.engine) == []
    s = env.search()
    try:
        assert [h.id for h in s.search(SearchRequest(q="harbours")).hits] == ["alpha"]
    finally:
        s.close()


class _Broken(io.BytesIO):
    def read(self, *args):
        raise OSError("the connection broke off")


def test_a_draft_is_made_completely_or_not_at_all(env):
    files = [("a.txt", io.BytesIO(b"Page one.\n")), ("b.txt", _Broken(b"x"))]
    with pytest.raises(OSError, match="broke off"):
        drafts.create_draft(env.archive, files, by="alice", via="upload")
    with pytest.raises(IngestError, match="c.bin: not a page image"):
        drafts.create_draft(
            env.archive, [("c.bin", io.BytesIO(b"\x00\x01\x02"))], by="alice", via="upload"
        )
    assert env.archive.ids() == []
    assert not list((env.archive.letters_dir / ".staging").iterdir())
    letter_id = drafts.create_draft(
        env.archive, [("a.txt", io.BytesIO(b"Page one.\n"))], by="alice", via="upload"
    )
    assert drafts.is_provisional(letter_id)
    sidecar = json.loads((env.archive.folder(letter_id) / "letter.json").read_text())
    assert sidecar["status"] == "draft" and sidecar["added"]["files"][0]["name"] == "a.txt"


def test_a_crash_between_rename_and_status_leaves_a_draft_not_a_public_letter(env):
    letter_id = drafts.create_draft(
        env.archive, [("a.txt", io.BytesIO(b"London, 2 May 1901\n\nDear Sir,\n"))], by="a", via="x"
    )
    env.build()
    # The first half of publishing: the folder gets its readable id; then the crash.
    letter = env.reader.read(letter_id)
    final = drafts.readable_id(env.archive, letter)
    env.archive.commit_staged(env.archive.folder(letter_id), final)
    repair(env.archive, env.engine, env.reader)
    assert indexing.check(env.archive, env.engine) == []
    s = env.search()
    try:
        assert s.get(final)["status"] == "draft" and s.get(letter_id) is None
        assert s.search(SearchRequest(q="dear")).total == 0
    finally:
        s.close()
    # Publishing it again keeps the id it has (it is no longer provisional).
    assert drafts.publish(env.archive, final, env.reader.read(final), by="a") == final
    assert lifecycle.read_sidecar_data(env.archive, final)["status"] == "published"


class _FailsOnce(Reader):
    """A reader that meets an error that has nothing to do with the index, once."""

    failed = False

    def read_many(self, ids, **kwargs):
        if not self.failed:
            self.failed = True
            raise RuntimeError("the archive disk went away")
        yield from super().read_many(ids, **kwargs)


def test_an_error_that_is_not_a_damaged_index_is_raised_not_rebuilt(env):
    write_letter(env.archive.root, "alpha", ["Ships and harbours."])
    env.build()
    served = env.engine.store.current_name()
    write_letter(env.archive.root, "beta", ["A letter the update has to read."])
    reader = _FailsOnce(env.archive, use_ocr=False)
    with pytest.raises(RuntimeError, match="the archive disk went away"):
        repair(env.archive, env.engine, reader)
    assert env.engine.store.current_name() == served  # no rebuild was started
    report = repair(env.archive, env.engine, reader)  # the cause is gone: an update
    assert report.damaged is None and not report.index.rebuilt
    assert report.index.indexed == ["beta"]
