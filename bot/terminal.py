"""Rendering for the terminal: passages, speech lists, outlines, build reports, progress."""

from __future__ import annotations

import os
import sys
from types import TracebackType
from typing import Any

from tqdm import tqdm

from index import (
    BuildReport,
    Cut,
    DenseStatus,
    Outline,
    OutlineNode,
    SearchResult,
    SpeechInfo,
    highlight_spans,
)

from .ui import texts
from .ui.marks import Marker

_BOLD, _RESET = "\033[1m", "\033[0m"
_STAGES = {
    "read": "reading files",
    "tokenize": "tokenising",
    "index": "indexing",
    "swap": "swapping in",
}


def use_color(choice: str) -> bool:
    """Whether to use terminal bold for matched terms."""
    if choice == "auto":
        return sys.stdout.isatty() and "NO_COLOR" not in os.environ
    return choice == "always"


def mark(text: str, terms: tuple[str, ...], color: bool, cut: Cut | None = None) -> str:
    """``text`` with matched terms in bold (terminal) or 【brackets】 (plain output); whole
    words only where ``cut`` gives the word boundaries."""
    opening, closing = (_BOLD, _RESET) if color else ("【", "】")
    out, last = [], 0
    for start, end in highlight_spans(text, terms, cut):
        out += [text[last:start], opening, text[start:end], closing]
        last = end
    out.append(text[last:])
    return "".join(out)


def render_candidates(speeches: list[SpeechInfo]) -> str:
    """The speeches a reference may mean, one per line with its number."""
    return "\n".join(f"  {s.number}. {s.title}" for s in speeches)


def render_scope(result: SearchResult, english: bool = False) -> str:
    """One line on what narrowed the search ("在《…》第三部分中"), or the follow-up it read."""
    scope = result.scope
    if scope is None:
        return ""
    where = f"《{scope.speech_title}》" + (f"“{scope.section}”" if scope.section else "")
    hint = texts.CLI_EVERYWHERE_HINT(english)
    if scope.followed:
        return texts.CLI_FOLLOWED(english, where=where, hint=hint)
    return texts.CLI_IN(english, where=where, hint="" if scope.given else hint)


def render_result(
    result: SearchResult, *, color: bool, marks: Marker | None = None, english: bool = False
) -> str:
    """Passages with speech title, section path and score (none for passages found by their
    place, e.g. "第三部分", whose score says nothing), or a plain 'nothing relevant'."""
    marks = marks or Marker(result.query)
    candidates = render_candidates(list(result.candidates))
    if result.candidates and (not result.hits or not result.relevant):
        return texts.CLI_WHICH(english) + "\n" + candidates
    if result.available is not None and result.scope is not None:
        title, available = result.scope.speech_title, result.available
        return texts.CLI_NO_PART(english, title=title, available=available)
    if not result.relevant:
        why = f"\n(reason: {result.reason})" if result.reason else ""
        return texts.CLI_NOTHING(english, query=result.query) + why
    blocks = [line] if (line := render_scope(result, english)) else []
    if result.candidates:
        which = (
            texts.CLI_WHICH_CLOSEST(english, title=result.scope.speech_title)
            if result.scope
            else texts.CLI_WHICH_WITH_HITS(english)
        )
        blocks.append(which + "\n" + candidates)
    if result.spelled:
        blocks.append(texts.CLI_SPELLED(english, pairs=texts.spelled_pairs(result.spelled)))
    if result.tentative:
        blocks.append(texts.CLI_TENTATIVE(english))
    for hit in result.hits:
        score = f"    score {hit.score:.3f}\n" if hit.score > 0 else ""
        terms = marks.terms(hit.matched_terms)
        blocks.append(
            f"[{hit.rank}] {hit.speech_title}（#{hit.speech_id}）\n"
            f"    {hit.section}\n"
            f"{score}"
            f"{mark(hit.text, terms, color, marks.cut)}"
        )
    shown = result.offset + len(result.hits)
    more = result.total - shown
    footer = "\n" + texts.CLI_MORE(english, more=more, shown=shown) if more > 0 else ""
    return "\n\n".join(blocks) + footer


