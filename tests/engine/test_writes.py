"""Changing an index through `Engine.writer()`: a letter replaced or deleted changes what
searches find and nothing else; a block that fails changes nothing; fingerprints, page
failures and skips come back as they were written. Each test builds its own index."""

from __future__ import annotations

import pytest

from indexer.engines import EngineConfig, IndexMissing, open_engine
from tests.engine.conftest import found, search

LETTERS = {
    "alpha": (["The harbour master writes about lamp oil."], {"date": "1901-01-02"}),
    "beta": (["A note about lighthouse lenses.", "Second page on lamp oil."], {"date": "1902"}),
    "gamma": (["Letters about the customs house and its ledgers."], None),
}
QUERIES = ("lamp", "harbour", "lighthouse", "customs", "", "oil -lenses")


def _answers(engine) -> dict[str, list[str]]:
    return {q: [h.id for h in search(engine, q).hits] for q in QUERIES}


def test_a_replaced_letter_is_found_by_its_new_words_only(small_index):
    small = small_index(LETTERS)
    engine = small.engine
    assert found(engine, "harbour") == {"alpha"}
    if engine.features.did_you_mean:
        assert search(engine, "harbuor").did_you_mean == "harbour"
    before = _answers(engine)
    others = {i: engine.get(i) for i in ("beta", "gamma")}
    small.write("alpha", ["The quartermaster writes about tinned sardines."], {"date": "1901"})
    with engine.write_lock(), engine.writer() as w:
        w.replace(small.read("alpha"))
    assert found(engine, "harbour") == set()
    assert found(engine, "sardines") == {"alpha"}
    assert found(engine, '"tinned sardines"') == {"alpha"}
    assert "sardines" in engine.vocabulary()
    # The old word may linger in an engine's word list until it compacts its index, but
    # no suggestion offers it.
    if engine.features.did_you_mean:
        assert search(engine, "harbuor").did_you_mean != "harbour"
    assert found(engine, "lamp") == {"beta"}
    assert engine.get("alpha")["pages_text"] == ["The quartermaster writes about tinned sardines."]
    assert engine.get("alpha")["date"] == "1901"
    assert engine.fingerprints()["alpha"] == small.archive.fingerprint("alpha")
    # The other letters are as they were.
    assert {i: engine.get(i) for i in ("beta", "gamma")} == others
    after = _answers(engine)
    assert after["customs"] == before["customs"] and after["lighthouse"] == before["lighthouse"]
    assert engine.ids() == ["alpha", "beta", "gamma"]


def test_a_deleted_letter_is_gone(small_index):
    small = small_index(LETTERS)
    engine = small.engine
    if engine.features.did_you_mean:
        assert search(engine, "lensses").did_you_mean == "lenses"
    with engine.write_lock(), engine.writer() as w:
        w.delete("beta")
        w.delete("no-such-letter")  # nothing there: nothing happens
    assert found(engine, "lighthouse") == set()
    assert found(engine, "lamp") == {"alpha"}
    assert found(engine, "") == {"alpha", "gamma"}
    assert engine.get("beta") is None
    assert "beta" not in engine.fingerprints()
    assert engine.ids() == ["alpha", "gamma"]
    assert engine.stats()["letters"] == 2
    if engine.features.did_you_mean:
        assert search(engine, "lensses").did_you_mean is None


def test_a_new_letter_and_a_status_change_in_one_commit(small_index):
    small = small_index(LETTERS)
    engine = small.engine
    small.write("delta", ["A new letter about lamp wicks."], {"date": "1903"})
    small.write("gamma", ["Letters about the customs house."], {"status": "withdrawn"})
    with engine.write_lock(), engine.writer() as w:
        w.replace(small.read("delta"))
        w.replace(small.read("gamma"))
    assert found(engine, "lamp") == {"alpha", "beta", "delta"}
    assert found(engine, "customs") == set()
    assert found(engine, "customs", unpublished=True) == {"gamma"}
    assert engine.ids(status="withdrawn") == ["gamma"]
    assert engine.stats()["letters"] == 3


