"""Telegram HTML for answers, outlines and paragraphs; everything from users or the corpus escaped."""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Sequence

from index import (
    Hit,
    Outline,
    OutlineNode,
    ParagraphView,
    SearchResult,
    SpeechInfo,
    highlight_spans,
)

#: Telegram's limit on a message's text after entity parsing.
MAX_MESSAGE = 4096
#: Characters of passage text shown per hit in an answer before trimming with "…".
PASSAGE_BUDGET = 320
ELLIPSIS = "…"
#: Characters of a speech or section title shown in an answer (real ones are far shorter).
TITLE_BUDGET = 120
#: Speeches per page of /outline's list: Telegram shows about 100 buttons at most, and a long
#: column of them is hard to use on a phone.
SPEECHES_PER_PAGE = 20

# What cannot be sent at all: C0 controls other than tab and line breaks (NUL among them), and
# lone surrogates, which have no UTF-8 form (PTB's JSON encoding would raise).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")

_SENTENCE = re.compile(r"[^。！？；!?;]*[。！？；!?;]?")


def esc(text: str) -> str:
    """Escape text for Telegram's HTML parse mode (unsendable characters dropped or replaced)."""
    return html.escape(_SURROGATES.sub("\ufffd", _CONTROLS.sub("", text)), quote=True)


def emphasize(text: str, terms: Sequence[str]) -> str:
    """Escaped ``text`` with matched terms in ``<b>``; tags never split a character or an entity."""
    out, last = [], 0
    for start, end in highlight_spans(text, terms):
        out += [esc(text[last:start]), "<b>", esc(text[start:end]), "</b>"]
        last = end
    out.append(esc(text[last:]))
    return "".join(out)


def _sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.end() > m.start()]


