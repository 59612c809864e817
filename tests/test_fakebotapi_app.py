"""A real python-telegram-bot Application polling the fake Bot API: messages, buttons, inline
queries, documents, and the barrier that shows what a bot did not do."""

from __future__ import annotations

import asyncio

import pytest
from telegram import (
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from conftest import FAKE_USER as ALICE
from conftest import SAMPLE_KEYBOARD as KEYBOARD
from fakebotapi import Chat, FakeBotAPI, application_builder, polling


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("Pick one", reply_markup=KEYBOARD)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("OK")
    await query.edit_message_text(f"You chose {query.data}")


async def test_application_echo(api: FakeBotAPI) -> None:
    app = application_builder(api).build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with polling(app):
        since = api.mark()
        message_id = api.send_message("你好", user=ALICE)
        reply = await api.wait_for("sendMessage", since=since)
        group = Chat.group(title="Speeches")
        api.send_message("in a group", user=ALICE, chat=group)
        group_reply = await api.wait_for("sendMessage", lambda c: c["chat_id"] == group.id)
    assert reply.params["text"] == "echo: 你好"
    assert reply.params["chat_id"] == ALICE.id
    assert reply.result["message_id"] == message_id + 1  # ids are shared by user and bot
    assert group_reply.result["chat"]["type"] == "group"
    assert [m["text"] for m in api.messages(ALICE.id)] == ["你好", "echo: 你好"]
    assert api.calls_of("deleteWebhook") and api.calls_of("getUpdates")
    assert not api.pending_updates


async def test_application_callback_round_trip(api: FakeBotAPI) -> None:
    app = application_builder(api).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(on_button))
    async with polling(app):
        api.send_message("/start@speech_test_bot", user=ALICE)
        menu = await api.wait_for("sendMessage")
        assert api.buttons(menu)[0][0] == ("More", "more")
        with pytest.raises(ValueError, match="no button"):
            api.press_button(menu, "missing")
        query_id = api.press_button(menu, "more", user=ALICE)
        answer = await api.wait_for("answerCallbackQuery")
        edit = await api.wait_for("editMessageText")
        await api.settle()
    assert answer.params == {"callback_query_id": query_id, "text": "OK"}
    assert edit.params["message_id"] == menu.result["message_id"]
    assert api.message(ALICE.id, menu.result["message_id"])["text"] == "You chose more"
    user_message = api.messages(ALICE.id)[0]
    assert user_message["entities"] == [{"type": "bot_command", "offset": 0, "length": 22}]
    with pytest.raises(ValueError, match="no button"):  # the edit removed the keyboard
        api.press_button(menu, "more")


async def test_inline_query_and_documents(api: FakeBotAPI) -> None:
    async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.inline_query is not None
        content = InputTextMessageContent(f"<b>{update.inline_query.query}</b>", parse_mode="HTML")
        await update.inline_query.answer([InlineQueryResultArticle("1", "Result", content)])

    async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.document is not None
        data = await (await message.document.get_file()).download_as_bytearray()
        await message.reply_document(bytes(data).upper(), filename="upper.txt", caption="done")

    app = application_builder(api).build()
    app.add_handler(InlineQueryHandler(on_inline))
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    async with polling(app):
        query_id = api.inline_query("speech", user=ALICE)
        answer = await api.wait_for("answerInlineQuery")
        api.send_document("speech.txt", b"hello words", "text/plain", user=ALICE, caption="a file")
        sent = await api.wait_for("sendDocument")
    assert answer.params["inline_query_id"] == query_id
    assert answer.params["results"][0]["input_message_content"]["message_text"] == "<b>speech</b>"
    assert api.calls_of("getFile")[0].result["file_size"] == len(b"hello words")
    upload = sent.params["document"]
    assert (upload.filename, upload.data) == ("upper.txt", b"HELLO WORDS")
    assert sent.result["document"]["file_name"] == "upper.txt" and sent.result["caption"] == "done"


async def test_barrier_returns_once_the_bot_has_answered_a_later_update(api: FakeBotAPI) -> None:
    async def twice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("one")
        await asyncio.sleep(0.3)
        await update.effective_message.reply_text("two")

    async def help_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("help")

    app = application_builder(api).build()  # one update at a time, in order
    app.add_handler(CommandHandler("help", help_))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, twice))
    async with polling(app):
        since = api.mark()
        api.send_message("twice", user=ALICE)
        await api.wait_for("sendMessage", since=since)
        assert [c["text"] for c in api.calls_of("sendMessage", since=since)] == ["one"]
        reply = await api.barrier()
    assert (reply["text"], reply["chat_id"]) == ("help", api.barrier_user.id)
    texts = [c["text"] for c in api.calls_of("sendMessage", api.not_barrier, since=since)]
    assert texts == ["one", "two"]
