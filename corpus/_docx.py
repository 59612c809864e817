"""Read a .docx into lines: one paragraph per line, table cells' paragraphs included."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from ._errors import CorpusFileError

# A .docx is a zip: a small file may claim gigabytes of XML ("zip bomb"). The claimed sizes
# are read from the zip's directory before python-docx inflates anything, and zipfile never
# inflates more than an entry claims.
MAX_UNPACKED = 200 * 1024 * 1024
MAX_ENTRIES = 2000


def docx_lines(data: bytes) -> list[str]:
    """The paragraphs of a .docx (body order, tables' cells included) as lines of text."""
    _check_package(data)
    try:
        document = docx.Document(io.BytesIO(data))
        return [line for block in document.iter_inner_content() for line in _lines(block)]
    except Exception as exc:
        # python-docx lets zipfile's, lxml's and its own errors through (BadZipFile,
        # PackageNotFoundError, KeyError, XMLSyntaxError …); each means a broken package.
        raise CorpusFileError(f"not a valid .docx file ({_why(exc)})") from exc


def _check_package(data: bytes) -> None:
    """Refuse a package that would unpack to too much before the parser opens it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CorpusFileError(f"not a valid .docx file ({_why(exc)})") from exc
    if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED:
        raise CorpusFileError("not a valid .docx file (it would unpack to too much data)")


def _lines(block: Any) -> Iterator[str]:
    if isinstance(block, Paragraph):
        # A soft line break inside a paragraph is still one paragraph of speech.
        yield block.text.replace("\n", "").replace("\r", "")
    elif isinstance(block, Table):
        for row in block.rows:
            for cell in _unique_cells(row.cells):
                for inner in cell.iter_inner_content():
                    yield from _lines(inner)


def _unique_cells(cells: Any) -> Iterator[Any]:
    """Merged cells repeat in ``row.cells``; yield each underlying cell once."""
    seen: set[int] = set()
    for cell in cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            yield cell


def _why(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:120] if text else type(exc).__name__
