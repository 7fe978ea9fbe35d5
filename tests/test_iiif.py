"""IIIF over the sample archive: manifests and the collection (validated by iiif-prezi3,
whose models are made from the IIIF Presentation 3 JSON schema), the Image API, content
search 1 and 2 with autocomplete, content state, CORS over HTTP.

Drafts (404) and withdrawn letters (410) at every IIIF address: tests/test_doc_claims.py.
"""

from __future__ import annotations

import io
import json
import re
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from iiif_prezi3 import AnnotationPage, Collection, Manifest
from iiif_prezi3.base import Base
from PIL import Image, ImageChops, ImageStat
from pydantic import ValidationError

from tests.conftest import app_config
from tests.htmlpage import Page
from webapp import create_app
from webapp.iiif import collection as iiif_collection
from webapp.iiif import image as iiif_image
from webapp.iiif import search as iiif_search
from webapp.iiif.state import content_state, encode

PK = "2009-02-16-pakistan-mofa"
UK = "2008-10-10-uk-fco-miliband"  # a PDF with a text layer: no word boxes
PERU = "2007-04-10-peru-mfa-lima"  # OCR: word boxes from Tesseract
SAMPLE_IDS = (
    PERU,
    UK,
    PK,
    "2009-02-24-pakistan-embassy-washington",
    "2009-08-18-russia-embassy-wellington",
)
XYWH = re.compile(r"#xywh=(\d+),(\d+),(\d+),(\d+)$")


def _models(cls: type) -> list[type]:
    return [cls, *(m for sub in cls.__subclasses__() for m in _models(sub))]


@pytest.fixture(scope="module", autouse=True)
def _schema_only():
    """iiif-prezi3's models as the schema makes them: without the helpers that fill in what
    a resource lacks (an empty `items`, a language map from a plain string, an id)."""
    with pytest.MonkeyPatch.context() as patch:
        for model in _models(Base):
            if "_defaulters" in model.__dict__:
                patch.setattr(model, "_defaulters", [])
        yield


@pytest.fixture(scope="module")
def app(sample_env):
    return create_app(app_config(sample_env))


@pytest.fixture
def client(app):
    return app.test_client()


def get_json(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:300])
    return json.loads(response.get_data(as_text=True))


def validate(cls, data: dict):
    """The iiif-prezi3 model of `data`: raises ValidationError where the schema is not met."""
    return cls.model_validate(data, strict=False)


def box(target: str) -> tuple[int, ...]:
    found = XYWH.search(target)
    assert found, target
    return tuple(int(v) for v in found.groups())


def union(words: list[dict]) -> tuple[int, ...]:
    x0, y0 = min(w["x"] for w in words), min(w["y"] for w in words)
    x1, y1 = max(w["x"] + w["w"] for w in words), max(w["y"] + w["h"] for w in words)
    return x0, y0, x1 - x0, y1 - y0


# -- Presentation --------------------------------------------------------------------------
@pytest.mark.parametrize("letter_id", SAMPLE_IDS)
def test_each_sample_letter_has_a_manifest_that_validates(client, letter_id):
    letter = get_json(client, f"/api/letters/{letter_id}")
    data = get_json(client, f"/iiif/{letter_id}/manifest")
    validate(Manifest, data)
    assert letter["iiif_manifest"] == data["id"] == f"http://localhost/iiif/{letter_id}/manifest"
    assert data["label"] == {"none": [letter["title"]]}
    assert data["homepage"][0]["id"] == letter["url"]  # the permanent URL
    assert data["navDate"] == f"{letter['date']}T00:00:00Z"
    assert data["requiredStatement"]["value"] == {"none": [letter["rights"]]}
    assert "rights" not in data  # free text, not a Creative Commons or RightsStatements URI
    rows = {row["label"]["en"][0]: row["value"]["none"][0] for row in data["metadata"]}
    assert letter["sender"]["name"] in rows["Sender"]
    assert rows["Place of writing"] == letter["sender"]["place"]
    for r in letter["recipients"]:
        assert r["name"] in rows["Recipient"]
    canvases = data["items"]
    assert len(canvases) == len(letter["pages"])
    for canvas, page in zip(canvases, letter["pages"], strict=True):
        assert (canvas["width"], canvas["height"]) == (page["width"], page["height"])
        [painting] = canvas["items"][0]["items"]
        assert painting["motivation"] == "painting" and painting["target"] == canvas["id"]
        service = painting["body"]["service"][0]
        assert service["type"] == "ImageService3" and service["profile"] == "level1"
        assert painting["body"]["id"] == f"{service['id']}/full/max/0/default.jpg"
        assert canvas["rendering"][0]["format"] == "text/plain"
        assert (
            client.get(urlsplit(canvas["rendering"][0]["id"]).path).get_data(as_text=True)
            == page["text"]
        )
    v1, v2 = data["service"]
    assert v1["profile"] == "http://iiif.io/api/search/1/search" and v1["type"] == "SearchService1"
    assert v1["service"][0]["profile"] == "http://iiif.io/api/search/1/autocomplete"
    assert v2["type"] == "SearchService2" and v2["service"][0]["type"] == "AutoCompleteService2"


