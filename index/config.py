"""How an index is built and judged: every knob of the index in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .rank.bm25 import BM25Params

#: The bundled list of everyday words and the official terms they expand to.
SYNONYMS_FILE = Path(__file__).resolve().parent / "query" / "data" / "synonyms.txt"


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """How to build: BM25 parameters, heading weight and file limits."""

    params: BM25Params = field(default_factory=BM25Params)
    heading_weight: int = 1  # times a paragraph's section titles count among its tokens
    max_file_bytes: int = 20 * 1024 * 1024
    build_workers: int = 0  # tokenising processes for big reindexes; 0: one per core


@dataclass(frozen=True, slots=True)
class IndexConfig:
    """Where the index lives and how it is built and judged."""

    db_path: Path
    corpus_dir: Path
    options: BuildOptions = field(default_factory=BuildOptions)
    auto_build: bool = True  # build from the corpus when the database holds no index yet
    # Share of the query's idf mass the best passage must cover to count as an answer (see README).
    min_coverage: float = 0.4
    # The semantic part (sentence embeddings fused with BM25). Off here so that a library user
    # or a test opts in; the bot and the CLI turn it on unless SPEECHBOT_DENSE=off.
    dense: bool = False
    embed_threads: int = 1  # the model's threads: leave the other core to the bot
    # Embed missing vectors in a background task while BM25 answers (the bot), or before the
    # first answer (the CLI).
    embed_in_background: bool = False
    # Read the postings of the terms a question asks for, not every array at load (a process
    # that answers once: the CLI; store/columns). Off: read whole (the bot, which follows swaps).
    read_on_demand: bool = False
    # Most missing sentence vectors a foreground attach (the CLI) embeds before answering; more
    # are left to the bot's background fill or ``speechbot embed`` (``semantic``).
    embed_now: int = 5_000
    # Most paragraphs whose vectors a foreground attach (the CLI) plans and loads; above, it
    # answers with BM25 at once and the bot loads them in the background (minutes at 1M).
    load_vectors_max: int = 100_000
    # Embed each two consecutive sentences of a paragraph too, not only each sentence (a point
    # made over two sentences; about 1.8 times the vectors). Off for very large corpora.
    sentence_pairs: bool = True
    # Everyday words → the official terms they expand to (``query/expand``); None: no synonyms.
    synonyms: Path | None = SYNONYMS_FILE
