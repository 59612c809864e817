"""tantivy beside speechbot's ``BM25.top``: the same token lists indexed and asked in one process.

Each paragraph's tokens are joined by spaces and indexed with tantivy's whitespace tokenizer, so
both engines see exactly the same terms; a question is a boolean "should" query of its tokens'
term queries, top 10 (tantivy scores with its own BM25, so only the times compare).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from typing import Any

import numpy as np
from tqdm import tqdm

#: One question's tokens → the engine's top-k call.
Ask = Callable[[list[str]], object]


def timed(ask: Ask, queries: Sequence[list[str]], label: str, rounds: int = 3) -> list[float]:
    """Each question's median of ``rounds`` runs, in milliseconds (after a short warm-up)."""
    for tokens in queries[:10]:
        ask(tokens)
    runs = np.zeros((rounds, len(queries)))
    for r in range(rounds):
        for i, tokens in enumerate(
            tqdm(queries, desc=f"{label} {r + 1}/{rounds}", file=sys.stderr, leave=False)
        ):
            started = time.perf_counter()
            ask(tokens)
            runs[r, i] = (time.perf_counter() - started) * 1000
    return [float(x) for x in np.median(runs, axis=0)]


def tantivy_engine(docs: Sequence[Sequence[str]], k: int = 10) -> tuple[Ask, dict[str, Any]] | None:
    """A tantivy index of ``docs`` and its top-``k`` call; None when tantivy is not installed."""
    try:
        import tantivy
    except ImportError:
        return None
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", stored=False, tokenizer_name="spaces")
    schema = builder.build()
    index = tantivy.Index(schema)
    index.register_tokenizer(
        "spaces", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
    )
    started = time.perf_counter()
    writer = index.writer(heap_size=256_000_000, num_threads=1)
    for tokens in tqdm(docs, desc="tantivy build", file=sys.stderr, leave=False):
        writer.add_document(tantivy.Document(body=" ".join(tokens)))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    build_s = time.perf_counter() - started
    searcher = index.searcher()
    should = tantivy.Occur.Should

    def ask(tokens: list[str]) -> object:
        clauses = [(should, tantivy.Query.term_query(schema, "body", t)) for t in tokens]
        return searcher.search(tantivy.Query.boolean_query(clauses), k).hits

    info = {"version": metadata.version("tantivy"), "build_s": build_s}
    info["segments"] = searcher.num_segments
    return ask, info
