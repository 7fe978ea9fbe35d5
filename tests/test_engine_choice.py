"""MISSIVE_ENGINE chooses the engine: the default opens without it, an unknown name stops
with the engines there are, on the command line and in the app."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from indexer.cli import main as cli
from indexer.engines import ENGINES, Engine, UnknownEngine, engine_name, open_engine
from tests.conftest import app_config, write_letter


def test_the_default_engine_is_opened_without_a_setting(env, monkeypatch):
    monkeypatch.delenv("MISSIVE_ENGINE", raising=False)
    write_letter(env.archive.root, "alpha", ["apples"])
    env.build()
    engine = open_engine(env.index_dir)
    try:
        assert isinstance(engine, Engine)
        assert engine.features.name == engine_name() in ENGINES
        assert engine.ids() == ["alpha"]
    finally:
        engine.close()


def test_an_unknown_engine_is_named_with_the_accepted_ones(env, monkeypatch):
    monkeypatch.setenv("MISSIVE_ENGINE", "elastic")
    accepted = ", ".join(ENGINES)
    with pytest.raises(UnknownEngine) as refused:
        open_engine(env.index_dir)
    message = f"MISSIVE_ENGINE='elastic' is not an engine Missive has; accepted: {accepted}"
    assert str(refused.value) == message
    paths = ["--archive", str(env.archive.root), "--index", str(env.index_dir)]
    result = CliRunner().invoke(cli, [*paths, "search", "apples"])
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {message}"
    from webapp import create_app

    with pytest.raises(UnknownEngine, match="accepted: "):
        create_app(app_config(env))
