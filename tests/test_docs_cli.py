"""The README's table of commands is the command line: every row runs, every command is a row."""

from __future__ import annotations

import re
import subprocess
import sys

import click
import pytest

from indexer.cli import main
from tests.conftest import REPO

_ROW = re.compile(r"^\| `python -m indexer ([^`]+)` \|")
_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def table_rows() -> list[str]:
    """The command column of each row of the README's table under "The command line"."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## The command line\n", 1)[1].split("\n## ", 1)[0]
    return [m[1] for line in section.splitlines() if (m := _ROW.match(line))]


def command_of(row: str) -> str:
    """`user add NAME` -> `user add`; `search [QUERY] [--country CC]` -> `search`."""
    words = []
    for word in row.split():
        if not re.fullmatch(r"[a-z][a-z-]*", word):
            break
        words.append(word)
    return " ".join(words)


def real_commands(group: click.Group = main, prefix: str = "") -> set[str]:
    """Every command the program has, subcommands of groups (`user add`) included."""
    found = set()
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found |= real_commands(command, f"{prefix}{name} ")
        else:
            found.add(prefix + name)
    return found


def test_the_table_lists_every_command_and_only_real_ones():
    rows = table_rows()
    assert len(rows) >= 8, rows
    listed = {command_of(row) for row in rows}
    assert listed == real_commands()
    assert {"user add", "user list", "search", "check"} <= listed


@pytest.mark.parametrize("row", table_rows())
def test_each_row_runs_and_its_options_exist(row):
    command = command_of(row)
    run = subprocess.run(
        [sys.executable, "-m", "indexer", *command.split(), "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"Usage: python -m indexer {command} "), run.stdout[:200]
    documented = set(_OPTION.findall(row))
    offered = set(_OPTION.findall(run.stdout))
    assert documented <= offered, f"{command}: {documented - offered} not in --help"


def test_each_option_of_search_is_in_its_row():
    (row,) = [r for r in table_rows() if command_of(r) == "search"]
    search = main.commands["search"]
    options = {opt for p in search.params for opt in p.opts if opt.startswith("--")}
    assert options == set(_OPTION.findall(row))
