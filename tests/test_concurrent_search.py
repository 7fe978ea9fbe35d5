"""Searches from many threads at once, while another thread commits changes.

Each search must give what a single-threaded search gives for one committed state of the
index, one of the states that were served while it ran; and no search may fail. Replaced
index files must not stay open once no search reads them.
"""

from __future__ import annotations

import os
import random
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from indexer.engines import Engine, EngineConfig, open_engine
from indexer.records import DateValue, Letter, Page, Party
from indexer.search import SearchRequest

THREADS = 8
COMMITS = 12
LETTERS = 120
WORDS = (
    "ships harbour treaty embassy minister cargo customs consul tariff grain coal steam "
    "master pilot quay mail cable envoy frontier border"
).split()
COUNTRIES = ("FR", "GB", "PK", "PE", "NO")

# What each thread asks, over and over: a search of each kind (ranked, phrase, wildcard,
# fuzzy, facet filter, date filter, date order, a later page), a letter, the collection.
QUESTIONS: dict[str, Callable[[Engine], Any]] = {
    "word": lambda e: e.search(SearchRequest(q="harbour")),
    "phrase": lambda e: e.search(SearchRequest(q='"harbour master"', sort="date")),
    "wildcard": lambda e: e.search(SearchRequest(q="harb* OR kestrel*", per_page=5, page=2)),
    "fuzzy": lambda e: e.search(SearchRequest(q="cargoe~ OR shipz~")),
    "filter": lambda e: e.search(SearchRequest(q="treaty OR ships", filters={"country": ["FR"]})),
    "dates": lambda e: e.search(SearchRequest(q="harbour", date_from="1920", date_to="1930")),
    "newest": lambda e: e.search(SearchRequest(sort="-date", per_page=10)),
    "letter": lambda e: e.get("l005"),
    "stats": lambda e: e.stats(),
}


def _letter(letter_id: str, text: str, year: int, country: str) -> Letter:
    return Letter(
        id=letter_id,
        title=f"Letter {letter_id}",
        date=DateValue.parse(f"{year}-03-02"),
        sender=Party(name=f"Consul {letter_id}", country=country),
        languages=["en"],
        pages=[Page(1, text=text, origin="transcript")],
    )


def _base_letters() -> list[Letter]:
    rng = random.Random(7)
    return [
        _letter(
            f"l{i:03d}",
            " ".join(rng.choice(WORDS) for _ in range(60)),
            1900 + rng.randrange(50),
            rng.choice(COUNTRIES),
        )
        for i in range(LETTERS)
    ]


def _commit(engine: Engine, k: int) -> None:
    """Change k: one letter rewritten (new words, new country), one deleted, one added."""
    with engine.write_lock(), engine.writer() as w:
        w.replace(
            _letter(f"l{k:03d}", f"harbour master kestrel{k} " * 3, 1920 + k, COUNTRIES[k % 5])
        )
        w.delete(f"l{LETTERS - 1 - k:03d}")
        w.replace(_letter(f"n{k:03d}", f"ships in the harbour, kestrel{k}", 1925, "FR"))


def _answers(engine: Engine) -> dict[str, Any]:
    return {name: ask(engine) for name, ask in QUESTIONS.items()}


def _new_index(tmp_path: Path) -> EngineConfig:
    config = EngineConfig(tmp_path / "index")
    engine = open_engine(config)
    with engine.write_lock(), engine.rebuild() as w:
        for letter in _base_letters():
            w.replace(letter)
    engine.close()
    return config


def test_parallel_searches_during_commits_give_single_threaded_answers(tmp_path):
    config = _new_index(tmp_path)
    shared = open_engine(config)  # every search thread uses this one
    reference = open_engine(config)  # only the committing thread uses this one
    expected: list[dict[str, Any]] = [_answers(reference)]  # by committed state
    begun = done = 0  # commits started; commits finished (searchers told)
    seen: list[tuple[int, int, str, Any]] = []  # (done before, begun after, question, answer)
    errors: list[str] = []
    start = threading.Barrier(THREADS + 1)

    def commit() -> None:
        nonlocal begun, done
        start.wait()
        for k in range(1, COMMITS + 1):
            begun = k
            _commit(shared, k)
            done = k
            expected.append(_answers(reference))

    def ask(seed: int) -> None:
        rng = random.Random(seed)
        names = list(QUESTIONS)
        start.wait()
        asked = 0
        while done < COMMITS or asked < 40:
            name = rng.choice(names)
            before = done
            answer = QUESTIONS[name](shared)
            seen.append((before, begun, name, answer))
            asked += 1

    def guarded(job, *args) -> Callable[[], None]:
        def run() -> None:
            try:
                job(*args)
            except BaseException:  # noqa: BLE001 - reported below, with where it was raised
                errors.append(traceback.format_exc())

        return run

    threads = [threading.Thread(target=guarded(ask, i)) for i in range(THREADS)]
    threads.append(threading.Thread(target=guarded(commit)))
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(600)
        assert not any(t.is_alive() for t in threads), "a thread still runs after 600 s (hung?)"
        assert not errors, errors[0]
        assert len(expected) == COMMITS + 1
        # The commits changed what the questions answer, so a stale or torn read shows.
        assert all(expected[0][n] != expected[-1][n] for n in QUESTIONS), "a question never changed"
        assert len(seen) >= THREADS * 40
        wrong = [
            (before, after, name)
            for before, after, name, answer in seen
            if answer not in [expected[k][name] for k in range(before, after + 1)]
        ]
        assert not wrong, f"{len(wrong)} of {len(seen)} answers match no state served: {wrong[:5]}"
        # Every state's answers were seen by some search (the threads searched throughout).
        assert len({(before, after) for before, after, _, _ in seen}) > 1
    finally:
        shared.close()
        reference.close()


def _index_fds(index: Path) -> tuple[list[str], list[str]]:
    """The index files this process holds open: those still there, those deleted."""
    there, deleted = [], []
    root = str(index.resolve())
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # closed meanwhile (the listing's own descriptor)
        if target.startswith(root + os.sep):
            (deleted if target.endswith(" (deleted)") else there).append(target)
    return there, deleted


def test_replaced_index_files_are_closed_once_no_search_reads_them(tmp_path):
    config = _new_index(tmp_path)
    engine = open_engine(config)
    try:
        for k in range(1, 41):
            _commit(engine, k)
            # Several searches at once, so more than one set of index files is open.
            barrier = threading.Barrier(4)

            def search(barrier=barrier) -> None:
                barrier.wait()
                for name in ("word", "fuzzy", "letter", "stats"):
                    QUESTIONS[name](engine)

            threads = [threading.Thread(target=search) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(120)
            assert not any(t.is_alive() for t in threads)
        there, deleted = _index_fds(config.index)
        # Files of replaced segments (deleted by a later commit) are no longer held ...
        assert deleted == [], deleted[:5]
        # ... and what is held is the served index's, by at most one reader per thread that
        # searched at once and one more (40 commits would otherwise hold many sets).
        files = [p for p in config.index.rglob("*") if p.is_file()]
        assert there and len(there) <= 5 * len(files), (len(there), len(files))
        engine.close()
        assert _index_fds(config.index) == ([], [])
    finally:
        engine.close()
