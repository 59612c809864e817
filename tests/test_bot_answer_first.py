"""End to end: an answer that fits a phone screen — the best sentence first, short passages under
compact source lines, whole words in bold — and /start's greeting, and hints for pasted text."""

from __future__ import annotations

import re
from pathlib import Path

from bot.ui.names import short_names
from conftest import ALICE, RunningBot, ask, press, reindex_by_admin
from index import SearchIndex
from telegram_html import assert_valid_telegram_html

QUESTION = "如何发挥基层党组织战斗堡垒作用"
README = Path(__file__).resolve().parents[1] / "README.md"


def _bold(html: str) -> list[str]:
    """What is bold in the passages (not the question's head line, not the ①②③ marks)."""
    body = html.split("\n", 1)[1] if html.startswith("🔎") else html
    return [b for b in re.findall(r"<b>(.*?)</b>", body) if not re.fullmatch(r"[①-⑳]", b)]


async def test_the_answer_opens_with_the_best_sentence_quoted_with_its_source(
    bot: RunningBot,
) -> None:
    html = (await ask(bot, QUESTION))["text"]
    text = assert_valid_telegram_html(html)
    quote = re.search(r"<blockquote>“(.*?)”\n— (.*?)</blockquote>", html, re.S)
    assert quote is not None and "战斗堡垒作用" in quote.group(1)
    assert text.index("“") < text.index("①")  # the quote comes before the passages
    assert len(text) <= 700, len(text)


async def test_passages_are_short_under_a_short_name_with_year_and_section(
    bot: RunningBot,
) -> None:
    html = (await ask(bot, "怎样加强干部队伍建设"))["text"]
    text = assert_valid_telegram_html(html)
    blocks = [b for b in text.split("\n\n") if b[:1] in "①②③"]
    assert len(blocks) == 3
    for block in blocks:
        source, body = block.split("\n", 1)
        assert " · " in source and "讲话" not in source and len(source) <= 60
        assert len(body) <= 200
    assert re.search(r"20\d\d", text)  # speeches with a year say it


async def test_near_identical_titles_get_names_that_tell_them_apart(index: SearchIndex) -> None:
    names = short_names(await index.speeches())
    assert len(set(names.values())) == len(names)
    # speeches 1 and 2: 在县委党的建设领导小组工作会议讲话 / 在县委党的建设工作领导小组会议上的讲话
    assert names[1] != names[2] and "#1" in names[1] and "#2" in names[2]
    assert names[5] == "县委工作会议 2023"


async def test_only_whole_query_words_are_bold(bot: RunningBot) -> None:
    html = (await ask(bot, "党员干部如何做到知责于心"))["text"]
    bold = _bold(html)
    assert bold and all(len(b) >= 2 for b in bold)
    assert "干" not in bold and "做" not in bold
    assert not re.search(r"<b>党员干</b>|凝聚<b>干</b>", html)


async def test_a_lone_function_character_is_not_bold_but_a_lone_topic_character_is(
    bot: RunningBot,
) -> None:
    assert not _bold((await ask(bot, "不"))["text"])
    assert "党" in _bold((await ask(bot, "党"))["text"])


async def test_highlighting_is_kept_in_the_full_text(browsing_bot: RunningBot) -> None:
    answer = await ask(browsing_bot, QUESTION)
    full = await press(browsing_bot, answer, "①")
    assert "战斗堡垒作用" in _bold(full["text"])


async def test_start_greets_in_a_few_lines_with_examples_and_the_outline(bot: RunningBot) -> None:
    greeting = await ask(bot, "/start")
    text = assert_valid_telegram_html(greeting["text"])
    assert len(text.splitlines()) <= 3 and "/help" in text
    labels = [label for row in bot.api.buttons(greeting) for label, _ in row]
    assert len(labels) == 4 and "/outline" in labels[-1]
    since = bot.api.mark()
    bot.api.press_button(greeting, bot.api.button_data(greeting, labels[0]), user=ALICE)
    answer = await bot.api.wait_for("sendMessage", since=since, timeout=20)
    assert "①" in assert_valid_telegram_html(answer["text"])
    help_text = assert_valid_telegram_html((await ask(bot, "/help"))["text"])
    assert "/search" in help_text and "/outline" in help_text and len(help_text) > len(text)


async def test_pasted_paragraphs_and_long_messages_get_a_short_hint_not_an_echo(
    bot: RunningBot,
) -> None:
    paragraph = (
        "要充分发挥基层党组织战斗堡垒作用和党员先锋模范作用。"
        "切实把党的政治优势、组织优势、密切联系群众优势转化为工作优势。"
        "要以提升组织力为重点，全面加强农村、社区、机关、两新组织、国有企业等基层党组织建设。"
        "抓好软弱涣散党组织整治，不断增强基层党组织的凝聚力、战斗力。"
    )
    for text in (paragraph, paragraph * 30):
        reply = assert_valid_telegram_html((await ask(bot, text))["text"])
        assert len(reply) < 150 and paragraph[:20] not in reply
        assert str(len(text)) in reply


def _as_seen(text: str, rows: list[list[tuple[str, str | None]]]) -> str:
    """The reply as a phone shows it: the text, then each row of buttons."""
    buttons = ["  ".join(f"[ {label} ]" for label, _ in row) for row in rows]
    return "\n".join([text, "", *buttons])


async def test_the_readme_shows_a_real_answer_as_a_user_sees_it(bot: RunningBot) -> None:
    answer = await ask(bot, QUESTION)
    seen = _as_seen(assert_valid_telegram_html(answer["text"]), bot.api.buttons(answer))
    readme = README.read_text("utf-8")
    block = re.search(r"<!-- answer -->\n```text\n(.*?)\n```", readme, re.S)
    assert block is not None, "README.md lost its example answer"
    assert block.group(1) == seen, "regenerate README's example answer:\n" + seen


async def test_a_speech_added_by_a_reindex_is_named_in_the_next_answer(
    bot: RunningBot, corpus_dir: Path, new_speech: str
) -> None:
    await ask(bot, QUESTION)  # the short names are worked out for the first generation
    (corpus_dir / "new.txt").write_text(new_speech, encoding="utf-8")
    await reindex_by_admin(bot)
    text = assert_valid_telegram_html((await ask(bot, "怎样壮大村级集体经济"))["text"])
    assert "乡村振兴党建引领推进会" in text  # made again for the new generation, not kept
