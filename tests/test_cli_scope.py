"""The command line on what a question points at: ``outline`` and ``--speech`` take a number, a
year, part of a title or a description, list the candidates when ambiguous, and say what
narrowed a search (``--everywhere`` to search all)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bot.cli import main

TITLE_5 = "在2023年县委工作会议上的讲话"


@pytest.fixture
def env(db_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("SPEECHBOT_DB", str(db_path))
    monkeypatch.setenv("SPEECHBOT_CORPUS", str(corpus_dir))
    return {**os.environ}


@pytest.mark.parametrize(
    ("ref", "title"),
    [
        ("2020", "在2020年党的建设工作领导小组会议上的主持讲话"),
        ("2023", TITLE_5),
        ("5", TITLE_5),
        ("主持", "在2020年党的建设工作领导小组会议上的主持讲话"),
        ("总结2019年", "在县委党的建设工作领导小组会议上的讲话"),
    ],
)
def test_outline_takes_a_number_year_title_part_or_description(
    env: dict[str, str], capsys: pytest.CaptureFixture[str], ref: str, title: str
) -> None:
    assert main(["outline", ref]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith(title)


def test_an_ambiguous_outline_lists_the_candidates(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["outline", "县委"]) == 2
    err = capsys.readouterr().err
    assert "may mean several speeches" in err
    assert "  1. 在县委党的建设领导小组工作会议讲话" in err and f"  5. {TITLE_5}" in err


def test_a_superscript_digit_is_a_no_match_line_not_a_traceback(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["outline", "²"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("speechbot: no speech matches") and "Traceback" not in err


def test_ask_speech_takes_a_year(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "宣传工作怎么做", "--speech", "2023", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits and {h["speech_id"] for h in hits} == {5}


def test_ask_says_what_narrowed_the_search_and_everywhere_lifts_it(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "2023年县委工作会议上怎么要求宣传工作", "--color", "never"]) == 0
    assert capsys.readouterr().out.startswith(f"在《{TITLE_5}》中")
    assert main(["ask", "2023年县委工作会议上怎么要求宣传工作", "--everywhere"]) == 0
    assert "在《" not in capsys.readouterr().out.splitlines()[0]


def test_a_part_without_a_speech_lists_the_speeches(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "第三部分讲了什么"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("哪篇讲话？") and f"  5. {TITLE_5}" in out
