"""The shipped sample archive: what `make run` serves, searched through the real CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from indexer.search import SearchRequest
from tests.conftest import REPO, SAMPLE, Env

EXPECTED = {
    "2009-02-24-pakistan-embassy-washington": ("PK", "2009-02-24"),
    "2009-02-16-pakistan-mofa": ("PK", "2009-02-16"),
    "2009-08-18-russia-embassy-wellington": ("RU", "2009-08-18"),
    "2007-04-10-peru-mfa-lima": ("PE", "2007-04-10"),
    "2008-10-10-uk-fco-miliband": ("GB", "2008-10-10"),
}


def cli(env: Env, *args: str) -> subprocess.CompletedProcess:
    environ = dict(
        os.environ,
        MISSIVE_ARCHIVE=str(env.archive.root),
        MISSIVE_INDEX=str(env.index_dir),
        MISSIVE_CACHE=str(env.root / "cache"),
    )
    return subprocess.run(
        [sys.executable, "-m", "indexer", *args],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_sample_archive_holds_the_documented_letters():
    ids = sorted(p.name for p in (SAMPLE / "letters").iterdir() if p.is_dir())
    assert ids == sorted(EXPECTED)
    peru = SAMPLE / "letters" / "2007-04-10-peru-mfa-lima"
    assert not list(peru.glob("*.txt")) and list(peru.glob("*.jpg"))  # the OCR path
    uk = SAMPLE / "letters" / "2008-10-10-uk-fco-miliband"
    assert [p.name for p in uk.iterdir() if p.name != "letter.json"] == ["letter.pdf"]
    for letter_id in EXPECTED:
        meta = json.loads((SAMPLE / "letters" / letter_id / "letter.json").read_text())
        assert (meta["sender"]["country"], meta["date"]) == EXPECTED[letter_id]
    mofa = json.loads((SAMPLE / "letters" / "2009-02-16-pakistan-mofa" / "letter.json").read_text())
    assert mofa["related"] == [
        {"id": "2009-02-24-pakistan-embassy-washington", "relation": "enclosed-in"}
    ]


def test_cli_phrase_search_returns_exactly_the_uk_letter(sample_env):
    out = cli(sample_env, "search", '"Arms Trade Treaty"', "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert [h["id"] for h in data["hits"]] == ["2008-10-10-uk-fco-miliband"]
    assert data["total"] == 1
    assert "<mark>Arms</mark>" in data["hits"][0]["snippets"][0]["html"]


def test_cluster_munitions_finds_every_seed_letter_with_country_facets(sample_env):
    out = cli(sample_env, "search", "cluster munitions", "--json")
    data = json.loads(out.stdout)
    assert {h["id"] for h in data["hits"]} == set(EXPECTED)
    countries = {v["value"]: v["count"] for v in data["facets"]["sender_country"]}
    assert countries == {"PK": 2, "RU": 1, "PE": 1, "GB": 1}
    assert data["coverage"] == {"transcribed": 4, "ocr": 1}


def test_the_image_only_letter_is_searchable_through_ocr(sample_env):
    s = sample_env.search()
    try:
        meta = s.get("2007-04-10-peru-mfa-lima")
        assert meta["text_source"] == "ocr"
        result = s.search(SearchRequest(q='"Lima Conference on Cluster Munitions"'))
        assert [h.id for h in result.hits] == ["2007-04-10-peru-mfa-lima"]
    finally:
        s.close()


@pytest.mark.slow  # four runs of the command line
def test_check_passes_and_reports_drift(sample_env, tmp_path):
    assert cli(sample_env, "check").returncode == 0
    scratch = Env(tmp_path)
    shutil.copytree(sample_env.archive.root, scratch.archive.root)
    shutil.copytree(sample_env.index_dir, scratch.index_dir)
    letter = scratch.archive.letters_dir / "2009-02-16-pakistan-mofa" / "page-002.txt"
    letter.write_text(letter.read_text() + "\nA note added later.\n")
    out = cli(scratch, "check")
    assert out.returncode == 1
    assert "2009-02-16-pakistan-mofa: changed in the archive since it was indexed" in out.stdout
    assert cli(scratch, "update").returncode == 0
    assert cli(scratch, "check").returncode == 0


@pytest.mark.ocr
def test_extraction_without_sidecars_gets_country_and_day_of_every_letter(tmp_path):
    env = Env(tmp_path)
    shutil.copytree(SAMPLE, env.archive.root)
    for sidecar in env.archive.letters_dir.glob("*/letter.json"):
        sidecar.unlink()
    report = env.build()
    assert report.errors == []
    s = env.search()
    try:
        for letter_id, (country, day) in EXPECTED.items():
            meta = s.get(letter_id)
            assert (meta["sender"].get("country"), meta["date"]) == (country, day), letter_id
            prov = meta["provenance"]
            assert prov["sender.country"]["source"] == "extracted"
            assert prov["date"]["source"] == "extracted" and prov["date"]["line"]
    finally:
        s.close()
