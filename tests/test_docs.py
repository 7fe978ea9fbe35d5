"""The documentation keeps up: every CLI command, sidecar field and search field is in it."""

from __future__ import annotations

import re

from indexer.archive.sidecar import KNOWN, PARTY_FIELDS
from indexer.cli import main
from indexer.engines.whoosh.schema import QUERY_FIELDS
from indexer.search import FACETS
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
ARCHIVE_README = (REPO / "archive" / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_is_in_the_readme():
    for name in main.commands:
        assert f"python -m indexer {name}" in README, name


def test_every_sidecar_field_is_in_the_archive_format():
    for field in KNOWN | set(PARTY_FIELDS):
        assert f"`{field}`" in ARCHIVE_README or f"`…{field}`" in ARCHIVE_README, field


def test_every_search_field_is_in_the_search_syntax():
    documented = {name for name in QUERY_FIELDS if f"{name}:" in README}
    # Aliases may go unmentioned, but every target field needs at least one documented name.
    for target in set(QUERY_FIELDS.values()):
        names = {n for n, t in QUERY_FIELDS.items() if t == target}
        assert names & documented, target


def test_every_filter_parameter_is_in_the_readme():
    # The URL scheme's row for /search names every parameter, as `name=` or `name`.
    [row] = [line for line in README.splitlines() if line.startswith("| `/search?")]
    for facet in FACETS:
        assert re.search(rf"[?&]{facet.param}=|`{facet.param}`", row), (facet.param, row)
