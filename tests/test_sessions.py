"""Sessions end when they should: on signing out (every session of the user, copied cookies
too), when the password is changed or the user removed from the command line, and after the
configured idle time (tested by moving the session's last-seen stamp back, not by waiting).
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from indexer.cli import main as cli
from tests.archive_support import PASSWORD, USER, archive_env, config, sign_in
from webapp import create_app
from webapp.auth import SEEN

NEW_PASSWORD = "a different long password"


@pytest.fixture
def env(tmp_path):
    return archive_env(tmp_path, letters=False)


@pytest.fixture
def make_app(env):
    apps = []

    def make(**extra):
        app = create_app(config(env, **extra))
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["missive.jobs"].shutdown()


def signed_in(client) -> bool:
    """True when the client's session opens the archivist's desk."""
    r = client.get("/archive/")
    if r.status_code == 200:
        return True
    assert r.status_code == 302 and r.headers["Location"].startswith("/archive/sign-in")
    return False


def copy_of(app, client):
    """Another client holding a copy of `client`'s session cookie, as a thief would."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def cli_user(env, *args: str, password: str | None = None):
    paths = ["--archive", str(env.archive.root), "--index", str(env.index_dir)]
    extra = ["--password", password] if password else []
    result = CliRunner().invoke(cli, [*paths, "user", *args, *extra])
    assert result.exit_code == 0, result.output
    return result


def test_a_cookie_copied_before_sign_out_is_refused_after_it(make_app):
    app = make_app()
    client = app.test_client()
    token = sign_in(client)
    thief = copy_of(app, client)
    assert signed_in(thief)  # the copy works while the session lives
    assert client.post("/archive/sign-out", data={"csrf_token": token}).status_code == 303
    assert not signed_in(client)
    assert not signed_in(thief)


def test_signing_out_ends_every_session_of_the_user(make_app):
    app = make_app()
    laptop, desktop = app.test_client(), app.test_client()
    token = sign_in(laptop)
    sign_in(desktop)
    assert signed_in(laptop) and signed_in(desktop)
    laptop.post("/archive/sign-out", data={"csrf_token": token})
    assert not signed_in(desktop)
    sign_in(desktop)  # signing in again works, and only new sessions count
    assert signed_in(desktop) and not signed_in(laptop)


def test_a_password_changed_from_the_command_line_ends_earlier_sessions(env, make_app):
    app = make_app()
    client = app.test_client()
    sign_in(client)
    thief = copy_of(app, client)
    cli_user(env, "password", USER, password=NEW_PASSWORD)
    assert not signed_in(client) and not signed_in(thief)
    sign_in(client, password=NEW_PASSWORD)
    assert signed_in(client)


def test_a_removed_user_stays_out_even_when_added_again(env, make_app):
    app = make_app()
    client = app.test_client()
    sign_in(client)
    thief = copy_of(app, client)
    cli_user(env, "remove", USER)
    assert not signed_in(client)
    cli_user(env, "add", USER, password=PASSWORD)  # the same name and password, new account
    assert not signed_in(thief)


def test_a_session_ends_after_the_idle_time(make_app):
    app = make_app(SESSION_IDLE_MINUTES=1)
    client = app.test_client()
    sign_in(client)
    with client.session_transaction() as session:
        session[SEEN] -= 50  # used 50 s ago: within the minute, and the stamp is renewed
    assert signed_in(client)
    with client.session_transaction() as session:
        renewed = session[SEEN]
        session[SEEN] = renewed - 61  # nothing for more than the minute
    assert not signed_in(client)
    page = client.get("/archive/sign-in").get_data(as_text=True)
    assert "signed out after 1 minute without activity" in page
    sign_in(client)
    assert signed_in(client)


def test_the_idle_stamp_is_renewed_by_use(make_app):
    app = make_app(SESSION_IDLE_MINUTES=1)
    client = app.test_client()
    sign_in(client)
    with client.session_transaction() as session:
        session[SEEN] -= 50
        stale = session[SEEN]
    assert signed_in(client)
    with client.session_transaction() as session:
        assert session[SEEN] >= stale + 50  # the request renewed it to now


def test_idle_time_setting_is_checked(make_app, monkeypatch):
    with pytest.raises(ValueError, match="SESSION_IDLE_MINUTES='soon' is not a number"):
        make_app(SESSION_IDLE_MINUTES="soon")
    monkeypatch.setenv("MISSIVE_SESSION_IDLE_MINUTES", "5")
    assert make_app().config["SESSION_IDLE_MINUTES"] == 5
    monkeypatch.delenv("MISSIVE_SESSION_IDLE_MINUTES")
    assert make_app().config["SESSION_IDLE_MINUTES"] == 120
