"""Absolute URLs come from BASE_URL or a trusted host, never from the Host header a client
sends: permalinks, citations, Highwire tags, API links, OpenSearch and exports."""

from __future__ import annotations

import http.client
import re

import pytest

from tests.conftest import LiveServer, app_config
from webapp import create_app
from webapp.origin import ConfigError

PK_MOFA = "2009-02-16-pakistan-mofa"
EVIL = "evil.example"
# Every response that holds absolute URLs.
WITH_URLS = (
    "/opensearch.xml",
    "/api/search?q=munitions&per_page=2&page=2",
    f"/api/letters/{PK_MOFA}",
    f"/letters/{PK_MOFA}",
    f"/letters/{PK_MOFA}/pages/2?q=cluster",
    f"/letters/{PK_MOFA}/citation.bib",
    f"/letters/{PK_MOFA}/citation.ris",
    f"/letters/{PK_MOFA}/citation.json",
    "/search.csv?q=munitions",
    "/search.json?q=munitions",
    "/search.bib?q=munitions",
    "/search.ris?q=munitions",
)
ABSOLUTE = re.compile(r"https?://[^\s\"'<>{}\\]+")


def bodies(app, host: str) -> dict[str, str]:
    client = app.test_client()
    out = {}
    for path in WITH_URLS:
        r = client.get(path, headers={"Host": host})
        assert r.status_code == 200, (path, r.status_code, r.get_data(as_text=True)[:300])
        out[path] = r.get_data(as_text=True) + "".join(
            f"\n{k}: {v}" for k, v in r.headers.items() if k == "Link"
        )
    return out


def test_an_unconfigured_app_answers_only_its_loopback_names(sample_env):
    app = create_app(app_config(sample_env))
    client = app.test_client()
    for path in ("/", "/opensearch.xml", "/api/search?q=x", f"/letters/{PK_MOFA}"):
        r = client.get(path, headers={"Host": EVIL})
        assert r.status_code == 400 and EVIL not in r.headers.get("Location", "")
        text = r.get_data(as_text=True)
        assert text.count("\n") == 1 and "Host 'evil.example' is not trusted" in text
        assert "Accepted hosts: localhost, 127.0.0.1" in text
        assert r.headers["Content-Security-Policy"]  # refused, still with the headers
    for host in ("localhost", "127.0.0.1:5000"):
        assert client.get("/opensearch.xml", headers={"Host": host}).status_code == 200


def test_a_forged_host_header_over_http_is_refused(sample_env):
    server = LiveServer(create_app(app_config(sample_env)))
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.server.server_port, timeout=30)
        conn.request("GET", "/opensearch.xml", headers={"Host": EVIL})
        response = conn.getresponse()
        body = response.read().decode()
        assert response.status == 400 and "is not trusted" in body
        conn.request("GET", "/opensearch.xml")  # the real host, 127.0.0.1:port
        response = conn.getresponse()
        body = response.read().decode()
        assert response.status == 200 and f"{server.url}/search?q=" in body
        conn.close()
    finally:
        server.stop()


def test_with_a_base_url_every_absolute_url_is_built_on_it_whatever_the_host(sample_env):
    base = "https://letters.example.org/missive"
    app = create_app(app_config(sample_env) | {"BASE_URL": base, "TRUSTED_HOSTS": "*"})
    found = 0
    for path, body in bodies(app, EVIL).items():
        assert EVIL not in body, path
        for url in ABSOLUTE.findall(body):
            if "letters.example.org" in url or "127.0.0.1" in url or "localhost" in url:
                assert url.startswith(base + "/"), (path, url)
                found += 1
    assert found > 50
    page = app.test_client().get(f"/letters/{PK_MOFA}", headers={"Host": EVIL})
    html = page.get_data(as_text=True)
    assert f'<link rel="canonical" href="{base}/letters/{PK_MOFA}">' in html
    assert f'<meta name="citation_abstract_html_url" content="{base}/letters/{PK_MOFA}">' in html


def test_trusted_hosts_build_urls_on_the_host_asked_for_and_refuse_others(sample_env):
    app = create_app(app_config(sample_env) | {"TRUSTED_HOSTS": ["letters.example.org"]})
    client = app.test_client()
    assert client.get("/", headers={"Host": EVIL}).status_code == 400
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400  # not listed
    for path, body in bodies(app, "letters.example.org").items():
        urls = ABSOLUTE.findall(body)
        ours = [u for u in urls if "example.org" in u]
        assert all(u.startswith("http://letters.example.org/") for u in ours), path
    data = client.get("/api/search?q=munitions", headers={"Host": "letters.example.org"})
    assert data.get_json()["links"]["self"].startswith("http://letters.example.org/api/search")


def test_a_base_url_alone_trusts_its_own_host_and_the_loopback(sample_env, monkeypatch):
    monkeypatch.setenv("MISSIVE_BASE_URL", "https://letters.example.org")
    monkeypatch.delenv("MISSIVE_TRUSTED_HOSTS", raising=False)
    app = create_app(app_config(sample_env))
    assert app.config["TRUSTED_HOSTS"] == ["letters.example.org", "localhost", "127.0.0.1"]
    client = app.test_client()
    assert client.get("/", headers={"Host": EVIL}).status_code == 400
    r = client.get("/opensearch.xml", headers={"Host": "localhost"})
    assert r.status_code == 200
    assert 'template="https://letters.example.org/search?q={searchTerms}' in r.get_data(
        as_text=True
    )
    monkeypatch.setenv("MISSIVE_TRUSTED_HOSTS", "a.example, b.example")
    app = create_app(app_config(sample_env))
    assert app.config["TRUSTED_HOSTS"] == ["a.example", "b.example"]


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"BASE_URL": "letters.example.org"}, "BASE_URL='letters.example.org' is not a base URL"),
        ({"BASE_URL": "ftp://x.example"}, "accepted: http(s)://host[:port][/prefix]"),
        ({"TRUSTED_HOSTS": "*"}, "TRUSTED_HOSTS is empty or * and BASE_URL is unset"),
        ({"TRUSTED_HOSTS": []}, "absolute URLs would follow any Host header"),
    ],
)
def test_settings_that_would_let_any_host_through_stop_the_start(sample_env, settings, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        create_app(app_config(sample_env) | settings)
