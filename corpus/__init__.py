"""The speech corpus: reading files (.txt/.md/.docx, any common Chinese encoding) into speeches.

It knows nothing about search or Telegram::

    load = load_corpus(bundled_corpus_dir())
    for item in load.speeches:
        print(item.speech.title, [p.section_label for p in item.speech.paragraphs])
"""

from ._decode import decode_bytes
from ._errors import CorpusFileError
from ._folder import TRASH, CorpusFolder, FolderChange, FolderEntry, safe_file_name
from ._loader import (
    PARSER_VERSION,
    SUPPORTED_SUFFIXES,
    CorpusLoad,
    LoadedSpeech,
    SkippedFile,
    bundled_corpus_dir,
    corpus_files,
    load_corpus,
    parse_bytes,
    read_speech,
)
from ._parser import parse_text
from ._rules import BoilerplateRules
from .model import PATH_SEPARATOR, Paragraph, Section, SectionKind, Speech

__all__ = [
    "PARSER_VERSION",
    "PATH_SEPARATOR",
    "SUPPORTED_SUFFIXES",
    "TRASH",
    "BoilerplateRules",
    "CorpusFileError",
    "CorpusFolder",
    "CorpusLoad",
    "FolderChange",
    "FolderEntry",
    "LoadedSpeech",
    "Paragraph",
    "Section",
    "SectionKind",
    "SkippedFile",
    "Speech",
    "bundled_corpus_dir",
    "corpus_files",
    "decode_bytes",
    "load_corpus",
    "parse_bytes",
    "parse_text",
    "read_speech",
    "safe_file_name",
]
