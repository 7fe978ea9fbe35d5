"""Relevance on the Cranfield collection: Missive's default search beside SQLite FTS5's
bm25 and plain BM25, on the same texts, in one run.

    python -m benchmarks.relevance [--cranfield DIR] [--workdir DIR] [--json FILE]

Cranfield (1,400 aeronautics abstracts, 225 questions, judgments graded 1-4) is read
from `../shared/corpus/ir/cranfield`.  Each abstract becomes a letter (its title in
`letter.json`, its text as the transcript of page 1) in an archive of its own, indexed
by the configured engine (`MISSIVE_ENGINE`, default Whoosh); each question is asked as a
researcher would type it, in Missive's default mode, and the first 100 letters are
scored.  FTS5 (`porter unicode61`, bm25 over title and text, the question's words OR-ed)
and plain BM25 (Lucene's idf, k1 1.2, b 0.75, Porter stems, title and text as one field)
rank the same abstracts.

Measures, the mean over the 225 questions: MAP@100 (average precision of the first 100,
divided by all relevant abstracts, as trec_eval's map_cut_100), nDCG@10 (gain 5 - grade:
a grade 1 abstract, "a complete answer", gains 4), P@10, R@100, and the questions that
found nothing.  The judgments number questions 1-225 in file order while `cran.qry`'s
ids run to 365: they are matched by position.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CRANFIELD = REPO.parent / "shared" / "corpus" / "ir" / "cranfield"
DEPTH = 100
_WORD = re.compile(r"[a-z0-9]+")

Ranker = Callable[[str], list[str]]


# -- the collection ---------------------------------------------------------------------


def _records(path: Path) -> list[dict[str, str]]:
    """Cranfield's `.I n` records, each a dict of its `.X` sections."""
    out: list[dict[str, str]] = []
    section = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith(".I "):
            out.append({"I": line[3:].strip()})
            section = None
        elif len(line) == 2 and line[0] == "." and line[1].isalpha():
            section = line[1]
            out[-1][section] = ""
        elif section:
            out[-1][section] += line + "\n"
    return out


def read_cranfield(root: Path) -> tuple[dict[str, tuple[str, str]], list[str], list[dict]]:
    """({doc id: (title, text)}, the questions in file order, their judgments by position:
    {doc id: grade})."""
    docs = {}
    previous = 0
    for r in _records(root / "cran.all.1400"):
        if not r["I"].isdigit():  # the last abstract's ".I" has lost its number: 1400
            r["I"] = str(previous + 1)
        previous = int(r["I"])
        title = " ".join(r.get("T", "").split()).rstrip(" .")
        docs[r["I"]] = (title, r.get("W", "").strip())
    questions = [" ".join(r.get("W", "").split()) for r in _records(root / "cran.qry")]
    judged: list[dict[str, int]] = [{} for _ in questions]
    for line in (root / "cranqrel").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3 and 1 <= int(parts[0]) <= len(questions):
            judged[int(parts[0]) - 1][parts[1]] = int(parts[2])
    return docs, questions, judged


def letter_id(doc: str) -> str:
    return f"cran-{int(doc):04d}"


# -- measures ---------------------------------------------------------------------------


def measures(ranked: list[str], grades: dict[str, int]) -> dict[str, float]:
    """MAP@100's average precision, nDCG@10, P@10 and R@100 of one ranked list."""
    relevant = set(grades)
    hits, precision_sum = 0, 0.0
    for k, doc in enumerate(ranked[:DEPTH], 1):
        if doc in relevant:
            hits += 1
            precision_sum += hits / k
    gains = [5 - grades[d] if d in grades else 0 for d in ranked[:10]]
    ideal = sorted((5 - g for g in grades.values()), reverse=True)[:10]

    def dcg(values: list[int]) -> float:
        return sum(g / math.log2(i + 2) for i, g in enumerate(values))

    return {
        "ap": precision_sum / len(relevant) if relevant else 0.0,
        "ndcg10": dcg(gains) / dcg(ideal) if ideal else 0.0,
        "p10": sum(1 for d in ranked[:10] if d in relevant) / 10,
        "r100": len(relevant & set(ranked[:DEPTH])) / len(relevant) if relevant else 0.0,
    }


def evaluate(rank: Ranker, questions: list[str], judged: list[dict]) -> dict:
    """The mean measures of one system over every judged question."""
    totals: Counter = Counter()
    asked = empty = failed = 0
    started = time.perf_counter()
    for question, grades in zip(questions, judged, strict=True):
        if not grades:
            continue
        asked += 1
        try:
            ranked = rank(question)
        except Exception as exc:  # a question the system refuses counts as nothing found
            failed += 1
            print(f"  refused: {question[:60]!r}: {exc}", file=sys.stderr)
            ranked = []
        empty += not ranked
        totals.update(measures(ranked, grades))
    return {
        "map100": round(totals["ap"] / asked, 4),
        "ndcg10": round(totals["ndcg10"] / asked, 4),
        "p10": round(totals["p10"] / asked, 4),
        "r100": round(totals["r100"] / asked, 4),
        "questions": asked,
        "found_nothing": empty,
        "refused": failed,
        "seconds": round(time.perf_counter() - started, 2),
    }


