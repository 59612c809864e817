"""An immutable, in-memory view of one index generation; queries hold one while they run."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import aiosqlite
import numpy as np
import numpy.typing as npt

from ..config import BuildOptions
from ..rank.bm25 import BM25, BM25Params, Variant
from ..rank.postings import Postings
from ..rank.prune import KTHS, TermBounds
from ..text.tokenize import Tokenizer
from ..types import SpeechInfo
from .blobs import load_blobs, write_blobs
from .columns import BlobColumn, ColumnReader
from .lookups import LOOKUPS
from .schema import VISIBLE

# How each array is stored: name → numpy dtype (little-endian, raw bytes).
_ARRAYS: dict[str, str] = {
    "indptr": "<i8",
    "rows": "<i4",
    "tfs8": "|u1",  # term frequencies capped at TF_CAP; the true ones of capped postings follow
    "tf_big_at": "<i8",
    "tf_big": "<i8",
    "doc_len": "<i4",
    "paragraph_ids": "<i8",
    "row_speech": "<i4",
}
#: Written by earlier versions: uncapped uint16 term frequencies instead of the three tf arrays.
_LEGACY_TFS = "<u2"
_REQUIRED = ("indptr", "rows", "doc_len", "paragraph_ids", "row_speech")


@dataclass(frozen=True, slots=True, eq=False)
class Snapshot:
    """One generation: BM25 arrays, row → paragraph map, speeches and the tokenizer."""

    generation: int
    bm25: BM25
    tokenizer: Tokenizer
    options: BuildOptions
    fingerprint: str
    corpus_dir: str
    built_at: float
    paragraph_ids: npt.NDArray[np.int64]
    speech_rows: dict[int, tuple[int, int]]  # speech number → [first row, end row)
    speeches: dict[int, SpeechInfo]  # by number
    n_sections: int

    @classmethod
    async def load_metadata(
        cls,
        db: aiosqlite.Connection,
        gen: int,
        bm25: BM25,
        tokenizer: Tokenizer,
        options: BuildOptions,
        fingerprint: str,
        corpus_dir: str,
        paragraph_ids: Sequence[int] | npt.NDArray[np.int64],
        row_speech: Sequence[int] | npt.NDArray[np.int32],
        speech_ids: Sequence[int] | None = None,
    ) -> Snapshot:
        """Assemble a snapshot from built arrays plus the speeches visible to ``gen``.

        A build passes its ``speech_ids``: before the swap, the rows it replaces are still
        visible to ``gen`` and must not be counted.
        """
        speeches, n_sections = await _speeches(db, gen, speech_ids)
        built = await (
            await db.execute(
                "SELECT coalesce(finished_at, started_at) FROM generations WHERE id = ?", (gen,)
            )
        ).fetchone()
        ranges = _speech_rows(row_speech, speeches)
        return cls(
            generation=gen,
            bm25=bm25,
            tokenizer=tokenizer,
            options=options,
            fingerprint=fingerprint,
            corpus_dir=corpus_dir,
            built_at=float(built[0]) if built else 0.0,
            paragraph_ids=np.asarray(paragraph_ids, dtype=np.int64),
            speech_rows=ranges,
            speeches=speeches,
            n_sections=n_sections,
        )

    @classmethod
    async def load(
        cls,
        db: aiosqlite.Connection,
        gen: int,
        tokenizer: Tokenizer | None = None,
        reader: ColumnReader | None = None,
    ) -> Snapshot:
        """Load a built generation from the database (no tokenising); with ``reader``, the
        postings and their contributions are read on demand (``store/columns``)."""
        row = await (
            await db.execute(
                "SELECT user_words, params, fingerprint, corpus_dir FROM generations WHERE id = ?",
                (gen,),
            )
        ).fetchone()
        if row is None:
            raise LookupError(f"generation {gen} not found")
        words, params, finger, corpus_dir = json.loads(row[0]), json.loads(row[1]), row[2], row[3]
        options = BuildOptions(
            params=BM25Params(
                Variant(params["variant"]),
                params["k1"],
                params["b"],
                params["delta"],
                params["epsilon"],
            ),
            heading_weight=int(params["heading_weight"]),
        )
        lazy = await asyncio.to_thread(reader.columns, gen) if reader is not None else {}
        blobs: dict[str, Any] = await load_blobs(db, gen, skip={*lazy, *LOOKUPS})
        blobs.update(lazy)
        arrays = _arrays(blobs, gen)
        text = bytes(blobs.pop("terms", b"")).decode("utf-8")
        terms = tuple(text.split("\n")) if text else ()
        postings = _postings(terms, arrays)
        if tokenizer is None or not tokenizer.same_words(words):
            engine = blobs.get("engine_words")
            known = json.loads(bytes(engine).decode("utf-8")) if engine else None
            tokenizer = Tokenizer(words, engine_words=known)
        tokenizer.initialize()
        # Stored contributions were computed with these postings and parameters at build time.
        bm25 = BM25(postings, options.params, _contributions(blobs), _bounds(blobs))
        return await cls.load_metadata(
            db,
            gen,
            bm25,
            tokenizer,
            options,
            finger,
            corpus_dir,
            arrays["paragraph_ids"],
            arrays["row_speech"],
        )


async def _speeches(
    db: aiosqlite.Connection, gen: int, speech_ids: Sequence[int] | None
) -> tuple[dict[int, SpeechInfo], int]:
    """The speeches visible to ``gen`` (or those of ``speech_ids``) by number, and their
    sections' count."""
    args: dict[str, int] | list[int] = {"gen": gen}
    where = VISIBLE
    if speech_ids is not None:
        args = [int(i) for i in speech_ids]
        where = f"s.id IN ({','.join('?' * len(args)) or 'NULL'})"
    rows = await (
        await db.execute(
            f"SELECT s.number, s.title, s.source, s.year, s.n_paragraphs, s.added_at, s.sha256"
            f" FROM speeches s WHERE {where} ORDER BY s.number",
            args,
        )
    ).fetchall()
    speeches = {
        int(r[0]): SpeechInfo(int(r[0]), r[1], r[2], r[3], int(r[4]), float(r[5]), r[6])
        for r in rows
    }
    count = await (
        await db.execute(
            f"SELECT count(*) FROM sections JOIN speeches s ON s.id = sections.speech_id WHERE {where}",
            args,
        )
    ).fetchone()
    return speeches, int(count[0]) if count else 0