def test_a_block_that_fails_changes_nothing(small_index):
    small = small_index(LETTERS)
    engine = small.engine
    before = (_answers(engine), engine.fingerprints())
    small.write("alpha", ["Entirely different words."], None)
    with pytest.raises(RuntimeError, match="stop"):
        with engine.write_lock(), engine.writer() as w:
            w.replace(small.read("alpha"))
            w.delete("beta")
            raise RuntimeError("stop")
    assert (_answers(engine), engine.fingerprints()) == before
    # A rebuild that fails leaves the old index serving.
    with pytest.raises(RuntimeError, match="stop"):
        with engine.write_lock(), engine.rebuild() as w:
            w.replace(small.read("alpha"))
            raise RuntimeError("stop")
    assert (_answers(engine), engine.fingerprints()) == before


def test_another_engine_over_the_index_sees_each_commit(small_index):
    small = small_index(LETTERS)
    reader = small.other()
    try:
        assert found(reader, "lamp") == {"alpha", "beta"}
        with small.engine.write_lock(), small.engine.writer() as w:
            w.delete("alpha")
        reader.refresh()
        assert found(reader, "lamp") == {"beta"}
        small.build()  # a rebuild, served in its turn
        reader.refresh()
        assert found(reader, "lamp") == {"alpha", "beta"}
    finally:
        reader.close()


def test_page_failures_come_back_in_page_order(small_index):
    small = small_index(LETTERS)
    engine = small.engine
    assert engine.failures() == {}
    beta = small.read("beta")
    beta.pages[1].failures.append(("ocr", "cannot OCR: the scan is blank"))
    beta.pages[0].failures.append(("pdf-text", "the text layer is damaged"))
    with engine.write_lock(), engine.writer() as w:
        w.replace(beta)
    assert engine.failures() == {
        "beta": [
            (1, "pdf-text", "the text layer is damaged"),
            (2, "ocr", "cannot OCR: the scan is blank"),
        ]
    }
    with engine.write_lock(), engine.writer() as w:
        w.replace(small.read("beta"))  # read again: nothing failed this time
    assert engine.failures() == {}


def test_skips_are_recorded_with_their_commit(small_index):
    small = small_index(LETTERS)
    engine = small.engine
    assert engine.skips() == {}
    skip = {"fingerprint": "f" * 32, "reason": "x/letter.json: not JSON"}
    with engine.write_lock(), engine.rebuild() as w:
        for letter_id in ("alpha", "beta"):
            w.replace(small.read(letter_id))
        w.record_skips({"gamma": skip, "delta": skip})
    assert engine.skips() == {"gamma": skip, "delta": skip}
    # An update that read some letters again replaces their records only.
    with engine.write_lock(), engine.writer() as w:
        w.replace(small.read("gamma"))
        w.record_skips({}, read=["gamma"])
    assert engine.skips() == {"delta": skip}
    # One that read every letter replaces them all.
    with engine.write_lock(), engine.writer() as w:
        w.record_skips({"alpha": skip})
    assert engine.skips() == {"alpha": skip}
    # A block that fails records nothing.
    with pytest.raises(RuntimeError):
        with engine.write_lock(), engine.writer() as w:
            w.record_skips({})
            raise RuntimeError("stop")
    assert engine.skips() == {"alpha": skip}


def test_an_engine_without_an_index_says_so(engine_choice, tmp_path):
    engine = open_engine(EngineConfig(tmp_path / "none", name=engine_choice))
    try:
        assert engine.damaged() is None
        with pytest.raises(IndexMissing):
            engine.fingerprints()
        with pytest.raises(IndexMissing):
            with engine.write_lock(), engine.writer():
                pass
        with pytest.raises(IndexMissing):
            search(engine, "lamp")
    finally:
        engine.close()
