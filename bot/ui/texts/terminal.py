"""What ``speechbot ask`` and ``speechbot outline`` print around the speeches' own text.

Chinese unless ``--lang en`` (or ``SPEECHBOT_LANGUAGE=en``); the command line's help, usage
errors and reports are English (``bot/cli_args.py``), like the tools it sits beside.
"""

from __future__ import annotations

from .base import Text

CLI_EVERYWHERE_HINT = Text(
    "（--everywhere 在全部讲话中搜索）", " (--everywhere: search all speeches)"
)
CLI_FOLLOWED = Text("接上文{where}{hint}", "Following on from {where}{hint}")
CLI_IN = Text("在{where}中{hint}", "In {where}{hint}")
CLI_WHICH = Text(
    "哪篇讲话？请用 --speech 编号 指定：", "Which speech? Name it with --speech NUMBER:"
)
CLI_WHICH_WITH_HITS = Text(
    "哪篇讲话？可用 --speech 编号 指定：", "Which speech? You can name it with --speech NUMBER:"
)
CLI_WHICH_CLOSEST = Text(
    "哪篇讲话？以下按最接近的《{title}》回答；可用 --speech 编号 指定：",
    "Which speech? Answered from the closest, “{title}”; name another with --speech NUMBER:",
)
CLI_NO_PART = Text(
    "《{title}》没有这一部分：共有 {available} 部分。",
    "“{title}” has no such part: it has {available}.",
)
CLI_NOTHING = Text(
    "没有找到与“{query}”相关的内容。\n试试换个说法，或用 'speechbot outline' 浏览讲话目录。",
    "Nothing relevant to “{query}” was found.\n"
    "Try other words, or browse the speeches with 'speechbot outline'.",
)
CLI_TENTATIVE = Text(
    "没有找到直接回答，以下段落可能相关：",
    "No direct answer found; these paragraphs may be related:",
)
CLI_SPELLED = Text("（已按 {pairs} 理解）", "(read as {pairs})")
CLI_MORE = Text(
    "（另有 {more} 段：--offset {shown} 看下一页）",
    "({more} more: --offset {shown} for the next page)",
)
CLI_NO_SPEECHES = Text("（索引中没有讲话）", "(no speeches in the index)")
CLI_PARAGRAPHS = Text("（{n} 段）", "({n} paragraphs)")
CLI_VECTORS_MISSING = Text(
    "注意：语义检索只有 {done} / {rows} 段的向量（{share}），{using}。"
    "'speechbot embed' 会补齐（可中断续做），运行中的机器人也会在后台补齐。",
    "note: the semantic part has vectors for {done} of {rows} paragraphs ({share}); {using}. "
    "'speechbot embed' fills them (resumable), as does the running bot in the background.",
)
CLI_VECTORS_NOT_LOADED = Text(
    "注意：索引有 {rows} 段，命令行不加载语义检索的向量（需要几分钟），本次仅用 BM25 回答；"
    "运行中的机器人会在后台加载并使用它们。",
    "note: with {rows} paragraphs a one-off command does not load the semantic part's vectors "
    "(that takes minutes): BM25 alone answered; the running bot loads and uses them.",
)
CLI_BM25_ALONE = Text("本次仅用 BM25 回答", "BM25 alone answered")
CLI_VECTORS_SO_FAR = Text("本次用已有向量回答", "the vectors so far answered")
