"""The corpus folder's file operations: safe names, no overwriting, atomic replace, trash, undo."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpus import TRASH, CorpusFileError, CorpusFolder, corpus_files, read_speech, safe_file_name

SAFE = re.compile(r"^\d{2}-[0-9A-Za-z_\u3400-\u9fff-]+\.(txt|md|docx)$")


def _names(folder: Path) -> list[str]:
    return [p.name for p in corpus_files(folder)]


def _no_temp_files(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".upload-")]


@pytest.mark.parametrize(
    "original",
    [
        "../../etc/passwd.txt",
        "..\\..\\windows\\system.ini.txt",
        ".bashrc.txt",
        "~$lock.docx",
        "a/b/c.md",
        "....txt",
        "讲话 (终稿) v2!.docx",
        "x" * 300 + ".txt",
    ],
)
def test_safe_file_name_never_leaves_the_folder_or_hides_the_file(original: str) -> None:
    suffix = Path(original).suffix
    name = safe_file_name(original, "在全区乡村振兴党建引领推进会上的讲话", 6, suffix)
    assert SAFE.match(name), name
    assert name.startswith("06-") and len(name) <= 3 + 40 + len(suffix)


def test_a_name_of_symbols_only_falls_back_to_the_title() -> None:
    assert (
        safe_file_name("!!!.txt", "在全区推进会上的讲话", 7, ".txt")
        == "07-在全区推进会上的讲话.txt"
    )
    assert safe_file_name("!!!.txt", "???", 7, ".txt") == "07-speech.txt"


def test_new_name_numbers_after_the_highest_prefix(corpus_dir: Path) -> None:
    folder = CorpusFolder(corpus_dir)
    assert folder.new_name("rural.txt", "标题") == "06-rural.txt"
    assert folder.new_name("05-renamed.MD", "标题") == "06-renamed.md"
    with pytest.raises(CorpusFileError):
        folder.new_name("setup.exe", "标题")


def test_add_writes_the_bytes_and_never_overwrites(corpus_dir: Path, new_speech: str) -> None:
    folder = CorpusFolder(corpus_dir)
    existing = corpus_files(corpus_dir)[0]
    before = existing.read_bytes()
    change = folder.add(new_speech.encode("gb18030"), existing.name)
    assert change.written is not None and change.written.name == existing.stem + "-2.txt"
    assert existing.read_bytes() == before
    assert read_speech(change.written).title == "在全区乡村振兴党建引领推进会上的讲话"
    _no_temp_files(corpus_dir)


@pytest.mark.parametrize("name", ["../x.txt", "sub/x.txt", ".hidden.txt", "~$x.docx", "x.exe", ""])
def test_add_refuses_names_that_are_not_plain_speech_files(corpus_dir: Path, name: str) -> None:
    before = sorted(p.name for p in corpus_dir.parent.rglob("*"))
    with pytest.raises(CorpusFileError):
        CorpusFolder(corpus_dir).add(b"text", name)
    assert sorted(p.name for p in corpus_dir.parent.rglob("*")) == before


def test_replace_keeps_the_name_and_trashes_the_old_bytes(
    corpus_dir: Path, new_speech: str
) -> None:
    folder = CorpusFolder(corpus_dir)
    target = corpus_files(corpus_dir)[1]
    old, names = target.read_bytes(), _names(corpus_dir)
    change = folder.replace(target.name, new_speech.encode(), ".txt")
    assert change.written == target and target.read_bytes() == new_speech.encode()
    assert change.trashed is not None and change.trashed.parent.name == TRASH
    assert change.trashed.read_bytes() == old
    assert _names(corpus_dir) == names  # the trash is not part of the corpus
    folder.undo(change)
    assert target.read_bytes() == old and _names(corpus_dir) == names
    _no_temp_files(corpus_dir)


def test_replace_by_another_type_swaps_the_files(corpus_dir: Path, new_speech: str) -> None:
    folder = CorpusFolder(corpus_dir)
    target = corpus_files(corpus_dir)[2]
    names = _names(corpus_dir)
    change = folder.replace(target.name, new_speech.encode(), ".md")
    assert change.written == target.with_suffix(".md") and not target.exists()
    assert sorted(_names(corpus_dir)) == sorted(
        [n for n in names if n != target.name] + [target.stem + ".md"]
    )
    folder.undo(change)
    assert _names(corpus_dir) == names


def test_remove_moves_the_file_to_the_trash_and_undo_brings_it_back(corpus_dir: Path) -> None:
    folder = CorpusFolder(corpus_dir)
    target = corpus_files(corpus_dir)[0]
    data, names = target.read_bytes(), _names(corpus_dir)
    change = folder.remove(target.name)
    assert target.name not in _names(corpus_dir) and len(_names(corpus_dir)) == len(names) - 1
    assert change.trashed is not None and change.trashed.read_bytes() == data
    folder.undo(change)
    assert _names(corpus_dir) == names and target.read_bytes() == data


def test_remove_refuses_a_missing_file_or_a_path(corpus_dir: Path) -> None:
    folder = CorpusFolder(corpus_dir)
    outside = corpus_dir.parent / "outside.txt"
    outside.write_text("在某会上的讲话\n同志们：\n正文。\n", encoding="utf-8")
    for name in ("nope.txt", "../outside.txt", str(outside)):
        with pytest.raises(CorpusFileError):
            folder.remove(name)
    assert outside.exists()


def test_entries_list_the_corpus_files_with_size_and_date(corpus_dir: Path) -> None:
    entries = CorpusFolder(corpus_dir).entries()
    assert [e.name for e in entries] == _names(corpus_dir)
    for entry in entries:
        stat = (corpus_dir / entry.name).stat()
        assert entry.size == stat.st_size and entry.modified == stat.st_mtime
