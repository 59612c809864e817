"""Telegram HTML for what admins see: reindex progress and summary, /stats, /speeches, /remove,
upload previews and their outcome. Pure functions, like bot/ui/render.py; wording from ``texts``."""

from __future__ import annotations

import datetime as dt
import time

from corpus import FolderEntry, Speech
from index import BuildReport, IndexInfo, SpeechInfo

from . import texts
from .html import esc, fit
from .texts import Phrase, Text

_CHUNK = 3500  # characters per /speeches message, well inside Telegram's 4096
PREVIEW_HEADINGS = 20  # top-level headings listed in an upload preview


def utc(timestamp: float) -> str:
    """A time as admins read it: ``2026-11-23 14:05 UTC``."""
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def size(n_bytes: int) -> Phrase | str:
    """A file size: bytes (a phrase: 字节 or bytes), KB or MB."""
    if n_bytes < 1024:
        return texts.SIZE_BYTES.bind(n=n_bytes)
    if n_bytes >= 1024 * 1024:
        return f"{n_bytes / 1024 / 1024:.1f} MB"
    return f"{n_bytes / 1024:.1f} KB"


def failure(text: Text, title: str, reason: str | Phrase, *, english: bool = False) -> str:
    """A ❌ line naming what did not happen to ``title`` and why (both escaped)."""
    return text(english, title=esc(title), reason=esc(texts.said(reason, english)))


# --- /reindex ------------------------------------------------------------------------------------


def reindex_progress(stage: str, n: int, total: int, *, english: bool = False) -> str:
    """The progress line edited into the /reindex message."""
    if not total:
        return texts.REINDEX_READING(english)
    name = texts.REINDEX_STAGES.get(stage)
    return texts.REINDEX_PROGRESS(english, stage=name or stage, n=n, total=total)


def reindex_summary(report: BuildReport, *, english: bool = False) -> str:
    """The end-of-reindex summary."""
    if report.unchanged:
        head = texts.REINDEX_UNCHANGED(english)
    else:
        head = texts.REINDEX_DONE(english, generation=report.generation)
    skipped = "".join(
        texts.REINDEX_SKIPPED(english, name=esc(name), reason=esc(reason))
        for name, reason in report.skipped
    )
    return texts.REINDEX_SUMMARY(
        english,
        head=head,
        files=report.files_read,
        n_skipped=len(report.skipped),
        skipped=skipped,
        speeches=report.speeches,
        sections=report.sections,
        paragraphs=report.paragraphs,
        retokenized=len(report.retokenized),
        seconds=report.seconds,
    )


def reindex_failed(reason: str, *, english: bool = False) -> str:
    """Why a reindex failed (escaped), and that the old index keeps serving."""
    return texts.REINDEX_FAILED(english, reason=esc(reason))


def index_after(report: BuildReport, *, english: bool = False) -> str:
    """The index's size and generation after a corpus change."""
    return texts.INDEX_AFTER(
        english,
        speeches=report.speeches,
        paragraphs=report.paragraphs,
        generation=report.generation,
    )


# --- /stats --------------------------------------------------------------------------------------


def stats(
    questions: int,
    median_ms: float | None,
    p95_ms: float | None,
    unanswered: list[tuple[str, int]],
    info: IndexInfo,
    *,
    english: bool = False,
) -> str:
    """Questions served, latency, the most frequent unanswered questions, index size and age."""
    if median_ms is not None and p95_ms is not None:
        latency = texts.STATS_LATENCY(english, median=median_ms, p95=p95_ms)
    else:
        latency = texts.STATS_NO_LATENCY(english)
    head = texts.STATS(
        english,
        questions=questions,
        latency=latency,
        paragraphs=info.paragraphs,
        mb=info.db_bytes / 1e6,
        built=utc(info.built_at),
        age_h=(time.time() - info.built_at) / 3600,
    )
    lines = [
        texts.STATS_UNANSWERED(english, i=i, question=esc(q[:80]), n=n)
        for i, (q, n) in enumerate(unanswered, 1)
    ] or [texts.STATS_NONE(english)]
    return "\n".join([head, *lines])


