"""Fixed texts shown to users, in Chinese and (for language_code 'en') English."""

from __future__ import annotations

from telegram import BotCommand

HELP_ZH = """<b>讲话问答机器人</b>
直接发送问题，例如：<i>如何发挥基层党组织战斗堡垒作用？</i>
我会回复最相关的三段讲话原文，并注明出自哪篇讲话、哪一部分。

按钮：<b>全文</b> 查看整段，<b>上下文</b> 查看前后段落，<b>大纲</b> 查看讲话结构，<b>更多结果</b> 翻页。

命令：
/search 问题 — 搜索（与直接发送相同）
/outline — 讲话目录；/outline 编号 或 /outline 名称 — 讲话提纲
/about — 语料与索引信息
/help — 本说明

在群组中，请 @我 或回复我的消息提问。在任意聊天中输入 @{username} 问题 可内联搜索。"""

HELP_EN = """<b>Speech Q&amp;A bot</b>
Send a question (the speeches are in Chinese), e.g. <i>如何发挥基层党组织战斗堡垒作用？</i>
I reply with the three best-matching passages, each with its speech and section.

Buttons: <b>全文</b> whole paragraph, <b>上下文</b> surrounding paragraphs, <b>大纲</b> the speech's outline, <b>更多结果</b> more results.

Commands:
/search question — search (same as sending the question)
/outline — list of speeches; /outline N or /outline name — a speech's outline
/about — corpus and index information
/help — this help

In groups, mention me or reply to my message. In any chat, type @{username} question for inline search."""

HELP_ADMIN_ZH = """

<b>管理员</b>
/reindex — 重建索引（期间照常回答）
/stats — 使用统计
/speeches — 已索引的讲话、文件与日期
/remove 编号 — 移除一篇讲话（需确认）
发送 .txt、.md 或 .docx 文件 — 预览后确认加入或替换讲话"""

HELP_ADMIN_EN = """

<b>Admins</b>
/reindex — rebuild the index (answers continue meanwhile)
/stats — usage statistics
/speeches — indexed speeches with files and dates
/remove N — take a speech out (asks to confirm)
Send a .txt, .md or .docx file — preview, then confirm to add or replace a speech"""

SEARCH_USAGE_ZH = (
    "用法：/search 问题，例如 <code>/search 如何加强干部队伍建设</code>。也可以直接发送问题。"
)
SEARCH_USAGE_EN = "Usage: /search question, e.g. <code>/search 如何加强干部队伍建设</code>. You can also just send the question."
UNKNOWN_ZH = "没有这个命令。发送 /help 查看可用命令。"
UNKNOWN_EN = "Unknown command. Send /help to see what I can do."
NOT_ADMIN_ZH = "抱歉，此操作仅限管理员使用。"
NOT_ADMIN_EN = "Sorry, only administrators can do that."
SLOW_DOWN_ZH = "提问太频繁了，请稍等一分钟再问。"
SLOW_DOWN_EN = "You are asking very fast; please wait a minute."
ERROR_ZH = "抱歉，处理时出了点问题，请稍后再试。"
ERROR_EN = "Sorry, something went wrong. Please try again later."
TOO_LONG_ZH = "问题太长了（超过 {limit} 字），请精简后再问。"
TOO_LONG_EN = "That question is too long (over {limit} characters); please shorten it."
STALE_BUTTON_ZH = "这个按钮对应的内容已不存在（索引可能已更新），请重新提问。"

COMMANDS_ZH = [
    BotCommand("search", "搜索讲话内容"),
    BotCommand("outline", "讲话目录与提纲"),
    BotCommand("about", "语料与索引信息"),
    BotCommand("help", "使用说明"),
]
COMMANDS_EN = [
    BotCommand("search", "Search the speeches"),
    BotCommand("outline", "List speeches and their outlines"),
    BotCommand("about", "Corpus and index information"),
    BotCommand("help", "How to use this bot"),
]
ADMIN_COMMANDS = [
    BotCommand("reindex", "重建索引（管理员）"),
    BotCommand("stats", "使用统计（管理员）"),
    BotCommand("speeches", "已索引的讲话、文件与日期（管理员）"),
    BotCommand("remove", "移除一篇讲话：/remove 编号（管理员）"),
]


def is_english(language_code: str | None) -> bool:
    """Whether to answer a user in English."""
    return bool(language_code) and str(language_code).lower().startswith("en")
