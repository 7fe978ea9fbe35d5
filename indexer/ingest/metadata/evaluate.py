"""How well metadata extraction reads real letters: `python -m indexer.ingest.metadata.evaluate`.

Runs `extract_metadata` on the text of every letter of the dev corpus (Escher, the dev
editions calvin_fr, suriano_it, israels_nl) and the seed letters, compares the date and the
sender's country with what the editions give (samples.py), and writes the table to
docs/extraction.md (or prints it with `--out -`). Suggestions (values below the confidence
threshold) are counted apart: they are shown to archivists, never set.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import SUGGEST_BELOW, extract_metadata
from .dates import collection_year, letter_date
from .language import detect_languages
from .samples import Sample, all_samples

REPO = Path(__file__).resolve().parents[3]
CORPUS = REPO.parent / "shared" / "corpus"
SEEDS = REPO.parent / "shared" / "seeds"
OUT = REPO / "docs" / "extraction.md"

# The table's columns, in order: date over all letters whose edition gives the day, date
# over letters whose text states the full date in its dateline, country over all letters
# whose edition gives it, country over letters whose dateline or letterhead names the place.
GROUPS = ("date", "date_stated", "country", "country_named")
OUTCOMES = ("right", "wrong", "missing", "suggested")


@dataclass
class Tally:
    letters: int = 0
    counts: dict[str, Counter] = field(default_factory=lambda: {g: Counter() for g in GROUPS})

    def add(self, other: Tally) -> None:
        self.letters += other.letters
        for g in GROUPS:
            self.counts[g].update(other.counts[g])


def _outcome(found: object, want: str | None) -> str:
    if found is None:
        return "missing"
    value = found.value
    got = value.iso if hasattr(value, "iso") else value
    if (found.provenance.confidence or 1.0) < SUGGEST_BELOW:
        return "suggested"
    return "right" if got == want else "wrong"


def score(sample: Sample, year_hint: int | None = None) -> tuple[str, Tally]:
    """The language the row goes under and the sample's counts."""
    found = extract_metadata(
        sample.pages, languages=sample.language is None, year_hint=year_hint
    )
    language = sample.language
    if language is None:
        langs = found.get("languages")
        language = langs.value[0] if langs else "?"
    tally = Tally(letters=1)
    if sample.date:
        got = _outcome(found.get("date"), sample.date)
        tally.counts["date"][got] += 1
        if sample.full_date_stated:
            tally.counts["date_stated"][got] += 1
    if sample.country:
        got = _outcome(found.get("sender.country"), sample.country)
        tally.counts["country"][got] += 1
        if sample.place_named:
            tally.counts["country_named"][got] += 1
    return language, tally


def evaluate(samples: Iterable[Sample]) -> dict[tuple[str, str], Tally]:
    """Counts per (source, language)."""
    by_source: dict[str, list[Sample]] = {}
    for sample in samples:
        by_source.setdefault(sample.source, []).append(sample)
    rows: dict[tuple[str, str], Tally] = {}
    for source, letters in by_source.items():
        hint = source_year(letters)
        for sample in letters:
            language, tally = score(sample, hint)
            rows.setdefault((source, language), Tally()).add(tally)
    return rows


def source_year(letters: list[Sample]) -> int | None:
    """The year a source's letters lie around, from the dates their texts give with four
    digits: what an archive knows of a collection before reading "25. 6. 23"."""
    years = []
    for sample in letters:
        found = letter_date(sample.pages)
        if found and found.confidence >= SUGGEST_BELOW and found.value.precision == "day":
            years.append(found.value.year)
    return collection_year(years)


def _cell(counter: Counter) -> str:
    total = sum(counter.values())
    if not total:
        return "–"
    return " / ".join(str(counter[o]) for o in OUTCOMES) + f" ({total})"


def _share(counter: Counter, outcome: str) -> str:
    total = sum(counter.values())
    return f"{counter[outcome] / total:.1%}" if total else "–"


