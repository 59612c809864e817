"""What everyone sees: help, the command menu, answers, browsing, refusals and errors."""

from __future__ import annotations

from .base import Text

# --- /start, /help, the command menu ------------------------------------------------------------

HELP = Text(
    """<b>讲话问答机器人</b>
直接发送问题，例如：<i>如何发挥基层党组织战斗堡垒作用？</i>
我会回复最相关的三段讲话原文，并注明出自哪篇讲话、哪一部分。
可以指明讲话和部分（<i>2023年县委工作会议讲话第二部分讲了什么</i>），也可以接着追问（<i>第三部分呢</i>、<i>具体有哪些措施</i>）；30 分钟内接上文，/start 重新开始。

按钮：点 <b>1 2 3</b> 查看该段全文（可看上一段、下一段、大纲，再返回结果），<b>更多结果</b> 翻页。

命令：
/search 问题 — 搜索（与直接发送相同）
/outline — 讲话目录；/outline 编号、年份、名称或描述 — 讲话提纲
/about — 语料与索引信息
/help — 本说明

在群组中，请 @我 或回复我的消息提问。在任意聊天中输入 @{username} 问题 可内联搜索。""",
    """<b>Speech Q&amp;A bot</b>
Send a question (the speeches are in Chinese), e.g. <i>如何发挥基层党组织战斗堡垒作用？</i>
I reply with the three best-matching passages, each with its speech and section.
You may name a speech and a part, and ask follow-ups for 30 minutes (/start starts afresh), e.g. <i>2023年县委工作会议讲话第二部分讲了什么</i>, then <i>第三部分呢</i>.

Buttons: tap <b>1 2 3</b> for a passage's whole paragraph (then the previous or next one, the outline, back to the results); <b>More results</b> pages on.

Commands:
/search question — search (same as sending the question)
/outline — list of speeches; /outline N, a year, a name or a description — a speech's outline
/about — corpus and index information
/help — this help

In groups, mention me or reply to my message. In any chat, type @{username} question for inline search.""",
)
HELP_ADMIN = Text(
    """

<b>管理员</b>
/reindex — 重建索引（期间照常回答）
/stats — 使用统计
/speeches — 已索引的讲话、文件与日期
/remove 编号 — 移除一篇讲话（需确认）
发送 .txt、.md 或 .docx 文件 — 预览后确认加入或替换讲话""",
    """

<b>Admins</b>
/reindex — rebuild the index (answers continue meanwhile)
/stats — usage statistics
/speeches — indexed speeches with files and dates
/remove N — take a speech out (asks to confirm)
Send a .txt, .md or .docx file — preview, then confirm to add or replace a speech""",
)
#: The button under inline results that opens the private chat with /start help.
INLINE_HELP = Text("使用说明", "How to use")

# The command menu, as (command, description) pairs: set_my_commands takes them as they are, and
# the catalogue stays free of telegram (the command line imports it without the library).
COMMANDS_ZH: list[tuple[str, str]] = [
    ("search", "搜索讲话内容"),
    ("outline", "讲话目录与提纲"),
    ("about", "语料与索引信息"),
    ("help", "使用说明"),
]
COMMANDS_EN: list[tuple[str, str]] = [
    ("search", "Search the speeches"),
    ("outline", "List speeches and their outlines"),
    ("about", "Corpus and index information"),
    ("help", "How to use this bot"),
]
ADMIN_COMMANDS_ZH: list[tuple[str, str]] = [
    ("reindex", "重建索引（管理员）"),
    ("stats", "使用统计（管理员）"),
    ("speeches", "已索引的讲话、文件与日期（管理员）"),
    ("remove", "移除一篇讲话：/remove 编号（管理员）"),
]
ADMIN_COMMANDS_EN: list[tuple[str, str]] = [
    ("reindex", "Rebuild the index (admins)"),
    ("stats", "Usage statistics (admins)"),
    ("speeches", "Indexed speeches, files and dates (admins)"),
    ("remove", "Take a speech out: /remove N (admins)"),
]

# --- questions -----------------------------------------------------------------------------------

SEARCH_USAGE = Text(
    "用法：/search 问题，例如 <code>/search 如何加强干部队伍建设</code>。也可以直接发送问题。",
    "Usage: /search question, e.g. <code>/search 如何加强干部队伍建设</code>. You can also just send the question.",
)
UNKNOWN = Text(
    "没有这个命令。发送 /help 查看可用命令。", "Unknown command. Send /help to see what I can do."
)
ERROR = Text(
    "抱歉，处理时出了点问题，请稍后再试。", "Sorry, something went wrong. Please try again later."
)
NOT_ADMIN = Text("抱歉，此操作仅限管理员使用。", "Sorry, only administrators can do that.")

# --- answers (values escaped by bot/ui/render.py) ------------------------------------------------

