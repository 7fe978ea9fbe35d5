"""OCR noise: how many letters with misread words a search finds, and how many it finds
wrongly, in Missive's normal and OCR-tolerant modes.

    python -m benchmarks.ocr_noise [--corpus DIR] [--workdir DIR] [--json FILE] [--seed N]

Real OCR beside its corrected text, from `../shared/corpus/ocr_noise/`: the Overproof
dataset 3 (`allArticles.txt`, US newspaper articles, each line `ocr||@@||human||@@||auto`)
and ICDAR2017's English files (`[OCR_toInput]` is the OCR, `[ GS_aligned]` the corrected
text, `@` aligning and `#` standing for what was not transcribed).  Each article or file
becomes a letter whose page is the noisy OCR, in an archive of its own, indexed by the
configured engine (`MISSIVE_ENGINE`, default Whoosh).

Queries are drawn from the clean texts (seeded): words of four letters or more that are no
stop words, and two-word phrases of adjacent words.  A letter found is right when its
clean text holds the word (a word of the same stem: the search stems too) or the phrase
(the stems side by side).  Recall and precision are summed over every query (micro
average); "added right" is the share of the letters OCR mode adds to the normal mode's
that hold the query.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "ocr_noise"
WORDS, PHRASES = 400, 300  # queries drawn of each kind
_WORD = re.compile(r"\w+(?:\.\w+)*")  # as the index splits words (hyphens, apostrophes)
_GS = re.compile(r"\[ GS_aligned\](.*)", re.S)
_OCR = re.compile(r"\[OCR_toInput\](.*?)\[OCR_aligned\]", re.S)
STOP = set(
    "about above after again against also because been before being below between both "
    "could does doing down during each from further have having here into itself just "
    "more most once only other ought over same shall should some such than that their "
    "theirs them themselves then there these they this those through under until upon "
    "very were what when where which while whom with would your yours".split()
)


# -- the collection ---------------------------------------------------------------------


def read_overproof(path: Path) -> list[tuple[str, str]]:
    """(ocr, clean) of each article."""
    out: list[tuple[list[str], list[str]]] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("*$*OVERPROOF*$*"):
            out.append(([], []))
            continue
        parts = line.split("||@@||")
        if out and len(parts) == 3:
            out[-1][0].append(parts[0])
            out[-1][1].append(parts[1])
    return [("\n".join(o), "\n".join(c)) for o, c in out if o]


def read_icdar(root: Path) -> list[tuple[str, str]]:
    """(ocr, clean) of each file, the clean text without its alignment marks."""
    out = []
    for path in sorted(root.rglob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        ocr, gs = _OCR.search(text), _GS.search(text)
        if ocr and gs:
            out.append((ocr.group(1).strip(), gs.group(1).replace("@", "").strip()))
    return out


def read_corpus(root: Path) -> dict[str, tuple[str, str]]:
    """{letter id: (ocr, clean)} of both sources."""
    texts = {}
    for n, pair in enumerate(read_overproof(root / "overproof_dataset3" / "allArticles.txt")):
        texts[f"overproof-{n + 1:03d}"] = pair
    for n, pair in enumerate(read_icdar(root / "icdar2017_eng")):
        texts[f"icdar-{n + 1:03d}"] = pair
    return texts


def _stems(text: str) -> list[str]:
    from whoosh.lang.porter import stem
    from whoosh.support.charset import accent_map

    return [stem(w.lower().translate(accent_map)) for w in _WORD.findall(text)]


def draw(texts: dict[str, tuple[str, str]], seed: int) -> tuple[list[str], list[str]]:
    """Words and two-word phrases of the clean texts, drawn letter by letter (seeded)."""
    rng = random.Random(seed)
    ids = sorted(texts)
    words: dict[str, None] = {}
    phrases: dict[str, None] = {}

    def plain(w: str) -> bool:
        return w.isalpha() and w.isascii()

    tries = 0
    while (len(words) < WORDS or len(phrases) < PHRASES) and tries < 100_000:
        tries += 1
        clean = texts[rng.choice(ids)][1]
        tokens = [t for t in clean.split() if "#" not in t]
        tokens = [_WORD.findall(t) for t in tokens]
        flat = [w for ws in tokens for w in ws]
        if len(flat) < 2:
            continue
        i = rng.randrange(len(flat) - 1)
        a, b = flat[i].lower(), flat[i + 1].lower()
        if len(words) < WORDS and plain(a) and len(a) >= 4 and a not in STOP:
            words.setdefault(a)
        if (
            len(phrases) < PHRASES
            and plain(a)
            and plain(b)
            and min(len(a), len(b)) >= 3
            and (len(a) >= 4 and a not in STOP or len(b) >= 4 and b not in STOP)
        ):
            phrases.setdefault(f"{a} {b}")
    return list(words), list(phrases)


def holders(texts: dict[str, tuple[str, str]], queries: list[str]) -> dict[str, set[str]]:
    """The letters whose clean text holds each query's stems side by side."""
    clean = {i: _stems(c) for i, (_, c) in texts.items()}
    grams = {i: {tuple(s[k : k + 2]) for k in range(len(s) - 1)} for i, s in clean.items()}
    singles = {i: set(s) for i, s in clean.items()}
    out = {}
    for q in queries:
        stems = tuple(_stems(q))
        if len(stems) == 1:
            out[q] = {i for i, s in singles.items() if stems[0] in s}
        else:
            out[q] = {i for i, g in grams.items() if stems in g}
    return out