def json_hits(result: SearchResult) -> list[dict[str, Any]]:
    """The passages as ``speechbot ask --json`` prints them; ``[]`` when nothing is relevant."""
    if not result.relevant:
        return []
    return [
        {
            "rank": hit.rank,
            "speech": hit.speech_title,
            "speech_id": hit.speech_id,
            "section": hit.section,
            "section_path": list(hit.section_path),
            "paragraph": hit.text,
            "paragraph_id": hit.paragraph_id,
            "score": round(hit.score, 6),
            "matched_terms": list(hit.matched_terms),
            "tentative": result.tentative,
        }
        for hit in result.hits
    ]


def render_speeches(speeches: list[SpeechInfo], english: bool = False) -> str:
    """The numbered list of speeches."""
    if not speeches:
        return texts.CLI_NO_SPEECHES(english)
    width = len(str(max(s.number for s in speeches)))
    lines = [
        f"{s.number:>{width}}. {s.title}  {texts.CLI_PARAGRAPHS(english, n=s.n_paragraphs)}"
        for s in speeches
    ]
    return "\n".join(lines)


def render_outline(outline: Outline, english: bool = False) -> str:
    """A speech's section tree, indented by level."""
    lines = [f"{outline.speech.number}. {outline.speech.title}"]

    def walk(node: OutlineNode, depth: int) -> None:
        count = texts.CLI_PARAGRAPHS(english, n=node.n_paragraphs)
        lines.append(f"{'  ' * depth}{node.title}  {count}")
        for child in node.children:
            walk(child, depth + 1)

    for node in outline.sections:
        walk(node, 1)
    return "\n".join(lines)


def render_report(report: BuildReport) -> str:
    """The summary printed after a reindex."""
    if report.unchanged:
        head = f"Index is up to date (generation {report.generation}); nothing to rebuild."
    else:
        head = f"Index rebuilt: generation {report.generation} is live."
    lines = [
        head,
        f"  files read:   {report.files_read}",
        f"  files skipped: {len(report.skipped)}",
        *(f"    {name}: {reason}" for name, reason in report.skipped),
        f"  speeches:     {report.speeches}",
        f"  sections:     {report.sections}",
        f"  paragraphs:   {report.paragraphs}",
        f"  terms:        {report.terms}",
        f"  re-tokenised: {len(report.retokenized)} speech(es)",
        f"  seconds:      {report.seconds:.2f}",
    ]
    return "\n".join(lines)


def dense_note(status: DenseStatus, english: bool = False) -> str:
    """One line for stderr when the answer's semantic part is partial or missing because its
    vectors are not all embedded yet (``ask`` does not embed a large set itself) or not loaded
    (a one-off command does not load a very large set's); else ""."""
    if status.unloaded:
        return texts.CLI_VECTORS_NOT_LOADED(english, rows=f"{status.rows:,}")
    if not status.deferred:
        return ""
    share = status.rows_embedded / status.rows if status.rows else 0.0
    using = texts.CLI_VECTORS_SO_FAR if status.rows_embedded else texts.CLI_BM25_ALONE
    return texts.CLI_VECTORS_MISSING(
        english,
        done=f"{status.rows_embedded:,}",
        rows=f"{status.rows:,}",
        share=f"{share:.0%}",
        using=using(english),
    )


class ProgressBar:
    """A tqdm bar on stderr fed by the index's progress callback."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._bar: tqdm[None] | None = None
        self._stage = ""

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close()

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def update(self, stage: str, done: int, total: int) -> None:
        """Show ``done`` of ``total`` for ``stage``."""
        if not self.enabled or total <= 0:
            return
        if stage != self._stage or self._bar is None:
            self._close()
            self._stage = stage
            self._bar = tqdm(
                total=total,
                desc=_STAGES.get(stage, stage),
                unit="",
                file=sys.stderr,
                leave=False,
                dynamic_ncols=True,
                disable=None,
            )
        self._bar.n = done
        self._bar.refresh()


def stdout_closed() -> int:
    """The reader of stdout went away (``speechbot ask … | head -1``): the exit status of a
    quiet exit, as ``cat`` makes it (SIGPIPE's 128 + 13)."""
    # Python flushes stdout again at exit and would complain a second time: point it at devnull.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 141