# -- the systems ------------------------------------------------------------------------


def missive(docs: dict, workdir: Path) -> tuple[Ranker, Callable[[], None], dict]:
    """Cranfield as a Missive archive, indexed; a ranker asking Missive's default search."""
    from indexer import indexing
    from indexer.archive import Archive
    from indexer.engines import open_engine
    from indexer.ingest.reader import Reader
    from indexer.search import SearchRequest

    archive = workdir / "archive"
    shutil.rmtree(archive, ignore_errors=True)
    for doc, (title, text) in docs.items():
        folder = archive / "letters" / letter_id(doc)
        folder.mkdir(parents=True)
        (folder / "letter.json").write_text(
            json.dumps({"title": title, "languages": ["en"]}), encoding="utf-8"
        )
        (folder / "page-001.txt").write_text(text + "\n", encoding="utf-8")
    engine = open_engine(workdir / "index")
    arch = Archive(archive)
    started = time.perf_counter()
    report = indexing.build(arch, engine, Reader(arch, ocr_cache=workdir / "cache"))
    built = {"letters": len(report.indexed), "seconds": round(time.perf_counter() - started, 1)}
    engine.refresh()
    back = {letter_id(doc): doc for doc in docs}

    def rank(question: str) -> list[str]:
        result = engine.search(SearchRequest(q=question, per_page=DEPTH))
        return [back[h.id] for h in result.hits]

    rank.engine = engine  # type: ignore[attr-defined]  (the acceptance test asks it more)
    return rank, engine.close, built


def fts5(docs: dict) -> Ranker:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE d USING fts5(id UNINDEXED, title, body, tokenize='porter unicode61')"
    )
    db.executemany("INSERT INTO d VALUES (?, ?, ?)", [(k, t, b) for k, (t, b) in docs.items()])

    def rank(question: str) -> list[str]:
        words = _WORD.findall(question.lower())
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        rows = db.execute(
            "SELECT id FROM d WHERE d MATCH ? ORDER BY bm25(d) LIMIT ?", (match, DEPTH)
        )
        return [r[0] for r in rows]

    return rank


def bm25(docs: dict, k1: float = 1.2, b: float = 0.75) -> Ranker:
    from whoosh.lang.porter import stem

    def terms(text: str) -> list[str]:
        return [stem(w) for w in _WORD.findall(text.lower())]

    postings: dict[str, dict[str, int]] = {}
    lengths: dict[str, int] = {}
    for doc, (title, text) in docs.items():
        words = terms(f"{title} {text}")
        lengths[doc] = len(words)
        for word, tf in Counter(words).items():
            postings.setdefault(word, {})[doc] = tf
    n = len(docs)
    avgdl = sum(lengths.values()) / n

    def rank(question: str) -> list[str]:
        scores: Counter = Counter()
        for word in terms(question):
            found = postings.get(word, {})
            idf = math.log(1 + (n - len(found) + 0.5) / (len(found) + 0.5))
            for doc, tf in found.items():
                norm = tf + k1 * (1 - b + b * lengths[doc] / avgdl)
                scores[doc] += idf * tf * (k1 + 1) / norm
        best = sorted(scores.items(), key=lambda kv: (-kv[1], int(kv[0])))
        return [doc for doc, _ in best[:DEPTH]]

    return rank


# -- the report -------------------------------------------------------------------------


def table(results: dict[str, dict]) -> str:
    lines = [
        "| system | MAP@100 | nDCG@10 | P@10 | R@100 | found nothing | refused |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['map100']:.3f} | {r['ndcg10']:.3f} | {r['p10']:.3f} | "
            f"{r['r100']:.3f} | {r['found_nothing']} of {r['questions']} | {r['refused']} |"
        )
    return "\n".join(lines)


def run(cranfield: Path, workdir: Path) -> dict:
    docs, questions, judged = read_cranfield(cranfield)
    rank, close, built = missive(docs, workdir)
    try:
        results = {"Missive (default search)": evaluate(rank, questions, judged)}
    finally:
        close()
    results["SQLite FTS5 bm25"] = evaluate(fts5(docs), questions, judged)
    results["BM25 (k1 1.2, b 0.75)"] = evaluate(bm25(docs), questions, judged)
    return {"documents": len(docs), "missive_build": built, "results": results}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cranfield", type=Path, default=CRANFIELD)
    ap.add_argument("--workdir", type=Path, help="where the archive and index go (a temp dir)")
    ap.add_argument("--json", type=Path, help="write the results to this file")
    args = ap.parse_args(argv)
    if not (args.cranfield / "cran.all.1400").is_file():
        print(f"{args.cranfield}: no Cranfield collection there (cran.all.1400)", file=sys.stderr)
        return 2
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="missive-relevance-"))
    out = run(args.cranfield, workdir)
    print(f"## Relevance on Cranfield: {out['documents']} abstracts, "
          f"{next(iter(out['results'].values()))['questions']} questions\n")
    print(table(out["results"]))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
