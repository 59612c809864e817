"""The corpus folder as files: list, add, replace and remove speeches atomically, with a trash.

Every write goes to a hidden temporary file in the folder itself, is flushed to disk, and then
appears under its final name in one step, so a reader (or a crash) sees the old file or the new
one, never half of one. Files taken out go to the hidden ``.trash`` sub-folder, which the loader
ignores; each change can be undone (the bot does so when the index cannot be updated).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ._errors import CorpusFileError
from ._loader import SUPPORTED_SUFFIXES, corpus_files

TRASH = ".trash"
_NUMBERED = re.compile(r"^(\d{1,4})[-_ ]")
# Letters a file name may keep: ASCII letters and digits, CJK ideographs, "-" and "_".
_UNSAFE = re.compile(r"[^0-9A-Za-z_\u3400-\u9fff-]+")
_SLUG_CHARS = 40


@dataclass(frozen=True, slots=True)
class FolderEntry:
    """A speech file in the corpus folder."""

    name: str
    size: int
    modified: float  # seconds since the epoch


@dataclass(frozen=True, slots=True)
class FolderChange:
    """What one operation did to the folder: enough to undo it."""

    written: Path | None  # the file that now holds the new speech
    trashed: Path | None  # where the previous file was moved to
    original: Path | None  # where that previous file was


def safe_file_name(original: str, title: str, number: int, suffix: str) -> str:
    """``NN-slug.ext`` from the sender's file name (or the title): no separators, no dots."""
    stem = _NUMBERED.sub("", Path(original.replace("\\", "/")).stem)
    slug = _slug(stem) or _slug(title) or "speech"
    return f"{number:02d}-{slug}{suffix.lower()}"


def _slug(text: str) -> str:
    text = _UNSAFE.sub("-", unicodedata.normalize("NFKC", text)).strip("-_")
    return text[:_SLUG_CHARS].strip("-_")


class CorpusFolder:
    """File operations on one corpus folder; every method is blocking (run it in a thread)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def entries(self) -> list[FolderEntry]:
        """The files the loader reads, in name order, with size and modification time."""
        found = []
        for path in corpus_files(self.directory):
            with contextlib.suppress(OSError):  # removed meanwhile
                stat = path.stat()
                found.append(FolderEntry(path.name, stat.st_size, stat.st_mtime))
        return found

    def new_name(self, original: str, title: str) -> str:
        """A safe name for a new speech, numbered after the folder's highest ``NN-`` prefix."""
        suffix = Path(original).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            raise CorpusFileError(f"unsupported file type {suffix or '(no extension)'}")
        numbers = [int(m[1]) for e in self.entries() if (m := _NUMBERED.match(e.name))]
        return safe_file_name(original, title, max(numbers, default=0) + 1, suffix)

    def add(self, data: bytes, name: str) -> FolderChange:
        """Write a new file; a name already taken gets ``-2``, ``-3``… (nothing is overwritten)."""
        return FolderChange(self._write_new(data, self._plain(name)), None, None)

    def replace(self, old_name: str, data: bytes, suffix: str) -> FolderChange:
        """Put ``data`` in place of the file ``old_name`` (whose previous bytes go to the trash)."""
        old = self._member(old_name)
        if suffix.lower() == old.suffix.lower():
            trashed = self._trash_path(old.name)
            _link_or_copy(old, trashed)
            tmp = self._temp(data)
            os.replace(tmp, old)
            self._sync()
            return FolderChange(old, trashed, old)
        # Another type (.txt → .docx): a new file under the same stem, then the old one out.
        written = self._write_new(data, old.stem + suffix.lower())
        trashed = self._trash_path(old.name)
        os.replace(old, trashed)
        self._sync()
        return FolderChange(written, trashed, old)

    def remove(self, name: str) -> FolderChange:
        """Move the file ``name`` to the trash."""
        old = self._member(name)
        trashed = self._trash_path(old.name)
        os.replace(old, trashed)
        self._sync()
        return FolderChange(None, trashed, old)

    def undo(self, change: FolderChange) -> None:
        """Put the folder back as it was before ``change``."""
        if change.written is not None and change.written != change.original:
            change.written.unlink(missing_ok=True)
        if change.trashed is not None and change.original is not None:
            os.replace(change.trashed, change.original)
        self._sync()

    # -- helpers ----------------------------------------------------------------------------

    def _plain(self, name: str) -> str:
        """``name`` if it is a plain, visible file name of a supported type, else an error."""
        if (
            not name
            or name != Path(name).name
            or "\\" in name
            or name.startswith((".", "~$"))
            or Path(name).suffix.lower() not in SUPPORTED_SUFFIXES
        ):
            raise CorpusFileError(f"not a usable file name: {name!r}")
        return name

    def _member(self, name: str) -> Path:
        """The existing speech file ``name`` directly in the folder."""
        path = self.directory / self._plain(name)
        if not path.is_file():
            raise CorpusFileError(f"no file {name!r} in the corpus folder")
        return path

    def _temp(self, data: bytes) -> Path:
        """``data`` in a hidden temporary file in the folder, flushed to disk."""
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".upload-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(tmp, 0o644)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return Path(tmp)

    def _write_new(self, data: bytes, name: str) -> Path:
        tmp = self._temp(data)
        stem, suffix = Path(name).stem, Path(name).suffix
        try:
            for n in range(1, 1000):
                target = self.directory / (name if n == 1 else f"{stem}-{n}{suffix}")
                if _claim(tmp, target):
                    self._sync()
                    return target
            raise CorpusFileError(f"no free file name for {name!r}")
        finally:
            tmp.unlink(missing_ok=True)

    def _trash_path(self, name: str) -> Path:
        trash = self.directory / TRASH
        trash.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        for n in range(1, 1000):
            path = trash / (f"{stamp}-{name}" if n == 1 else f"{stamp}-{n}-{name}")
            if not path.exists():
                return path
        raise CorpusFileError(f"no free name in the trash for {name!r}")

    def _sync(self) -> None:
        """Make the renames durable: fsync the folder (not possible on every platform)."""
        with contextlib.suppress(OSError):
            fd = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _claim(tmp: Path, target: Path) -> bool:
    """Give ``tmp`` the name ``target`` unless that name exists; atomic where links work."""
    try:
        os.link(tmp, target)
        return True
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
    # No hard links on this file system: reserve the name exclusively, then fill it in one step.
    try:
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except FileExistsError:
        return False
    os.replace(tmp, target)
    return True


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
