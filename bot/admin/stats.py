"""/stats: questions served, latency, the most frequent unanswered questions, index size and age."""

from __future__ import annotations

from telegram import Update

from ..services import Context
from ..ui import render_admin
from ..ui.replies import english, reply
from .auth import require_admin


async def on_stats(update: Update, context: Context) -> None:
    """/stats (admins only)."""
    message = update.effective_message
    if message is None or not await require_admin(update, context):
        return
    services = context.bot_data
    tokenizer = services.index.snapshot.tokenizer
    # Only questions with a word the search would use: not "的", "？？？" or "😀🎉👍".
    stats = await services.state.stats(has_words=lambda q: bool(tokenizer.tokens(q)))
    info = await services.index.info()
    text = render_admin.stats(
        stats.questions,
        stats.median_ms,
        stats.p95_ms,
        stats.unanswered,
        info,
        english=english(update),
    )
    await reply(message, text)
