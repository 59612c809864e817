"""Search over the speech corpus: normalisation, jieba tokens, BM25, SQLite store, reindex.

Knows nothing of Telegram. The entry point is :class:`SearchIndex`::

    index = SearchIndex(IndexConfig(db_path=..., corpus_dir=...))
    await index.initialize()
    result = await index.search("如何发挥基层党组织战斗堡垒作用", k=3)

Everything callers need is exported here; the folders below are internal, one per concern, each
importing only those above it in this list (tests/test_index_layout.py holds them to it):

* ``types``, ``errors``: the value objects returned, and the exceptions raised.
* ``text/``: normalisation, jieba/rjieba tokens, highlighting; the tokenizer's word lists.
* ``rank/``: BM25 over CSR postings, and ranked rows made into hits.
* ``config``: ``IndexConfig`` and ``BuildOptions``, every knob of the index.
* ``query/``: what a question names, its units and synonyms, the relevance gate; their data.
* ``store/``: SQLite schema, connections, the in-memory snapshot of a generation, SQL reads.
* ``build/``: reindex: tokenise changed speeches, write rows and arrays, swap in.
* ``search``: one question end to end (start here to change ranking).
* ``service``: :class:`SearchIndex`, which opens the database, answers, and reindexes.
"""

from .config import SYNONYMS_FILE, BuildOptions, IndexConfig
from .errors import (
    BuildError,
    DatabaseDamaged,
    ForeignDatabase,
    IndexUnavailable,
    ReindexBusy,
    format_since,
)
from .rank.bm25 import BM25, BM25Params, Scored, Variant
from .rank.dense import probe_model
from .rank.postings import Postings
from .service import SearchIndex
from .store.damage import is_damage
from .store.health import DatabaseHealth, corpus_fingerprint, inspect_database, quick_check
from .store.schema import SCHEMA_VERSION, SchemaError, is_read_only, read_only_uri
from .text.highlight import Cut, display_terms, highlight_spans
from .text.normalize import clean_display, normalize
from .text.numbers import chinese_number, parse_number
from .text.tokenize import Tokenizer, corpus_terms
from .types import (
    BuildReport,
    DenseStatus,
    Focus,
    Hit,
    IndexInfo,
    Outline,
    OutlineNode,
    ParagraphView,
    Progress,
    Scope,
    SearchResult,
    SpeechInfo,
)

__all__ = [
    "BM25",
    "SCHEMA_VERSION",
    "SYNONYMS_FILE",
    "BM25Params",
    "BuildError",
    "BuildOptions",
    "BuildReport",
    "Cut",
    "DatabaseDamaged",
    "DatabaseHealth",
    "DenseStatus",
    "Focus",
    "ForeignDatabase",
    "Hit",
    "IndexConfig",
    "IndexInfo",
    "IndexUnavailable",
    "Outline",
    "OutlineNode",
    "ParagraphView",
    "Postings",
    "Progress",
    "ReindexBusy",
    "SchemaError",
    "Scope",
    "Scored",
    "SearchIndex",
    "SearchResult",
    "SpeechInfo",
    "Tokenizer",
    "Variant",
    "chinese_number",
    "clean_display",
    "corpus_fingerprint",
    "corpus_terms",
    "display_terms",
    "format_since",
    "highlight_spans",
    "inspect_database",
    "is_damage",
    "is_read_only",
    "normalize",
    "parse_number",
    "probe_model",
    "quick_check",
    "read_only_uri",
]