# --- /speeches and /remove -----------------------------------------------------------------------


def speeches(
    indexed: list[SpeechInfo], files: dict[str, FolderEntry], *, english: bool = False
) -> list[str]:
    """/speeches as messages: number, title, file name, paragraphs, file date; unindexed files."""
    lines = [texts.INDEXED_HEAD(english, n=len(indexed))]
    for s in indexed:
        entry = files.get(s.source)
        date = utc(entry.modified) if entry else texts.FILE_GONE(english)
        lines.append(
            texts.INDEXED_ENTRY(
                english,
                number=s.number,
                title=esc(s.title),
                source=esc(s.source),
                n=s.n_paragraphs,
                date=date,
            )
        )
    names = {s.source for s in indexed}
    extra = [e for name, e in files.items() if name not in names]
    if extra:
        lines.append(texts.UNINDEXED_HEAD(english))
        lines += [
            texts.UNINDEXED_ENTRY(english, name=esc(e.name), date=utc(e.modified)) for e in extra
        ]
    lines.append(texts.INDEXED_FOOT(english))
    messages, current = [], ""
    for line in lines:
        if current and len(current) + len(line) + 1 > _CHUNK:
            messages.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    messages.append(current)
    return [fit(m) for m in messages]


def remove_prompt(info: SpeechInfo, *, english: bool = False) -> str:
    """The question under /remove N, above its 确认/取消 buttons."""
    return texts.REMOVE_CONFIRM(
        english,
        number=info.number,
        title=esc(info.title),
        source=esc(info.source),
        n=info.n_paragraphs,
    )


def removed(info: SpeechInfo, report: BuildReport, *, english: bool = False) -> str:
    """What /remove did."""
    return texts.REMOVED(
        english,
        number=info.number,
        title=esc(info.title),
        source=esc(info.source),
        index=index_after(report, english=english),
    )


# --- uploads -------------------------------------------------------------------------------------


def preview(
    speech: Speech, name: str, n_bytes: int, same: SpeechInfo | None, *, english: bool = False
) -> str:
    """What an upload holds: title, top-level headings, paragraph count, file, encoding."""
    headings = speech.headings
    lines = [
        texts.PREVIEW(
            english,
            title=esc(speech.title),
            name=esc(name),
            size=size(n_bytes),
            encoding=esc(speech.encoding),
            paragraphs=len(speech.paragraphs),
        ),
        texts.PREVIEW_HEADINGS(english, n=len(headings))
        if headings
        else texts.PREVIEW_NO_HEADINGS(english),
    ]
    lines += [f"　{esc(h)}" for h in headings[:PREVIEW_HEADINGS]]
    if len(headings) > PREVIEW_HEADINGS:
        lines.append(texts.PREVIEW_MORE_HEADINGS(english, n=len(headings) - PREVIEW_HEADINGS))
    if same is not None:
        lines.append(texts.PREVIEW_REPLACES(english, number=same.number, source=esc(same.source)))
    else:
        lines.append(texts.PREVIEW_ADDS(english))
    return fit("\n".join(lines))


def stored(
    title: str,
    file_name: str,
    info: SpeechInfo | None,
    report: BuildReport,
    *,
    replaced: bool,
    english: bool = False,
) -> str:
    """What 确认/替换 under an upload preview did."""
    verb = texts.STORED_REPLACED if replaced else texts.STORED_ADDED
    return texts.STORED(
        english,
        verb=verb,
        title=esc(title),
        number=texts.STORED_NUMBER(english, number=info.number) if info else "",
        paragraphs=info.n_paragraphs if info else 0,
        name=esc(file_name),
        index=index_after(report, english=english),
    )
