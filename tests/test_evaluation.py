"""The development set evaluation: speechbot beside the plain baseline, and the issue's targets."""

from __future__ import annotations

from pathlib import Path

from corpus import bundled_corpus_dir
from index.evaluate import TARGETS, check_targets, load_devset, main, run_baseline, summary


def test_baseline_is_the_plain_approach_and_answers_keyword_questions() -> None:
    questions = [q for q in load_devset() if q.kind == "keyword"]
    figures = summary(run_baseline(questions, bundled_corpus_dir()))["keyword"]
    assert figures.recall3 > 0.5 and figures.rejected == 0.0


def test_evaluation_prints_both_columns_and_the_targets_hold(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "figures.json"
    code = main(["--json", str(out)])
    printed = capsys.readouterr().out
    print(printed)  # the figures, in CI's log
    for kind in ("keyword", "paraphrase", "section", "speech", "variant", "absent", "answerable"):
        assert kind in printed
    assert "ours / base" in printed and out.exists()
    assert code == 0, printed


def test_check_targets_reports_a_drop() -> None:
    from index.evaluate import Figures

    good = Figures(100, 0.9, 0.99, 0.95, 0.0)
    base = Figures(100, 0.3, 0.4, 0.35, 0.0)
    ours = {"answerable": good, "paraphrase": good, "absent": Figures(20, 0, 0, 0, 0.5)}
    failures = check_targets(ours, {"answerable": base, "absent": Figures(20, 0, 0, 0, 0.0)})
    assert any("absent" in f for f in failures)
    assert TARGETS["recall3_all"] == 0.95
