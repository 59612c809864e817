""".docx bombs: refused with one line, within 100 MB of memory, measured in a fresh process.

The bombs are made here: one whose document.xml claims 1 KB and inflates to 2 GB (a 2 MB file),
one that honestly claims 150 MB, one of 1.3 million empty paragraphs, one nested 10,000 deep;
and the largest .docx the limits accept, which must parse within the same memory.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from test_webhook_attacks import bot_process

from conftest import ADMIN, ALICE
from corpus import CorpusFileError, parse_bytes

MB = 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
TITLE = "在全区基层党建工作会议上的讲话"


def _template() -> dict[str, bytes]:
    """The parts of a real, tiny .docx made by python-docx."""
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(TITLE)
    document.add_paragraph("我们要坚持党的全面领导，推动基层党组织建设不断加强。")
    document.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        return {name: package.read(name) for name in package.namelist()}


def _deflate_blocks(prefix: bytes, chunk: bytes, copies: int) -> bytes:
    """Raw deflate of ``prefix + chunk * copies + </w:body></w:document>``, cheaply: each part
    ends in a full flush (byte-aligned, no back-references across it), so the chunk's
    compressed bytes can simply be repeated."""

    def block(data: bytes) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)

    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    end = last.compress(b"</w:body></w:document>") + last.flush()
    return block(prefix) + block(chunk) * copies + end


def _zip(parts: dict[str, tuple[bytes, int, int, int]]) -> bytes:
    """A zip written by hand: name → (deflated bytes, crc, claimed size, method)."""
    body, central = io.BytesIO(), io.BytesIO()
    for name, (data, crc, claimed, method) in parts.items():
        offset = body.tell()
        raw = name.encode()
        fields = (20, 0, method, 0, 0x21, crc, len(data), claimed, len(raw))
        body.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields, 0) + raw + data)
        central.write(
            struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0, offset) + raw
        )
    directory = central.getvalue()
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(directory), body.tell(), 0
    )
    return body.getvalue() + directory + end


def _package(document: tuple[bytes, int, int, int]) -> bytes:
    """The template's parts, deflated honestly, with ``document`` as word/document.xml."""
    parts = {}
    for name, data in _template().items():
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        parts[name] = (c.compress(data) + c.flush(), zlib.crc32(data), len(data), 8)
    parts["word/document.xml"] = document
    return _zip(parts)


