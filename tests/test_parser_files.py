"""Reading speech files: encodings, Markdown, Word, and broken files being skipped."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import docx
import pytest

from corpus import (
    BoilerplateRules,
    CorpusFileError,
    Speech,
    bundled_corpus_dir,
    decode_bytes,
    load_corpus,
    parse_text,
    read_speech,
)

SPEECH_FILES = sorted(p.name for p in bundled_corpus_dir().glob("*.txt"))
SAMPLE = (
    "在县委工作会议上的讲话\n\n同志们：\n"
    "一、统一思想。今天我们开会。\n同志们，加油干。\n谢谢大家！\n"
)


def _text(name: str) -> str:
    return (bundled_corpus_dir() / name).read_text("utf-8")


def _shape(speech: Speech) -> tuple[object, ...]:
    return (
        speech.title,
        speech.headings,
        tuple((p.text, p.section_path) for p in speech.paragraphs),
        speech.salutation,
        speech.closing,
        speech.year,
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    corpus = tmp_path / "speeches"
    corpus.mkdir()
    return corpus


def test_bundled_corpus_loads_all_five_speeches() -> None:
    load = load_corpus(bundled_corpus_dir())
    assert [item.path.name for item in load.speeches] == SPEECH_FILES
    assert len(SPEECH_FILES) == 5
    assert load.skipped == ()
    for item in load.speeches:
        assert item.sha256 == hashlib.sha256(item.path.read_bytes()).hexdigest()
        assert item.speech.source == item.path.name
        assert item.speech.encoding == "utf-8"


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-16", "utf-16-le", "utf-8-sig"])
@pytest.mark.parametrize("name", SPEECH_FILES, ids=lambda n: n[:2])
def test_speech_reads_the_same_in_every_encoding(tmp_path: Path, name: str, encoding: str) -> None:
    path = tmp_path / name
    path.write_bytes(_text(name).encode(encoding))
    speech = read_speech(path)
    assert _shape(speech) == _shape(parse_text(_text(name), name))
    expected = {"gbk": "gb18030", "utf-16-le": "utf-16-le"}.get(encoding, encoding)
    assert speech.encoding == expected


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-16", "utf-16-be", "utf-32"])
def test_decode_bytes_round_trips_short_chinese(encoding: str) -> None:
    text, _ = decode_bytes(SAMPLE.encode(encoding))
    assert text == SAMPLE


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\u2028", "\u2029", "\x85"])
def test_decode_bytes_normalises_newlines(newline: str) -> None:
    text, encoding = decode_bytes(SAMPLE.replace("\n", newline).encode("utf-8"))
    assert (text, encoding) == (SAMPLE, "utf-8")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \r\n\n", "empty file"),
        (b" \n\x00" * 5000, "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "binary file"),
        (bytes(range(256)) * 4, "binary file"),
    ],
)
def test_decode_bytes_rejects_empty_and_binary_data(data: bytes, reason: str) -> None:
    with pytest.raises(CorpusFileError) as info:
        decode_bytes(data)
    assert info.value.reason == reason


def test_decode_bytes_keeps_text_after_a_long_blank_start() -> None:
    text, _ = decode_bytes(b" " * 10_000 + SAMPLE.encode("utf-8"))
    assert text.strip() == SAMPLE.strip()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("本次会议\x9c¬", "wrongly encoded text (UTF-8 saved as Latin-1)"),
        ("本次会议\x9c\x01", "binary file"),  # a control character outweighs a C1 one
        ("本次\x7f会议", "binary file"),
    ],
)
def test_decode_bytes_tells_binary_from_misdecoded_text(text: str, reason: str) -> None:
    with pytest.raises(CorpusFileError) as info:
        decode_bytes(text.encode("utf-8"))
    assert info.value.reason == reason


def test_decode_bytes_keeps_form_feeds() -> None:
    text, _ = decode_bytes("第一页\f第二页\n".encode())
    assert text == "第一页\f第二页\n"


def test_markdown_heading_marks_and_bold_are_stripped(tmp_path: Path) -> None:
    path = tmp_path / "talk.md"
    path.write_text(
        "# 在县委工作会议上的讲话\n\n同志们：\n\n## 一、统一思想\n\n今天**我们**开会，很重要。\n"
        "\n---\n\n> 同志们，加油干。\n",
        "utf-8",
    )
    speech = read_speech(path)
    assert speech.title == "在县委工作会议上的讲话"
    assert speech.headings == ("一、统一思想",)
    assert [p.text for p in speech.paragraphs] == ["今天我们开会，很重要。", "同志们，加油干。"]
    assert speech.sections[-1].title == "结语"


def test_docx_paragraphs_and_table_cells_become_lines(tmp_path: Path) -> None:
    document = docx.Document()
    for line in [
        "本文系作者原创投稿，仅供学习参考，请勿照搬照抄！",
        "在县委工作会议上的讲话",
        "同志们：",
    ]:
        document.add_paragraph(line)
    document.add_paragraph("一、统一思想。今天我们开会。")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "表格里的话，也要读。"
    table.cell(0, 1).text = "第二格的话。"
    document.add_paragraph("谢谢大家！")
    path = tmp_path / "talk.docx"
    document.save(str(path))
    speech = read_speech(path)
    assert speech.title == "在县委工作会议上的讲话"
    assert speech.encoding == "docx"
    assert [p.text for p in speech.paragraphs] == [
        "一、统一思想。今天我们开会。",
        "表格里的话，也要读。",
        "第二格的话。",
    ]
    assert speech.closing == ("谢谢大家！",)


def test_corrupt_docx_is_reported_as_not_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    with pytest.raises(CorpusFileError, match=r"not a valid \.docx file"):
        read_speech(path)


def test_broken_files_are_skipped_with_a_reason_while_others_load(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (folder / "a-good.txt").write_text(SAMPLE, "utf-8")
    (folder / "b-binary.txt").write_bytes(b"\x00\x01\x02\x03\xff\xfe\x00\x00" * 64)
    (folder / "c-empty.txt").write_bytes(b"")
    (folder / "d-slides.pdf").write_bytes(b"%PDF-1.4")
    (folder / "e-broken.docx").write_bytes(b"not a zip at all")
    (folder / "f-large.txt").write_text(SAMPLE * 50, "utf-8")
    (folder / "g-adverts.txt").write_text("本文系作者原创投稿，仅供学习参考！\n", "utf-8")
    (folder / "h-good.md").write_text(SAMPLE, "utf-8")
    with caplog.at_level(logging.WARNING, logger="corpus"):
        load = load_corpus(folder, max_bytes=1024)
    assert [item.path.name for item in load.speeches] == ["a-good.txt", "h-good.md"]
    reasons = {s.path.name: s.reason for s in load.skipped}
    assert reasons == {
        "b-binary.txt": "binary file",
        "c-empty.txt": "empty file",
        "d-slides.pdf": "unsupported file type .pdf",
        "e-broken.docx": reasons["e-broken.docx"],
        "f-large.txt": reasons["f-large.txt"],
        "g-adverts.txt": "no speech text found",
    }
    assert reasons["e-broken.docx"].startswith("not a valid .docx file")
    assert reasons["f-large.txt"] == "file too large (6.4 KB > 1 KB)"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == len(load.skipped)


def test_too_large_reason_states_both_sizes(folder: Path) -> None:
    (folder / "big.txt").write_bytes(b"x" * (3 * 1024 * 1024 // 2))
    load = load_corpus(folder, max_bytes=1024 * 1024)
    assert [s.reason for s in load.skipped] == ["file too large (1.5 MB > 1 MB)"]


def test_undecodable_bytes_are_not_text(folder: Path) -> None:
    (folder / "latin.txt").write_bytes(bytes([0x80, 0xFF, 0x81, 0xFE]) * 40)
    load = load_corpus(folder)
    assert load.speeches == ()
    assert load.skipped[0].reason in {"not UTF-8/GB18030/UTF-16 text", "binary file"}


def test_hidden_files_and_subfolders_are_ignored(folder: Path) -> None:
    (folder / ".hidden.txt").write_text(SAMPLE, "utf-8")
    (folder / "~$lock.docx").write_bytes(b"lock")
    (folder / "sub").mkdir()
    (folder / "sub" / "inner.txt").write_text(SAMPLE, "utf-8")
    (folder / "only.txt").write_text(SAMPLE, "utf-8")
    seen: list[Path] = []
    load = load_corpus(folder, progress=seen.append)
    assert [item.path.name for item in load.speeches] == ["only.txt"]
    assert load.skipped == ()
    assert seen == [folder / "only.txt"]


def test_files_are_taken_in_sorted_name_order(folder: Path) -> None:
    for name in ["c.txt", "a.txt", "b.md"]:
        (folder / name).write_text(SAMPLE, "utf-8")
    assert [i.path.name for i in load_corpus(folder).speeches] == ["a.txt", "b.md", "c.txt"]


def test_missing_folder_raises_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(CorpusFileError, match="nowhere"):
        load_corpus(missing)


def test_boilerplate_rules_file_from_environment_overrides_default(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = json.loads((Path(__file__).parents[1] / "corpus/data/boilerplate.json").read_text())
    bundled["lines"]["patterns"].append("^内部资料$")
    rules_file = tmp_path / "rules.json"
    rules_file.write_text(json.dumps(bundled, ensure_ascii=False), "utf-8")
    (folder / "talk.txt").write_text("内部资料\n\n" + SAMPLE, "utf-8")
    assert "内部资料" not in load_corpus(folder).speeches[0].speech.dropped_lines
    monkeypatch.setenv("SPEECHBOT_BOILERPLATE", str(rules_file))
    speech = load_corpus(folder).speeches[0].speech
    assert speech.title == "在县委工作会议上的讲话"
    assert "内部资料" in speech.dropped_lines


def test_invalid_rules_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "rules.json"
    bad.write_text('{"lines": {"patterns": ["("], "max_length": 80}}', "utf-8")
    with pytest.raises(CorpusFileError, match="invalid boilerplate rules file"):
        BoilerplateRules.load(bad)
