"""Bytes to text: BOM, strict UTF-8, then charset-normalizer limited to Chinese encodings."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from ._errors import CorpusFileError

# UTF-32 BOMs first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# The detector only chooses among encodings a Chinese speech plausibly uses; left free it
# mistakes short GBK text for Big5, CP949 or a Cyrillic code page. UTF-16 is not among them:
# without a BOM it is recognised by its NUL bytes (every line break has one), and offered to
# the detector it turned Shift-JIS files into pages of nonsense ideographs.
_CANDIDATES = ["gb18030", "gbk", "gb2312", "big5"]
# GBK and GB2312 are subsets of GB18030; decoding with the superset loses nothing.
_SUPERSET = {"gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030", "euc_cn": "gb18030"}

# Control characters other than tab, newline, carriage return and form feed mean binary data.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# C1 controls appear when UTF-8 was decoded as Latin-1 and saved again ("æ\x9c¬" for "本").
_C1 = re.compile(r"[\x80-\x84\x86-\x9f]")  # not \x85, NEL: a line break
# Either of the two, in one pass over the text (a clean text, the usual case, is read once).
_SUSPECT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f]")
_NEWLINES = re.compile(r"\r\n|\r|\u2028|\u2029|\x85")
_ODD_BREAKS = ("\r", "\u2028", "\u2029", "\x85")
# Whether a file is blank is told from its first bytes unless they are all white space.
_HEAD = 4096
_BLANK = b" \t\r\n\x00"

# Characters a Chinese text is made of: ASCII, CJK punctuation, ideographs, full-width forms.
_PLAUSIBLE = re.compile(r"[\t\n\r\x20-\x7e\u2010-\u206f\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_MIN_PLAUSIBLE = 0.9

UNDECODABLE = "not UTF-8/GB18030/UTF-16 text"
MISDECODED = "wrongly encoded text (UTF-8 saved as Latin-1)"


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a text file's bytes; return (text with ``\\n`` newlines, encoding name)."""
    if not data[:_HEAD].strip(_BLANK) and not data.strip(_BLANK):
        raise CorpusFileError("empty file")
    text, encoding = _decode(data)
    if _SUSPECT.search(text):
        if _CONTROL.search(text):
            raise CorpusFileError("binary file")
        if _C1.search(text):
            raise CorpusFileError(MISDECODED)
    if any(b in text for b in _ODD_BREAKS):
        text = _NEWLINES.sub("\n", text)
    return text, encoding


def _decode(data: bytes) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding), encoding
    if b"\x00" in data:
        return _utf16_without_bom(data)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is None:
        raise CorpusFileError(UNDECODABLE)
    encoding = _SUPERSET.get(best.encoding, best.encoding)
    return _strict(data, encoding), encoding


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise CorpusFileError(UNDECODABLE) from None


def _utf16_without_bom(data: bytes) -> tuple[str, str]:
    """NUL bytes are only text in UTF-16: keep the byte order whose text reads as Chinese."""
    best: tuple[float, str, str] | None = None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not text or _CONTROL.search(text):
            continue
        score = len(_PLAUSIBLE.findall(text)) / len(text)
        if best is None or score > best[0]:
            best = (score, text, encoding)
    # Binary data may decode as UTF-16 by chance, but not into mostly CJK and ASCII text.
    if best is None or best[0] < _MIN_PLAUSIBLE:
        raise CorpusFileError("binary file")
    return best[1], best[2]
