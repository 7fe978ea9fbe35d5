"""A deterministic synthetic archive of diplomatic letters, in the real archive format.

    python -m benchmarks.generate --n 2000 --out /tmp/bench-archive --seed 1

writes OUT/letters/<id>/letter.json and page-NNN.txt for N letters, and
OUT/benchmark-manifest.json describing what was generated (counts by country, date
precision, page count, noise; the letters that got page images).  The same N and seed
always give the same archive.

What the letters look like:

- a letterhead (the sender's office and its address), a date line, the recipient's
  address block, a subject line, a salutation, body paragraphs, a closing and a
  signature with the sender's name, role and office; pages after the first start
  with a page number;
- senders from 80 countries, skewed like real collections (Zipf, a few countries
  write most letters; from N = 80 on every country writes at least one); bodies
  mention other countries by name;
- dates from 1945 to 2025, more in later decades: most to the day, some to the month
  (YYYY-MM) or the year (YYYY), some undated (no date in the sidecar, no date line);
- 1 to 4 pages; a tenth of the letters with OCR-like noise (rn/m, l/1, e/c confusions,
  dropped letters) as uncorrected OCR transcripts have;
- words drawn with Zipf-like weights from benchmarks/vocabulary.py, so query words
  have realistic selectivity;
- `--images K` (default 20) one-page letters also get a scan-like page-001.jpg
  (2000x2800, paper noise and the letter's text), for the page-image routes.

Files are written directly, without validating sidecars one by one: 50,000 letters
take about a minute.
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import itertools
import json
import random
import re
import shutil
import sys
import textwrap
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import vocabulary as V

MANIFEST = "benchmark-manifest.json"
GENERATOR_VERSION = 1
YEARS = (1945, 2025)
# Date precision of a letter: day, month (YYYY-MM), year (YYYY), or none at all.
DATE_KINDS = (("day", 80), ("month", 8), ("year", 5), ("undated", 7))
PAGE_WEIGHTS = ((1, 35), (2, 35), (3, 20), (4, 10))
NOISY_SHARE = 0.10
WORDS_PER_PAGE = (170, 320)  # body words per page


class Zipf:
    """Draw items of a list with weight 1 / rank**s (the first item most often)."""

    def __init__(self, items, s: float = 1.0):
        self.items = list(items)
        self.cum = list(itertools.accumulate(1.0 / (r**s) for r in range(1, len(self.items) + 1)))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random):
        return self.items[bisect.bisect(self.cum, rng.random() * self.total)]


def _weighted(pairs):
    values = [v for v, _ in pairs]
    cum = list(itertools.accumulate(w for _, w in pairs))

    def draw(rng: random.Random):
        return values[bisect.bisect(cum, rng.random() * cum[-1])]

    return draw


COUNTRY = Zipf(V.COUNTRIES, s=1.1)
MENTION = Zipf(V.COUNTRIES, s=0.8)  # countries named in bodies: flatter than senders
# A letter draws ~150 nouns: with s = 1.2 the head words are in nearly every letter and
# the tail words in a few percent of them, as in real collections.
NOUN = Zipf(V.NOUNS, s=1.2)
ADJ = Zipf(V.ADJECTIVES, s=1.2)
VERB = Zipf(V.VERBS, s=1.1)
ADVERB = Zipf(V.ADVERBS, s=0.8)
TOPIC = Zipf(V.TOPICS, s=0.9)  # a letter's own subject
OTHER_TOPIC = Zipf(V.TOPICS, s=0.5)  # other subjects it mentions in passing
MEETING = Zipf(V.MEETINGS, s=1.0)
LEGAL = Zipf(V.LEGAL_PHRASES, s=0.9)
OPENING = Zipf(V.OPENINGS, s=0.7)
DATE_KIND = _weighted(DATE_KINDS)
PAGES = _weighted(PAGE_WEIGHTS)
OFFICE = _weighted(list(zip(V.OFFICES, V.OFFICE_WEIGHTS, strict=True)))
YEAR = _weighted([(y, 1 + (y - YEARS[0]) / 25) for y in range(YEARS[0], YEARS[1] + 1)])
MODALS = (
    "wishes to",
    "is prepared to",
    "intends to",
    "will continue to",
    "has decided to",
    "would be pleased to",
    "is ready to",
    "must",
    "cannot",
    "stands ready to",
)


@dataclass
class Person:
    name: str
    honorific: str
    surname: str


@dataclass
class Plan:
    """Everything decided about one letter before its text is written."""

    index: int
    country: tuple[str, str, str]  # code, name, capital
    office_kind: str
    organisation: str
    place: str
    role: str
    sender: Person
    recipient: dict
    recipient_person: Person
    date_kind: str
    date_iso: str | None
    date_written: str | None
    pages: int
    noisy: bool
    topic: str
    title: str
    id: str = ""
    texts: list[str] = field(default_factory=list)


def _person(rng: random.Random) -> Person:
    surname = rng.choice(V.SURNAMES)
    return Person(f"{rng.choice(V.FIRST_NAMES)} {surname}", rng.choice(V.HONORIFICS), surname)


def _date(rng: random.Random) -> tuple[str, str | None, str | None]:
    kind = DATE_KIND(rng)
    if kind == "undated":
        return kind, None, None
    year = YEAR(rng)
    month = rng.randint(1, 12)
    if kind == "year":
        return kind, f"{year}", f"{year}"
    if kind == "month":
        return kind, f"{year}-{month:02d}", f"{V.MONTHS[month - 1]} {year}"
    day = rng.randint(1, calendar.monthrange(year, month)[1])
    name = V.MONTHS[month - 1]
    written = rng.choice((f"{day} {name} {year}", f"{name} {day}, {year}", f"{day} {name}, {year}"))
    return kind, f"{year}-{month:02d}-{day:02d}", written


def _recipient(rng: random.Random, sender_code: str) -> tuple[dict, Person]:
    person = _person(rng)
    if rng.random() < 0.55:
        code, name, capital = MENTION(rng)
        while code == sender_code:
            code, name, capital = MENTION(rng)
        role = rng.choice(("Minister of Foreign Affairs", "Ambassador", "Director General"))
        org = f"Ministry of Foreign Affairs of {name}"
        return (
            {
                "name": person.name,
                "role": role,
                "organisation": org,
                "country": code,
                "place": capital,
            },
            person,
        )
    org, code, city = rng.choice(V.ORGANISATIONS)
    role = rng.choice(V.RECIPIENT_ROLES)
    return (
        {"name": person.name, "role": role, "organisation": org, "country": code, "place": city},
        person,
    )


def _title(rng: random.Random, country_name: str, topic: str) -> str:
    bare = topic.removeprefix("the ")
    pattern = rng.choice(
        (
            "{c}'s position on {t}",
            "Note verbale on {t}",
            "Reply to the questionnaire on {t}",
            "Request for consultations on {t}",
            "Comments on the draft text of {t}",
            "Invitation concerning {t}",
            "{C} and {t}",
            "Agreement on {t}",
        )
    )
    return pattern.format(c=country_name, C=country_name, t=bare)


def plan_letter(rng: random.Random, index: int, country: tuple | None = None) -> Plan:
    drawn = COUNTRY(rng)
    country = country or drawn
    code, name, capital = country
    kind, org_pattern, roles = OFFICE(rng)
    organisation = org_pattern.format(c=name)
    if kind in ("embassy", "consulate"):
        host = MENTION(rng)
        while host[0] == code:
            host = MENTION(rng)
        place = host[2]
        organisation += f" in {host[1]}"
    elif kind == "mission":
        place = rng.choice(("New York", "Geneva", "Vienna"))
    else:
        place = capital
    recipient, recipient_person = _recipient(rng, code)
    date_kind, date_iso, written = _date(rng)
    topic = TOPIC(rng)
    plan = Plan(
        index=index,
        country=country,
        office_kind=kind,
        organisation=organisation,
        place=place,
        role=rng.choice(roles),
        sender=_person(rng),
        recipient=recipient,
        recipient_person=recipient_person,
        date_kind=date_kind,
        date_iso=date_iso,
        date_written=written,
        pages=PAGES(rng),
        noisy=rng.random() < NOISY_SHARE,
        topic=topic,
        title=_title(rng, name, topic),
    )
    plan.id = f"{date_iso or 'undated'}-{code.lower()}-{kind}-{index:06d}"
    return plan


# -- text -----------------------------------------------------------------------------


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _np(rng: random.Random, plan: Plan) -> str:
    """A noun phrase: 'the bilateral consultations', 'the verification of munitions'."""
    r = rng.random()
    if r < 0.35:
        return f"the {ADJ(rng)} {NOUN(rng)}"
    if r < 0.6:
        return f"the {NOUN(rng)} of {NOUN(rng)}"
    if r < 0.75:
        return f"{ADJ(rng)} {NOUN(rng)}"
    if r < 0.95:
        return f"the {NOUN(rng)}"
    return plan.topic


def _country_ref(rng: random.Random) -> str:
    name = MENTION(rng)[1]
    return rng.choice(
        (
            f"the Government of {name}",
            f"the delegation of {name}",
            name,
            f"the authorities of {name}",
            f"{name} and {MENTION(rng)[1]}",
        )
    )


SENTENCES = [
    "My Government {modal} {verb} {np} {legal}.",
    "{me} {modal} {verb} {np} concerning {topic}.",
    "{Adverb}, {cref} {modal} {verb} {np}.",
    "The {noun} of {np} {remains} {adj} for {me}.",
    "At the {meeting}, {cref} {modal} {verb} {np}.",
    "We {believe} that {np} {should} {verb} {np} {legal}.",
    "In this regard, I {wish} {verb} {np} and {np}.",
    "The {office} {opening} {np} of {cref}.",
    "{Cref} {shares} {np} regarding {anytopic}.",
    "It is {adj} that {np} {remain} {adj} {legal}.",
    "I would be grateful if you could {verb} {np} before the {meeting}.",
    "{me} {welcomes} {np} by {cref}.",
    "The {adj} {noun} and the {noun} of {noun} {require} {adj} {noun}.",
    "{Adverb}, the {noun} of {anytopic} {modal} {verb} {np}.",
]


def _choice(*options: str):
    return lambda rng, _plan: rng.choice(options)


SLOTS = {
    "modal": _choice(*MODALS),
    "verb": lambda rng, _plan: VERB(rng),
    "noun": lambda rng, _plan: NOUN(rng),
    "adj": lambda rng, _plan: ADJ(rng),
    "np": lambda rng, plan: _np(rng, plan),
    "legal": lambda rng, _plan: LEGAL(rng),
    "me": lambda _rng, plan: plan.country[1],
    "topic": lambda _rng, plan: plan.topic,
    "anytopic": lambda rng, plan: plan.topic if rng.random() < 0.7 else OTHER_TOPIC(rng),
    "Adverb": lambda rng, _plan: _cap(ADVERB(rng)),
    "cref": lambda rng, _plan: _country_ref(rng),
    "Cref": lambda rng, _plan: _cap(_country_ref(rng)),
    "meeting": lambda rng, _plan: MEETING(rng),
    "opening": lambda rng, _plan: OPENING(rng),
    "office": lambda _rng, plan: "Mission" if plan.office_kind == "mission" else "Ministry",
    "remains": _choice("remains", "is", "has become"),
    "remain": _choice("be", "remain", "become"),
    "believe": _choice("believe", "consider", "are convinced", "note"),
    "should": _choice("should", "must", "will", "may"),
    "wish": _choice("wish to", "would like to", "must"),
    "shares": _choice("has expressed", "shares", "does not share", "has noted"),
    "welcomes": _choice("welcomes", "regrets", "supports", "notes"),
    "require": _choice("require", "deserve", "call for"),
}
_SLOT = re.compile(r"\{(\w+)\}")


def _sentence(rng: random.Random, plan: Plan) -> str:
    template = SENTENCES[rng.randrange(len(SENTENCES))]
    return _SLOT.sub(lambda m: SLOTS[m[1]](rng, plan), template)


def _paragraphs(rng: random.Random, plan: Plan, words: int) -> list[str]:
    paras: list[str] = []
    count = 0
    while count < words:
        sentences = [_sentence(rng, plan) for _ in range(rng.randint(2, 5))]
        para = " ".join(sentences)
        count += para.count(" ") + 1
        paras.append(para)
    return paras


def _salutation(rng: random.Random, person: Person) -> str:
    pattern = rng.choice(V.SALUTATIONS)
    return pattern.format(title=person.honorific, surname=person.surname)


def write_text(rng: random.Random, plan: Plan) -> list[str]:
    """The letter's page texts."""
    code, name, capital = plan.country
    rec = plan.recipient
    head = [
        plan.organisation.upper(),
        f"{rng.randint(1, 400)} {rng.choice(V.SURNAMES)} Street, {plan.place}",
        "",
    ]
    if plan.date_written:
        head += [f"{plan.place}, {plan.date_written}", ""]
    head += [
        f"{plan.recipient_person.honorific} {rec['name']}",
        rec["role"],
        rec["organisation"],
        rec["place"],
        "",
        f"Subject: {_cap(plan.topic.removeprefix('the '))}",
        "",
        _salutation(rng, plan.recipient_person),
        "",
    ]
    tail = [
        "",
        rng.choice(V.CLOSINGS),
        "",
        plan.sender.name,
        plan.role,
        plan.organisation,
    ]
    pages = []
    for n in range(1, plan.pages + 1):
        lines = head if n == 1 else [f"- {n} -", ""]
        body = _paragraphs(rng, plan, rng.randint(*WORDS_PER_PAGE))
        text = "\n".join(lines) + "\n" + "\n\n".join(body) + "\n"
        if n == plan.pages:
            text += "\n".join(tail) + "\n"
        pages.append(text)
    if plan.noisy:
        pages = [ocr_noise(rng, p) for p in pages]
    return pages


