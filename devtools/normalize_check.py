"""Check that ``normalize``'s shortcuts give exactly what doing every step gives.

``python -m devtools.normalize_check [FOLDER ...]`` compares ``index.text.normalize.normalize``
with the reference (``reference``: junk out, NFKC, OpenCC t2s, one space, lower case, each
always done) on every line of the bundled corpus (and of each FOLDER's ``*.txt``) and on
synthetic text, and checks ``index/text/data/t2s_triggers.txt`` against OpenCC's own
dictionaries; ``--write`` writes that file again from them (after an OpenCC upgrade).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

import opencc

from corpus import bundled_corpus_dir
from index.text.normalize import (
    _JUNK,
    _SPACE,
    _converter,
    nfkc_changing_ranges,
    nfkc_ranges,
    normalize,
    t2s_triggers,
)

DATA = Path(__file__).resolve().parent.parent / "index" / "text" / "data"
TRIGGERS = DATA / "t2s_triggers.txt"
NFKC = DATA / "nfkc_changing.txt"


def reference(text: str) -> str:
    """Normalisation with every step done (what ``normalize`` did before its shortcuts)."""
    text = _JUNK.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    text = _converter().convert(text)
    return _SPACE.sub(" ", text).strip().lower()


def _dictionaries() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """(name, [(key, first value)]) of each dictionary OpenCC's t2s config uses."""
    clib = Path(opencc.__file__).parent / "clib"
    share = clib / "share" / "opencc"
    config = json.loads((share / "t2s.json").read_text(encoding="utf-8"))
    files = [d["dict"]["file"] for d in config["normalization"]]
    for step in config["conversion_chain"]:
        files += [d["file"] for d in step["dict"]["dicts"]]
    with tempfile.TemporaryDirectory() as tmp:
        for name in files:
            out = Path(tmp) / f"{name}.txt"
            tool = str(clib / "bin" / "opencc_dict")
            args = ["-i", str(share / name), "-o", str(out), "-f", "ocd2", "-t", "text"]
            subprocess.run([tool, *args], check=True)
            pairs = []
            for line in out.read_text(encoding="utf-8").splitlines():
                key, values = line.split("\t")
                pairs.append((key, values.split(" ")[0]))
            yield name, pairs


def triggers_from_dictionaries() -> frozenset[str]:
    """Characters without which t2s leaves text unchanged.

    A phrase or character is converted only where it occurs, and an entry that converts to
    itself changes nothing: every converting character key, plus for each converting phrase
    without such a character, its characters that the character tables know.
    """
    chars: set[str] = set()
    known: set[str] = set()
    phrases: list[tuple[str, str]] = []
    for _, pairs in _dictionaries():
        for key, value in pairs:
            if len(key) > 1:
                phrases.append((key, value))
                continue
            known.add(key)
            if value != key:
                chars.add(key)
    for key, value in phrases:
        if value != key and chars.isdisjoint(key):
            chars.update(c for c in key if c in known)
    missed = [k for k, v in phrases if v != k and chars.isdisjoint(k)]
    if missed:
        raise SystemExit(f"converting phrases with no trigger character: {missed[:10]}")
    return frozenset(chars)


def synthetic(seed: int = 14, count: int = 20_000) -> Iterator[str]:
    """Random mixes of traditional, full-width, combining, space, junk and other characters."""
    rng = random.Random(seed)
    pool = sorted(t2s_triggers())
    extra = [chr(c) for c in range(0x20, 0x3000)] + [chr(c) for c in range(0xF900, 0xFFFF)]
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 40)):
            kind = rng.random()
            if kind < 0.3:
                parts.append(rng.choice(pool))
            elif kind < 0.6:
                parts.append(chr(rng.randint(0x4E00, 0x9FFF)))
            elif kind < 0.9:
                parts.append(rng.choice(extra))
            else:
                parts.append(rng.choice(" \t\u3000\u0301\u0308\x00\x85\u00a0"))
        yield "".join(parts)


def corpus_lines(folders: Iterable[Path]) -> Iterator[str]:
    """Every line of the bundled speeches and of the folders' text files."""
    for folder in [bundled_corpus_dir(), *folders]:
        for path in sorted(folder.glob("*.txt")):
            yield from path.read_text(encoding="utf-8", errors="replace").splitlines()


def differences(texts: Iterable[str]) -> list[str]:
    """The texts whose normalisation differs from the reference's."""
    return [t for t in texts if normalize(t) != reference(t)]


def main(argv: list[str]) -> int:
    """Entry point (see the module's docstring)."""
    if "--write" in argv:
        TRIGGERS.write_text("".join(sorted(triggers_from_dictionaries())) + "\n", encoding="utf-8")
        ranges = [f"{a:x}-{b:x}" for a, b in nfkc_ranges()]
        lines = [unicodedata.unidata_version, *ranges]
        NFKC.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return 0
    problems = 0
    if triggers_from_dictionaries() != t2s_triggers():
        sys.stderr.write(f"{TRIGGERS} differs from OpenCC's dictionaries (--write)\n")
        problems += 1
    if nfkc_ranges() != nfkc_changing_ranges():
        sys.stderr.write(f"{NFKC} differs from this Python's NFKC (--write)\n")
        problems += 1
    folders = [Path(a) for a in argv]
    for name, texts in (("corpus", corpus_lines(folders)), ("synthetic", synthetic())):
        bad = differences(texts)
        sys.stderr.write(f"{name}: {len(bad)} differing text(s) {bad[:3]!r}\n")
        problems += len(bad)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