ANSWER_SECTION = Text("\n📖 这一部分是：<b>{section}</b>", "\n📖 This part is: <b>{section}</b>")
ANSWER_SPELLED = Text("\n✏️ 已按 {pairs} 理解", "\n✏️ Read as {pairs}")
ANSWER_TENTATIVE = Text(
    "\n没有找到直接回答，以下段落可能相关：",
    "\nNo passage answers this directly; these may be related:",
)
NOTHING_FOUND = Text(
    "没有找到与“{query}”相关的内容。\n"
    "可以换个说法、用更具体的词再问，或发送 /outline 浏览讲话目录。",
    "Nothing in the speeches answers “{query}”.\n"
    "Try other words (the speeches are in Chinese), or browse them with /outline.",
)
ABOUT = Text(
    "<b>语料</b>：{speeches} 篇讲话，{sections} 个部分，{paragraphs} 段\n"
    "<b>索引</b>：第 {generation} 版，建于 {built}，{terms} 个词，{mb:.1f} MB，BM25 {variant}",
    "<b>Corpus</b>: {speeches} speeches, {sections} sections, {paragraphs} paragraphs\n"
    "<b>Index</b>: generation {generation}, built {built}, {terms} terms, {mb:.1f} MB, BM25 {variant}",
)
SEMANTIC_ON = Text(
    "\n<b>语义检索</b>：已开启（{rows} 段均有向量）",
    "\n<b>Semantic search</b>: on (all {rows} paragraphs embedded)",
)
SEMANTIC_FILLING = Text(
    "\n<b>语义检索</b>：向量生成中（{done}/{rows} 段），其间按关键词检索",
    "\n<b>Semantic search</b>: embedding ({done} of {rows} paragraphs); keyword search meanwhile",
)
SEMANTIC_OFF = Text(
    "\n<b>语义检索</b>：已关闭（SPEECHBOT_DENSE=off），仅按关键词检索",
    "\n<b>Semantic search</b>: off (SPEECHBOT_DENSE=off); keyword search only",
)
SEMANTIC_UNAVAILABLE = Text(
    "\n<b>语义检索</b>：模型无法加载，仅按关键词检索",
    "\n<b>Semantic search</b>: the model cannot load here; keyword search only",
)

# --- browsing: the list of speeches, outlines, paragraphs, sections --------------------------------

NO_SPEECHES = Text("索引中还没有讲话。", "The index holds no speeches yet.")
SPEECHES_HEAD = Text("<b>讲话目录</b>", "<b>Speeches</b>")
SPEECHES_PAGE = Text(
    "（第 {page}/{pages} 页，共 {count} 篇）", " (page {page}/{pages}, {count} speeches)"
)
SPEECH_LINE = Text("{number}. {title}（{n} 段）", "{number}. {title} ({n} paragraphs)")
SPEECHES_TAIL = Text(
    "\n\n点按下方按钮查看提纲，或发送 /outline 编号。",
    "\n\nTap a button below for a speech's outline, or send /outline N.",
)
SECTION_LINE = Text("{indent}{title}（{n} 段）", "{indent}{title} ({n} paragraphs)")
NO_SUCH_SPEECH = Text(
    "没有找到讲话“{ref}”。发送 /outline 查看目录。",
    "No speech matches “{ref}”. Send /outline for the list.",
)
SECTION_PAGE = Text("\n\n（第 {page}/{pages} 页）", "\n\n(page {page}/{pages})")
STALE_BUTTON = Text(
    "这个按钮对应的内容已不存在（索引可能已更新），请重新提问。",
    "What this button showed no longer exists (the index may have been updated); please ask again.",
)
WAIT_BEFORE_PRESSING = Text("请稍候再点…", "Please wait a moment before pressing again…")

# --- labels of the admin prompts' buttons (the admin help names them in Chinese) -----------------

BUTTON_CONFIRM = "确认"
BUTTON_REPLACE = "替换"
BUTTON_CANCEL = "取消"

# -- issue 13: a damaged database ---------------------------------------------------------------
#: A question or button that needed a part of the database SQLite found damaged.
DB_DAMAGED = Text(
    "抱歉，索引数据库已损坏，这一项暂时无法读取。已载入内存的内容仍可查询；请管理员运行 "
    "speechbot check，恢复备份或重建索引。",
    "Sorry, the index database is damaged and this item cannot be read. What is already in "
    "memory can still be searched; an admin should run speechbot check, restore a backup or "
    "reindex.",
)
#: /about while the database is damaged.
ABOUT_DAMAGED = Text(
    "\n⚠️ <b>数据库已损坏</b>：只用已载入内存的内容作答，直到管理员恢复备份或重建索引。",
    "\n⚠️ <b>The database is damaged</b>: answering only from what is already in memory until "
    "an admin restores a backup or reindexes.",
)

# --- what a question pointed at (issue 12): scope line, "哪篇讲话？", parts, follow-ups ----------

#: The one line saying what narrowed the search.
SCOPE_IN = Text("📌 在《{title}》{section}中", "📌 Within 《{title}》{section}")
SCOPE_SECTION = Text("“{section}”", " “{section}”")
#: A follow-up read in the previous answer's context.
SCOPE_FOLLOWED = Text("↪️ 接上文《{title}》{section}", "↪️ Following on from 《{title}》{section}")
#: The question points at a speech, but which one is unclear: one button per candidate below.
WHICH_SPEECH = Text("❓ 哪篇讲话？请选择：", "❓ Which speech? Please choose:")
WHICH_SPEECH_WITH_HITS = Text(
    "❓ 哪篇讲话？可在下方选择；以下是全部讲话中的结果。",
    "❓ Which speech? Choose one below; meanwhile, results from all speeches.",
)
WHICH_SPEECH_CLOSEST = Text(
    "❓ 不能确定是哪篇讲话：以下按最接近的《{title}》回答，也可在下方选择另一篇。",
    "❓ Not sure which speech: answered from the closest, 《{title}》; choose another below.",
)
#: The part asked for does not exist in that speech.
NO_SUCH_PART = Text(
    "《{title}》没有这一部分：它共有 {count} 部分。可用 /outline {number} 查看提纲。",
    "《{title}》 has no such part: it has {count} parts. See /outline {number}.",
)
#: /outline NAME that several speeches match.
OUTLINE_WHICH = Text(
    "“{ref}”可能指以下讲话，请选择：", "“{ref}” may mean these speeches; choose one:"
)
BUTTON_EVERYWHERE = Text("🔍 在全部讲话中搜索", "🔍 Search all speeches")
BUTTON_PICK = "{number}. {title}"
