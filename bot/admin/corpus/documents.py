"""Whether a document sent to the bot can be a speech file: type and size checked before and
after the download; the parser's reasons as admins read them."""

from __future__ import annotations

import logging
from pathlib import Path

from telegram import Document
from telegram.error import TelegramError

from corpus import SUPPORTED_SUFFIXES, CorpusFileError

from ...ui import texts
from ...ui.render_admin import size
from ...ui.texts import Phrase

log = logging.getLogger(__name__)

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# MIME types clients send for these files; anything else (an .exe renamed .txt) is refused.
_GENERIC_MIME = {"application/octet-stream", "binary/octet-stream", ""}
_MIME = {
    ".txt": ("text/",),
    ".md": ("text/",),
    ".docx": (DOCX_MIME, "application/zip", "application/x-zip-compressed"),
}
_BAD_DOCX = "not a valid .docx file"


def _too_big(n_bytes: int, limit: int) -> Phrase:
    return texts.TOO_BIG.bind(size=size(n_bytes), limit=size(limit))


def check_document(
    name: str, mime_type: str | None, n_bytes: int | None, limit: int
) -> Phrase | None:
    """Why a document cannot be a speech file, or None; nothing is downloaded."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return texts.WRONG_SUFFIX.bind(suffix=suffix or texts.NO_SUFFIX)
    mime = (mime_type or "").lower()
    if mime not in _GENERIC_MIME and not mime.startswith(_MIME[suffix]):
        return texts.WRONG_MIME.bind(mime=mime, suffix=suffix)
    if n_bytes is not None and n_bytes > limit:
        return _too_big(n_bytes, limit)
    return None


def parser_reason(exc: CorpusFileError) -> Phrase | str:
    """The parser's reason as admins read it (unknown reasons as they are)."""
    if exc.reason.startswith(_BAD_DOCX):
        return texts.BAD_DOCX.bind(detail=exc.reason.removeprefix(_BAD_DOCX))
    known = texts.PARSER_REASONS.get(exc.reason)
    return known.bind() if known is not None else exc.reason


async def download(document: Document, name: str, limit: int) -> bytes | Phrase:
    """The document's bytes, or why not: size checked before and after the download."""
    problem = check_document(name, document.mime_type, document.file_size, limit)
    if problem:
        return problem
    try:
        file = await document.get_file()
        if file.file_size is not None and file.file_size > limit:
            return _too_big(file.file_size, limit)
        data = bytes(await file.download_as_bytearray())
    except TelegramError as exc:
        log.warning("could not download %r: %s", name, exc)
        return texts.NO_DOWNLOAD.bind(error=exc)
    if len(data) > limit:
        return _too_big(len(data), limit)
    return data