_WORD = re.compile(r"[A-Za-z]{3,}")


def _corrupt(rng: random.Random, word: str) -> str:
    op = rng.randrange(5)
    if op == 0 and "m" in word:
        i = word.index("m")
        return word[:i] + "rn" + word[i + 1 :]
    if op == 1 and "rn" in word:
        return word.replace("rn", "m", 1)
    if op == 2 and "l" in word:
        i = word.index("l")
        return word[:i] + "1" + word[i + 1 :]
    if op == 3 and "e" in word:
        i = word.rindex("e")
        return word[:i] + "c" + word[i + 1 :]
    i = rng.randrange(1, len(word))
    return word[:i] + word[i + 1 :]  # a dropped letter


def ocr_noise(rng: random.Random, text: str, rate: float = 0.12) -> str:
    """Corrupt about `rate` of the words the way uncorrected OCR does."""
    return _WORD.sub(lambda m: _corrupt(rng, m[0]) if rng.random() < rate else m[0], text)


def sidecar(plan: Plan) -> dict:
    code, name, capital = plan.country
    data: dict = {"title": plan.title}
    if plan.date_iso:
        data["date"] = plan.date_iso
        data["date_as_written"] = plan.date_written
    data["sender"] = {
        "name": plan.sender.name,
        "role": plan.role,
        "organisation": plan.organisation,
        "country": code,
        "place": plan.place,
    }
    data["recipient"] = plan.recipient
    data["languages"] = ["en"]
    data["collection"] = "Synthetic diplomatic correspondence (benchmark)"
    # Unknown fields are kept and ignored by the indexer: what the generator did.
    data["synthetic"] = {"index": plan.index, "noisy": plan.noisy, "pages": plan.pages}
    return data


