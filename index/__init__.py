"""Search over the speech corpus: normalisation, jieba tokens, BM25, SQLite store, reindex.

Knows nothing of Telegram. The entry point is :class:`SearchIndex`::

    index = SearchIndex(IndexConfig(db_path=..., corpus_dir=...))
    await index.initialize()
    result = await index.search("如何发挥基层党组织战斗堡垒作用", k=3)
"""

from ._bm25 import BM25, BM25Params, Scored, Variant
from ._build import BuildError, BuildOptions
from ._health import DatabaseHealth, corpus_fingerprint, inspect_database
from ._highlight import highlight_spans
from ._normalize import clean_display, normalize
from ._postings import Postings
from ._rows import Progress
from ._schema import SCHEMA_VERSION, SchemaError, is_read_only, read_only_uri
from ._service import IndexConfig, IndexUnavailable, ReindexBusy, SearchIndex
from ._tokenize import Tokenizer, corpus_terms
from ._types import (
    BuildReport,
    Hit,
    IndexInfo,
    Outline,
    OutlineNode,
    ParagraphView,
    SearchResult,
    SpeechInfo,
)

__all__ = [
    "BM25",
    "SCHEMA_VERSION",
    "BM25Params",
    "BuildError",
    "BuildOptions",
    "BuildReport",
    "DatabaseHealth",
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
    "Scored",
    "SearchIndex",
    "SearchResult",
    "SpeechInfo",
    "Tokenizer",
    "Variant",
    "clean_display",
    "corpus_fingerprint",
    "corpus_terms",
    "highlight_spans",
    "inspect_database",
    "is_read_only",
    "normalize",
    "read_only_uri",
]