def _speech_rows(
    row_speech: Sequence[int] | npt.NDArray[np.int32], speeches: dict[int, SpeechInfo]
) -> dict[int, tuple[int, int]]:
    """Speech number → [first row, end row) of its paragraphs (rows are in number order)."""
    # One vectorised search: per speech, searching the int32 rows with Python ints cast all
    # of them to int64 each time (0.8 s for 5,000 speeches over a million rows).
    numbers = np.asarray(row_speech, dtype=np.int64)
    keys = np.fromiter(speeches, dtype=np.int64, count=len(speeches))
    lows, highs = np.searchsorted(numbers, keys), np.searchsorted(numbers, keys + 1)
    return {int(n): (int(lo), int(hi)) for n, lo, hi in zip(keys, lows, highs, strict=True)}


#: Optional arrays: the scorer's rounded contributions (their dtype names them) and zero flags.
_CONTRIBUTIONS = {"approx_f16": "<f2", "approx_f32": "<f4", "zero_weight": "|b1"}


def _contributions(
    blobs: dict[str, Any],
) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_]] | None:
    found = {
        name: _array(blobs[name], dtype) for name, dtype in _CONTRIBUTIONS.items() if name in blobs
    }
    approx = found.get("approx_f16", found.get("approx_f32"))
    zero = found.get("zero_weight")
    return None if approx is None or zero is None else (approx, zero)


