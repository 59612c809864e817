"""The evaluation: dev and blind sets side by side, speechbot beside the plain baseline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import devtools.evaluate.__main__ as evaluate
from corpus import bundled_corpus_dir
from devtools.evaluate.__main__ import main
from devtools.evaluate.questions import HERE, KINDS, blind_set, dev_set
from devtools.evaluate.report import TARGETS, Figures, check_targets, summary
from devtools.evaluate.systems import Baseline
from index import probe_model

ROOT = Path(__file__).resolve().parents[1]
#: Floors against regressions for the kinds the issue sets no target for (blind Recall@3 0.95,
#: 1.00 and 0.89 measured last, rounded down by a question or two); the other kinds are held to
#: the issue's targets (``report.TARGETS``).
FLOORS_RECALL3 = {
    "part": 0.90,
    "speech_topic": 0.90,
    "followup": 0.78,
}


def test_baseline_is_the_plain_approach_and_answers_term_questions() -> None:
    questions = [q for q in dev_set() if q.kind == "terms"]
    figures = summary(Baseline(bundled_corpus_dir()).run(questions))["terms"]
    assert figures.recall3 > 0.5 and figures.rejected == 0.0


def test_question_sets_share_the_kinds_the_report_prints() -> None:
    assert {q.kind for q in dev_set()} <= set(KINDS)
    assert {q.kind for q in blind_set()} <= set(KINDS)
    assert len(blind_set()) >= 150


@pytest.mark.skipif(probe_model() != "", reason="the embedding model cannot load here")
def test_evaluation_prints_dev_and_blind_and_the_blind_targets_hold(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "figures.json"
    code = main(["--json", str(out)])
    printed = capsys.readouterr().out
    print(printed)  # the figures, in CI's log
    for kind in (*KINDS, "answerable"):
        assert kind in printed
    assert "dev (" in printed and "blind (" in printed and "ours/base" in printed
    figures = json.loads(out.read_text(encoding="utf-8"))
    blind = {k: Figures(**v) for k, v in figures["blind"]["speechbot"].items()}
    base = {k: Figures(**v) for k, v in figures["blind"]["baseline"].items()}
    # Every blind target of the semantic-retrieval issue holds, and the exit code says so.
    assert check_targets(blind) == [], printed
    assert code == 0, printed
    for kind, floor in FLOORS_RECALL3.items():
        assert blind[kind].recall3 >= floor, (kind, printed)
    # Better than the plain baseline on the questions nobody tuned for.
    assert blind["answerable"].recall3 > base["answerable"].recall3
    assert blind["absent"].rejected > base["absent"].rejected


def test_check_targets_reports_each_miss_at_its_threshold() -> None:
    ok = Figures(100, 0.9, 0.96, 0.95, 0.0)
    good = {
        "answerable": Figures(100, 0.9, TARGETS["recall3_answerable"], 0.9, 0.05),
        "everyday": ok,
        "terms": ok,
        "absent": Figures(20, 0, 0, 0, 1 - TARGETS["absent_answered_max"]),
    }
    assert check_targets(good) == []
    short = {**good, "everyday": Figures(50, 0.5, TARGETS["recall3_everyday"] - 0.01, 0.6, 0.0)}
    failures = check_targets(short)
    assert len(failures) == 1 and "everyday" in failures[0], failures
    loose = {**good, "absent": Figures(20, 0, 0, 0, 0.5)}
    failures = check_targets(loose)
    assert len(failures) == 1 and "unanswerable" in failures[0], failures


def test_speechbot_eval_runs_from_a_checkout_and_says_so_elsewhere(tmp_path: Path) -> None:
    here = subprocess.run(
        [sys.executable, "-m", "bot", "eval", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert here.returncode == 0 and "usage: speechbot eval" in here.stdout, here.stderr
    elsewhere = subprocess.run(
        [sys.executable, "-m", "bot", "eval"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert elsewhere.returncode == 2
    assert "source checkout" in elsewhere.stderr


def test_dev_only_never_asks_the_blind_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse() -> None:
        raise AssertionError("the blind set was read")

    monkeypatch.setattr(evaluate, "blind_set", refuse)
    small = tmp_path / "dev.jsonl"
    first = (HERE / "devset.jsonl").read_text(encoding="utf-8").splitlines()[:5]
    small.write_text("\n".join(first) + "\n", encoding="utf-8")
    code = main(["--dev-only", "--dense", "off", "--devset", str(small)])
    out = capsys.readouterr().out
    assert code == 0 and "dev (5)" in out and "blind" not in out.split("\n", 1)[1]
