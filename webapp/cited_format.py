"""A cited search's citation: one line to paste, the letter citations' CSL styles (the
item is a dataset, rendered by webapp.citation), BibTeX, RIS and CSL-JSON.

The query goes into the CSL item's `medium`, not its title: the styles set titles in
title case, and a query must keep its letters (`sender:goose`, not `Sender:goose`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from . import citation

_MONTHS = (
    "January February March April May June July August September October November December"
).split()


def _day(at: str) -> dt.date:
    return dt.date.fromisoformat(at[:10])


def human_day(at: str) -> str:
    d = _day(at)
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def describe(record: dict[str, Any]) -> str:
    """The search in words: the query as typed and its filters, dates and exclusions."""
    req = record["request"]
    typed = " ".join((record.get("query_typed") or req["query"]).split())
    parts = [f"“{typed}”"] if typed else ["all letters"]
    for param, values in req["filters"].items():
        parts.append(f"{param}: {', '.join(values)}")
    for param, values in req["exclude"].items():
        parts.append(f"not {param}: {', '.join(values)}")
    if req["from"] or req["to"]:
        parts.append(f"dates {req['from'] or '…'}–{req['to'] or '…'}")
    if req["ocr"]:
        parts.append("OCR-tolerant")
    return parts[0] + (f" ({'; '.join(parts[1:])})" if len(parts) > 1 else "")


def _letters(n: int) -> str:
    return f"{n:,} letter" + ("" if n == 1 else "s")


def line(record: dict[str, Any], collection: str, url: str) -> str:
    """Search for “…” in <collection>, 14 letters, 3 December 2026, <URL>"""
    return (
        f"Search for {describe(record)} in {collection}, {_letters(record['total'])}, "
        f"{human_day(record['at'])}, {url}"
    )


def csl_item(record: dict[str, Any], collection: str, url: str) -> dict[str, Any]:
    d = _day(record["at"])
    return {
        "id": f"search-{record['id']}",
        "type": "dataset",
        "author": [{"literal": collection}],
        "title": f"Search results, {_letters(record['total'])}",
        "medium": f"search for {describe(record)}",
        "publisher": collection,
        "issued": {"date-parts": [[d.year, d.month, d.day]]},
        "accessed": {"date-parts": [[d.year, d.month, d.day]]},
        "URL": url,
        "number": record["id"],
    }


def _bib(text: str) -> str:
    return "".join("\\" + c if c in "{}%&$#_" else c for c in text)


def bibtex(record: dict[str, Any], collection: str, url: str) -> str:
    d = _day(record["at"])
    fields = [
        ("title", f"Search for {describe(record)}, {_letters(record['total'])}"),
        ("author", "{" + collection + "}"),
        ("organization", collection),
        ("year", str(d.year)),
        ("month", str(d.month)),
        ("date", d.isoformat()),
        ("url", url),
        ("urldate", d.isoformat()),
        ("note", f"Cited search {record['id']}; result set sha256 {record['hash']['value']}"),
    ]
    body = ",\n".join(f"  {k} = {{{_bib(v) if k != 'url' else v}}}" for k, v in fields)
    return f"@dataset{{missive-search-{record['id']},\n{body}\n}}\n"


def ris(record: dict[str, Any], collection: str, url: str) -> str:
    d = _day(record["at"])
    rows = [
        ("TY", "DATA"),
        ("TI", f"Search for {describe(record)}, {_letters(record['total'])}"),
        ("AU", collection),
        ("PB", collection),
        ("PY", str(d.year)),
        ("DA", d.strftime("%Y/%m/%d")),
        ("UR", url),
        ("ID", record["id"]),
        ("N1", f"Result set sha256 {record['hash']['value']}"),
        ("ER", ""),
    ]
    return "".join(f"{k}  - {' '.join(v.split())}\r\n" for k, v in rows)


def render(record: dict[str, Any], collection: str, url: str) -> dict[str, str]:
    """Every format, plain text: `text` (the line), the CSL styles, bibtex, ris, csl-json."""
    item = csl_item(record, collection, url)
    out = {"text": line(record, collection, url)}
    out.update(citation.render_item(item, html=False))
    out["bibtex"] = bibtex(record, collection, url)
    out["ris"] = ris(record, collection, url)
    out["csl-json"] = json.dumps([item], ensure_ascii=False, indent=2)
    return out
