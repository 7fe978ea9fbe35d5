"""Fast paths give what Whoosh's own would: the indexing path the analyzers' terms,
word-gram phrases the positional phrases' letters, fuzzy terms the same words."""

from __future__ import annotations

import math
import random

import pytest
from whoosh import fields, query
from whoosh.support.levenshtein import damerau_levenshtein

from benchmarks import generate
from indexer.engines.whoosh import analysis, ranking
from indexer.engines.whoosh.atleast import AtLeast
from indexer.engines.whoosh.marks import WordMarks
from indexer.engines.whoosh.matching import docs, scores
from indexer.engines.whoosh.query import _fuzzy_words, expand, for_matching, parse
from indexer.engines.whoosh.schema import FOLD, STEM, Text, WordGrams
from indexer.engines.whoosh.translate import TITLE_BOOST
from indexer.search.deadline import Deadline
from tests.conftest import SEEDS, Env

SAMPLES = [
    "Perú's Ministère des Affaires Étrangères, l'élève — co-chair of the U.S. delegation.",
    "Straße, Œuvre, naïve café; 3.5 mm M85 cluster-munitions, rn/m OCR slips: c1uster.",
    "Ελληνικά και русский текст, 中文 mixed with English words and_underscores.",
    "",
    "   \n\n  ",
]