def test_the_validator_refuses_what_the_schema_forbids(client):
    """The validation above could fail: a label that is not a language map, a manifest
    without canvases, a canvas without its size are refused."""
    good = get_json(client, f"/iiif/{PK}/manifest")
    for broken in (
        {**good, "label": "a plain string"},
        {key: value for key, value in good.items() if key != "items"},
        {**good, "items": [{k: v for k, v in good["items"][0].items() if k != "id"}]},
        {**good, "type": "Book"},
    ):
        with pytest.raises(ValidationError):
            validate(Manifest, broken)


def test_absolute_urls_are_on_the_base_url_whatever_the_host(sample_env):
    app = create_app(app_config(sample_env) | {"BASE_URL": "https://letters.example.org/missive"})
    client = app.test_client()
    text = client.get(f"/iiif/{PK}/manifest", headers={"Host": "localhost"}).get_data(as_text=True)
    urls = set(re.findall(r'"(?:@?id)":"([^"]+)"', text))
    assert urls and all(
        u.startswith(("https://letters.example.org/missive/", "http://iiif.io/")) for u in urls
    ), sorted(urls)


def test_line_annotations_lie_on_the_lines_word_boxes(client):
    page = get_json(client, f"/iiif/{PK}/lines/1")
    validate(AnnotationPage, page)
    words = get_json(client, f"/api/letters/{PK}/pages/1/words")["words"]
    text = get_json(client, f"/api/letters/{PK}")["pages"][0]["text"]
    lines = [line for line in text.split("\n") if line.strip()]
    assert [a["body"]["value"] for a in page["items"]] == lines
    for anno in page["items"]:
        n = int(anno["id"].rsplit("/", 1)[1])
        assert anno["motivation"] == "supplementing" and anno["body"]["language"] == "en"
        assert box(anno["target"]) == union([w for w in words if w["line"] == n])


def test_a_page_without_word_boxes_has_its_text_on_the_whole_canvas(client):
    page = get_json(client, f"/iiif/{UK}/lines/1")
    [anno] = page["items"]
    assert anno["target"] == f"http://localhost/iiif/{UK}/canvas/1"
    assert anno["body"]["value"] == get_json(client, f"/api/letters/{UK}")["pages"][0]["text"]


def test_the_collection_lists_every_published_letter_by_date_in_pages(client, monkeypatch):
    top = get_json(client, "/iiif/collection")
    validate(Collection, top)
    [first] = top["items"]
    one = get_json(client, urlsplit(first["id"]).path)
    validate(Collection, one)
    assert [m["id"].split("/")[-2] for m in one["items"]] == list(SAMPLE_IDS)
    assert one["partOf"][0]["id"] == top["id"]
    monkeypatch.setattr(iiif_collection, "PAGE", 2)
    top = get_json(client, "/iiif/collection")
    assert [c["label"]["en"][0] for c in top["items"]] == [
        "Letters 1–2",
        "Letters 3–4",
        "Letters 5–5",
    ]
    pages = [get_json(client, f"/iiif/collection/{n}")["items"] for n in (1, 2, 3)]
    assert [m["id"].split("/")[-2] for p in pages for m in p] == list(SAMPLE_IDS)
    error = get_json(client, "/iiif/collection/4", 404)["error"]
    assert error == "Collection page '4' does not exist; accepted: 1 to 3"


