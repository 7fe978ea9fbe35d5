"""The engine's part in keeping the index sound: one writer at a time, what an interrupted
rebuild leaves behind, a damaged index told as such, and a rebuild in several processes
that gives the index one process gives. Each test builds its own index."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from indexer.engines import IndexBusy
from tests.conftest import REPO
from tests.engine.conftest import found, need

LETTERS = {
    f"letter-{n:02d}": ([f"Letter {n} about lamp oil and {word}."], {"date": f"19{n:02d}"})
    for n, word in enumerate(("harbours", "ledgers", "lenses", "convoys", "wicks", "tides"))
}
QUERIES = ("lamp", "harbours OR tides", "lens*", "", "date:[1902 TO 1904]")


def _in_another_process(code: str, small) -> subprocess.CompletedProcess:
    """Run `code` in a new Python process, with `engine`, `reader` and `archive` over the
    small index's folders."""
    setup = f"""
        import os
        from pathlib import Path
        from indexer.archive import Archive
        from indexer.engines import EngineConfig, open_engine
        from indexer.ingest.reader import Reader
        archive = Archive(Path({str(small.archive.root)!r}))
        reader = Reader(archive, use_ocr=False)
        index = Path({str(small.config.index)!r})
        engine = open_engine(EngineConfig(index, name={small.config.name!r}))
    """
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(setup) + textwrap.dedent(code)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_second_writer_waits_then_is_told_the_index_is_busy(small_index):
    small = small_index(LETTERS)
    other = small.other()
    try:
        with small.engine.write_lock():
            with pytest.raises(IndexBusy, match="being written by another process"):
                with other.write_lock(timeout=0.2):
                    pass
        with other.write_lock(timeout=0.2):  # free again
            pass
    finally:
        other.close()


def test_what_an_interrupted_rebuild_leaves_is_removed_and_the_index_still_serves(small_index):
    small = small_index(LETTERS)
    before = {q: found(small.engine, q) for q in QUERIES}
    assert small.engine.remove_leftovers() == []
    # A rebuild whose process dies half way through (nothing gets to clean up).
    died = _in_another_process(
        """
        with engine.write_lock(), engine.rebuild() as w:
            for letter_id in archive.ids()[:3]:
                w.replace(reader.read(letter_id))
            os._exit(3)
        """,
        small,
    )
    assert died.returncode == 3, died.stderr
    small.engine.refresh()
    assert {q: found(small.engine, q) for q in QUERIES} == before
    with small.engine.write_lock():
        removed = small.engine.remove_leftovers()
    if small.engine.features.local_files:
        assert removed, "the interrupted rebuild left nothing behind"
    with small.engine.write_lock():
        assert small.engine.remove_leftovers() == []
    assert {q: found(small.engine, q) for q in QUERIES} == before
    assert small.engine.damaged() is None


def test_a_damaged_index_is_told_as_such(small_index):
    small = small_index(LETTERS)
    need(small.engine, "local_files")
    assert small.engine.damaged() is None
    small.engine.close()
    for path in small.config.index.rglob("*"):
        if path.is_file() and path.name != "WRITELOCK" and path.stat().st_size:
            path.write_bytes(b"\x00 not an index \xff" * 4)
    damaged = small.other()
    try:
        why = damaged.damaged()
        assert isinstance(why, str) and why.strip()
        assert "\n" not in why  # one line, for `check`
    finally:
        damaged.close()


def test_a_rebuild_in_several_processes_gives_the_same_index(small_index):
    small = small_index(LETTERS)
    need(small.engine, "parallel_build")
    before = {q: found(small.engine, q) for q in QUERIES}
    fingerprints = small.engine.fingerprints()
    # In a process of its own: forking is safe only where no other thread runs.
    built = _in_another_process(
        """
        with engine.write_lock(), engine.rebuild(procs=2) as w:
            for letter in reader.read_many(archive.ids()):
                w.replace(letter)
            w.record_skips({})
        """,
        small,
    )
    assert built.returncode == 0, built.stderr
    small.engine.refresh()
    assert {q: found(small.engine, q) for q in QUERIES} == before
    assert small.engine.fingerprints() == fingerprints