def trim(text: str, terms: Sequence[str], budget: int = PASSAGE_BUDGET) -> str:
    """Cut ``text`` to about ``budget`` characters around its best-matching sentences."""
    if len(text) <= budget:
        return text
    spans = highlight_spans(text, terms)
    sentences = _sentences(text) or [(0, len(text))]

    # Matches per sentence in one pass: counting per sentence was quadratic, and a 100k-character
    # paragraph of short sentences took minutes, blocking the event loop.
    starts = [start for start, _ in sentences]
    counts = [0] * len(sentences)
    for s, _ in spans:
        i = bisect.bisect_right(starts, s) - 1
        if i >= 0 and s < sentences[i][1]:
            counts[i] += 1

    best = max(range(len(sentences)), key=lambda i: (counts[i], -i))
    lo, hi = best, best
    length = sentences[best][1] - sentences[best][0]
    # Grow the window with neighbouring sentences, preferring the one with more matches.
    while True:
        options = []
        if lo > 0:
            options.append((counts[lo - 1], 1, lo - 1))
        if hi < len(sentences) - 1:
            options.append((counts[hi + 1], 0, hi + 1))
        options.sort(reverse=True)
        grown = False
        for _, _, i in options:
            extra = sentences[i][1] - sentences[i][0]
            if length + extra <= budget:
                lo, hi, length, grown = min(lo, i), max(hi, i), length + extra, True
                break
        if not grown:
            break
    start, end = sentences[lo][0], sentences[hi][1]
    if end - start > budget:  # one very long sentence: cut around its first match
        first = next((s for s, _ in spans if start <= s < end), start)
        start = max(start, min(first - budget // 3, end - budget))
        end = start + budget
    return (ELLIPSIS if start > 0 else "") + text[start:end] + (ELLIPSIS if end < len(text) else "")


def passage(hit: Hit, budget: int = PASSAGE_BUDGET) -> str:
    """One hit: speech title, section path, trimmed text with matched terms in bold."""
    body = emphasize(trim(hit.text, hit.matched_terms, budget), hit.matched_terms)
    title, section = esc(_short(hit.speech_title, TITLE_BUDGET)), esc(_short(hit.section, 200))
    return f"<b>{hit.rank}. {title}</b>\n<i>{section}</i>\n{body}"


def answer(result: SearchResult, budget: int = PASSAGE_BUDGET) -> str:
    """A reply with the result's passages, kept within Telegram's limit."""
    while True:
        head = f"🔎 {esc(_short(result.query, 60))}"
        if result.section:
            head += f"\n📖 这一部分是：<b>{esc(_short(result.section, TITLE_BUDGET))}</b>"
        first, last = result.offset + 1, result.offset + len(result.hits)
        pages = f"第 {first}–{last} 条，共 {result.total} 条"
        text = "\n\n".join([head, *(passage(h, budget) for h in result.hits), pages])
        if visible_length(text) <= MAX_MESSAGE:
            return text
        if budget <= 60:  # only absurd titles are left this long: cut, keeping tags whole
            return fit(text)
        budget = budget * 2 // 3


def nothing_found(query: str, reason: str, *, english: bool = False) -> str:
    """The plain 'nothing relevant' reply with suggestions."""
    q = esc(_short(query, 80))
    if english:
        return (
            f"Nothing in the speeches answers “{q}”.\n"
            "Try other words (the speeches are in Chinese), or browse them with /outline."
        )
    return (
        f"没有找到与“{q}”相关的内容。\n"
        "可以换个说法、用更具体的词再问，或发送 /outline 浏览讲话目录。"
    )


def speech_pages(n_speeches: int, per_page: int = SPEECHES_PER_PAGE) -> int:
    """How many pages the list of ``n_speeches`` speeches takes (at least one)."""
    return max(1, -(-n_speeches // per_page))


def speech_list(
    speeches: Sequence[SpeechInfo], page: int = 0, per_page: int = SPEECHES_PER_PAGE
) -> str:
    """The speeches on ``page``, numbered, with the page count when there is more than one."""
    if not speeches:
        return "索引中还没有讲话。"
    pages = speech_pages(len(speeches), per_page)
    shown = speeches[page * per_page : (page + 1) * per_page]
    lines = [
        f"{s.number}. {esc(_short(s.title, TITLE_BUDGET))}（{s.n_paragraphs} 段）" for s in shown
    ]
    head = "<b>讲话目录</b>"
    if pages > 1:
        head += f"（第 {page + 1}/{pages} 页，共 {len(speeches)} 篇）"
    return fit(
        head + "\n" + "\n".join(lines),
        suffix="\n\n点按下方按钮查看提纲，或发送 /outline 编号。",
    )


def outline(tree: Outline) -> str:
    """A speech's section tree."""
    lines = [f"<b>{tree.speech.number}. {esc(tree.speech.title)}</b>"]

    def walk(node: OutlineNode, depth: int) -> None:
        lines.append(f"{'　' * depth}{esc(node.title)}（{node.n_paragraphs} 段）")
        for child in node.children:
            walk(child, depth + 1)

    for node in tree.sections:
        walk(node, 0)
    return fit("\n".join(lines))


def paragraph(view: ParagraphView, *, title: str = "全文") -> str:
    """A whole paragraph with its source."""
    head = f"<b>{esc(view.speech_title)}</b>\n<i>{esc(view.section)}</i>"
    return fit(f"{head}\n\n{esc(view.text)}", suffix=f"\n\n（{title}）")


def context(views: Sequence[ParagraphView], centre_id: int) -> str:
    """A paragraph between its neighbours; the centre one marked."""
    if not views:
        return "找不到这段内容，索引可能已更新，请重新提问。"
    head = f"<b>{esc(views[0].speech_title)}</b>"
    budget = max(200, (MAX_MESSAGE - 200) // len(views))
    parts = []
    for v in views:
        text = esc(v.text if len(v.text) <= budget else v.text[:budget] + ELLIPSIS)
        marker = "▶ " if v.paragraph_id == centre_id else ""
        parts.append(
            f"<i>{esc(v.section)}</i>\n{marker}{'<b>' if marker else ''}{text}"
            f"{'</b>' if marker else ''}"
        )
    return fit(head + "\n\n" + "\n\n".join(parts))


def section_text(title: str, views: Sequence[ParagraphView], page: int, pages: int) -> str:
    """One page of a section's paragraphs."""
    head = f"<b>{esc(views[0].speech_title) if views else ''}</b>\n<i>{esc(title)}</i>"
    body = "\n\n".join(esc(v.text) for v in views)
    tail = f"\n\n（第 {page + 1}/{pages} 页）" if pages > 1 else ""
    return fit(f"{head}\n\n{body}", suffix=tail)


def paginate(views: Sequence[ParagraphView], budget: int = 3500) -> list[list[ParagraphView]]:
    """Split paragraphs into pages of at most ``budget`` characters (a long one alone)."""
    pages: list[list[ParagraphView]] = [[]]
    size = 0
    for v in views:
        if pages[-1] and size + len(v.text) > budget:
            pages.append([])
            size = 0
        pages[-1].append(v)
        size += len(v.text)
    return pages


def visible_length(text: str) -> int:
    """Length Telegram counts: text after removing tags and decoding entities."""
    return len(html.unescape(re.sub(r"<[^>]*>", "", text)))


def fit(text: str, suffix: str = "") -> str:
    """Cut HTML ``text`` so that with ``suffix`` it fits a message, never inside a tag or entity."""
    if visible_length(text + suffix) <= MAX_MESSAGE:
        return text + suffix
    out: list[str] = []
    open_tags: list[str] = []
    count = 0
    limit = MAX_MESSAGE - visible_length(suffix) - 2
    for token in re.findall(r"<[^>]*>|&[#a-zA-Z0-9]+;|[^<&]", text):
        if token.startswith("<"):
            if token.startswith("</"):
                if open_tags:
                    open_tags.pop()
            else:
                open_tags.append(re.match(r"<(\w+)", token).group(1))  # type: ignore[union-attr]
            out.append(token)
            continue
        if count + 1 > limit:
            break
        out.append(token)
        count += 1
    closing = "".join(f"</{tag}>" for tag in reversed(open_tags))
    return "".join(out) + ELLIPSIS + closing + suffix


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS
