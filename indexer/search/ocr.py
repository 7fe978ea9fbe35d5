"""OCR-tolerant matching, in Missive's terms: which words of a collection a query word may
have been misread as, and how far each is from it.

Engines ask `variants(word, vocabulary)` for the word forms (folded, as their unstemmed
field holds them) that an OCR-tolerant search also accepts for `word`, each with its cost.
The cost is an edit distance in which the slips OCR makes all the time are cheap
(`CONFUSIONS`: rn/m, l/1/i, e/c, li/h, the long s read as f, ...) and any other edit costs
one; the budget grows with the word's length (`budget`), and the first letters may be
misread like any other.  A word of three letters or fewer has no variants (nearly every
one-letter change of a short word is another real word), but in a phrase, whose other
words keep it precise, a word of three letters may have one slip ("tho" for "the").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

EDIT = 1.0  # a letter added, dropped or changed that OCR does not usually confuse
SLIP = 0.4  # a confusion OCR makes all the time (CONFUSIONS)
# How much less a variant weighs than the word typed: an exact hit ranks first.
VARIANT_WEIGHT = 0.25
# A misreading is much rarer than the word misread: of two words that are each held by more
# than this share of the letters holding the other (and by more than FEW), neither is the
# other misread ("right" and "night", "came" and "come").  Measured on real OCR:
# benchmarks/ocr_noise.py.
RARER = 0.25
FEW = 3  # letters: a word this rare may always be a misreading
# In a phrase, whose other words keep it precise, a commoner misreading is let in ("tho"
# for "the" in a third of an old newspaper's articles).
RARER_IN_PHRASE = 0.5

# Pairs of glyph groups OCR reads one for the other, in either direction (folded text:
# capital I is i).  Changing one for the other costs SLIP.
CONFUSIONS = (
    # one letter for another
    ("l", "1"), ("l", "i"), ("i", "1"), ("l", "t"), ("i", "j"), ("i", "t"),
    ("e", "c"), ("c", "o"), ("e", "o"), ("a", "o"), ("o", "0"), ("a", "s"),
    ("n", "u"), ("u", "v"), ("v", "y"), ("h", "b"), ("h", "n"), ("b", "6"),
    ("s", "5"), ("f", "s"), ("f", "t"), ("g", "q"), ("g", "9"), ("z", "2"),
    ("r", "t"), ("m", "n"),
    # several glyphs read as one
    ("rn", "m"), ("in", "m"), ("ni", "m"), ("ri", "n"), ("li", "h"), ("ii", "u"),
    ("ii", "n"), ("vv", "w"), ("cl", "d"), ("ci", "d"), ("lc", "k"), ("ln", "h"),
)
_COST: dict[tuple[str, str], float] = {}
for _a, _b in CONFUSIONS:
    _COST[_a, _b] = _COST[_b, _a] = SLIP
_SHAPES = sorted({(len(a), len(b)) for a, b in _COST if (len(a), len(b)) != (1, 1)})


def budget(word: str, *, in_phrase: bool = False) -> float:
    """The edits a variant of `word` may cost, by its length: none up to three letters,
    one slip at four, two slips at five and six, an edit and a slip from seven, two edits
    from ten.  In a phrase, whose other words keep it precise, a word of three letters
    may have one slip."""
    n = len(word)
    if n == 3 and in_phrase:
        return SLIP
    if n <= 3:
        return 0.0
    if n == 4:
        return SLIP
    if n <= 6:
        return 2 * SLIP
    if n <= 9:
        return EDIT + SLIP
    return 2 * EDIT


def distance(a: str, b: str, limit: float = float("inf")) -> float:
    """The cost of reading `a` as `b`: edits weighted by CONFUSIONS (a swap of neighbours
    is one edit); above `limit` the answer is only known to be above it."""
    n, m = len(a), len(b)
    d = [[0.0] * (m + 1) for _ in range(n + 1)]
    for j in range(m + 1):
        d[0][j] = j * EDIT
    for i in range(1, n + 1):
        row, up = d[i], d[i - 1]
        row[0] = i * EDIT
        ca = a[i - 1]
        for j in range(1, m + 1):
            cb = b[j - 1]
            best = up[j - 1] if ca == cb else up[j - 1] + _COST.get((ca, cb), EDIT)
            best = min(best, up[j] + EDIT, row[j - 1] + EDIT)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, d[i - 2][j - 2] + EDIT)
            for la, lb in _SHAPES:
                if i >= la and j >= lb:
                    cost = _COST.get((a[i - la : i], b[j - lb : j]))
                    if cost is not None:
                        best = min(best, d[i - la][j - lb] + cost)
            row[j] = best
        if min(row) > limit:
            return min(row)
    return d[n][m]


def variants(
    word: str,
    vocabulary: Iterable[str],
    *,
    frequency: Callable[[str], int] | None = None,
    limit: int = 50,
    in_phrase: bool = False,
) -> list[tuple[str, float]]:
    """(variant, cost) for the words of `vocabulary` (folded) within `budget(word)` of the
    folded `word`, cheapest first, at most `limit`; the word itself is not one.

    `frequency(w)`, when given, is the number of letters holding w: two words that are
    both common (the rarer held by more than RARER of the letters holding the other, and
    by more than FEW) are two words, not one misread; a word typed that no letter holds
    may stand for any."""
    allowed = budget(word, in_phrase=in_phrase)
    if allowed <= 0:
        return []
    # Plain edit distance first, in compiled code: a slip is one or two plain edits.
    near = process.extract(
        word,
        vocabulary,
        scorer=Levenshtein.distance,
        score_cutoff=int(allowed) + 2,
        limit=None,
    )
    out = []
    for w, _, _ in near:
        if w == word:
            continue
        cost = distance(word, w, allowed)
        if cost <= allowed + 1e-9:
            out.append((w, round(cost, 2)))
    if frequency is not None and out:
        own = frequency(word)

        def misread(w: str) -> bool:
            rarer, commoner = sorted((own, frequency(w)))
            return rarer <= max(FEW, (RARER_IN_PHRASE if in_phrase else RARER) * commoner)

        out = [(w, c) for w, c in out if misread(w)]
    out.sort(key=lambda wc: (wc[1], wc[0]))
    return out[:limit]


def weight(cost: float) -> float:
    """How much a variant of this cost weighs beside the word typed (1.0)."""
    return VARIANT_WEIGHT / (1.0 + cost)
