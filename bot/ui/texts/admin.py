"""What admins see: /reindex, /stats, /speeches, /remove and the answers to admin buttons."""

from __future__ import annotations

from .base import Text

# --- admin buttons -------------------------------------------------------------------------------

ACTION_EXPIRED = Text("这个操作已失效。", "This action has expired.")
CANCELLED = Text("已取消", "Cancelled")
CANCELLED_NOTHING_CHANGED = Text("已取消，没有任何改动。", "Cancelled; nothing was changed.")

# --- /reindex ------------------------------------------------------------------------------------

REINDEX_BUSY = Text(
    "已有一个重建任务正在进行，请等它完成。",
    "A reindex is already running; please wait for it to finish.",
)
REINDEX_STARTED = Text(
    "⏳ 开始重建索引…（期间仍用旧索引回答问题）",
    "⏳ Reindexing… (the old index keeps answering meanwhile)",
)
REINDEX_READING = Text("⏳ 重建索引：读取文件…", "⏳ Reindexing: reading files…")
REINDEX_PROGRESS = Text("⏳ 重建索引：{stage} {n}/{total}", "⏳ Reindexing: {stage} {n}/{total}")
#: The index's build stages, as the progress line names them.
REINDEX_STAGES = {
    "read": Text("读取文件", "reading files"),
    "tokenize": Text("分词", "tokenising"),
    "index": Text("建立索引", "indexing"),
    "swap": Text("切换", "swapping in"),
}
REINDEX_FAILED = Text(
    "❌ 重建失败，旧索引继续服务。\n原因：{reason}",
    "❌ The reindex failed; the old index keeps serving.\nReason: {reason}",
)
REINDEX_UNCHANGED = Text(
    "✅ 语料未变化，索引已是最新。", "✅ The corpus has not changed; the index is up to date."
)
REINDEX_DONE = Text(
    "✅ 索引已重建（第 {generation} 版）。", "✅ Index rebuilt (generation {generation})."
)
REINDEX_SUMMARY = Text(
    "{head}\n读取文件 {files} 个，跳过 {n_skipped} 个{skipped}\n"
    "讲话 {speeches} 篇，部分 {sections} 个，段落 {paragraphs} 段\n"
    "重新分词 {retokenized} 篇，用时 {seconds:.1f} 秒",
    "{head}\nFiles read: {files}, skipped: {n_skipped}{skipped}\n"
    "Speeches: {speeches}, sections: {sections}, paragraphs: {paragraphs}\n"
    "Re-tokenised: {retokenized} speech(es) in {seconds:.1f} s",
)
REINDEX_SKIPPED = Text("\n  · {name}：{reason}", "\n  · {name}: {reason}")

# --- /stats --------------------------------------------------------------------------------------

STATS = Text(
    "<b>已回答问题</b>：{questions}\n"
    "<b>回答用时</b>：{latency}\n"
    "<b>索引</b>：{paragraphs} 段，{mb:.1f} MB，建于 {built}（{age_h:.1f} 小时前）\n"
    "<b>无相关结果的高频问题</b>：",
    "<b>Questions answered</b>: {questions}\n"
    "<b>Answer time</b>: {latency}\n"
    "<b>Index</b>: {paragraphs} paragraphs, {mb:.1f} MB, built {built} ({age_h:.1f} hours ago)\n"
    "<b>Most frequent questions without a relevant answer</b>:",
)
STATS_LATENCY = Text(
    "中位数 {median:.1f} ms，p95 {p95:.1f} ms", "median {median:.1f} ms, p95 {p95:.1f} ms"
)
STATS_NO_LATENCY = Text("暂无", "none yet")
STATS_UNANSWERED = Text("{i}. {question}（{n} 次）", "{i}. {question} ({n}×)")
STATS_NONE = Text("（无）", "(none)")

# --- /speeches -----------------------------------------------------------------------------------

INDEXED_HEAD = Text("<b>已索引的讲话</b>（{n} 篇）", "<b>Indexed speeches</b> ({n})")
INDEXED_ENTRY = Text(
    "{number}. <b>{title}</b>\n　{source} · {n} 段 · {date}",
    "{number}. <b>{title}</b>\n　{source} · {n} paragraphs · {date}",
)
FILE_GONE = Text("文件已不在语料文件夹中", "the file is no longer in the corpus folder")
UNINDEXED_HEAD = Text(
    "<b>文件夹中未索引的文件</b>（发送 /reindex 查看原因）：",
    "<b>Files in the folder that are not indexed</b> (send /reindex to see why):",
)
UNINDEXED_ENTRY = Text("　{name} · {date}", "　{name} · {date}")
INDEXED_FOOT = Text(
    "移除：/remove 编号；添加或替换：直接发送 .txt、.md 或 .docx 文件。",
    "Remove: /remove N; add or replace: send a .txt, .md or .docx file.",
)

# --- /remove -------------------------------------------------------------------------------------

REMOVE_USAGE = Text(
    "用法：/remove 编号（编号见 /speeches 或 /outline），例如 <code>/remove 3</code>。",
    "Usage: /remove N (the numbers are in /speeches or /outline), e.g. <code>/remove 3</code>.",
)
NO_SUCH_NUMBER = Text(
    "没有第 {ref} 篇讲话。发送 /speeches 查看编号。",
    "There is no speech {ref}. Send /speeches for the numbers.",
)
ONLY_SPEECH = Text(
    "这是索引中唯一的讲话，不能移除（索引至少需要一篇讲话）。",
    "This is the only speech in the index and cannot be removed (the index needs at least one).",
)
REMOVE_CONFIRM = Text(
    "确认移除第 {number} 篇“<b>{title}</b>”？\n"
    "文件 {source}（{n} 段）将移到语料文件夹的 .trash/ 中（可手动恢复），索引随之更新。",
    "Remove speech {number}, “<b>{title}</b>”? Press 确认 to confirm.\n"
    "Its file {source} ({n} paragraphs) moves to .trash/ in the corpus folder (it can be "
    "restored by hand), and the index is updated.",
)
REMOVE_GONE = Text(
    "这篇讲话已移除或已变化，请重新发送 /remove。",
    "This speech was removed or has changed; send /remove again.",
)
REMOVING = Text("正在移除…", "Removing…")
REMOVE_FAILED = Text(
    "❌ 没有移除“{title}”。\n原因：{reason}", "❌ “{title}” was not removed.\nReason: {reason}"
)
REMOVED = Text(
    "✅ 已移除第 {number} 篇“{title}”。\n文件 {source} 已移到 .trash/。\n{index}",
    "✅ Removed speech {number}, “{title}”.\nIts file {source} is in .trash/.\n{index}",
)
#: The index after a corpus change (upload, replacement, removal).
INDEX_AFTER = Text(
    "索引：讲话 {speeches} 篇，段落 {paragraphs} 段（第 {generation} 版）",
    "Index: {speeches} speeches, {paragraphs} paragraphs (generation {generation})",
)

# -- issue 13: one reindex at a time across processes ------------------------------------------
#: A reindex started by another process (``speechbot reindex``, another bot) holds the lock.
REINDEX_BUSY_ELSEWHERE = Text(
    "另一个进程正在重建索引（进程号 {pid}，开始于 {since}），请等它完成后再试。",
    "A reindex is running in another process (pid {pid}, since {since}); "
    "please try again once it has finished.",
)
