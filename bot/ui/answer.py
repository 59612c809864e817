"""Answer-first replies: the sentence that best answers, then short passages under a compact
source line; and a paragraph in full, reached from one of them.

Pure functions, like render.py. ``AnswerView`` holds what a reply needs besides the result: the
speeches' short names, what to put in bold, and an optional scope line (understanding may say
"在《…》第三部分中" above the passages; its keyboard row goes to ``keyboards.answer``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from index import Hit, ParagraphView, SearchResult, highlight_spans

from . import texts
from .html import (
    MAX_MESSAGE,
    SHORT_PASSAGE,
    emphasize,
    esc,
    fit,
    sentences,
    short,
    trim,
    visible_length,
)
from .marks import Marker

#: Characters of the opening quote (one or two sentences).
QUOTE_BUDGET = 110
#: A best sentence shorter than this is quoted with the one after it.
SHORT_SENTENCE = 24
#: Characters of one heading on a source line.
HEADING_CHARS = 12
#: Characters of a neighbouring paragraph shown above and below a paragraph in full.
NEIGHBOUR_CHARS = 60

_CLAUSE_END = "，,：:；;。"
_CIRCLED = (
    [chr(0x2460 + i) for i in range(20)]
    + [chr(0x3251 + i) for i in range(15)]
    + [chr(0x32B1 + i) for i in range(15)]
)


@dataclass(frozen=True, slots=True)
class AnswerView:
    """What an answer shows besides the result itself."""

    names: Mapping[int, str] = field(default_factory=dict)  # speech number → short name
    marks: Marker = field(default_factory=Marker)
    scope: str | None = None  # one line of HTML above the passages, or None


def rank_mark(rank: int) -> str:
    """①, ②, … (to 50), then (51): not to be taken for /outline's speech numbers."""
    return _CIRCLED[rank - 1] if 1 <= rank <= len(_CIRCLED) else f"({rank})"


def heading(title: str) -> str:
    """A heading's first clause, short enough for a source line."""
    cut = min((title.find(c) for c in _CLAUSE_END if c in title), default=-1)
    clause = title[:cut] if cut > 0 else title
    return short(clause, HEADING_CHARS)


def source(names: Mapping[int, str], speech: int, title: str, path: Sequence[str]) -> str:
    """ "short name · 二、要充分发挥… › 三要…" (escaped)."""
    name = short(names.get(speech) or title, 40)
    parts = [name, " › ".join(heading(p) for p in path[:4])] if path else [name]
    return esc(" · ".join(p for p in parts if p))


def _quote(hits: Sequence[Hit], view: AnswerView) -> str:
    """The one or two sentences that best answer, quoted with their source; "" for none."""
    best: tuple[int, int, Hit, int, int] | None = None
    for place, hit in enumerate(hits[:2]):
        terms = view.marks.terms(hit.matched_terms)
        spans = highlight_spans(hit.text, terms, view.marks.cut)
        headings = {"".join(h.split()).rstrip("。；;") for h in hit.section_path}
        for start, end in sentences(hit.text):
            if hit.text[start:end].strip().rstrip("。；;") in headings:
                continue  # the section's own title says nothing new
            found = {hit.text[s:e] for s, e in spans if start <= s < end}
            score = sum(len(f) for f in found)
            if score and (best is None or score > best[0]):
                best = (score, -place, hit, start, end)
    if best is None:
        return ""
    _, _, hit, start, end = best
    following = [s for s in sentences(hit.text) if s[0] >= end]
    if end - start < SHORT_SENTENCE and following:
        end = following[0][1]
    terms = view.marks.terms(hit.matched_terms)
    said = trim(hit.text[start:end].strip(), terms, QUOTE_BUDGET, view.marks.cut)
    where = source(view.names, hit.speech_id, hit.speech_title, hit.section_path)
    return f"<blockquote>“{emphasize(said, terms, view.marks.cut)}”\n— {where}</blockquote>"


def passage(hit: Hit, view: AnswerView, budget: int = SHORT_PASSAGE) -> str:
    """One hit: its mark, the compact source line, about ``budget`` characters around its best
    sentence (… where cut), whole query words in bold."""
    terms = view.marks.terms(hit.matched_terms)
    body = emphasize(trim(hit.text, terms, budget, view.marks.cut), terms, view.marks.cut)
    where = source(view.names, hit.speech_id, hit.speech_title, hit.section_path)
    return fit(f"<b>{rank_mark(hit.rank)}</b> <i>{where}</i>\n{body}")


def answer(
    result: SearchResult, view: AnswerView, *, english: bool = False, budget: int = SHORT_PASSAGE
) -> str:
    """The reply: question, scope, the best sentences quoted (first page), passages, counter."""
    while True:
        head = f"🔎 <b>{esc(short(result.query, 40))}</b>"
        if view.scope:
            head += "\n" + view.scope
        if result.section:
            head += texts.ANSWER_SECTION(english, section=esc(short(result.section, 60)))
        if result.spelled:
            head += texts.ANSWER_SPELLED(english, pairs=esc(texts.spelled_pairs(result.spelled)))
        if result.tentative:
            head += texts.ANSWER_TENTATIVE(english)
        blocks = [head]
        if result.offset == 0 and not result.tentative:
            blocks.append(_quote(result.hits, view))
        blocks += [passage(h, view, budget) for h in result.hits]
        first, last = result.offset + 1, result.offset + len(result.hits)
        blocks.append(texts.ANSWER_RANGE_TAP(english, first=first, last=last, total=result.total))
        text = "\n\n".join(b for b in blocks if b)
        if visible_length(text) <= MAX_MESSAGE:
            return text
        if budget <= 40:  # only absurd titles are left this long: cut, keeping tags whole
            return fit(text)
        budget = budget * 2 // 3


def paragraph(
    view: ParagraphView,
    neighbours: Sequence[ParagraphView],
    names: Mapping[int, str],
    marks: Marker,
    terms: Sequence[str],
    *,
    total: int,
    english: bool = False,
) -> str:
    """A paragraph in full with the query's words in bold, the end of the one before and the
    start of the one after, its source and its place in the speech."""
    shown = marks.terms(terms)
    where = source(names, view.speech_id, view.speech_title, view.section_path)
    before = [n for n in neighbours if n.ordinal < view.ordinal]
    after = [n for n in neighbours if n.ordinal > view.ordinal]
    parts = [f"<i>{where}</i>"]
    if before:
        tail = before[-1].text
        parts.append(
            f"<i>{esc('…' + tail[-NEIGHBOUR_CHARS:] if len(tail) > NEIGHBOUR_CHARS else tail)}</i>"
        )
    parts.append(emphasize(view.text, shown, marks.cut))
    closing = ""
    if after:
        head = after[0].text
        closing = f"\n\n<i>{esc(head[:NEIGHBOUR_CHARS] + '…' if len(head) > NEIGHBOUR_CHARS else head)}</i>"
    position = texts.PASSAGE_POSITION(english, n=view.ordinal + 1, total=total)
    return fit("\n\n".join(parts), suffix=f"{closing}\n\n{position}")