def texts() -> list[str]:
    out = list(SAMPLES)
    out += [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    return out


@pytest.mark.parametrize("stemmed,phrase", [(True, True), (False, False), (True, False)])
def test_fast_terms_equal_the_analyzer_terms(stemmed, phrase):
    fast = Text(stemmed=stemmed, phrase=phrase)
    slow = fields.TEXT(analyzer=STEM if stemmed else FOLD, phrase=phrase)
    assert len(texts()) > len(SAMPLES)  # the seeds are there
    for text in texts():
        assert sorted(fast.index(text)) == sorted(slow.index(text)), text[:60]


def test_word_lists_follow_the_analyzers():
    for text in texts():
        assert analysis.folded_words(text) == [t.text for t in FOLD(text)]
        assert analysis.stemmed_words(text) == [t.text for t in STEM(text)]


def test_snippet_spans_follow_the_analyzer():
    for n, text in enumerate(texts()):
        # Whoosh reuses one token object: copy what each token says.
        tokens = [(t.text, t.startchar, t.endchar) for t in FOLD(text, chars=True)]
        rng = random.Random(n)
        picked = [w for w, _, _ in rng.sample(tokens, min(4, len(tokens)))]
        stems = {analysis.stem(w) for w in picked[:2]}
        exact = set(picked[2:])
        expected = [(a, b) for w, a, b in tokens if w in exact or analysis.stem(w) in stems]
        assert WordMarks(stems, exact).spans(text) == expected
        assert len(expected) >= len(picked)


def test_grams_are_pairs_and_triples_of_stems():
    terms = {t.decode() for t, *_ in WordGrams().index("The arms trade treaties.")}
    assert terms == {"the arm", "arm trade", "trade treati", "the arm trade", "arm trade treati"}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """300 synthetic letters (a tenth with OCR-like noise), indexed."""
    root = tmp_path_factory.mktemp("synthetic")
    env = Env(root)
    generate.generate(root / "archive", 300, seed=7, images=0)
    assert not env.build().errors
    search = env.search()
    yield search
    search.close()


def test_segments_are_separate_files_not_one_compound_file(synthetic):
    # Whoosh copies every part of a compound segment into memory when it opens it.
    files = [p.name for p in synthetic.store.current_dir().iterdir()]
    assert any(name.endswith(".pst") for name in files)
    assert not any(name.endswith(".seg") for name in files)


@pytest.mark.parametrize("fieldname", ["exact", "title"])
def test_fuzzy_words_are_whooshs_words(synthetic, fieldname):
    s, arrays = synthetic.searching._current()
    reader = s.reader()
    lexicon = arrays.lexicon(fieldname)
    rng = random.Random(5)
    found = 0
    for word in rng.sample(lexicon, 60) + ["extradtion", "negotiatoin", "munitlons"]:
        for maxdist, prefix in ((1, 1), (2, 1), (1, 0), (2, 2)):
            fuzzy = query.FuzzyTerm(fieldname, word, maxdist=maxdist, prefixlength=prefix)
            mine = _fuzzy_words(fuzzy, lexicon)
            # Whoosh's definition (its own distance function, a swap of neighbours is
            # one edit) applied to every word ...
            expected = [
                w.encode()
                for w in sorted(lexicon)
                if w.startswith(word[:prefix]) and damerau_levenshtein(w, word) <= maxdist
            ]
            assert mine == expected, word
            # ... which finds all that Whoosh's index automaton finds (it counts a swap
            # of neighbours as two edits, so it finds fewer; it fails on words no longer
            # than the prefix).
            assert len(word) <= prefix or set(
                reader.terms_within(fieldname, word, maxdist, prefix=prefix)
            ) <= {w.decode() for w in mine}
            found += len(mine) > 1
    assert found > 30  # many words have neighbours, so the comparison means something


@pytest.mark.slow  # 480 phrases, each matched both ways
def test_gram_phrases_match_exactly_the_positional_phrases(synthetic):
    """Over 300 synthetic letters: 2- to 5-word phrases (taken from the texts, and
    shuffled so some words occur but not in that order) give the same letters both ways."""
    s, arrays = synthetic.searching._current()
    rng = random.Random(3)
    stems = [analysis.stemmed_words(s.stored_fields(d)["pages_text"][0]) for d in range(40)]
    checked = nonempty = differs = 0
    for words in stems:
        for n in (2, 3, 4, 5):
            for _ in range(3):
                i = rng.randrange(0, len(words) - n)
                phrase = words[i : i + n]
                if rng.random() < 0.3:
                    phrase = rng.sample(phrase, n)
                positional = query.Phrase("content", phrase)
                fast = for_matching(positional)
                assert fast != positional
                expected = set(s.docs_for_query(positional))
                assert docs(s, arrays, fast, Deadline(None)) == expected, phrase
                assert set(s.docs_for_query(fast)) == expected, phrase
                checked += 1
                nonempty += bool(expected)
                differs += len(expected) < len(
                    set.intersection(
                        *(set(s.docs_for_query(query.Term("content", w))) for w in phrase)
                    )
                )
    assert checked == 480
    assert nonempty > 300  # phrases taken from the texts are found
    assert differs > 50  # and many have letters with all the words, not in that order


@pytest.mark.parametrize(
    "text",
    [
        "treaty",
        '"arms trade treaty"',
        "(sanctions OR embargo) AND ceasefire NOT extradition",
        "negoti*",
        "extradtion~",
        "title:agreement",
        "ministry -embassy",
        '"the assurances of my highest consideration"',
        "treaty ministry zeppelin",  # a question: most of its words (search.natural)
    ],
)
def test_scores_part_by_part_equal_whooshs_matchers_under_missives_bm25(synthetic, text):
    """Whoosh's own matchers, given the engine's weighting (ranking.Bm25), score as the sum
    of the parts read a block at a time, but for a constant (Whoosh adds 1.0 for a NOT
    inside an AND), so the letters rank the same way."""
    s, arrays = synthetic.searching._current()
    assert isinstance(s.weighting, ranking.Bm25)
    q = expand(parse(text, s.schema, match="most"), s.reader(), arrays.lexicon)
    run = for_matching(q)
    if isinstance(run, query.AndMaybe):  # a question: its words, the pairs scored apart
        run = run.a
    if isinstance(run, AtLeast):  # Whoosh has no at-least matcher: its words' union
        run = query.Or(run.subqueries)
    whoosh = dict(s.search(run, limit=None).items())
    allowed = docs(s, arrays, run, Deadline(None))
    assert set(whoosh) == allowed and len(allowed) > 2, text
    mine = scores(s, arrays, run, allowed, Deadline(None))
    assert mine.keys() <= allowed
    offsets = [whoosh[d] - mine.get(d, 0.0) for d in allowed]
    assert max(offsets) - min(offsets) == pytest.approx(0.0, abs=1e-9), text
    assert min(offsets) == pytest.approx(0.0, abs=1e-9) or "NOT" in text or " -" in text
    assert len(set(mine.values())) > 2  # scores that differ, so the order is tested


def test_a_words_score_is_bm25_with_the_standard_idf_and_its_fields_weight(synthetic):
    s, arrays = synthetic.searching._current()
    n = s.doc_count_all()
    avgfl = s.avg_field_length("content")
    lengths = arrays.lengths("content")
    stem = analysis.term("en", "treaty")
    df = s.doc_frequency("content", stem)
    assert 0 < df < n
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))  # Lucene's and FTS5's, not Whoosh's
    assert ranking.idf(n, df) == pytest.approx(idf)
    ids, weights = arrays.postings().leaf(s, "content", stem.encode())
    tfs = dict(zip(ids, weights, strict=True))
    run = parse("text:treaty", s.schema)
    found = scores(s, arrays, run, set(tfs), Deadline(None))
    k1, b = 1.2, 0.75
    for d, tf in tfs.items():
        expected = idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[d] / avgfl))
        assert found[d] == pytest.approx(expected, rel=1e-6)
    # The title's words were indexed with a boost of 2; they count once, times the title's
    # weight (translate.TITLE_BOOST), as its matcher scores them too.
    titled = dict(s.search(parse("title:treaty", s.schema), limit=None).items())
    assert titled
    t_lengths, t_avg = arrays.lengths("title"), s.avg_field_length("title")
    t_idf = ranking.idf(n, s.doc_frequency("title", stem))
    for d, score in titled.items():
        tf = s.reader().postings("title", stem.encode())
        tf.skip_to(d)
        count = tf.weight() / 2
        norm = count + k1 * (1 - b + b * t_lengths[d] / t_avg)
        assert score == pytest.approx(t_idf * count * (k1 + 1) / norm, rel=1e-6)
    # A bare word: the text, the title at its weight, and the form as typed (unstemmed).
    bare = parse("treaty", s.schema)
    both = scores(s, arrays, bare, set(titled), Deadline(None))
    alone = scores(s, arrays, run, set(titled), Deadline(None))
    typed = scores(s, arrays, query.Term("exact", "treaty"), set(titled), Deadline(None))
    for d in titled:
        title_part = titled[d] * TITLE_BOOST
        form_part = typed.get(d, 0.0) * ranking.EXACT
        assert both[d] == pytest.approx(alone.get(d, 0.0) + title_part + form_part, rel=1e-6)