# -- Image API -----------------------------------------------------------------------------
def jpeg(client, url: str) -> Image.Image:
    with client.get(url) as response:  # closed: a cached image is served from its file
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:200])
        assert response.mimetype == "image/jpeg"
        return Image.open(io.BytesIO(response.data))


def test_info_json_describes_the_page_image(client):
    page = get_json(client, f"/api/letters/{PK}")["pages"][0]
    info = get_json(client, f"/iiif/image/{PK}/1/info.json")
    assert info["@context"] == "http://iiif.io/api/image/3/context.json"
    assert info["type"] == "ImageService3" and info["profile"] == "level1"
    assert info["id"] == f"http://localhost/iiif/image/{PK}/1"
    assert (info["width"], info["height"]) == (page["width"], page["height"]) == (1654, 2339)
    assert info["tiles"] == [{"width": 1024, "height": 1024, "scaleFactors": [1, 2, 4]}]
    # The whole page at each of the tiles' scale factors: OpenSeadragon's pyramid levels.
    assert info["sizes"] == [
        {"width": 414, "height": 585},
        {"width": 827, "height": 1170},
        {"width": 1654, "height": 2339},
    ]
    assert info["maxArea"] == iiif_image.MAX_AREA
    base = client.get(f"/iiif/image/{PK}/1")
    assert base.status_code == 303 and base.headers["Location"].endswith("/1/info.json")


def test_image_requests_give_the_region_at_the_size_asked(client):
    base = f"/iiif/image/{PK}/1"
    full = jpeg(client, f"{base}/full/max/0/default.jpg")
    assert full.size == (1654, 2339) and full.mode == "RGB"
    assert jpeg(client, f"{base}/full/240,/0/default.jpg").size == (240, 339)
    assert jpeg(client, f"{base}/full/,339/0/default.jpg").size == (240, 339)
    assert jpeg(client, f"{base}/full/pct:10/0/default.jpg").size == (165, 234)
    assert jpeg(client, f"{base}/full/!500,500/0/default.jpg").size == (354, 500)
    assert jpeg(client, f"{base}/square/100,100/0/gray.jpg").mode == "L"
    assert jpeg(client, f"{base}/pct:50,50,50,50/827,1169/0/color.jpg").size == (827, 1169)
    tile = jpeg(client, f"{base}/1024,2048,630,291/630,/0/default.jpg")  # the last tile at 1:1
    assert tile.size == (630, 291)
    # The pixels are the region's: the same as cutting it out of the full image.
    region = jpeg(client, f"{base}/300,500,400,200/400,/0/default.jpg")
    cut = full.crop((300, 500, 700, 700))
    assert max(ImageStat.Stat(ImageChops.difference(region, cut)).mean) < 4
    assert ImageStat.Stat(cut.convert("L")).stddev[0] > 20  # not a blank part of the page


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("full/max/90/default.jpg", "rotation '90' is not served; accepted: 0"),
        (
            "full/max/0/bitonal.jpg",
            "quality 'bitonal' is not served; accepted: default, color, gray",
        ),
        ("full/max/0/default.png", "format 'png' is not served; accepted: jpg"),
        (
            "full/^2000,/0/default.jpg",
            "size '^2000,': images are not enlarged; accepted: without ^",
        ),
        ("0,0,100,100/200,/0/default.jpg", "size '200,' is larger than the region (100 x 100)"),
        ("5000,0,10,10/max/0/default.jpg", "region '5000,0,10,10' is empty or outside the image"),
        ("a,b,c,d/max/0/default.jpg", "region 'a,b,c,d' is not a region; accepted: full, square"),
        ("full/big/0/default.jpg", "size 'big' is not a size; accepted: max, w,, ,h, pct:n"),
    ],
)
def test_a_request_the_service_cannot_serve_is_a_400_naming_the_part(client, path, message):
    error = get_json(client, f"/iiif/image/{PK}/1/{path}", 400)["error"]
    assert error.startswith(message), error


