"""What identifies a corpus folder's content: a generation records it, a check compares it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from corpus import PARSER_VERSION, corpus_files


def fingerprint(directory: Path) -> str:
    """Identifies a corpus folder's content: its files' names and bytes, and the parser version."""
    digest = hashlib.sha256(f"parser {PARSER_VERSION}\n".encode())
    for path in corpus_files(directory):
        file_digest = hashlib.sha256()
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                file_digest.update(block)
        digest.update(f"{path.name}\0{file_digest.hexdigest()}\n".encode())
    return digest.hexdigest()[:32]
