"""Archivists' sign-in: sessions, CSRF protection on every form, a limit on failed sign-ins.

Researchers need no account. Archivists are created on the command line
(`python -m indexer user add NAME`) and kept in the instance folder's `users.sqlite3`
(config USERS_DB). There is no default account.

- Sessions: Flask-Login over Flask's signed cookie, HttpOnly, SameSite=Lax, and Secure unless
  turned off (COOKIE_SECURE config, or MISSIVE_COOKIE_SECURE=0 for plain http on the
  loopback, as `make run` does; testing and debugging default to off).
- The signing key: SECRET_KEY config, else $MISSIVE_SECRET_KEY, else `instance/secret_key`,
  made once (mode 0600) and read by every process after.
- CSRF: Flask-WTF's CSRFProtect checks every POST; forms carry `csrf_token()`.
- Failed sign-ins: at most SIGNIN_LIMIT (5 per minute) per client address (Flask-Limiter,
  in memory, so per process); then 429 until the minute is over.
"""

from __future__ import annotations

import os
import secrets
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
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from indexer.archive import fsync_dir
from indexer.users import UserStore

from .errors import error_response, json_response, wants_json

bp = Blueprint("auth", __name__, url_prefix="/archive")
signin_bp = Blueprint("signin", __name__, url_prefix="/archive")  # the rate-limited one

SIGNIN_LIMIT = "5 per minute"
_FALSE = {"0", "false", "no", "off"}


class Archivist(UserMixin):
    """A signed-in archivist; the session holds only the name."""

    def __init__(self, name: str):
        self.id = name
        self.name = name


def users() -> UserStore:
    return current_app.extensions["missive.users"]


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
        password = request.form.get("password") or ""
        if name and password and users().verify(name, password):
            session.clear()  # a fresh session: nothing carried over from before signing in
            login_user(Archivist(name))
            return redirect(target or url_for("archivist.dashboard"), 303)
        error, status = "The name or the password is wrong. Both are case-sensitive.", 401
    html = render_template("archive/sign_in.html", error=error, name=name, next=target or "")
    return html, status


@bp.post("/sign-out")
def sign_out():
    logout_user()
    session.clear()
    flash("You are signed out.", "ok")
    return redirect(url_for("signin.sign_in"), 303)


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


def init_app(app: Flask) -> None:
    instance = Path(app.config["INDEX_DIR"]).parent
    app.config.setdefault("USERS_DB", str(instance / "users.sqlite3"))
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
    )
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid as long as the session
    app.extensions["missive.users"] = UserStore(app.config["USERS_DB"])

    login = LoginManager(app)
    login.login_view = "signin.sign_in"

    @login.user_loader
    def load_user(name: str) -> Archivist | None:
        return Archivist(name) if users().exists(name) else None

    login.unauthorized_handler(_unauthorized)

    CSRFProtect(app)
    app.register_error_handler(CSRFError, _csrf_error)

    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri="memory://",
        headers_enabled=True,
        enabled=app.config.get("RATELIMIT_ENABLED", True),
    )
    limit = app.config.get("SIGNIN_LIMIT", SIGNIN_LIMIT)
    limiter.limit(
        limit,
        methods=["POST"],
        deduct_when=lambda response: response.status_code == 401,  # only failures count
        error_message=(
            f"Too many failed sign-ins from your address (the limit is {limit}). "
            "Wait a minute, then try again."
        ),
    )(signin_bp)
    app.extensions["missive.limiter"] = limiter
    app.register_blueprint(signin_bp)
    app.register_blueprint(bp)
