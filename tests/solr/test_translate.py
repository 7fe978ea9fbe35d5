"""The Solr engine's query translation, without a cluster: what a user types reaches Solr's
standard parser only as escaped or quoted words, never as its syntax; the query is matched
in each analysis the collection holds; wildcards are expanded here, within the budget."""

from __future__ import annotations

import re

import pytest

from indexer.engines.solr.expansion import escape, quoted
from indexer.engines.solr.translate import to_solr
from indexer.search import QueryTooBroad, querylang

VOCABULARY = {
    "exact": ["harbour", "harbours", "lima", "munition", "munitions"],
    "title_exact": ["harbour", "treaty"],
    "readings": [],
    "notes": [],
}


def solr(q: str, keys: tuple[str, ...] = ("en",), **kw) -> str:
    return to_solr(querylang.parse(q), keys, VOCABULARY.__getitem__, **kw)[0]


def test_escape_leaves_no_character_of_the_syntax_bare():
    hostile = 'a+b-c&&d||e!f(g)h{i}j[k]l^m"n~o*p?q:r\\s/t u'
    escaped = escape(hostile)
    # Every special character is preceded by a backslash.
    bare = re.sub(r"\\.", "", escaped)
    assert not set(bare) & set('+-&|!(){}[]^"~*?:\\/ ')
    assert quoted('say "hi" \\ there') == '"say \\"hi\\" \\\\ there"'


def test_values_and_ids_are_quoted_whole():
    assert solr('collection:"a) OR (status:draft"') == 'collection:"a) OR (status:draft"'
    assert solr('id:"a) OR (*:*"') == 'id:"a) OR (*:*"'
    assert solr("id:tie-a") == 'id:"tie-a"'


def test_words_are_cut_as_solr_cuts_them_and_sent_as_words():
    # "co-chair" splits, so it is a phrase of its parts; nothing of the hyphen is left.
    q = solr("text:co-chair")
    assert q == 'content:"co chair"'
    # A word cannot carry a field or an operator into the query.
    q = solr("text:status\\:draft")
    assert "status:" not in q.replace("content:", "")
    # A bare word: the text, the title, other readings and notes; the form typed as a bonus.
    assert solr("Lima") == (
        "(+(content:lima title:lima^2 readings:lima notes:lima^0.5) exact:lima^0.2)"
    )


def test_boolean_logic_is_written_out():
    assert solr("text:lima text:harbour") == "(+content:lima +content:harbour)"
    assert solr("text:lima OR text:harbour") == "(content:lima content:harbour)"
    assert solr("NOT text:lima") == "(*:* -content:lima)"


def test_each_language_of_the_collection_is_a_branch_of_its_letters():
    q = solr("text:Haus", ("en", "de"))
    assert q == ("((+stemmed_as:(en) +content:haus) (+stemmed_as:(de) +content_de:haus))")
    # A German stop word is left out of an AND in the German branch only.
    required = solr("die Briefe", ("de",)).split(" exact:")[0]
    assert "die" not in required and "briefe" in required


def test_wildcards_and_fuzzy_terms_are_expanded_here_within_the_budget():
    assert solr("text:munition*") == "exact:(munition OR munitions)"
    assert solr("text:harbuor~") == "exact:(harbour)"
    assert solr("text:zzz*") == "(-*:*)"  # stands for no word: matches no letter
    with pytest.raises(QueryTooBroad, match="stand for 4 or more different words"):
        solr("text:munition* OR text:harbour*", budget=3)


def test_dates_are_intervals_of_days():
    assert solr("date:2009-02") == "(+date_start:[* TO 20090228] +date_end:[20090201 TO *])"
    assert solr("year:1856") == "years:1856"