def test_no_image_is_larger_than_max_area(client, monkeypatch):
    monkeypatch.setattr(iiif_image, "MAX_AREA", 1_000_000)
    error = get_json(client, f"/iiif/image/{PK}/1/full/1000,/0/default.jpg", 400)["error"]
    assert error == "size '1000,' is over the limit of 1,000,000 pixels (maxArea)"
    width, height = jpeg(client, f"/iiif/image/{PK}/1/full/max/0/gray.jpg").size
    assert width * height <= 1_000_000 and width == 840  # the page's proportions kept


def test_tiles_are_kept_in_the_cache_and_other_regions_are_not(client, sample_env):
    folder = sample_env.root / "cache" / "images" / PK / "iiif"
    before = set(folder.glob("*.jpg")) if folder.exists() else set()
    client.get(f"/iiif/image/{PK}/1/0,1024,1024,1024/512,/0/default.jpg").close()  # no tile
    assert (set(folder.glob("*.jpg")) if folder.exists() else set()) == before
    tile = client.get(f"/iiif/image/{PK}/1/0,1024,1024,1024/1024,/0/default.jpg")
    tile.close()
    assert tile.status_code == 200 and len(set(folder.glob("*.jpg")) - before) == 1
    again = client.get(
        f"/iiif/image/{PK}/1/0,1024,1024,1024/1024,/0/default.jpg",
        headers={"If-None-Match": tile.headers["ETag"]},
    )
    assert again.status_code == 304


# -- Content Search ------------------------------------------------------------------------
def test_search_v1_finds_the_words_on_their_boxes(client):
    data = get_json(client, f"/iiif/{PK}/search/1?q=munitions")
    within_letter = get_json(client, f"/api/letters/{PK}/search?q=munitions")
    assert data["@type"] == "sc:AnnotationList" and data["within"]["ignored"] == []
    assert data["within"]["total"] == within_letter["hits"] == len(data["resources"]) == 10
    words = {n: get_json(client, f"/api/letters/{PK}/pages/{n}/words")["words"] for n in (1, 2)}
    for anno, hit in zip(data["resources"], data["hits"], strict=True):
        assert hit["annotations"] == [anno["@id"]]
        assert anno["resource"]["chars"].lower() == hit["match"].lower() == "munitions"
        n = int(re.search(r"/canvas/(\d+)#", anno["on"]).group(1))
        [word] = [w for w in words[n] if (w["x"], w["y"], w["w"], w["h"]) == box(anno["on"])]
        assert word["text"].lower().startswith("munitions")
    lines = {(p["n"], li["line"]): li["text"] for p in within_letter["pages"] for li in p["lines"]}
    first = data["hits"][0]
    assert first["before"] + first["match"] + first["after"] in lines.values()


def test_a_phrase_is_one_hit_boxed_over_its_words(client):
    data = get_json(client, f"/iiif/{PK}/search/1?q=%22cluster+munitions%22")
    words = get_json(client, f"/api/letters/{PK}/pages/1/words")["words"]
    first = data["resources"][0]
    assert first["resource"]["chars"] == "Cluster Munitions"
    line = [w for w in words if w["line"] == 6]
    pair = [w for w in line if w["text"].rstrip(",.").lower() in ("cluster", "munitions")]
    assert box(first["on"]) == union(pair) and len(pair) == 2


def test_search_uses_missives_ocr_tolerant_mode(client):
    assert get_json(client, f"/iiif/{PK}/search/1?q=munitlons")["within"]["total"] == 0
    data = get_json(client, f"/iiif/{PK}/search/1?q=munitlons&ocr=1")
    assert data["within"]["total"] == 10 and data["@id"].endswith("q=munitlons&ocr=1")


def test_search_without_boxes_targets_the_whole_canvas(client):
    data = get_json(client, f"/iiif/{UK}/search/1?q=treaty")
    assert data["within"]["total"] > 0
    assert all(
        re.fullmatch(rf"http://localhost/iiif/{UK}/canvas/\d", a["on"]) for a in data["resources"]
    )


