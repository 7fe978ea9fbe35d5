"""The one place where Whoosh fields and analyzers are defined."""

from __future__ import annotations

from collections import Counter, defaultdict

from whoosh import columns, fields, formats
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter
from whoosh.support.charset import accent_map
from whoosh.system import pack_uint

from ...search.querylang import FIELDS
from .analysis import TOKENS, LastText

# Bump when fields or analyzers change: an index with another version is rebuilt
# by the next `build`/`update` instead of being read with the wrong schema.
SCHEMA_VERSION = 9

# Folded: lower case, accents removed ("Perú" == "peru").  No stop words, so phrase
# queries match the text exactly.
FOLD = RegexTokenizer(TOKENS) | LowercaseFilter() | CharsetFilter(accent_map)
# Folded and stemmed ("munitions" == "munition"): the main full-text analyzer.
STEM = FOLD | StemFilter()

_last = LastText()


class Text(fields.TEXT):
    """A TEXT field that indexes through `analysis` (same terms as its analyzer, faster).

    Queries still go through the Whoosh analyzer.
    """

    def __init__(self, *, stemmed: bool, **kwargs):
        super().__init__(analyzer=STEM if stemmed else FOLD, **kwargs)
        self.kind = "stem" if stemmed else "fold"

    def index(self, value, **kwargs):
        if not isinstance(value, str) or kwargs:
            yield from super().index(value, **kwargs)
            return
        # The folded words, or the stems in each of the text's languages (each at the
        # positions of its words, so a phrase is matched within one language).
        analyses = _last.get(self.kind, value)
        analyses = [analyses] if self.kind == "fold" else analyses
        boost = self.format.field_boost
        if isinstance(self.format, formats.Positions):
            positions: dict[str, list[int]] = defaultdict(list)
            for words in analyses:
                for pos, word in enumerate(words):
                    positions[word].append(pos)
            encode = self.format.encode
            for word, poslist in positions.items():
                yield word.encode("utf-8"), len(poslist), len(poslist) * boost, encode(poslist)
        else:
            counts: Counter = Counter()
            for words in analyses:
                counts.update(words)
            for word, freq in counts.items():
                yield word.encode("utf-8"), freq, freq * boost, pack_uint(freq)


class WordGrams(fields.FieldType):
    """Each pair and triple of consecutive stems as one term: phrases of two or three words
    are answered from this field's posting lists instead of from word positions."""

    def __init__(self, field_boost: float = 1.0):
        self.format = formats.Frequency(field_boost=field_boost)
        self.analyzer = STEM
        self.scorable = True
        self.stored = False
        self.unique = False
        self.vector = None

    def index(self, value, **kwargs):
        for gram, freq in Counter(_last.get("grams", value)).items():
            yield gram.encode("utf-8"), freq, freq * self.format.field_boost, pack_uint(freq)


# Facet and filter fields hold normalised codes: country "PK", language "en".
_CODE = fields.ID(stored=True, sortable=True)


class LetterSchema(fields.SchemaClass):
    # The archive folder name; the only identifier that leaves the index.
    id = fields.ID(unique=True, stored=True, sortable=True)
    # A query word that splits into several ("co-chair", "Pakistan's") is searched as a
    # phrase, the way it was indexed.
    title = Text(stemmed=True, stored=True, field_boost=2.0, multitoken_query="phrase")
    title_grams = WordGrams(field_boost=2.0)  # the title's word pairs and triples
    # All page texts, stemmed, with positions for phrase and proximity queries.
    content = Text(stemmed=True, phrase=True, multitoken_query="phrase")
    # The content's word pairs and triples (see query.for_matching).
    grams = WordGrams()
    # The same words unstemmed: wildcards, fuzzy and OCR-tolerant terms expand
    # against real word forms, and did-you-mean suggests real words.
    exact = Text(stemmed=False, phrase=False, spelling=True)
    # A page's other readings (TEI orig, abbr, sic, del, a translation) and its editorial
    # notes: searched word for word (folded, not stemmed), never shown as the text.
    readings = fields.TEXT(analyzer=FOLD)
    notes = fields.TEXT(analyzer=FOLD)
    # Names, roles, organisations and places of each party, searchable as words.
    sender = fields.TEXT(analyzer=FOLD, stored=False)
    recipient = fields.TEXT(analyzer=FOLD, stored=False)
    place = fields.TEXT(analyzer=FOLD)
    # Facets: one value per letter unless noted.
    country = _CODE  # sender country, ISO 3166-1 alpha-2
    recipient_country = fields.KEYWORD(commas=True, stored=True)
    # Persons and places: authority id, else the name (search.facets.NamedFacet).
    sender_facet = fields.ID(stored=True, sortable=True)
    recipient_facet = fields.KEYWORD(commas=True, stored=True)  # several recipients
    place_facet = fields.KEYWORD(commas=True, stored=True)  # where the letter was written
    language = fields.KEYWORD(commas=True, stored=True)  # several languages
    # The analyses the letter's words are indexed in (languages.keys): a query is stemmed
    # once for each one the collection holds (translate.py).
    stemmed_as = fields.KEYWORD(commas=True, stored=True)
    source = fields.ID(stored=True, sortable=True)  # transcribed | ocr | image-only
    status = fields.ID(stored=True)  # published | draft | withdrawn
    collection = fields.ID(stored=True, sortable=True)
    year = fields.ID(stored=True, sortable=True)  # first year of the date
    years = fields.KEYWORD(commas=True)  # every year an interval spans
    decade = fields.ID(stored=True, sortable=True)
    # The date as a range of days (YYYYMMDD); partial dates cover their whole span.
    date_start = fields.NUMERIC(int, bits=32, stored=True, sortable=True)
    date_end = fields.NUMERIC(int, bits=32, stored=True, sortable=True)
    date = fields.ID(stored=True)  # the ISO form as given, for `date:` queries
    # Stored only: what result lists and snippets need without reading the archive.
    meta = fields.STORED()  # JSON of the letter's metadata with provenance
    pages_text = fields.STORED()  # list of page texts, for snippets per page
    fingerprint = fields.STORED()  # content hash of the archive folder
    page_count = fields.STORED()
    # Pages that could not be read ([page, step, why], indexer.ingest.failures); `failed` marks
    # their letters, so `check` and `update` find them without reading every letter.
    failures = fields.STORED()
    failed = fields.ID()
    # Each letter's facet values ({field: [values]}) in one column: a searcher reads
    # them for all letters in one pass instead of term by term (documents.facet_values).
    facets = fields.COLUMN(columns.PickleColumn(columns.VarBytesColumn()))


def make_schema() -> fields.Schema:
    """Return a fresh schema instance."""
    return LetterSchema()


# The query language's fields held under another name in the index.
SCHEMA_FIELD = {"text": "content", "year": "years"}
# Each field name of the query language (aliases too), mapped to its schema field.
QUERY_FIELDS = {name: SCHEMA_FIELD.get(field, field) for name, field in FIELDS.items()}