def table(rows: dict[tuple[str, str], Tally]) -> str:
    """The Markdown table: one row per source and language, then the totals."""
    head = ("| source | language | letters | date: right / wrong / missing / suggested (of) "
            "| full date in dateline | country: right / wrong / missing / suggested (of) "
            "| place in dateline or letterhead |")  # fmt: skip
    lines = [head, "|" + "---|" * 7]
    total = Tally()
    for (source, language), tally in sorted(rows.items()):
        total.add(tally)
        cells = [_cell(tally.counts[g]) for g in GROUPS]
        lines.append(f"| {source} | {language} | {tally.letters} | " + " | ".join(cells) + " |")
    cells = [_cell(total.counts[g]) for g in GROUPS]
    lines.append(f"| **all** | | {total.letters} | " + " | ".join(cells) + " |")
    return "\n".join(lines), total


def targets(total: Tally, letters: int) -> str:
    """The issue's targets against the totals."""
    stated, named = total.counts["date_stated"], total.counts["country_named"]
    wrong_dates = total.counts["date"]["wrong"]
    wrong_countries = total.counts["country"]["wrong"]
    return "\n".join([
        f"- Date right on letters whose text states the full date in its dateline: "
        f"{_share(stated, 'right')} (target ≥ 90 %)",
        f"- Date wrong, of all {letters} letters: {wrong_dates} ({wrong_dates / letters:.1%}; "
        "target ≤ 1 %)",
        f"- Sender country right where the dateline or letterhead names the place: "
        f"{_share(named, 'right')} (target ≥ 85 %)",
        f"- Sender country wrong where the dateline or letterhead names the place: "
        f"{_share(named, 'wrong')} (target ≤ 2 %); of all letters: {wrong_countries} "
        f"({wrong_countries / letters:.1%})",
    ])  # fmt: skip


_INTRO = """# Metadata extraction measured

Written by `python -m indexer.ingest.metadata.evaluate` (rerun it to refresh this page; it
reads `../shared/corpus` and `../shared/seeds` beside the repository, or the folders given
with `--corpus` and `--seeds`). Extraction reads only each letter's text (the TEI body as
written, without editorial notes, expansions or corrections, and never the TEI header); the
truth it is compared with comes from the editions and is described in
`indexer/ingest/metadata/samples.py`. Years written with two or three digits are read
against the year the source's letters lie around (the median of the four-digit years their
texts give, found in a first pass), as an archive would for a collection. A "suggested"
value fell below the confidence threshold ({threshold}): it is shown to archivists as a
suggestion and not set, so it is neither right nor wrong in the index. Each cell:
right / wrong / missing / suggested (letters counted). The language is the one the edition
declares, else the one detected in the text.

Where the truth comes from: Escher's date from the file name (a day only where it has no
`-00`), the sender's place from the title and its country from `places.xml` (a foreign
place has a suffix such as "(D)"); its text "states the full date" when the TEI dateline
holds the day and the year, and "names the place" when it holds the title's place. calvin_fr,
suriano_it and israels_nl: date and sender's place from `correspDesc`; whether the text
states the full date and names the place from their `dateline_check.tsv`, so only the
letters listed there count in those two columns. The seed letters: checked by hand.
"""


def report(rows: dict[tuple[str, str], Tally]) -> str:
    body, total = table(rows)
    return (
        _INTRO.format(threshold=SUGGEST_BELOW)
        + "\n"
        + body
        + "\n\n## Against the targets\n\n"
        + targets(total, max(total.letters, 1))
        + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m indexer.ingest.metadata.evaluate",
                                     description=__doc__.splitlines()[0])  # fmt: skip
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the shared corpus folder")
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="the seed letters' folder")
    parser.add_argument("--out", default=str(OUT), help="the Markdown file to write, - for stdout")
    args = parser.parse_args(argv)
    if not (args.corpus / "letters").is_dir():
        print(f"{args.corpus}: no letters/ folder; accepted: the shared corpus folder "
              "(with letters/escher_sample, letters/calvin_fr, ...)", file=sys.stderr)  # fmt: skip
        return 2
    detect_languages("warm up")  # load the language profiles before the first letter
    text = report(evaluate(all_samples(args.corpus, args.seeds)))
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