def test_search_pages_and_lists_the_parameters_it_ignores(client, monkeypatch):
    monkeypatch.setattr(iiif_search, "PER_PAGE", 4)
    one = get_json(client, f"/iiif/{PK}/search/1?q=munitions&motivation=painting&user=x")
    assert one["within"]["ignored"] == ["motivation", "user"]
    assert len(one["resources"]) == 4 and one["startIndex"] == 0
    assert parse_qs(urlsplit(one["next"]).query) == {"q": ["munitions"], "page": ["2"]}
    assert one["within"]["last"].endswith("page=3")
    three = get_json(client, f"/iiif/{PK}/search/1?q=munitions&page=3")
    assert len(three["resources"]) == 2 and three["startIndex"] == 8 and "next" not in three
    v2 = get_json(client, f"/iiif/{PK}/search/2?q=munitions&page=2&date=2009")
    assert v2["ignored"] == ["date"] and v2["startIndex"] == 4 and v2["partOf"]["total"] == 10
    assert v2["next"]["id"].endswith("page=3") and v2["prev"]["id"].endswith("q=munitions")


def test_search_v2_gives_annotations_and_their_quotes(client):
    data = get_json(client, f"/iiif/{PK}/search/2?q=landmine")
    # Search 2 pages as the Web Annotation model does: partOf is one AnnotationCollection
    # (Presentation 3's partOf is a list); the rest is a Presentation 3 AnnotationPage.
    assert data["partOf"]["type"] == "AnnotationCollection" and data["partOf"]["total"] == 1
    validate(AnnotationPage, {k: v for k, v in data.items() if k != "partOf"})
    [item] = data["items"]
    [highlight] = data["annotations"][0]["items"]
    assert item["motivation"] == "supplementing" and item["body"]["value"] == "Landmine"
    assert re.fullmatch(
        rf"http://localhost/iiif/{PK}/canvas/2#xywh=\d+,\d+,\d+,\d+", item["target"]
    )
    assert highlight["motivation"] == "highlighting" and highlight["target"]["source"] == item["id"]
    [quote] = highlight["target"]["selector"]
    assert quote == {
        "type": "TextQuoteSelector",
        "prefix": "Editor, ICBL ",
        "exact": "Landmine",
        "suffix": " Monitor",
    }


@pytest.mark.parametrize("version", [1, 2])
def test_a_bad_query_is_a_400_saying_why(client, version):
    assert "q is empty" in get_json(client, f"/iiif/{PK}/search/{version}?q=", 400)["error"]
    assert get_json(client, f"/iiif/{PK}/search/{version}?q=%22unclosed", 400)["error"]
    error = get_json(client, f"/iiif/{PK}/search/{version}?q=x&ocr=maybe", 400)["error"]
    assert error == "ocr='maybe' is not a switch; accepted: 1 or 0"


def test_autocomplete_offers_the_letters_words(client):
    v1 = get_json(client, f"/iiif/{PK}/autocomplete/1?q=Mun")
    assert v1["@type"] == "search:TermList"
    [term] = v1["terms"]
    assert term["match"] == "munitions" and term["count"] == 10
    assert (
        get_json(client, urlsplit(term["url"]).path + "?" + urlsplit(term["url"]).query)["within"][
            "total"
        ]
        == 10
    )
    v2 = get_json(client, f"/iiif/{PK}/autocomplete/2?q=land")
    assert v2["type"] == "TermPage"
    assert [(t["value"], t["total"]) for t in v2["items"]] == [("landmine", 1)]
    assert v2["items"][0]["service"][0]["type"] == "SearchService2"
    assert get_json(client, f"/iiif/{PK}/autocomplete/1?q=a+b", 400)["error"].startswith("q='a b'")


# -- Content State -------------------------------------------------------------------------
def test_a_content_state_opens_the_page_with_the_region(client, app):
    state = get_json(client, f"/iiif/{PK}/state/1?region=1068,567,320,36")
    assert state["motivation"] == ["contentState"]
    assert state["target"]["id"] == f"http://localhost/iiif/{PK}/canvas/1#xywh=1068,567,320,36"
    assert state["target"]["partOf"] == [
        {"id": f"http://localhost/iiif/{PK}/manifest", "type": "Manifest"}
    ]
    assert state["id"] == f"http://localhost/letters/{PK}/pages/1?region=1068,567,320,36"
    with app.test_request_context():
        encoded = encode(content_state(PK, 1, (1068, 567, 320, 36)))
    assert re.fullmatch(r"[A-Za-z0-9_-]+", encoded)  # base64url, no padding
    opened = client.get(f"/iiif/state?iiif-content={encoded}")
    assert opened.status_code == 303
    assert opened.headers["Location"] == state["id"]
    by_url = client.get(f"/iiif/state?iiif-content=http://localhost/iiif/{PK}/canvas/2")
    assert by_url.headers["Location"] == f"http://localhost/letters/{PK}/pages/2"


