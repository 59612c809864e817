"""Files to speeches: one file (``read_speech``) or a whole folder (``load_corpus``).

``load_corpus`` takes the folder's regular files in sorted name order; hidden files
(names starting with ``.``), Word lock files (``~$…``) and anything in sub-folders are
ignored. A file that cannot be read is skipped with a one-line reason and a warning in the
log; it never stops the others from loading.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ._decode import decode_bytes
from ._docx import docx_lines
from ._errors import CorpusFileError
from ._parser import parse_text
from ._rules import BoilerplateRules
from .model import Speech

log = logging.getLogger(__name__)

#: Bump whenever parsing changes what a file yields; the index keeps it in its fingerprint.
PARSER_VERSION = "2"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
SUPPORTED_SUFFIXES = (".txt", ".md", ".docx")

# Markdown decoration that would otherwise end up in titles and paragraphs. Single "*" is
# left alone: speeches use it as a placeholder for names ("《中国共产党*历史》").
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(.*?)\s*#*\s*$")
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?")
_MD_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_MD_STRONG = re.compile(r"(\*\*|__)(.+?)\1")


@dataclass(frozen=True, slots=True)
class LoadedSpeech:
    """A speech read from a file, with the file's path and the SHA-256 of its bytes."""

    path: Path
    sha256: str
    speech: Speech


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file that was not loaded, and why (one human line)."""

    path: Path
    reason: str


@dataclass(frozen=True, slots=True)
class CorpusLoad:
    """The outcome of loading a folder: the speeches read and the files skipped."""

    speeches: tuple[LoadedSpeech, ...]
    skipped: tuple[SkippedFile, ...]


def bundled_corpus_dir() -> Path:
    """The folder of speeches shipped inside the package."""
    # The package is installed as plain files (no zip), so the traversable is a real path.
    return Path(str(resources.files("corpus").joinpath("speeches")))


def read_speech(
    path: Path, *, rules: BoilerplateRules | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Speech:
    """Read and parse one .txt, .md or .docx file; raise CorpusFileError if it is unusable."""
    return _read(path, rules or BoilerplateRules.from_env(), max_bytes)[1]


def load_corpus(
    directory: Path,
    *,
    rules: BoilerplateRules | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[Path], None] | None = None,
) -> CorpusLoad:
    """Read every speech file of a folder; bad files are skipped, never raised."""
    if not directory.is_dir():
        raise CorpusFileError(f"corpus folder not found: {directory}", directory)
    rules = rules or BoilerplateRules.from_env()
    speeches: list[LoadedSpeech] = []
    skipped: list[SkippedFile] = []
    for path in corpus_files(directory):
        if progress is not None:
            progress(path)
        try:
            digest, speech = _read(path, rules, max_bytes)
        except CorpusFileError as exc:
            log.warning("skipped %s: %s", path.name, exc.reason)
            skipped.append(SkippedFile(path, exc.reason))
        else:
            speeches.append(LoadedSpeech(path, digest, speech))
    return CorpusLoad(tuple(speeches), tuple(skipped))


def corpus_files(directory: Path) -> list[Path]:
    """The files of a corpus folder that are read, in name order: no hidden files, no Word lock
    files (``~$…``), no subfolders."""
    return sorted(
        (p for p in directory.iterdir() if not p.name.startswith((".", "~$")) and p.is_file()),
        key=lambda p: p.name,
    )


def _read(path: Path, rules: BoilerplateRules, max_bytes: int) -> tuple[str, Speech]:
    """The file's SHA-256 and its parsed speech."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise CorpusFileError(f"unsupported file type {suffix or '(no extension)'}", path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise CorpusFileError(f"file too large ({_size(size)} > {_size(max_bytes)})", path)
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusFileError(f"cannot read file ({exc.strerror or exc})", path) from exc
    try:
        speech = parse_bytes(data, path.name, rules=rules)
    except CorpusFileError as exc:
        raise CorpusFileError(exc.reason, path) from exc
    return hashlib.sha256(data).hexdigest(), speech


def parse_bytes(data: bytes, file_name: str, *, rules: BoilerplateRules | None = None) -> Speech:
    """Parse a file's bytes as its name's type says (.txt/.md/.docx); nothing is written."""
    suffix = Path(file_name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise CorpusFileError(f"unsupported file type {suffix or '(no extension)'}")
    if suffix == ".docx":
        text, encoding = "\n".join(docx_lines(data)), "docx"
    else:
        text, encoding = decode_bytes(data)
    if suffix == ".md":
        text = strip_markdown(text)
    return parse_text(
        text, file_name, rules=rules or BoilerplateRules.from_env(), encoding=encoding
    )


def strip_markdown(text: str) -> str:
    """Remove heading hashes, quote marks, rules and bold markers from Markdown text."""
    lines: list[str] = []
    for line in text.split("\n"):
        if _MD_RULE.match(line):
            lines.append("")
            continue
        line = _MD_QUOTE.sub("", line)
        heading = _MD_HEADING.match(line)
        if heading:
            line = heading.group(1)
        lines.append(_MD_STRONG.sub(r"\2", line))
    return "\n".join(lines)


def _size(size: int) -> str:
    """A size as people read it: "52.4 MB", "20 MB", "3 KB"."""
    value, unit = (size / (1024 * 1024), "MB") if size >= 100 * 1024 else (size / 1024, "KB")
    return f"{value:.1f}".removesuffix(".0") + " " + unit
