"""An immutable, in-memory view of one index generation; queries hold one while they run."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiosqlite
import numpy as np
import numpy.typing as npt

from ._bm25 import BM25, BM25Params, Postings, Variant
from ._schema import VISIBLE
from ._tokenize import Tokenizer
from ._types import SpeechInfo

if TYPE_CHECKING:
    from ._build import BuildOptions

# How each array is stored: name → numpy dtype (little-endian, raw bytes).
_ARRAYS: dict[str, str] = {
    "indptr": "<i8",
    "rows": "<i4",
    "tfs": "<u2",
    "doc_len": "<i4",
    "paragraph_ids": "<i8",
    "row_speech": "<i4",
}


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
        built = await (
            await db.execute(
                "SELECT coalesce(finished_at, started_at) FROM generations WHERE id = ?", (gen,)
            )
        ).fetchone()
        numbers = np.asarray(row_speech, dtype=np.int32)
        ranges: dict[int, tuple[int, int]] = {}
        for number in speeches:
            lo, hi = np.searchsorted(numbers, [number, number + 1])
            ranges[number] = (int(lo), int(hi))
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
            n_sections=int(count[0]) if count else 0,
        )

    @classmethod
    async def load(
        cls, db: aiosqlite.Connection, gen: int, tokenizer: Tokenizer | None = None
    ) -> Snapshot:
        """Load a built generation from the database (no tokenising)."""
        from ._build import BuildOptions

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
        arrays = await _load_arrays(db, gen)
        terms_blob = await (
            await db.execute(
                "SELECT data FROM index_arrays WHERE gen = ? AND name = 'terms'", (gen,)
            )
        ).fetchone()
        text = bytes(terms_blob[0]).decode("utf-8") if terms_blob else ""
        terms = tuple(text.split("\n")) if text else ()
        postings = Postings(
            terms, arrays["indptr"], arrays["rows"], arrays["tfs"], arrays["doc_len"]
        )
        if tokenizer is None or not tokenizer.same_words(words):
            engine = await (
                await db.execute(
                    "SELECT data FROM index_arrays WHERE gen = ? AND name = 'engine_words'", (gen,)
                )
            ).fetchone()
            known = json.loads(bytes(engine[0]).decode("utf-8")) if engine else None
            tokenizer = Tokenizer(words, engine_words=known)
        tokenizer.initialize()
        # Stored contributions were computed with these postings and parameters at build time.
        bm25 = BM25(postings, options.params, await _load_contributions(db, gen))
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


#: Optional arrays: the scorer's rounded contributions (their dtype names them) and zero flags.
_CONTRIBUTIONS = {"approx_f16": "<f2", "approx_f32": "<f4", "zero_weight": "|b1"}


async def _load_contributions(
    db: aiosqlite.Connection, gen: int
) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_]] | None:
    marks = ",".join("?" * len(_CONTRIBUTIONS))
    rows = await (
        await db.execute(
            f"SELECT name, data FROM index_arrays WHERE gen = ? AND name IN ({marks})",
            (gen, *_CONTRIBUTIONS),
        )
    ).fetchall()
    found = {name: np.frombuffer(data, dtype=_CONTRIBUTIONS[name]) for name, data in rows}
    approx = found.get("approx_f16", found.get("approx_f32"))
    zero = found.get("zero_weight")
    return None if approx is None or zero is None else (approx, zero)


async def _load_arrays(db: aiosqlite.Connection, gen: int) -> dict[str, npt.NDArray[Any]]:
    rows = await (
        await db.execute(
            "SELECT name, data FROM index_arrays WHERE gen = ?"
            " AND name NOT IN ('terms', 'engine_words', 'approx_f16', 'approx_f32', 'zero_weight')",
            (gen,),
        )
    ).fetchall()
    found = {name: np.frombuffer(bytes(data), dtype=_ARRAYS[name]) for name, data in rows}
    missing = set(_ARRAYS) - set(found)
    if missing:
        raise LookupError(f"generation {gen} lacks arrays: {', '.join(sorted(missing))}")
    return found


async def save_arrays(
    db: aiosqlite.Connection,
    gen: int,
    postings: Postings,
    paragraph_ids: Sequence[int],
    row_speech: Sequence[int],
    tokenizer: Tokenizer,
    bm25: BM25,
) -> None:
    """Store a generation's arrays as raw data (never pickled), and the tokenizer's user-word
    frequencies, so that loading needs no Python jieba."""
    arrays = {
        "indptr": postings.indptr,
        "rows": postings.rows,
        "tfs": postings.tfs,
        "doc_len": postings.doc_len,
        "paragraph_ids": np.asarray(paragraph_ids),
        "row_speech": np.asarray(row_speech),
    }
    values = [
        (gen, name, np.ascontiguousarray(a, dtype=_ARRAYS[name]).tobytes())
        for name, a in arrays.items()
    ]
    values.append((gen, "terms", "\n".join(postings.terms).encode("utf-8")))
    approx, zero = bm25.stored_contributions()
    values.append(
        (
            gen,
            f"approx_f{approx.dtype.itemsize * 8}",
            approx.astype(approx.dtype.newbyteorder("<")).tobytes(),
        )
    )
    values.append((gen, "zero_weight", np.ascontiguousarray(zero, dtype=bool).tobytes()))
    engine = json.dumps([list(w) for w in tokenizer.engine_words], ensure_ascii=False)
    values.append((gen, "engine_words", engine.encode("utf-8")))
    await db.executemany(
        "INSERT OR REPLACE INTO index_arrays (gen, name, data) VALUES (?, ?, ?)", values
    )
