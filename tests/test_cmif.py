"""CMIF: catalogues in as catalogue letters (searched, faceted, shown with the edition's
link), and the published collection out as /cmif.xml, valid against the CMIF schema."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from copy import deepcopy
from pathlib import Path

import pytest
from lxml import etree

from indexer.archive import IndexBusy
from indexer.archive.sidecar import SidecarError, parse_sidecar
from indexer.errors import IngestError
from indexer.ingest.cmif import TEI_NS, import_cmif, is_cmif
from indexer.records import Letter
from indexer.search import SearchRequest

from .conftest import REPO, Env, LiveServer, app_config, need_corpus

IBSEN = ("cmif", "editions", "norkorr-ibsen", "Bokselskap_LettersHI-BB_CMIF.xml")
SPENER = ("cmif", "editions", "spener", "letters.xml")
SCHEMA = ("cmif", "spec", "schema", "cmi-customization.rng")
SPENER_SLICE = 60  # records of Spener's 2,435: every kind of date is among the first ones
NS = {"t": TEI_NS}


def _schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(need_corpus(*SCHEMA))))


def _spener_slice(folder: Path) -> Path:
    """The first records of the Spener catalogue, with its header, as a CMIF file."""
    tree = etree.parse(str(need_corpus(*SPENER)))
    profile = tree.find(".//t:profileDesc", NS)
    for desc in profile.findall("t:correspDesc", NS)[SPENER_SLICE:]:
        profile.remove(desc)
    path = folder / "spener-slice.xml"
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    return path


def _search(env: Env, **kw):
    s = env.search()
    try:
        return s.search(SearchRequest(per_page=100, **kw))
    finally:
        s.close()


def _facet(result, name: str) -> dict[str, int]:
    return {v.value: v.count for v in result.facets[name]}


@pytest.fixture
def ibsen(env: Env):
    """The Ibsen catalogue imported into an empty archive that has no index yet."""
    done = import_cmif(env.archive, env.engine, env.reader, need_corpus(*IBSEN))
    return env, done


def test_a_cmif_file_is_told_from_a_tei_letter():
    assert is_cmif(need_corpus(*IBSEN))
    assert is_cmif(need_corpus(*SPENER))
    letters = need_corpus("letters", "escher_sample", "briefe")
    assert not any(is_cmif(p) for p in sorted(letters.glob("*.xml"))[:20])
    assert not is_cmif(REPO / "README.md")


def test_each_record_becomes_a_catalogue_letter_holding_only_its_sidecar(ibsen):
    env, done = ibsen
    assert len(done.letters) == 23 and done.already == 0 and done.notes == []
    ids = env.archive.ids()
    assert sorted(lt.id for lt in done.letters) == ids
    assert ids[0] == "1864-09-16-henrik-ibsen"  # the date, then the sender, as `add` makes ids
    for letter_id in ids:
        assert [p.name for p in env.archive.files(letter_id)] == ["letter.json"]
    data = json.loads((env.archive.letters_dir / ids[0] / "letter.json").read_text("utf-8"))
    assert data["date"] == "1864-09-16"
    assert data["sender"] == {
        "name": "Henrik Ibsen",
        "ref": "https://viaf.org/viaf/71378383",
        "place": "Roma",
        "place_ref": "https://www.geonames.org/3169070",
    }
    assert data["recipient"] == [
        {"name": "Bjørnstjerne Bjørnson", "ref": "https://viaf.org/viaf/295290572"}
    ]
    assert data["edition"]["url"] == (
        "https://www.bokselskap.no/boker/ibsenbrevbjornson/16-september-1864"
    )
    assert data["edition"]["title"].startswith("Henrik Ibsen: Brev til Bjørnstjerne Bjørnson")


def test_catalogue_letters_are_found_by_correspondent_place_and_date_and_faceted(ibsen):
    env, done = ibsen
    everyone = {lt.id for lt in done.letters}
    assert {h.id for h in _search(env, q="sender:Ibsen").hits} == everyone
    assert {h.id for h in _search(env, q="recipient:Bjørnson").hits} == everyone
    roma = {lt.id for lt in done.letters if lt.sender.place == "Roma"}
    assert roma and roma != everyone
    assert {h.id for h in _search(env, q="place:Roma").hits} == roma
    of_1866 = {i for i in everyone if i.startswith("1866-")}
    in_1866 = _search(env, date_from="1866", date_to="1866")
    assert {h.id for h in in_1866.hits} == of_1866 and in_1866.total == len(of_1866) > 1
    result = _search(env, q="source:catalogue")
    assert result.total == 23
    assert _facet(result, "text_source") == {"catalogue": 23}
    assert _facet(result, "year")["1866"] == len(of_1866)
    assert sum(_facet(result, "year").values()) == 23
    assert result.coverage == {"catalogue": 23}
    # Persons and places by their authority ids (VIAF's http and https forms are one).
    assert _facet(result, "sender") == {"https://viaf.org/viaf/71378383": 23}
    assert _facet(result, "recipient") == {"https://viaf.org/viaf/295290572": 23}
    assert _facet(result, "place")["https://www.geonames.org/3169070"] == len(roma)
    by_id = _search(env, filters={"place": ["http://www.geonames.org/3169070"]})
    assert {h.id for h in by_id.hits} == roma


def test_importing_the_same_catalogue_again_adds_nothing(ibsen):
    env, _ = ibsen
    again = import_cmif(env.archive, env.engine, env.reader, need_corpus(*IBSEN))
    assert again.letters == [] and again.already == 23
    assert len(env.archive.ids()) == 23


def test_a_busy_index_leaves_the_archive_unchanged(env: Env):
    with env.engine.write_lock():
        with pytest.raises(IndexBusy, match=r"^Bokselskap_LettersHI-BB_CMIF\.xml: not imported"):
            import_cmif(env.archive, env.engine, env.reader, need_corpus(*IBSEN), lock_timeout=0.2)
    assert env.archive.ids() == []


def test_spener_slice_keeps_intervals_as_written_numbers_and_printed_editions(env, tmp_path):
    done = import_cmif(env.archive, env.engine, env.reader, _spener_slice(tmp_path))
    assert len(done.letters) == SPENER_SLICE
    spring = next(lt for lt in done.letters if lt.date_as_written == "[Frühjahr 1667]")
    assert str(spring.date) == "1667-03/1667-06" and spring.date.precision == "interval"
    assert spring.edition_number == "6"
    assert spring.edition_url == "http://nbn-resolving.de/urn:nbn:de:bsz:14-qucosa2-169259"
    assert spring.edition_title.startswith("Philipp Jakob Spener, Briefe aus der Frankfurter")
    assert "nbn-resolving" not in spring.edition_title  # the URL is the link, not the title
    assert spring.collection == "Philipp Jakob Spener: Briefwechsel"
    assert spring.sender.ref == "https://d-nb.info/gnd/118616099"
    # An interval is found by a search for any year it may fall in, and only those.
    assert spring.id in {h.id for h in _search(env, date_from="1667-04", date_to="1667-04").hits}
    assert spring.id not in {h.id for h in _search(env, date_from="1668", date_to="1668").hits}
    spizel = _search(env, q='recipient:"Gottlieb Spizel"')
    assert spizel.total == sum(lt.recipient.name == "Gottlieb Spizel" for lt in done.letters) > 1


def test_a_record_listed_twice_is_added_once(env: Env, tmp_path: Path):
    tree = etree.parse(str(need_corpus(*IBSEN)))
    profile = tree.find(".//t:profileDesc", NS)
    profile.append(deepcopy(profile.find("t:correspDesc", NS)))
    path = tmp_path / "twice.xml"
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    done = import_cmif(env.archive, env.engine, env.reader, path)
    assert len(done.letters) == 23
    assert done.notes == ["twice.xml: correspDesc 24: the same record as correspDesc 1; left out"]


def test_a_catalogue_among_a_letters_files_is_refused_in_one_line(env: Env, tmp_path: Path):
    from indexer import indexing

    scan = next(p for p in sorted((REPO / "archive" / "letters").rglob("page-001.jpg")))
    with pytest.raises(IngestError) as refused:
        indexing.add(env.archive, env.engine, env.reader, [scan, need_corpus(*IBSEN)])
    assert str(refused.value).startswith(
        "Bokselskap_LettersHI-BB_CMIF.xml: a CMIF catalogue of letters, not a letter's file;"
    )
    assert "python -m indexer add Bokselskap_LettersHI-BB_CMIF.xml" in str(refused.value)
    assert env.archive.ids() == []


def _export(env: Env) -> tuple[int, dict, bytes]:
    from webapp import create_app

    server = LiveServer(create_app(app_config(env)))
    try:
        return server.get("/cmif.xml")
    finally:
        server.stop()


def _valid(schema: etree.RelaxNG, body: bytes) -> etree._Element:
    doc = etree.fromstring(body)
    assert schema.validate(doc), schema.error_log.last_error
    return doc


def test_the_sample_collection_as_cmif_validates(sample_env: Env):
    status, headers, body = _export(sample_env)
    assert status == 200 and headers["Content-Type"].startswith("application/tei+xml")
    doc = _valid(_schema(), body)
    idno = doc.find(".//t:publicationStmt/t:idno", NS)
    assert idno.get("type") == "url" and idno.text.endswith("/cmif.xml")
    when = doc.find(".//t:publicationStmt/t:date", NS).get("when")
    changed = dt.datetime.fromisoformat(when.replace("Z", "+00:00"))
    letters = sample_env.archive.letters_dir
    shown = [p for p in letters.rglob("*") if not p.relative_to(letters).parts[0].startswith(".")]
    newest = max(p.stat().st_mtime for p in [letters, *shown])
    assert abs(changed.timestamp() - int(newest)) < 1  # the last change to any letter
    assert headers["Last-Modified"]
    descs = doc.findall(".//t:correspDesc", NS)
    published = sample_env.search().ids(status="published")
    assert sorted(d.get("ref").rsplit("/", 1)[1] for d in descs) == published


def test_imported_catalogues_export_with_their_editions_refs_and_dates(env: Env, tmp_path):
    import_cmif(env.archive, env.engine, env.reader, need_corpus(*IBSEN))
    import_cmif(env.archive, env.engine, env.reader, _spener_slice(tmp_path))
    weber = need_corpus("cmif", "spec", "examples", "example01_basic.xml")
    import_cmif(env.archive, env.engine, env.reader, weber)  # a date with @cert="medium"
    gansbacher = json.loads(
        (
            env.archive.letters_dir / "1810-07-11-1810-07-18-gansbacher-johann" / "letter.json"
        ).read_text("utf-8")
    )
    assert (
        gansbacher["sender"]["family"] == "Gänsbacher" and gansbacher["sender"]["given"] == "Johann"
    )
    assert gansbacher["date"] == "1810-07-11/1810-07-18?"
    status, _, body = _export(env)
    assert status == 200
    doc = _valid(_schema(), body)
    descs = doc.findall(".//t:correspDesc", NS)
    assert len(descs) == 23 + SPENER_SLICE + 3
    first = next(d for d in descs if d.get("ref", "").endswith("/16-september-1864"))
    sent = first.find("t:correspAction[@type='sent']", NS)
    assert sent.find("t:persName", NS).get("ref") == "https://viaf.org/viaf/71378383"
    assert sent.find("t:placeName", NS).get("ref") == "https://www.geonames.org/3169070"
    assert sent.find("t:date", NS).get("when") == "1864-09-16"
    spring = next(d for d in descs if d.get("key") == "6")
    date = spring.find(".//t:date", NS)
    assert (date.get("notBefore"), date.get("notAfter")) == ("1667-03", "1667-06")
    # The schema refuses @cert on date: an uncertain date says its doubt in its text.
    uncertain = next(d for d in descs if d.get("ref", "").endswith("/A044980"))
    date = uncertain.find(".//t:date", NS)
    assert date.get("cert") is None and date.text.endswith("?")
    assert (date.get("notBefore"), date.get("notAfter")) == ("1810-07-11", "1810-07-18")
    xml_id = "{http://www.w3.org/XML/1998/namespace}id"
    sources = {b.get(xml_id) for b in doc.iterfind(".//t:bibl", NS)}
    assert {d.get("source")[1:] for d in descs} <= sources


def test_a_catalogue_letter_page_links_the_edition_and_shows_no_viewer(ibsen):
    env, done = ibsen
    from webapp import create_app

    client = create_app(app_config(env)).test_client()
    letter_id = done.letters[0].id
    page = client.get(f"/letters/{letter_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="https://www.bokselskap.no/boker/ibsenbrevbjornson/16-september-1864"' in html
    assert "Catalogue record" in html
    assert 'class="viewer"' not in html and 'class="reader' not in html
    assert client.get(f"/letters/{letter_id}/pages/1").status_code == 404
    api = client.get(f"/api/letters/{letter_id}").get_json()
    assert api["text_source"] == "catalogue" and api["pages"] == []
    assert api["edition"]["url"].endswith("/16-september-1864")


def _cli(env: Env, *args: str) -> subprocess.CompletedProcess:
    run_env = {
        **os.environ,
        "MISSIVE_ARCHIVE": str(env.archive.root),
        "MISSIVE_INDEX": str(env.index_dir),
    }
    return subprocess.run(
        [sys.executable, "-m", "indexer", "--no-ocr", "add", *args],
        cwd=REPO,
        env=run_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_add_imports_a_cmif_file_and_prints_each_id(env: Env):
    done = _cli(env, str(need_corpus(*IBSEN)))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == env.archive.ids() and len(env.archive.ids()) == 23
    assert done.stderr.strip().splitlines()[-1] == (
        "Bokselskap_LettersHI-BB_CMIF.xml: 23 catalogue letters added, 0 already in the archive"
    )


def test_a_broken_cmif_file_gets_one_line_naming_it(env: Env, tmp_path: Path):
    whole = need_corpus(*IBSEN).read_bytes()
    broken = tmp_path / "broken-catalogue.xml"
    broken.write_bytes(whole[: len(whole) // 2])  # cut off in the middle of a record
    assert is_cmif(broken)
    done = _cli(env, str(broken))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: broken-catalogue.xml: not well-formed XML (line ")
    assert "accepted: a CMIF file" in lines[0]
    assert env.archive.ids() == []


def test_an_edition_link_is_a_web_address_or_refused_in_one_line():
    bad = {"edition": {"url": "javascript:alert(1)", "title": "An edition"}}
    with pytest.raises(SidecarError, match=r'^x/letter.json: edition.url: "javascript:'):
        parse_sidecar(bad, Letter("x"), path="x/letter.json")
