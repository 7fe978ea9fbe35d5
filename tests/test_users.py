"""Archivists' accounts: created from the CLI, passwords hashed, checked."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from indexer.users import UserError, UserStore
from tests.conftest import REPO


def test_add_verify_and_refuse(tmp_path):
    store = UserStore(tmp_path / "users.sqlite3")
    store.add("alice", "correct horse battery")
    assert store.verify("alice", "correct horse battery")
    assert not store.verify("alice", "wrong password here")
    assert not store.verify("mallory", "correct horse battery")
    with pytest.raises(UserError, match="exists already"):
        store.add("alice", "another long password")
    with pytest.raises(UserError, match="at least 10 characters"):
        store.add("bob", "short")
    with pytest.raises(UserError, match="is not a user name"):
        store.add("../etc", "long enough password")
    stored = (
        sqlite3.connect(tmp_path / "users.sqlite3").execute("SELECT hash FROM users").fetchone()
    )
    assert stored[0].startswith("$argon2id$") and "correct horse" not in stored[0]


def test_cli_prompts_for_the_password_and_there_is_no_default_user(tmp_path):
    env = dict(os.environ, MISSIVE_INDEX=str(tmp_path / "instance" / "index"))
    run = [sys.executable, "-m", "indexer", "user"]
    listed = subprocess.run([*run, "list"], cwd=REPO, env=env, capture_output=True, text=True)
    assert listed.returncode == 0 and listed.stdout == ""
    added = subprocess.run(
        [*run, "add", "alice"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        input="a long secret phrase\na long secret phrase\n",
    )
    assert added.returncode == 0, added.stderr
    assert "a long secret phrase" not in added.stdout
    assert UserStore(tmp_path / "instance" / "users.sqlite3").verify(
        "alice", "a long secret phrase"
    )
    short = subprocess.run(
        [*run, "add", "bob"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        input="tiny\ntiny\n",
    )
    assert short.returncode == 1 and "too short" in short.stderr
