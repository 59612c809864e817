"""Read a .docx into lines: one paragraph per line, table cells' paragraphs included."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

from ._errors import CorpusFileError

# A .docx is a zip: a small file may claim little and inflate to gigabytes ("zip bomb"), or claim
# a lot honestly. Only the XML parts are inflated, from their compressed bytes, in chunks, counting
# the bytes that really come out, and the reading stops at MAX_XML_BYTES whatever the zip's
# directory says (zipfile's own reader inflates a whole 2 MB input at once); other parts
# (pictures) are never inflated. Each XML part's nesting is checked before python-docx parses it.
# 8 MB of XML is some 1,000 pages of text. python-docx's tree costs about 180 bytes per element,
# so the elements are counted too: the largest file accepted takes the running bot about 60 MB
# above its normal peak (tests/test_docx_bombs.py).
MAX_XML_BYTES = 8 * 1024 * 1024
MAX_ELEMENTS = 200_000
MAX_DEPTH = 100  # Word nests a few levels per table; deeper is not a document
MAX_ENTRIES = 2000
_XML_SUFFIXES = (".xml", ".rels")
_CHUNK = 64 * 1024
# libxml2 (lxml 6 bundles 2.14) stops at 256 levels by itself, within one feed, before any event
# is seen; fed this many bytes at a time (at most 85 start tags of 3 bytes), the XML is seen
# past MAX_DEPTH first and refused as nested too deep, not as broken.
_SHAPE_CHUNK = 256
_TOO_MUCH = f"it would unpack to too much data: more than {MAX_XML_BYTES >> 20} MB of XML"


def docx_lines(data: bytes) -> list[str]:
    """The paragraphs of a .docx (body order, tables' cells included) as lines of text."""
    try:
        package = _bounded_package(data)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, ValueError) as exc:
        raise CorpusFileError(f"not a valid .docx file ({_why(exc)})") from exc
    import docx  # python-docx and lxml load on first need: a question never reads a .docx

    try:
        document = docx.Document(io.BytesIO(package))
        return [line for block in document.iter_inner_content() for line in _lines(block)]
    except Exception as exc:
        # python-docx lets zipfile's, lxml's and its own errors through (BadZipFile,
        # PackageNotFoundError, KeyError, XMLSyntaxError …); each means a broken package.
        raise CorpusFileError(f"not a valid .docx file ({_why(exc)})") from exc


def _bounded_package(data: bytes) -> bytes:
    """A copy of the package with its XML parts inflated within the limits and its other parts
    empty, for python-docx to open; CorpusFileError when a limit is reached."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as package,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy,
    ):
        entries = package.infolist()
        if len(entries) > MAX_ENTRIES:
            raise CorpusFileError(f"not a valid .docx file (more than {MAX_ENTRIES} parts)")
        xml = [e for e in entries if e.filename.lower().endswith(_XML_SUFFIXES)]
        if sum(e.file_size for e in xml) > MAX_XML_BYTES:  # an honest claim: refused unread
            raise CorpusFileError(f"not a valid .docx file ({_TOO_MUCH})")
        budget, elements = MAX_XML_BYTES, MAX_ELEMENTS
        for entry in entries:
            if entry not in xml:
                copy.writestr(entry.filename, b"")
                continue
            blob = _inflate(data, entry, budget)
            budget -= len(blob)
            elements -= _check_shape(blob, entry.filename, elements)
            copy.writestr(entry.filename, blob)
    return out.getvalue()


def _inflate(data: bytes, entry: zipfile.ZipInfo, budget: int) -> bytes:
    """An entry's bytes, inflated from its compressed bytes a chunk at a time, never more than
    ``budget`` whatever the entry claims; refused when it differs from its claimed size or CRC."""
    start = entry.header_offset
    header = data[start : start + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise CorpusFileError("not a valid .docx file (a part's header is missing)")
    name_length, extra_length = struct.unpack("<2H", header[26:30])
    begin = start + 30 + name_length + extra_length
    compressed = memoryview(data)[begin : begin + entry.compress_size]
    if entry.compress_type == zipfile.ZIP_STORED:
        chunks = [bytes(compressed[: budget + 1])]
    elif entry.compress_type == zipfile.ZIP_DEFLATED:
        chunks = _inflate_chunks(compressed, budget)
    else:  # bzip2 and LZMA have no output bound per step here; Word writes neither
        raise CorpusFileError("not a valid .docx file (a part is not deflate-compressed)")
    blob = b"".join(chunks)
    if len(blob) > budget:
        raise CorpusFileError(f"not a valid .docx file ({_TOO_MUCH})")
    if len(blob) != entry.file_size or zlib.crc32(blob) != entry.CRC:
        raise CorpusFileError(
            f"not a valid .docx file ({entry.filename} is not what the zip says it is)"
        )
    return blob


def _inflate_chunks(compressed: memoryview, budget: int) -> list[bytes]:
    """Raw deflate inflated at most _CHUNK bytes a step, stopping once past ``budget``."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    chunks: list[bytes] = []
    size, pending = 0, bytes(compressed)
    while pending and not inflater.eof and size <= budget:
        chunk = inflater.decompress(pending, _CHUNK)
        pending = inflater.unconsumed_tail
        size += len(chunk)
        chunks.append(chunk)
    if not inflater.eof and size <= budget:
        chunks.append(inflater.flush())
    return chunks


def _check_shape(blob: bytes, name: str, elements: int) -> int:
    """How many elements the XML has; refused when more than ``elements`` or nested deeper
    than MAX_DEPTH (read as a stream: no entities resolved, nothing fetched)."""
    from lxml import etree

    parser = etree.XMLPullParser(
        events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False
    )
    depth, count = 0, 0
    try:
        for start in range(0, len(blob), _SHAPE_CHUNK):
            parser.feed(blob[start : start + _SHAPE_CHUNK])
            for event, element in parser.read_events():
                if event == "start":
                    depth, count = depth + 1, count + 1
                    if count > elements:
                        raise CorpusFileError(
                            f"not a valid .docx file (more than {MAX_ELEMENTS:,} XML elements)"
                        )
                    if depth > MAX_DEPTH:
                        raise CorpusFileError(
                            f"not a valid .docx file ({name} is nested deeper than {MAX_DEPTH})"
                        )
                else:
                    depth -= 1
                    element.clear()
                    while element.getprevious() is not None:  # keep the partial tree small
                        del element.getparent()[0]
        parser.close()
    except etree.XMLSyntaxError as exc:
        raise CorpusFileError(f"not a valid .docx file ({name}: {_why(exc)})") from exc
    return count


def _lines(block: Any) -> Iterator[str]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

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
