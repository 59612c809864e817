"""The command line answers quickly and pages: deferred imports, ask --offset, no meaningless
score on part answers, one language per sentence, reindex --force."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

QUESTION = "如何发挥基层党组织战斗堡垒作用"
PART = "2023年县委工作会议讲话的第二部分讲了什么"

_PROBE = """
import sys
from bot.cli import main
for argv in (["--help"], ["ask", "--help"], ["ask", ""], ["ask", "x", "-k", "0"], ["nope"]):
    try:
        main(argv)
    except SystemExit:
        pass
heavy = ("index", "corpus", "numpy", "telegram", "jieba", "aiosqlite", "tqdm")
print(sorted({m.split(".")[0] for m in sys.modules} & set(heavy)))
"""


@pytest.fixture
def env(db_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPEECHBOT_DB", str(db_path))
    monkeypatch.setenv("SPEECHBOT_CORPUS", str(corpus_dir))


def _probe(code: str, where: Path) -> list[str]:
    """The output lines of ``code`` run by a fresh interpreter in ``where`` (this checkout's
    packages on its path)."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=where,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()


def test_help_and_usage_errors_load_nothing_but_argparse(tmp_path: Path) -> None:
    assert _probe(_PROBE, tmp_path)[-1] == "[]"


def _ranks(out: str) -> list[int]:
    return [int(r) for r in re.findall(r"^\[(\d+)\] ", out, re.M)]


def test_ask_offset_shows_the_next_page_and_says_how_to_get_it(
    env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", QUESTION, "--color", "never"]) == 0
    first = capsys.readouterr().out
    assert _ranks(first) == [1, 2, 3] and "--offset 3" in first
    assert main(["ask", QUESTION, "--color", "never", "--offset", "3"]) == 0
    second = capsys.readouterr().out
    assert _ranks(second) == [4, 5, 6] and "--offset 6" in second
    assert main(["ask", QUESTION, "--offset", "-1"]) == 2
    assert "--offset" in capsys.readouterr().err


def test_part_answers_have_no_score_and_keyword_answers_keep_it(
    env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", PART, "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert _ranks(out) and "score" not in out
    assert main(["ask", QUESTION, "--color", "never"]) == 0
    assert len(re.findall(r"^    score \d+\.\d{3}$", capsys.readouterr().out, re.M)) == 3


def test_nothing_found_keeps_each_sentence_in_one_language(
    env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "火锅底料配方", "--color", "never"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("没有找到") and not re.search(r"[a-z]", lines[0])
    assert all(not re.search(r"[\u4e00-\u9fff]", line) for line in lines[2:])


def test_cli_marks_whole_words_only(env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "党员干部如何做到知责于心", "--color", "never"]) == 0
    marked = re.findall(r"【(.*?)】", capsys.readouterr().out)
    assert marked and all(len(m) >= 2 for m in marked)


def test_ask_says_which_typo_it_read_as_which_word(
    env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "党校陪训工作有什么要求", "--color", "never", "-k", "1"]) == 0
    assert capsys.readouterr().out.startswith("（已按 “陪训”→“培训” 理解）")


def test_reindex_force_builds_a_new_generation_of_an_unchanged_corpus(
    env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["reindex"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert main(["reindex", "--force"]) == 0
    assert "Index rebuilt: generation" in capsys.readouterr().out


#: Pieces of the Chinese labels the command line prints around the speeches' text.
_ZH_LABELS = ("另有", "看下一页", "没有找到", "可能相关", "哪篇讲话", "段）")


def test_the_labels_around_the_passages_follow_lang_or_speechbot_language(
    env: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["ask", QUESTION, "--color", "never"]) == 0
    assert "另有" in capsys.readouterr().out
    assert main(["ask", QUESTION, "--color", "never", "--lang", "en"]) == 0
    english = capsys.readouterr().out
    assert "more: --offset 3" in english and not any(label in english for label in _ZH_LABELS)
    monkeypatch.setenv("SPEECHBOT_LANGUAGE", "en")
    assert main(["ask", "个人所得税怎么交", "--color", "never"]) == 0
    assert capsys.readouterr().out.startswith("Nothing relevant to “个人所得税怎么交”")
    assert main(["outline", "--lang", "zh"]) == 0
    assert "段）" in capsys.readouterr().out  # the option wins over the setting
    monkeypatch.setenv("SPEECHBOT_LANGUAGE", "fr")
    assert main(["outline"]) == 2
    assert "SPEECHBOT_LANGUAGE must be zh or en" in capsys.readouterr().err


def test_ask_answers_without_importing_the_telegram_library(env: None, tmp_path: Path) -> None:
    probe = (
        "import sys\nfrom bot.cli import main\n"
        f"main(['ask', {QUESTION!r}, '--color', 'never'])\n"
        "print('telegram' in {m.split('.')[0] for m in sys.modules})\n"
    )
    out = _probe(probe, tmp_path)
    assert any(line.startswith("[1]") for line in out) and out[-1] == "False"