def test_a_state_that_is_not_ours_or_not_a_region_is_refused(client):
    assert (
        "not inside the page image of 1654 x 2339"
        in get_json(client, f"/iiif/{PK}/state/1?region=1600,0,100,10", 400)["error"]
    )
    assert "accepted: x,y,w,h" in get_json(client, f"/iiif/{PK}/state/1?region=big", 400)["error"]
    assert "not a content state" in get_json(client, "/iiif/state?iiif-content=%%%", 400)["error"]
    other = get_json(client, "/iiif/state?iiif-content=https://elsewhere.example/canvas/1", 400)
    assert "accepted: a canvas of this site" in other["error"]


# -- CORS over HTTP ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        f"/iiif/{PK}/manifest",
        "/iiif/collection",
        f"/iiif/image/{PK}/1/info.json",
        f"/iiif/image/{PK}/1/full/240,/0/default.jpg",
        f"/iiif/{PK}/search/1?q=munitions",
        f"/iiif/{PK}/search/2?q=munitions",
        f"/iiif/{PK}/autocomplete/1?q=mun",
        f"/iiif/{PK}/search/1?q=",  # an error too
        "/iiif/no-such-letter/manifest",
    ],
)
def test_every_iiif_response_may_be_read_by_any_site(live_server, path):
    status, headers, _ = live_server.get(path, headers={"Origin": "https://viewer.example"})
    assert status in (200, 400, 404)
    assert headers["Access-Control-Allow-Origin"] == "*"
    preflight = urllib.request.Request(
        live_server.url + path,
        method="OPTIONS",
        headers={"Origin": "https://viewer.example", "Access-Control-Request-Method": "GET"},
    )
    with urllib.request.urlopen(preflight, timeout=30) as response:
        assert response.status == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "GET" in response.headers["Access-Control-Allow-Methods"]


# -- the letter page -----------------------------------------------------------------------
def test_the_letter_page_links_its_manifest_and_outlines_a_cited_passage(client):
    plain = Page(client.get(f"/letters/{PK}/pages/1").get_data(as_text=True))
    manifest = f"http://localhost/iiif/{PK}/manifest"
    [alternate] = [
        link for link in plain.all("link", rel="alternate") if "ld+json" in link.get("type", "")
    ]
    assert alternate.get("href") == manifest
    assert alternate.get("type") == (
        'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'
    )
    [drag] = plain.all("a", class_="iiif-drag")
    assert drag.get("href") == f"{manifest}?manifest={manifest.replace(':', '%3A')}"
    [start] = plain.all("button", class_="cite-passage-start")
    assert start.get("data-page-width") == "1654" and start.get("data-page-height") == "2339"
    assert plain.all("rect", class_="passage") == []

    cited = client.get(f"/letters/{PK}/pages/1?region=1068,567,320,36")
    page = Page(cited.get_data(as_text=True))
    [rect] = page.all("rect", class_="passage")
    assert [rect.get(k) for k in ("x", "y", "width", "height")] == ["1068", "567", "320", "36"]
    [svg] = page.all("svg", class_="passage-layer")
    assert svg.get("viewbox") == "0 0 1654 2339"  # the parser lower-cases names
    [link] = [i for i in page.all("input") if i.get("id") == "cite-passage-url"]
    assert link.get("value") == f"http://localhost/letters/{PK}/pages/1?region=1068,567,320,36"
    [state] = [i for i in page.all("input") if i.get("id") == "cite-passage-state"]
    opened = client.get(f"/iiif/state?iiif-content={state.get('value')}")
    assert opened.headers["Location"] == link.get("value")  # the state leads back here
    # A region outside the image outlines nothing (the page still shows).
    outside = client.get(f"/letters/{PK}/pages/1?region=1600,0,100,10")
    assert (
        outside.status_code == 200
        and Page(outside.get_data(as_text=True)).all("rect", class_="passage") == []
    )
