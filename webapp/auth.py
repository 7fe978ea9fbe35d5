"""Archivists' sign-in: sessions that can be ended, CSRF protection on every form, a limit
on failed sign-ins.

Researchers need no account. Archivists are created on the command line
(`python -m indexer user add NAME`) and kept in the instance folder's `users.sqlite3`
(config USERS_DB). There is no default account.

- Sessions: Flask-Login over Flask's signed cookie, HttpOnly, SameSite=Lax, and Secure unless
  turned off (COOKIE_SECURE config, or MISSIVE_COOKIE_SECURE=0 for plain http on the
  loopback, as `make run` does; testing and debugging default to off).
- A session holds the user's name and their session key (indexer.users): signing out,
  `user password` and `user remove` replace or drop the key, which ends every session of
  that user, copied cookies included. A session also ends after SESSION_IDLE_MINUTES
  (default 120; $MISSIVE_SESSION_IDLE_MINUTES) without a request.
- The signing key: SECRET_KEY config, else $MISSIVE_SECRET_KEY, else `instance/secret_key`,
  made once (mode 0600) and read by every process after.
- CSRF: Flask-WTF's CSRFProtect checks every POST; forms carry `csrf_token()`.
- Failed sign-ins: at most SIGNIN_LIMIT (5) per SIGNIN_WINDOW_SECONDS (60) per client
  address, counted in a SQLite file every worker shares (webapp.signin_limit); then 429.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from indexer.archive import fsync_dir
from indexer.users import UserStore

from .errors import error_response, json_response, wants_json
from .signin_limit import LIMIT, WINDOW_SECONDS, Attempt, SigninLimit

bp = Blueprint("auth", __name__, url_prefix="/archive")
signin_bp = Blueprint("signin", __name__, url_prefix="/archive")  # the rate-limited one

SESSION_IDLE_MINUTES = 120
SEEN = "seen"  # the session's last request (Unix seconds), for the idle limit
_FALSE = {"0", "false", "no", "off"}


class Archivist(UserMixin):
    """A signed-in archivist; the session holds the name and the user's session key."""

    def __init__(self, name: str, key: str):
        self.id = name
        self.name = name
        self.key = key

    def get_id(self) -> str:
        return f"{self.name}:{self.key}"  # names never hold ':' (indexer.users.NAME)


def users() -> UserStore:
    return current_app.extensions["missive.users"]


def signin_limit() -> SigninLimit:
    return current_app.extensions["missive.signin_limit"]


def client_address() -> str:
    """The address the sign-in limit counts: the connection's peer (no proxy is trusted,
    so a forwarded-for header cannot pick another address's count)."""
    return request.remote_addr or "unknown"


def current_name() -> str:
    return current_user.name if current_user.is_authenticated else ""


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site (no scheme, no host, no '//'), else None."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


# -- views ----------------------------------------------------------------------------------
@signin_bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    target = safe_next(request.values.get("next"))
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(target or url_for("archivist.dashboard"))
    error, status = None, 200
    name = (request.form.get("name") or "").strip().lower()
    if request.method == "POST":
        attempt = signin_limit().attempt(client_address())  # counted before the password
        if not attempt.allowed:
            return _too_many(attempt)
        password = request.form.get("password") or ""
        if name and password and users().verify(name, password):
            signin_limit().succeeded(attempt)
            key = users().session_key(name)
            session.clear()  # a fresh session: nothing carried over from before signing in
            if key and login_user(Archivist(name, key)):
                session[SEEN] = int(time.time())
                return redirect(target or url_for("archivist.dashboard"), 303)
        error, status = "The name or the password is wrong. Both are case-sensitive.", 401
    html = render_template("archive/sign_in.html", error=error, name=name, next=target or "")
    return html, status


def _too_many(attempt: Attempt):
    limit = signin_limit()
    message = (
        f"Too many failed sign-ins from your address (the limit is {limit.limit} in "
        f"{limit.window:g} seconds). Try again in {attempt.retry_after} seconds."
    )
    return error_response(429, message, {"Retry-After": str(attempt.retry_after)})


