"""Boilerplate rules: which lines are adverts, salutations, closings and conclusion openers.

The rules live in ``corpus/data/boilerplate.json`` (each rule documented by its ``_doc`` key);
``SPEECHBOT_BOILERPLATE`` may name another JSON file of the same shape. They are:

(a) ``lines``: a short line (at most ``max_length`` characters) matching any pattern is an
    advert or copyright notice and is dropped wherever it appears. Long lines are never
    dropped, so a paragraph that merely mentions "订阅" or "公众号" survives.
(b) ``header_blocks``: before the title, a blank-line separated block in which any line is
    dropped by (a) is dropped entirely, taking slogan lines such as "酷乐文行" with it; the
    block holding the title only loses its matching lines.
(c) ``salutation`` / ``closing``: short lines such as "同志们：" before the body and
    "谢谢大家！" at the end, kept apart from the paragraphs.
(d) ``conclusion``: a paragraph after the last heading starting "同志们，" opens the 结语.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ._errors import CorpusFileError

#: Environment variable naming a JSON file that replaces the bundled rules.
RULES_ENV = "SPEECHBOT_BOILERPLATE"


@dataclass(frozen=True, slots=True)
class BoilerplateRules:
    """Compiled boilerplate rules; build them with :meth:`load`."""

    line_patterns: tuple[re.Pattern[str], ...]
    line_max_length: int
    header_blocks: bool
    salutation_patterns: tuple[re.Pattern[str], ...]
    salutation_max_length: int
    closing_patterns: tuple[re.Pattern[str], ...]
    closing_max_length: int
    conclusion_patterns: tuple[re.Pattern[str], ...]

    @classmethod
    def load(cls, path: Path | None = None) -> BoilerplateRules:
        """Read rules from a JSON file, by default the bundled ``data/boilerplate.json``."""
        try:
            if path is None:
                raw = resources.files("corpus").joinpath("data/boilerplate.json").read_text("utf-8")
            else:
                raw = path.read_text("utf-8")
            return cls.from_dict(json.loads(raw))
        except (OSError, ValueError, KeyError, TypeError, re.error) as exc:
            where = path if path is not None else "bundled boilerplate.json"
            raise CorpusFileError(f"invalid boilerplate rules file {where}: {exc}") from exc

    @classmethod
    def from_env(cls) -> BoilerplateRules:
        """The rules named by ``SPEECHBOT_BOILERPLATE``, else the bundled ones."""
        override = os.environ.get(RULES_ENV, "").strip()
        return cls.load(Path(override) if override else None)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BoilerplateRules:
        """Compile rules from the JSON shape of ``boilerplate.json``."""
        lines, salutation, closing = data["lines"], data["salutation"], data["closing"]
        return cls(
            line_patterns=_compile(lines["patterns"]),
            line_max_length=int(lines["max_length"]),
            header_blocks=bool(data.get("header_blocks", {}).get("enabled", True)),
            salutation_patterns=_compile(salutation["patterns"]),
            salutation_max_length=int(salutation["max_length"]),
            closing_patterns=_compile(closing["patterns"]),
            closing_max_length=int(closing["max_length"]),
            conclusion_patterns=_compile(data.get("conclusion", {}).get("patterns", [])),
        )

    def is_boilerplate(self, line: str) -> bool:
        """Whether a stripped line is a short advert or copyright notice (rule a)."""
        return len(line) <= self.line_max_length and _any(self.line_patterns, line)

    def is_salutation(self, line: str) -> bool:
        """Whether a stripped line is a salutation such as ``同志们：``."""
        return len(line) <= self.salutation_max_length and _any(self.salutation_patterns, line)

    def is_closing(self, line: str) -> bool:
        """Whether a stripped line is closing words such as ``谢谢大家！``."""
        return len(line) <= self.closing_max_length and _any(self.closing_patterns, line)

    def opens_conclusion(self, paragraph: str) -> bool:
        """Whether a paragraph starts the concluding words (``同志们，…``)."""
        return _any(self.conclusion_patterns, paragraph)


def _compile(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise TypeError("patterns must be a list of strings")
    return tuple(re.compile(p) for p in patterns)


def _any(patterns: tuple[re.Pattern[str], ...], line: str) -> bool:
    return any(p.search(line) for p in patterns)