def lying_bomb() -> bytes:
    """document.xml claims 1 KB (with the CRC of its first KB) and inflates to 2 GB."""
    prefix = f'<?xml version="1.0"?><w:document {W}><w:body>'.encode()
    chunk = b"<w:p/>" * (MB // 6)
    stream = _deflate_blocks(prefix, chunk, 2048)
    first_kb = (prefix + chunk)[:1024]
    return _package((stream, zlib.crc32(first_kb), 1024, 8))


def honest_bomb() -> bytes:
    """document.xml honestly claims (and has) 150 MB."""
    prefix = f'<?xml version="1.0"?><w:document {W}><w:body>'.encode()
    chunk = b"<w:p/>" * (MB // 6)
    crc = zlib.crc32(prefix)
    for _ in range(150):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(b"</w:body></w:document>", crc)
    size = len(prefix) + 150 * len(chunk) + len(b"</w:body></w:document>")
    return _package((_deflate_blocks(prefix, chunk, 150), crc, size, 8))


def _honest_xml(xml: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return _package((c.compress(xml) + c.flush(), zlib.crc32(xml), len(xml), 8))


def empty_paragraphs_bomb() -> bytes:
    """7 MB of XML (under the size limit) made of 1.2 million empty paragraphs."""
    return _honest_xml(
        f"<w:document {W}><w:body>".encode() + b"<w:p/>" * 1_200_000 + b"</w:body></w:document>"
    )


def deep_bomb() -> bytes:
    """A paragraph inside 10,000 nested elements."""
    return _honest_xml(
        f"<w:document {W}><w:body>".encode()
        + b"<w:sdt>" * 10_000
        + b"</w:sdt>" * 10_000
        + b"</w:body></w:document>"
    )


def largest_accepted() -> bytes:
    """A speech of 22,400 formatted paragraphs: 4.5 MB of XML, 157,000 elements (and python-docx's
    template's 18,000 in its styles)."""
    para = (
        '<w:p><w:pPr><w:jc w:val="both"/></w:pPr><w:r><w:rPr><w:rFonts w:hint="eastAsia"/>'
        "</w:rPr><w:t>我们要坚持党的全面领导，推动基层党组织建设不断加强。</w:t></w:r></w:p>"
    ).encode()
    title = f"<w:p><w:r><w:t>{TITLE}</w:t></w:r></w:p>".encode()
    n = 9 * MB // 2 // len(para)
    return _honest_xml(
        f"<w:document {W}><w:body>".encode() + title + para * n + b"</w:body></w:document>"
    )


_MEASURE = """
import json, sys, time
from pathlib import Path
from corpus import CorpusFileError, parse_bytes
def mb(field):
    status = Path("/proc/self/status").read_text().splitlines()
    return int(next(ln for ln in status if ln.startswith(field)).split()[1]) / 1024
data = open(sys.argv[1], "rb").read()
parse_bytes(open(sys.argv[2], "rb").read(), "small.docx")  # imports and lxml warmed up
Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from now
before = mb("VmRSS:")
started = time.monotonic()
try:
    outcome = "parsed %d paragraphs" % len(parse_bytes(data, "upload.docx").paragraphs)
except CorpusFileError as exc:
    outcome = "refused: " + exc.reason
print(json.dumps({"outcome": outcome, "peak_mb": mb("VmHWM:") - before,
                  "seconds": time.monotonic() - started}))
"""


def measure(data: bytes, tmp_path: Path) -> dict[str, object]:
    """Parse ``data`` in a fresh process: outcome, peak memory above normal (MB), seconds."""
    upload, small = tmp_path / "upload.docx", tmp_path / "small.docx"
    upload.write_bytes(data)
    small.write_bytes(_package(_template_document()))
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(upload), str(small)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def _template_document() -> tuple[bytes, int, int, int]:
    xml = _template()["word/document.xml"]
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return (c.compress(xml) + c.flush(), zlib.crc32(xml), len(xml), 8)


@pytest.mark.parametrize(
    ("bomb", "reason"),
    [
        (lying_bomb, "too much data"),
        (honest_bomb, "too much data"),
        (empty_paragraphs_bomb, "XML elements"),
        (deep_bomb, "nested deeper"),
    ],
)
def test_docx_bombs_are_refused_with_one_line_within_100_mb(
    bomb: object, reason: str, tmp_path: Path
) -> None:
    data = bomb()  # type: ignore[operator]
    assert len(data) < 5 * MB  # small enough to be sent to the bot (SPEECHBOT_MAX_UPLOAD)
    result = measure(data, tmp_path)
    outcome = str(result["outcome"])
    assert outcome.startswith("refused: ") and reason in outcome and "\n" not in outcome
    assert float(str(result["peak_mb"])) <= 100, result
    assert float(str(result["seconds"])) < 10, result


def test_the_largest_docx_the_limits_accept_parses_within_100_mb(tmp_path: Path) -> None:
    result = measure(largest_accepted(), tmp_path)
    assert str(result["outcome"]).startswith("parsed "), result
    assert float(str(result["peak_mb"])) <= 100, result


def test_a_lying_entry_is_refused_at_the_limit_whatever_it_claims() -> None:
    with pytest.raises(CorpusFileError, match="too much data") as refused:
        parse_bytes(lying_bomb(), "bomb.docx")
    assert "\n" not in str(refused.value)


def test_a_normal_docx_still_reads(tmp_path: Path) -> None:
    speech = parse_bytes(_package(_template_document()), "talk.docx")
    assert speech.title == TITLE


def _reset_peak(pid: int) -> float:
    """Start the process's peak (VmHWM) again from now; its resident memory now, in MB."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")
    return _memory_mb(pid, "VmRSS:")


def _memory_mb(pid: int, field: str) -> float:
    """VmRSS (resident now) or VmHWM (peak since the last reset) of a process, in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    (line,) = [ln for ln in status.splitlines() if ln.startswith(field)]
    return int(line.split()[1]) / 1024


async def test_the_running_bot_takes_bombs_and_the_largest_docx_within_100_mb_of_normal(
    db_path: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    polling = {"SPEECHBOT_WEBHOOK_URL": "", "SPEECHBOT_WEBHOOK_SECRET": ""}
    admins = {"SPEECHBOT_ADMINS": str(ADMIN.id)}
    async with bot_process(db_path, corpus_dir, tmp_path, polling | admins) as bot:
        since = bot.api.mark()
        bot.api.send_message("如何发挥基层党组织战斗堡垒作用", user=ALICE)  # normal use first
        await bot.api.wait_for("sendMessage", since=since, timeout=30)
        normal = _reset_peak(bot.pid)
        replies = []
        for bomb in (lying_bomb, honest_bomb, empty_paragraphs_bomb, largest_accepted):
            since = bot.api.mark()
            bot.api.send_document(f"{bomb.__name__}.docx", bomb(), DOCX, user=ADMIN)
            replies.append((await bot.api.wait_for("sendMessage", since=since, timeout=60))["text"])
        peak = _memory_mb(bot.pid, "VmHWM:")
    assert all("没有任何改动" in text for text in replies[:3]), replies
    assert "确认" in str(replies[3]) or TITLE in replies[3], replies[3]
    assert peak - normal <= 100, (normal, peak)
