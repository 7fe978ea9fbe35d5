"""Who may do what before a view runs: archivists' pages only for the signed in (never
cached, never framed), and how large a request body each caller may send.

Body limits, decided from the session cookie before anything reads the body:

| caller | routes | limit (config) |
|---|---|---|
| not signed in | every route | MAX_ANONYMOUS_LENGTH, 8 KB: a sign-in form is a few hundred bytes |
| an archivist | the upload form | MAX_CONTENT_LENGTH, 200 MB |
| an archivist | every other route | MAX_FORM_LENGTH, 10 MB: a page's transcript is at most 8 MB |

A larger Content-Length is answered 413 before the body is read; a body without one
(chunked) is cut off with 413 as soon as it passes the limit.  Werkzeug reads a chunked
url-encoded form only up to the limit and silently stops there, so such a form is read
here first (at most limit + 1 bytes) to tell a complete one from a cut one.
"""

from __future__ import annotations

import io

from flask import Blueprint, Flask, Response, current_app, g, request
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.sansio.multipart import MultipartDecoder

from .errors import error_response

UPLOAD_ENDPOINTS = frozenset({"upload.upload"})


def archivists_only(bp: Blueprint) -> None:
    """Every view of `bp` needs a signed-in archivist; others are sent to sign in (or 401)."""

    @bp.before_request
    def _signed_in():
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        return None

    @bp.after_request
    def _private(response: Response) -> Response:
        if not response.cache_control.private:  # page images say private themselves
            response.headers["Cache-Control"] = "no-store"
        return response  # never framed: webapp.headers, on every response


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def body_limit() -> tuple[int, str]:
    """(the largest body this request may have, whose limit it is: "anonymous", "upload"
    or "form"), from the session alone."""
    config = current_app.config
    largest = int(config["MAX_CONTENT_LENGTH"])
    if not current_user.is_authenticated:
        return min(largest, int(config["MAX_ANONYMOUS_LENGTH"])), "anonymous"
    if request.endpoint in UPLOAD_ENDPOINTS:
        return largest, "upload"
    return min(largest, int(config["MAX_FORM_LENGTH"])), "form"


def _limit_body() -> None:
    limit, kind = body_limit()
    g.body_limit = (limit, kind)
    # Werkzeug refuses a larger Content-Length when the body is first touched, and stops a
    # chunked body at the limit; checking here answers before any hook parses a form.
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()
    if request.content_length is None and request.mimetype == "application/x-www-form-urlencoded":
        _read_unsized_form(limit)


def _read_unsized_form(limit: int) -> None:
    """Read a form sent without a Content-Length (chunked), refusing it past `limit`; the
    form parser then reads the copy."""
    environ = request.environ
    if "wsgi.input_terminated" not in environ:
        return  # the server cannot end such a stream: Werkzeug reads none of it
    source, data = environ["wsgi.input"], bytearray()
    while len(data) <= limit:
        part = source.read(min(64 * 1024, limit + 1 - len(data)))
        if not part:
            break
        data += part
    if len(data) > limit:
        raise RequestEntityTooLarge()
    environ["wsgi.input"] = io.BytesIO(bytes(data))
    environ["CONTENT_LENGTH"] = str(len(data))


def _too_many_parts(exc: BaseException) -> bool:
    """Whether Werkzeug refused a multipart form for its number of parts. The exception
    says nothing; its decoder raises it from next_event() for that alone (a field that is
    too large is refused in receive_data() or by the form parser)."""
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == "next_event" and isinstance(
            frame.f_locals.get("self"), MultipartDecoder
        ):
            return True
        tb = tb.tb_next
    return False


def _too_large(exc: RequestEntityTooLarge):
    limit, kind = g.get("body_limit") or body_limit()
    size = request.content_length
    config = current_app.config
    if _too_many_parts(exc):
        parts = config["MAX_FORM_PARTS"]
        message = (
            f"The form has more than {parts:,} parts (files and fields), the most one request "
            f"may hold; nothing was saved. Send at most {parts - 1:,} files at once."
        )
    elif size is not None and size <= limit:  # the body fits: the form parser refused a field
        message = (
            f"A field of the form is larger than {_size(config['MAX_FORM_MEMORY_SIZE'])}; "
            "nothing was saved. Send shorter text, or the text as a file."
        )
    elif kind == "upload":
        message = (
            f"The upload is larger than the limit of {_size(limit)} in one go; nothing was "
            "saved. Upload fewer or smaller files, or put large letters into the inbox folder."
        )
    elif kind == "anonymous":
        message = (
            f"The request body is larger than {_size(limit)}, the limit without signing in; "
            "nothing was done. Sign in as an archivist to upload letters."
        )
    else:
        message = (
            f"The request body is larger than {_size(limit)}, the limit for forms; nothing "
            "was saved. Shorten the text, or add files through the upload form."
        )
    return error_response(413, message)


def limit_bodies(app: Flask) -> None:
    """Refuse bodies over the caller's limit; register before anything reads a form
    (CSRF checks do)."""
    app.before_request(_limit_body)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