# -- the measure ------------------------------------------------------------------------


def index(texts: dict[str, tuple[str, str]], workdir: Path):
    """The noisy OCR as an archive of letters, indexed by the configured engine."""
    from indexer import indexing
    from indexer.archive import Archive
    from indexer.engines import open_engine
    from indexer.ingest.reader import Reader

    archive = workdir / "archive"
    shutil.rmtree(archive, ignore_errors=True)
    for letter_id, (ocr, _) in texts.items():
        folder = archive / "letters" / letter_id
        folder.mkdir(parents=True)
        (folder / "letter.json").write_text(
            json.dumps({"title": "", "languages": ["en"]}), encoding="utf-8"
        )
        (folder / "page-001.txt").write_text(ocr + "\n", encoding="utf-8")
    engine = open_engine(workdir / "index")
    arch = Archive(archive)
    started = time.perf_counter()
    report = indexing.build(arch, engine, Reader(arch, ocr_cache=workdir / "cache"))
    engine.refresh()
    seconds = round(time.perf_counter() - started, 1)
    return engine, {"letters": len(report.indexed), "seconds": seconds}


def measure(engine, queries: list[str], truth: dict[str, set[str]], *, phrase: bool) -> dict:
    """Recall and precision of both modes over the queries, and what OCR mode adds."""
    from indexer.search import QueryError, SearchRequest

    sums: Counter = Counter()
    refused = 0
    started = time.perf_counter()
    for q in queries:
        text = f'"{q}"' if phrase else q
        got = {}
        try:
            for mode in ("normal", "ocr"):
                req = SearchRequest(q=text, ocr=mode == "ocr", per_page=1)
                got[mode] = {i for i, _ in engine.ordered(req, 100_000).letters}
        except QueryError:
            refused += 1
            continue
        right = truth[q]
        sums["relevant"] += len(right)
        for mode, found in got.items():
            sums[f"{mode}_found"] += len(found)
            sums[f"{mode}_right"] += len(found & right)
        added = got["ocr"] - got["normal"]
        sums["added"] += len(added)
        sums["added_right"] += len(added & right)

    def share(a: str, b: str) -> float:
        return round(sums[a] / sums[b], 3) if sums[b] else 0.0

    return {
        "queries": len(queries) - refused,
        "refused": refused,
        "relevant": sums["relevant"],
        "normal": {"recall": share("normal_right", "relevant"),
                   "precision": share("normal_right", "normal_found")},
        "ocr": {"recall": share("ocr_right", "relevant"),
                "precision": share("ocr_right", "ocr_found")},
        "added": sums["added"],
        "added_right": share("added_right", "added"),
        "seconds": round(time.perf_counter() - started, 1),
    }


def run(corpus: Path, workdir: Path, seed: int) -> dict:
    texts = read_corpus(corpus)
    words, phrases = draw(texts, seed)
    truth = holders(texts, words + phrases)
    engine, built = index(texts, workdir)
    try:
        return {
            "letters": len(texts),
            "seed": seed,
            "build": built,
            "words": measure(engine, words, truth, phrase=False),
            "phrases": measure(engine, phrases, truth, phrase=True),
        }
    finally:
        engine.close()


def table(out: dict) -> str:
    rows = [
        "| queries | mode | recall | precision | letters OCR mode adds (right) |",
        "|---|---|---|---|---|",
    ]
    for kind in ("words", "phrases"):
        r = out[kind]
        label = f"{r['queries']} {kind}"
        rows.append(f"| {label} | normal | {r['normal']['recall']:.3f} | "
                    f"{r['normal']['precision']:.3f} | |")
        rows.append(f"| {label} | OCR-tolerant | {r['ocr']['recall']:.3f} | "
                    f"{r['ocr']['precision']:.3f} | {r['added']} ({r['added_right']:.0%}) |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--workdir", type=Path, help="where the archive and index go (a temp dir)")
    ap.add_argument("--json", type=Path, help="write the results to this file")
    ap.add_argument("--seed", type=int, default=12)
    args = ap.parse_args(argv)
    if not (args.corpus / "overproof_dataset3" / "allArticles.txt").is_file():
        print(f"{args.corpus}: no OCR-noise corpus there (overproof_dataset3/allArticles.txt)",
              file=sys.stderr)
        return 2
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="missive-ocr-noise-"))
    out = run(args.corpus, workdir, args.seed)
    print(f"## OCR noise: {out['letters']} letters of real OCR, seed {out['seed']}\n")
    print(table(out))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
