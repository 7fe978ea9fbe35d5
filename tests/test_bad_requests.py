"""Odd request values answered 400 with a message, never 500: digits that are not ASCII,
forms with too many parts or too large a field (which limit, and what is accepted)."""

from __future__ import annotations

from html import unescape

import pytest

from tests.archive_support import archive_env, config, sign_in
from webapp import create_app


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    env = archive_env(tmp_path_factory.mktemp("desk"))
    app = create_app(config(env, MAX_FORM_PARTS=5))
    client = app.test_client()
    token = sign_in(client)
    yield client, token
    app.extensions["missive.jobs"].shutdown()


@pytest.mark.parametrize("value", ["²", "٣", "１０", "3.0", "+2", "0", "-1", "1e3"])
def test_archive_page_numbers_that_are_not_ascii_digits_are_a_400(desk, value):
    client, _ = desk
    r = client.get("/archive/letters", query_string={"page": value})
    assert r.status_code == 400
    text = unescape(r.get_data(as_text=True))
    assert f"page={value!r} is not a whole number; accepted: 1 or more" in text


def test_archive_pages_in_ascii_digits_still_work(desk):
    client, _ = desk
    assert client.get("/archive/letters?page=1").status_code == 200
    assert client.get("/archive/letters?page=%202%20").status_code == 200


@pytest.mark.parametrize(
    "path, message",
    [
        ("/search?page=²", "page='²' is not a whole number; accepted: 1 or more"),
        ("/search?page=٣", "page='٣' is not a whole number; accepted: 1 or more"),
        ("/search?per_page=１０", "per_page='１０' is not a whole number; accepted: 1 to 100"),
        ("/search?year=²", "year='²' is not a known year"),
        ("/search?year=٢٠٠٩", "year='٢٠٠٩' is not a known year"),
        ("/api/search?page=²", "page='²' is not a whole number; accepted: 1 or more"),
        ("/search.csv?page=²", "page='²' is not a whole number; accepted: 1 or more"),
        ("/search.json?year=²", "year='²' is not a known year"),
    ],
)
def test_public_search_parameters_in_other_digits_are_a_400(desk, path, message):
    client, _ = desk
    r = client.get(path)
    assert r.status_code == 400 and message in unescape(r.get_data(as_text=True))


def test_a_form_with_too_many_parts_names_that_limit_in_one_line(desk):
    client, token = desk
    r = client.post(
        "/archive/upload",
        data={"csrf_token": token, **{f"note{n}": "x" for n in range(8)}},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 413
    message = r.get_json()["error"]
    assert message == (
        "The form has more than 5 parts (files and fields), the most one request may hold; "
        "nothing was saved. Send at most 4 files at once."
    )


def test_a_form_field_too_large_names_that_limit_not_the_parts(tmp_path):
    app = create_app(config(archive_env(tmp_path), MAX_FORM_MEMORY_SIZE=1024))
    client = app.test_client()
    try:
        r = client.post(
            "/archive/upload",
            data={"csrf_token": sign_in(client), "note": "x" * 2048},
            content_type="multipart/form-data",
            headers={"Accept": "application/json"},
        )
    finally:
        app.extensions["missive.jobs"].shutdown()
    assert r.status_code == 413
    message = r.get_json()["error"]
    assert message.startswith("A field of the form is larger than 1 KB;")
    assert "parts" not in message and "\n" not in message
