"""What admins see when they send a speech file, and why a corpus change did not happen."""

from __future__ import annotations

from .base import Text

# --- why a file cannot be a speech (checked before download, or said by the parser) -------------

WRONG_SUFFIX = Text(
    "只接受 .txt、.md、.docx 文件，这个文件是 {suffix}",
    "Only .txt, .md and .docx files are accepted; this one is {suffix}",
)
NO_SUFFIX = Text("无扩展名", "without an extension")
WRONG_MIME = Text(
    "文件类型 {mime} 与扩展名 {suffix} 不符",
    "the file type {mime} does not match its extension {suffix}",
)
TOO_BIG = Text("文件太大（{size}，上限 {limit}）", "the file is too big ({size}, at most {limit})")
NO_DOWNLOAD = Text("无法下载文件（{error}）", "the file could not be downloaded ({error})")
#: The parser's reasons (CorpusFileError.reason), as admins read them; others are shown as they are.
PARSER_REASONS = {
    "empty file": Text("文件是空的", "the file is empty"),
    "binary file": Text("这是二进制文件，不是文本", "this is a binary file, not text"),
    "not UTF-8/GB18030/UTF-16 text": Text(
        "无法识别文件的编码（支持 UTF-8、GB18030/GBK、UTF-16）",
        "the file's encoding is not recognised (UTF-8, GB18030/GBK and UTF-16 are)",
    ),
    "no speech text found": Text("文件中没有找到讲话正文", "no speech text was found in the file"),
}
BAD_DOCX = Text("不是有效的 .docx 文件{detail}", "not a valid .docx file{detail}")
SIZE_BYTES = Text("{n} 字节", "{n} bytes")

# --- the preview and its buttons -----------------------------------------------------------------

REFUSED = Text(
    "❌ 无法添加“{name}”：{reason}。\n没有任何改动。",
    "❌ “{name}” cannot be added: {reason}.\nNothing was changed.",
)
PREVIEW = Text(
    "📄 <b>上传预览</b>\n"
    "<b>标题</b>：{title}\n"
    "<b>文件</b>：{name}（{size}，编码 {encoding}）\n"
    "<b>段落</b>：{paragraphs} 段",
    "📄 <b>Upload preview</b>\n"
    "<b>Title</b>: {title}\n"
    "<b>File</b>: {name} ({size}, encoding {encoding})\n"
    "<b>Paragraphs</b>: {paragraphs}",
)
PREVIEW_HEADINGS = Text("<b>一级标题</b>（{n} 个）：", "<b>Top-level headings</b> ({n}):")
PREVIEW_NO_HEADINGS = Text("<b>一级标题</b>：（无）", "<b>Top-level headings</b>: (none)")
PREVIEW_MORE_HEADINGS = Text("　……另有 {n} 个", "　… and {n} more")
PREVIEW_REPLACES = Text(
    "\n⚠️ 已有同名讲话：第 {number} 篇（文件 {source}）。"
    "按“替换”用这个文件取代它，按“取消”不做改动。",
    "\n⚠️ Speech {number} has the same title (file {source}). "
    "Press 替换 to replace it with this file, 取消 to leave everything as it is.",
)
PREVIEW_ADDS = Text(
    "\n按“确认”加入语料并更新索引，按“取消”不做改动。",
    "\nPress 确认 to add it to the corpus and update the index, 取消 to leave everything as it is.",
)
STALE_UPLOAD = Text(
    "这个上传已处理或已过期，请重新发送文件。",
    "This upload was already handled or has expired; please send the file again.",
)
NOT_THE_UPLOADER = Text(
    "只有上传这个文件的管理员可以确认或取消。",
    "Only the admin who sent this file can confirm or cancel it.",
)
SAVING = Text("正在保存…", "Saving…")
SAVING_STATUS = Text(
    "⏳ 正在保存“{title}”并更新索引…", "⏳ Saving “{title}” and updating the index…"
)
NOT_SAVED = Text(
    "❌ 没有保存“{title}”。\n原因：{reason}", "❌ “{title}” was not saved.\nReason: {reason}"
)
STORED_ADDED = Text("已添加", "Added")
STORED_REPLACED = Text("已替换", "Replaced")
STORED_NUMBER = Text("第 {number} 篇，", "speech {number}, ")
STORED = Text(
    "✅ {verb}“{title}”（{number}{paragraphs} 段）。\n文件：{name}\n{index}",
    "✅ {verb} “{title}” ({number}{paragraphs} paragraphs).\nFile: {name}\n{index}",
)
UPLOAD_CANCELLED = Text(
    "已取消“{title}”的上传，没有任何改动。",
    "The upload of “{title}” is cancelled; nothing was changed.",
)

# --- why a change to the corpus folder was undone ------------------------------------------------

FOLDER_CHANGED = Text(
    "语料文件夹中的文件已变化：{reason}", "the file in the corpus folder has changed: {reason}"
)
FOLDER_UNWRITABLE = Text(
    "无法写入语料文件夹（{reason}）", "the corpus folder cannot be written to ({reason})"
)
INDEX_UPDATE_FAILED = Text(
    "索引更新失败，文件改动已撤回（{reason}）",
    "the index update failed, so the change to the files was undone ({reason})",
)
REINDEX_TOO_LONG = Text("另一个重建任务运行太久", "another reindex ran too long")
NOT_READ_BACK = Text(
    "文件未能读入（{reason}），改动已撤回",
    "the file could not be read in ({reason}); the change was undone",
)
