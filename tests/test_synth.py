"""The synthetic corpus names its speeches by year, place and meeting, with numbered parts, so that
the benchmark's questions can name a speech and a part as users do."""

from __future__ import annotations

from pathlib import Path

from corpus import load_corpus
from devtools import synth


def test_synthetic_speeches_have_varied_titles_years_and_parts(tmp_path: Path) -> None:
    src = synth.source()
    files = synth.write_corpus(src, 4 * synth.SPEECH_PARAGRAPHS + 30, tmp_path)
    load = load_corpus(tmp_path)
    assert files == len(load.speeches) == 5
    speeches = [item.speech for item in load.speeches]
    assert sum(len(s.paragraphs) for s in speeches) == 4 * synth.SPEECH_PARAGRAPHS + 30
    assert [s.title for s in speeches] == [synth.speech_name(i).title for i in range(1, 6)]
    assert len({s.title for s in speeches}) == 5
    assert [s.year for s in speeches] == [synth.speech_name(i).year for i in range(1, 6)]
    full = speeches[0]
    assert [s.number for s in full.sections if s.kind == "numbered"] == [1, 2, 3, 4]


def test_named_questions_name_a_written_speech() -> None:
    src = synth.source()
    asked = synth.named_questions(src, 3, 12)
    names = [synth.speech_name(i) for i in range(1, 4)]
    assert len(asked) == 12
    for question in asked:
        assert any(n.meeting in question for n in names)
    assert any("部分" in q for q in asked) and any("年" in q for q in asked)