def test_facet_column_holds_the_indexed_facet_terms(synthetic):
    from indexer.engines.whoosh.documents import FACET_FIELDS

    s, arrays = synthetic.searching._current()
    reader = s.reader()
    for fieldname in FACET_FIELDS:
        from_terms: list[set[str]] = [set() for _ in range(reader.doc_count_all())]
        for btext in reader.lexicon(fieldname):
            for d in reader.postings(fieldname, btext).all_ids():
                from_terms[d].add(btext.decode())
        from_column = arrays.field_values(fieldname)
        assert [set(v) for v in from_column] == from_terms, fieldname
        assert sum(map(len, from_terms)) >= reader.doc_count_all() * 0.9, fieldname


def test_did_you_mean_picks_the_nearest_then_most_frequent_word(synthetic):
    from indexer.engines.whoosh.spelling import closest_word

    s, arrays = synthetic.searching._current()
    reader = s.reader()
    lexicon = arrays.lexicon("exact")
    rng = random.Random(9)
    compared = 0
    for word in rng.sample([w for w in lexicon if len(w) >= 5 and w.isalpha()], 80):
        i = rng.randrange(len(word))
        typo = word[:i] + rng.choice("aeiouxz") + word[i + 1 :]  # one letter changed
        if typo in lexicon:
            continue
        near = [(damerau_levenshtein(w, typo), w) for w in lexicon]
        fewest = min(d for d, w in near if w != typo)
        best = max(
            (w for d, w in near if d == fewest and w != typo),
            key=lambda w: (reader.frequency("exact", w), w),
        )
        assert fewest == 1
        assert closest_word(typo, lexicon, reader) == best, typo
        compared += 1
    assert compared > 50
