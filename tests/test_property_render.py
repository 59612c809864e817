"""Property: arbitrary text (controls, surrogates, 100k characters, markup) never breaks a reply.

Every reply the formatter makes is valid Telegram HTML within 4096 characters that can be sent
(UTF-8, no NUL), and every button's callback_data fits in 64 bytes.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import InlineKeyboardMarkup

from bot.ui import answer as answers
from bot.ui import keyboards, render
from bot.ui.answer import AnswerView
from bot.ui.html import esc
from bot.ui.marks import Marker, marker
from bot.ui.pages import paginate
from conftest import ALICE, RunningBot
from index import (
    Hit,
    Outline,
    OutlineNode,
    ParagraphView,
    Scope,
    SearchIndex,
    SearchResult,
    SpeechInfo,
)
from telegram_html import assert_valid_telegram_html

NASTY = [
    "\x00", "\x01", "\x1b[31m", "\x7f", "\x85", "\ud800", "\udfff", "\ud83d", "\ufffe", "\uffff",
    "\u202e", "\u200f", "\u200b", "\u2028", "\r\n", "\t", "<", ">", "&", "&amp;", "&lt;", "&#0;",
    "&#xD800;", "&nbsp;", "<b>", "</b>", "<i>x</i>", "<a href=\"javascript:x\">", "<pre><code>",
    "</code>", "<tg-spoiler>", "<script>alert(1)</script>", "**粗体**", "__x__", "`code`", "```",
    "[链接](http://x.y)", "*", "_", "~~", "||", "\\", "'", '"', "🇨🇳", "👨‍👩‍👧", "e\u0301", "😀" * 3,
    "عربي", "עברית", "党建", "战斗堡垒", "。", "？", "！", "；", "…",
]  # fmt: skip
ANY_CHAR = st.characters(exclude_categories=())  # surrogates and unassigned code points too
PIECES = st.one_of(st.text(ANY_CHAR, max_size=30), st.sampled_from(NASTY))
TEXT = st.lists(PIECES, max_size=12).map("".join)
HUGE = st.builds(lambda piece, n: (piece * n)[:100_000], TEXT.filter(bool), st.just(100_000))
ANY_TEXT = st.one_of(TEXT, TEXT, TEXT, HUGE)
# Paragraph texts and section titles come from the parser, which never yields blank ones.
VISIBLE = ANY_TEXT.filter(lambda t: bool(esc(t).strip()))
IDS = st.integers(1, 2**40)
EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def assert_sendable(html: str) -> str:
    """Valid Telegram HTML that fits a message and can be sent as JSON in UTF-8."""
    assert "\x00" not in html
    html.encode("utf-8")  # a lone surrogate raises here, as it would in PTB
    return assert_valid_telegram_html(html)


def assert_buttons(markup: InlineKeyboardMarkup | None) -> None:
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            assert button.callback_data is not None
            assert len(str(button.callback_data).encode()) <= 64
            button.text.encode("utf-8")


@st.composite
def hits(draw: Any, rank: int) -> Hit:
    text = draw(ANY_TEXT)
    slices = st.tuples(st.integers(0, len(text)), st.integers(1, 8)).map(
        lambda s: text[s[0] : s[0] + s[1]]
    )
    terms = draw(st.lists(st.one_of(slices, TEXT).filter(bool), max_size=4))
    return Hit(
        rank=rank,
        score=draw(st.floats(allow_nan=False)),
        paragraph_id=draw(IDS),
        speech_id=draw(IDS),
        speech_title=draw(ANY_TEXT),
        section_path=tuple(draw(st.lists(TEXT, max_size=4))),
        text=text,
        ordinal=draw(st.integers(0, 10_000)),
        prev_id=None,
        next_id=None,
        matched_terms=tuple(terms),
    )


@st.composite
def results(draw: Any) -> SearchResult:
    offset = draw(st.integers(0, 10_000))
    n = draw(st.integers(1, 3))
    found = tuple(draw(hits(offset + i + 1)) for i in range(n))
    return SearchResult(
        query=draw(ANY_TEXT),
        terms=tuple(draw(st.lists(TEXT, max_size=4))),
        hits=found,
        total=offset + n + draw(st.integers(0, 10_000)),
        offset=offset,
        relevant=True,
        section=draw(st.none() | TEXT),
        # What the question pointed at (issue 12): the scope line, "哪篇讲话？" and its buttons.
        scope=draw(st.none() | st.builds(Scope, IDS, ANY_TEXT, st.none() | ANY_TEXT)),
        candidates=tuple(
            draw(
                st.lists(
                    st.builds(SpeechInfo, IDS, ANY_TEXT, TEXT, st.none(), IDS, st.just(0.0), TEXT),
                    max_size=6,
                )
            )
        ),
    )


def views(draw: Any) -> list[ParagraphView]:
    return [
        ParagraphView(
            paragraph_id=draw(IDS),
            speech_id=draw(IDS),
            speech_title=draw(ANY_TEXT),
            section_id=draw(IDS),
            section_path=tuple(draw(st.lists(TEXT, max_size=3))),
            ordinal=i,
            text=draw(VISIBLE),
            prev_id=None,
            next_id=None,
        )
        for i in range(draw(st.integers(1, 4)))
    ]


def speech(draw: Any) -> SpeechInfo:
    return SpeechInfo(draw(IDS), draw(ANY_TEXT), draw(TEXT), None, draw(IDS), 0.0, "0" * 64)


NODES = st.recursive(
    st.builds(OutlineNode, IDS, TEXT, st.integers(1, 3), st.just("numbered"), st.none(), IDS),
    lambda children: st.builds(
        OutlineNode,
        IDS,
        ANY_TEXT,
        st.integers(1, 3),
        st.just("numbered"),
        st.none(),
        IDS,
        st.lists(children, max_size=3).map(tuple),
    ),
    max_leaves=12,
)


@EXAMPLES
@given(result=results(), query_id=IDS)
def test_answers_are_valid_telegram_html_for_any_text(result: SearchResult, query_id: int) -> None:
    names = {h.speech_id: h.speech_title for h in result.hits}
    view = AnswerView(names, Marker(result.query))
    assert_sendable(answers.answer(result, view))
    assert_buttons(keyboards.answer(result, query_id))
    text, markup = render.result_reply(result, query_id)
    assert_sendable(text)
    assert_buttons(markup)
    for hit in result.hits:  # the inline-mode article
        assert_sendable(answers.passage(hit, view, 900))


@EXAMPLES
@given(query=ANY_TEXT, reason=TEXT, english=st.booleans())
def test_nothing_found_is_valid_telegram_html_for_any_question(
    query: str, reason: str, english: bool
) -> None:
    assert_sendable(render.nothing_found(query, reason, english=english))


@EXAMPLES
@given(data=st.data())
def test_full_text_context_and_sections_are_valid_for_any_text(data: st.DataObject) -> None:
    found = views(data.draw)
    centre = data.draw(st.sampled_from(found))
    terms = data.draw(st.lists(TEXT, max_size=3))
    around = [v for v in found if v != centre]
    assert_sendable(answers.paragraph(centre, around, {}, Marker(), terms, total=len(found)))
    assert_buttons(keyboards.paragraph(centre, data.draw(IDS), data.draw(IDS)))
    pages = paginate(found)
    page = data.draw(st.integers(0, len(pages) - 1))
    title = data.draw(VISIBLE)
    assert_sendable(render.section_text(title, pages[page], page, len(pages)))
    neighbours = (data.draw(st.none() | IDS), data.draw(st.none() | IDS))
    where = (data.draw(IDS), page, len(pages))
    back = (data.draw(IDS), data.draw(IDS))
    assert_buttons(keyboards.section(where, neighbours, data.draw(IDS), back=back))


@EXAMPLES
@given(data=st.data(), sections=st.lists(NODES, min_size=1, max_size=6))
def test_outlines_and_speech_lists_are_valid_for_any_titles(
    data: st.DataObject, sections: list[OutlineNode]
) -> None:
    tree = Outline(speech(data.draw), tuple(sections))
    assert_sendable(render.outline(tree))
    assert_buttons(keyboards.outline(tree))
    speeches = [speech(data.draw) for _ in range(data.draw(st.integers(1, 5)))]
    assert_sendable(render.speech_list(speeches))
    assert_buttons(keyboards.speeches(speeches))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=ANY_TEXT)
async def test_search_answers_any_text_without_crashing(index: SearchIndex, query: str) -> None:
    result = await index.search(query, k=3)
    if not result.relevant:
        assert_sendable(render.nothing_found(result.query, result.reason))
        return
    marks = marker(query, index.snapshot.tokenizer)
    assert_sendable(answers.answer(result, AnswerView({}, marks)))
    hit = result.hits[0]
    view = await index.paragraph(hit.paragraph_id)
    assert view is not None
    around = [v for v in await index.context(hit.paragraph_id) if v != view]
    assert_sendable(answers.paragraph(view, around, {}, marks, result.terms, total=10))


async def test_question_with_lone_surrogates_and_nul_gets_an_answer(bot: RunningBot) -> None:
    since = bot.api.mark()
    bot.api.send_message("如何发挥\ud800基层党组织\x00战斗堡垒\udfff作用", user=ALICE, entities=[])
    answer = await bot.api.wait_for("sendMessage", since=since, timeout=30)
    assert "战斗堡垒" in assert_sendable(answer["text"])
    await bot.api.settle()
    assert not bot.api.calls_of("sendMessage", lambda c: "抱歉" in c["text"], since=since)


async def test_question_with_markup_and_sql_is_escaped_in_html_and_stored_verbatim(
    bot: RunningBot,
) -> None:
    question = "党建<b>工作</b> & \"'); DROP TABLE speeches; --"
    since = bot.api.mark()
    bot.api.send_message(question, user=ALICE)
    answer = await bot.api.wait_for("sendMessage", since=since, timeout=30)
    # shown as typed, not as markup (the head line keeps the first 40 characters)
    assert question[:39] in assert_sendable(answer["text"])
    state = bot.app.bot_data.state
    stored = await (await state.db.execute("SELECT query FROM bot_queries")).fetchall()
    assert (question,) in stored
    assert len(await bot.app.bot_data.index.speeches()) == 5