def _bounds(blobs: dict[str, bytes]) -> TermBounds | None:
    """The per-term bounds of the pruned search, when this generation stored them."""
    if "term_top" not in blobs or "term_kth" not in blobs:
        return None
    top = np.frombuffer(blobs["term_top"], dtype="<f4")
    kth = np.frombuffer(blobs["term_kth"], dtype="<f4")
    ok = len(kth) == len(top) * len(KTHS)  # else stored for other ranks: computed on load
    return TermBounds(top, kth.reshape(len(top), len(KTHS))) if ok else None


def _array(data: Any, dtype: str) -> npt.NDArray[Any]:
    """A stored array: fetched bytes shared by ``np.frombuffer`` (no copy of the gigabyte-sized
    arrays), or a column read on demand, which answers the scorer's slices (store/columns)."""
    if isinstance(data, BlobColumn):
        return cast(npt.NDArray[Any], data)
    return np.frombuffer(data, dtype=dtype)


def _arrays(blobs: dict[str, Any], gen: int) -> dict[str, npt.NDArray[Any]]:
    found = {name: _array(blobs[name], t) for name, t in _ARRAYS.items() if name in blobs}
    if "tfs8" not in found and "tfs" in blobs:
        found["tfs"] = np.frombuffer(blobs["tfs"], dtype=_LEGACY_TFS)
    missing = [n for n in _REQUIRED if n not in found]
    if "tfs8" not in found and "tfs" not in found:
        missing.append("tfs8")
    if missing:
        raise LookupError(f"generation {gen} lacks arrays: {', '.join(sorted(missing))}")
    return found


def _postings(terms: tuple[str, ...], a: dict[str, npt.NDArray[Any]]) -> Postings:
    if "tfs8" not in a:
        return Postings.with_tfs(terms, a["indptr"], a["rows"], a["tfs"], a["doc_len"])
    big_at, big_tf = a.get("tf_big_at"), a.get("tf_big")
    if big_at is None or big_tf is None:
        big_at = big_tf = np.zeros(0, dtype=np.int64)
    return Postings(terms, a["indptr"], a["rows"], a["tfs8"], a["doc_len"], big_at, big_tf)


async def save_arrays(
    db: aiosqlite.Connection,
    gen: int,
    postings: Postings,
    paragraph_ids: Sequence[int] | npt.NDArray[np.int64],
    row_speech: Sequence[int] | npt.NDArray[np.int32],
    tokenizer: Tokenizer,
    bm25: BM25,
) -> None:
    """Store a generation's arrays as raw data (never pickled), and the tokenizer's user-word
    frequencies, so that loading needs no Python jieba. Arrays already in their stored type
    are written from their own memory."""
    arrays = {
        "indptr": postings.indptr,
        "rows": postings.rows,
        "tfs8": postings.tfs,
        "tf_big_at": postings.big_at,
        "tf_big": postings.big_tf,
        "doc_len": postings.doc_len,
        "paragraph_ids": np.asarray(paragraph_ids),
        "row_speech": np.asarray(row_speech),
    }
    values: dict[str, Any] = {
        name: np.ascontiguousarray(a, dtype=_ARRAYS[name]) for name, a in arrays.items()
    }
    values["terms"] = "\n".join(postings.terms).encode("utf-8")
    approx, zero = bm25.stored_contributions()
    values[f"approx_f{approx.dtype.itemsize * 8}"] = np.ascontiguousarray(
        approx, dtype=approx.dtype.newbyteorder("<")
    )
    values["zero_weight"] = np.ascontiguousarray(zero, dtype=bool)
    values["term_top"] = np.ascontiguousarray(bm25.bounds.top, dtype="<f4")
    values["term_kth"] = np.ascontiguousarray(bm25.bounds.kth, dtype="<f4")
    engine = json.dumps([list(w) for w in tokenizer.engine_words], ensure_ascii=False)
    values["engine_words"] = engine.encode("utf-8")
    await write_blobs(db, gen, values)
