"""`python -m indexer search`: one search from the command line, as lines or as the API's JSON."""

from __future__ import annotations

import json
import re

import click

from .cli import Context, _fail
from .errors import MissiveError
from .search import SearchRequest, SearchResult
from .search.request import exclusions
from .search.serialize import result_json


def _plain(html: str) -> str:
    text = html.replace("<mark>", "[").replace("</mark>", "]")
    text = re.sub(r"<[^>]+>", "", text)
    for entity, char in (
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", '"'),
        ("&#x27;", "'"),
        ("&amp;", "&"),
    ):
        text = text.replace(entity, char)
    return text


@click.command()
@click.argument("query", required=False, default="")
@click.option("--country", multiple=True, help="Sender country (ISO code or name); repeatable.")
@click.option("--year", multiple=True, help="A year (2009); repeatable.")
@click.option("--language", multiple=True, help="ISO 639-1 code (en, fr); repeatable.")
@click.option(
    "--source", multiple=True, help="transcribed, ocr, image-only or catalogue; repeatable."
)
@click.option("--recipient", multiple=True, help="A recipient as the facet lists it; repeatable.")
@click.option("--exclude", multiple=True, help="FACET=VALUE to leave out (country=PK); repeatable.")
@click.option("--from", "date_from", help="Earliest date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--to", "date_to", help="Latest date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option(
    "--sort",
    type=click.Choice(["relevance", "date", "-date"]),
    help="Default: relevance with a query, date without (as in the web app).",
)
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--per-page", type=int, default=20, show_default=True, help="1 to 100.")
@click.option("--ocr", is_flag=True, help="OCR-tolerant: also match words a letter or two apart.")
@click.option(
    "--match",
    type=click.Choice(["auto", "all", "most"]),
    default="auto",
    show_default=True,
    help="A question's words: all, then most when too few letters hold every one (auto).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the result as the web API's JSON (/api/search)."
)
@click.option(
    "--base-url",
    envvar="MISSIVE_BASE_URL",
    help="The site's address, for each hit's `url` in --json (default: $MISSIVE_BASE_URL; "
    "without it `url` is null).",
)
@click.pass_obj
def search(
    ctx: Context,
    query: str,
    country: tuple[str, ...],
    year: tuple[str, ...],
    language: tuple[str, ...],
    source: tuple[str, ...],
    recipient: tuple[str, ...],
    exclude: tuple[str, ...],
    date_from: str | None,
    date_to: str | None,
    sort: str | None,
    page: int,
    per_page: int,
    ocr: bool,
    match: str,
    as_json: bool,
    base_url: str | None,
) -> None:
    """Search the index; see the README for the query syntax."""
    given = dict(country=country, year=year, language=language, source=source, recipient=recipient)
    try:
        req = SearchRequest(
            q=query.strip(),
            filters={name: list(dict.fromkeys(vals)) for name, vals in given.items() if vals},
            exclude=exclusions(exclude),
            date_from=date_from,
            date_to=date_to,
            # Browsing (no query) lists letters by date, as /search and /api/search do.
            sort=sort or ("relevance" if query.strip() else "date"),
            page=page,
            per_page=per_page,
            ocr=ocr,
            match=match,
        )
        result = ctx.engine.search(req)
    except MissiveError as exc:
        _fail(str(exc), 2)
    finally:
        ctx.engine.close()
    if as_json:
        site = (base_url or "").strip().rstrip("/")
        letter_url = (lambda i: f"{site}/letters/{i}") if site else None
        data = result_json(result, letter_url=letter_url)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_result(result)


def _print_result(result: SearchResult) -> None:
    """A search result as lines for a terminal: hits with snippets, sender countries."""
    click.echo(f"{result.total} letters")
    if result.match == "most":
        held = result.strict_total or "no letter"
        click.echo(f"({held} with every word of the question; these hold most of them)")
    if result.did_you_mean:
        click.echo(f"Did you mean: {result.did_you_mean}")
    for hit in result.hits:
        sender = hit.meta.get("sender") or {}
        who = sender.get("name") or sender.get("organisation") or "?"
        click.echo(f"\n{hit.id}  {hit.date or 'undated'}  {who} ({sender.get('country') or '?'})")
        click.echo(f"  {hit.title}")
        for snip in hit.snippets:
            click.echo(f"  p.{snip.page}: {_plain(snip.html)}")
    countries = result.facets.get("sender_country", [])
    if countries:
        click.echo("\nSender countries: " + ", ".join(f"{v.value} {v.count}" for v in countries))
