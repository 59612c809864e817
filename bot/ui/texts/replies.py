"""Answer-first replies, browsing in place, buttons and limits (issue 15): every label and
alert in both languages, so that an English reader never meets a Chinese control."""

from __future__ import annotations

from .base import Text

# --- /start: a greeting with example questions ----------------------------------------------------

START = Text(
    "<b>你好！</b>我回答关于讲话内容的问题，并注明出处。\n"
    "直接发送问题，或点下面的例子试试。发送 /help 查看全部用法。",
    "<b>Hello!</b> I answer questions about the speeches and say where each answer comes from.\n"
    "Send a question (the speeches are in Chinese) or tap an example below. /help has the rest.",
)
#: Example questions under /start (the speeches are Chinese, so they are asked in Chinese).
EXAMPLE_QUESTIONS = (
    "如何发挥基层党组织战斗堡垒作用",
    "怎样加强干部队伍建设",
    "如何落实全面从严治党主体责任",
)
BUTTON_BROWSE = Text("📚 浏览讲话目录 /outline", "📚 Browse the speeches /outline")

# --- answers --------------------------------------------------------------------------------------

ANSWER_RANGE_TAP = Text(
    "第 {first}–{last} 条，共 {total} 条 · 点数字看全文",
    "Results {first}–{last} of {total} · tap a number for the full text",
)
PASSAGE_POSITION = Text("第 {n}/{total} 段", "paragraph {n} of {total}")
LONG_QUESTION = Text(
    "这段文字有 {n} 字，像是粘贴的原文。请用一句话提问（{limit} 字以内），例如：<i>{example}</i>",
    "That text has {n} characters, which looks like pasted text. Please ask in one sentence "
    "(up to {limit} characters), e.g. <i>{example}</i>",
)
SLOW_DOWN_UNTIL = Text(
    "提问太频繁了：每分钟最多 {limit} 个问题。请在 {seconds} 秒后再问，在此之前发来的问题不会回答。",
    "You are asking very fast: at most {limit} questions a minute. Please ask again in {seconds} s; "
    "questions sent before then are not answered.",
)

# --- buttons --------------------------------------------------------------------------------------

BUTTON_PREV_PARAGRAPH = Text("◀ 上一段", "◀ Previous")
BUTTON_NEXT_PARAGRAPH = Text("下一段 ▶", "Next ▶")
BUTTON_OUTLINE = Text("大纲", "Outline")
BUTTON_RESULTS = Text("返回结果", "Results")
BUTTON_PREVIOUS_PAGE = Text("◀ 上一页", "◀ Previous page")
BUTTON_NEXT_PAGE = Text("下一页 ▶", "Next page ▶")
BUTTON_MORE = Text("更多结果 ▶", "More results ▶")
BUTTON_SPEECHES = Text("◀ 讲话目录", "◀ Speeches")
BUTTON_PREV_SECTION = Text("◀ 上一部分", "◀ Previous part")
BUTTON_NEXT_SECTION = Text("下一部分 ▶", "Next part ▶")
BUTTON_SEARCH_AGAIN = Text("🔎 重新搜索", "🔎 Search again")

# --- buttons that outlived what they showed -------------------------------------------------------

GONE_PARAGRAPH = Text(
    "这一段已不在索引中：讲话已更新或移除。",
    "This paragraph is no longer in the index: its speech was updated or removed.",
)
GONE_SECTION = Text(
    "这一部分已不在索引中：讲话已更新或移除。",
    "This part is no longer in the index: its speech was updated or removed.",
)
GONE_SPEECH = Text(
    "这篇讲话已不在索引中。发送 /outline 查看现有讲话。",
    "This speech is no longer in the index. Send /outline for the current list.",
)
GONE_SEARCH_AGAIN = Text(
    "\n点“重新搜索”，按现在的索引再问一次“{query}”。",
    "\nTap “Search again” to ask “{query}” of the index as it is now.",
)
