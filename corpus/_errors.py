"""The one error the corpus package raises for a file it cannot use."""

from __future__ import annotations

from pathlib import Path


class CorpusFileError(Exception):
    """A file (or folder) that cannot be read as a speech, with a one-line human reason."""

    def __init__(self, reason: str, path: Path | None = None) -> None:
        super().__init__(f"{path}: {reason}" if path is not None else reason)
        self.reason = reason
        self.path = path