@bp.post("/sign-out")
def sign_out():
    if current_user.is_authenticated:
        users().end_sessions(current_user.name)  # every session of the user, copies too
    logout_user()
    session.clear()
    flash("You are signed out.", "ok")
    return redirect(url_for("signin.sign_in"), 303)


def _load_user(user_id: str) -> Archivist | None:
    """The archivist a session names, if its key is still the user's and it was used within
    the idle time; else None (signed out)."""
    name, _, key = user_id.partition(":")
    if not key or not users().session_valid(name, key):
        return None
    now = time.time()
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    seen = session.get(SEEN)
    if not isinstance(seen, int | float) or now - seen > idle:
        session.clear()
        minutes = current_app.config["SESSION_IDLE_MINUTES"]
        unit = "minute" if minutes == 1 else "minutes"
        flash(f"You were signed out after {minutes:g} {unit} without activity.", "ok")
        return None
    if now - seen >= min(60, idle / 10):  # not every request: the cookie changes less often
        session[SEEN] = int(now)
    return Archivist(name, key)


# -- setup ----------------------------------------------------------------------------------
def secret_key(instance: Path) -> str:
    """$MISSIVE_SECRET_KEY, else the instance's secret_key file (made once, mode 0600)."""
    from_env = os.environ.get("MISSIVE_SECRET_KEY", "").strip()
    if from_env:
        return from_env
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        tmp = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_hex(32).encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # atomic, and refuses to replace: the first process wins
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
        fsync_dir(instance)
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise RuntimeError(f"{path} is empty; delete it and a new key is made")
    return key


def _cookie_secure(app: Flask) -> bool:
    configured = app.config.get("COOKIE_SECURE")
    if configured is not None:
        return bool(configured)
    env = os.environ.get("MISSIVE_COOKIE_SECURE", "").strip().lower()
    if env:
        return env not in _FALSE
    return not (app.testing or app.debug)


def _unauthorized():
    if wants_json():
        return json_response({"status": 401, "error": "Sign in as an archivist first."}, 401)
    # After signing in, come back here; a form sent without a session is not replayed.
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("signin.sign_in", next=target), 302)


def _csrf_error(exc: CSRFError):
    message = (
        f"The form was refused: {exc.description} Forms are only accepted from this site's "
        "own pages; reload the page and send it again."
    )
    return error_response(400, message)


def _idle_minutes(app: Flask) -> float:
    raw = app.config.get("SESSION_IDLE_MINUTES")
    if raw is None:
        raw = os.environ.get("MISSIVE_SESSION_IDLE_MINUTES", "").strip() or SESSION_IDLE_MINUTES
    try:
        minutes = float(raw)
    except (TypeError, ValueError):
        minutes = -1.0
    if not minutes > 0:
        raise ValueError(
            f"SESSION_IDLE_MINUTES={raw!r} is not a number of minutes; accepted: a number "
            "above 0, e.g. 120"
        )
    return minutes


def init_app(app: Flask) -> None:
    instance = Path(app.config["INDEX_DIR"]).parent
    app.config.setdefault("USERS_DB", str(instance / "users.sqlite3"))
    app.config.setdefault("SIGNIN_DB", str(instance / "signin-attempts.sqlite3"))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(instance)
    secure = _cookie_secure(app)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        SESSION_IDLE_MINUTES=_idle_minutes(app),
    )
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid as long as the session
    app.extensions["missive.users"] = UserStore(app.config["USERS_DB"])
    app.extensions["missive.signin_limit"] = SigninLimit(
        app.config["SIGNIN_DB"],
        limit=int(app.config.get("SIGNIN_LIMIT", LIMIT)),
        window=float(app.config.get("SIGNIN_WINDOW_SECONDS", WINDOW_SECONDS)),
    )

    login = LoginManager(app)
    login.login_view = "signin.sign_in"
    login.user_loader(_load_user)
    login.unauthorized_handler(_unauthorized)

    CSRFProtect(app)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_blueprint(signin_bp)
    app.register_blueprint(bp)