# -- page images ------------------------------------------------------------------------


def scan_image(seed: int, text: str, path: Path, size=(2000, 2800)) -> None:
    """A scan-like JPEG: paper-toned noise with the page's text typed on it."""
    from PIL import Image, ImageDraw, ImageFont

    w, h = size
    rng = random.Random(seed)
    noise = Image.frombytes("L", (w, h), rng.randbytes(w * h))
    paper = noise.point(lambda v: 222 + v // 8)  # light grain, 222-253
    img = Image.merge("RGB", (paper, paper, paper.point(lambda v: v - 12)))
    draw = ImageDraw.Draw(img)
    try:
        font = ImageFont.load_default(size=34)
    except (TypeError, OSError):  # an old Pillow without FreeType sizes
        font = ImageFont.load_default()
    y = 160
    lines = [c for line in text.splitlines() for c in (textwrap.wrap(line, 95) or [""])]
    for line in lines:
        if y >= h - 160:
            break
        draw.text((150, y), line, fill=(30, 30, 35), font=font)
        y += 46
    img.save(path, "JPEG", quality=85)


# -- the archive --------------------------------------------------------------------


def generate(out: Path, n: int, *, seed: int = 1, images: int = 20, progress: bool = False) -> dict:
    """Write N letters into OUT/letters and return the manifest (also written to OUT)."""
    letters_dir = Path(out) / "letters"
    letters_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    stats = {
        "countries": Counter(),
        "date_kinds": Counter(),
        "pages": Counter(),
        "noisy": 0,
        "page_files": 0,
        "bytes": 0,
    }
    single_page: list[tuple[str, str]] = []
    # The long tail: every country writes at least one letter (spread evenly through
    # the archive) when there are enough letters; all other senders are drawn by Zipf.
    cover = {}
    if n >= len(V.COUNTRIES):
        cover = {1 + k * n // len(V.COUNTRIES): c for k, c in enumerate(V.COUNTRIES)}
    t0 = time.perf_counter()
    for i in range(1, n + 1):
        plan = plan_letter(rng, i, cover.get(i))
        texts = write_text(rng, plan)
        folder = letters_dir / plan.id
        folder.mkdir(exist_ok=True)
        side = json.dumps(sidecar(plan), ensure_ascii=False, indent=1)
        (folder / "letter.json").write_text(side, encoding="utf-8")
        for p, text in enumerate(texts, start=1):
            (folder / f"page-{p:03d}.txt").write_text(text, encoding="utf-8")
            stats["bytes"] += len(text)
        stats["countries"][plan.country[0]] += 1
        stats["date_kinds"][plan.date_kind] += 1
        stats["pages"][plan.pages] += 1
        stats["noisy"] += plan.noisy
        stats["page_files"] += plan.pages
        if plan.pages == 1 and not plan.noisy:
            single_page.append((plan.id, texts[0]))
        if progress and i % 5000 == 0:
            print(f"  {i} letters, {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    # Page images for `images` one-page letters spread over the archive.
    image_ids = []
    if images and single_page:
        step = max(1, len(single_page) // images)
        for k, (letter_id, text) in enumerate(single_page[::step][:images]):
            scan_image(seed * 100_003 + k, text, letters_dir / letter_id / "page-001.jpg")
            image_ids.append(letter_id)
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "n": n,
        "seed": seed,
        "seconds": round(time.perf_counter() - t0, 2),
        "countries": dict(stats["countries"].most_common()),
        "country_count": len(stats["countries"]),
        "date_kinds": dict(stats["date_kinds"]),
        "pages": {str(k): v for k, v in sorted(stats["pages"].items())},
        "page_files": stats["page_files"],
        "noisy": stats["noisy"],
        "text_bytes": stats["bytes"],
        "images": images,
        "image_letters": image_ids,
    }
    (Path(out) / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def read_manifest(out: Path) -> dict | None:
    try:
        return json.loads((Path(out) / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.generate", description=__doc__.split("\n\n")[0]
    )
    ap.add_argument("--n", type=int, default=50_000, help="number of letters (50000)")
    ap.add_argument("--out", type=Path, required=True, help="archive folder to write")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--images", type=int, default=20, help="one-page letters given a scan (20)")
    ap.add_argument(
        "--force", action="store_true", help="replace OUT/letters if it holds letters already"
    )
    args = ap.parse_args(argv)
    letters = args.out / "letters"
    if letters.is_dir() and any(letters.iterdir()):
        if not args.force:
            print(f"{letters} holds letters already; --force replaces them", file=sys.stderr)
            return 2
        shutil.rmtree(letters)
    m = generate(args.out, args.n, seed=args.seed, images=args.images, progress=True)
    print(
        f"{m['n']} letters ({m['page_files']} pages, {m['text_bytes'] / 1e6:.1f} MB of text) "
        f"from {m['country_count']} countries in {m['seconds']} s: {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
