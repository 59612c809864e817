"""jieba tokenisation: one explicit tokenizer object, shared by corpus and queries."""

from __future__ import annotations

import hashlib
import logging
import re
import tempfile
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from .normalize import NORMALIZER_VERSION, normalize
from .rjieba import RustCut, available

log = logging.getLogger(__name__)

# A token worth indexing has at least one letter, digit or CJK ideograph.
_WORDY = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Terms a speech marks as one unit by quoting them: “两个维护”, “三会一课”, 《…》 titles.
# A quoted term: one regex per opening mark, so that each starts from a literal (found by a fast
# scan) rather than testing a character class at every position of the text.
_QUOTED = tuple(
    (opening, re.compile(opening + r"([\u4e00-\u9fff0-9a-zA-Z]{2,6})[”」』]"))
    for opening in "“「『"
)
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _read_words(name: str) -> list[str]:
    text = resources.files("index.text").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return [w.strip() for w in text.splitlines() if w.strip() and not w.lstrip().startswith("#")]


def default_stopwords() -> frozenset[str]:
    """The bundled stopword list (``index/text/data/stopwords.txt``)."""
    return frozenset(normalize(w) for w in _read_words("stopwords.txt"))


def domain_words() -> tuple[str, ...]:
    """The bundled domain dictionary (``index/text/data/userdict.txt``)."""
    return tuple(normalize(w) for w in _read_words("userdict.txt"))


def corpus_terms(texts: Iterable[str]) -> list[str]:
    """Quoted terms in the corpus (“四个意识”), to be kept whole by the tokenizer."""
    seen: dict[str, str | None] = {}  # quoted text → its term (None: not one); most recur
    for text in texts:
        found = (q for mark, r in _QUOTED if mark in text for q in r.findall(text))
        for quoted in found:
            if quoted not in seen:
                term = normalize(quoted)
                seen[quoted] = term if _HAN.search(term) else None
    return sorted({term for term in seen.values() if term is not None})


@lru_cache(maxsize=1)
def _jieba_version() -> str:
    # jieba's own __version__, without importing jieba (a tenth of a second of start-up).
    return metadata.version("jieba")


def _digest(parts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


class Tokenizer:
    """A jieba tokenizer with the corpus dictionary and stopwords; load it once at start-up."""

    def __init__(
        self,
        user_words: Sequence[str] = (),
        stopwords: frozenset[str] | None = None,
        cache_dir: Path | None = None,
        engine_words: Sequence[tuple[str, int, int]] | None = None,
    ) -> None:
        """``engine_words``: the user words' jieba frequencies as ``engine_words`` reported them
        (stored with an index) let rjieba start without loading Python jieba."""
        self.user_words: tuple[str, ...] = tuple(dict.fromkeys((*domain_words(), *user_words)))
        self.stopwords = default_stopwords() if stopwords is None else stopwords
        # Python jieba is imported and loaded only when needed (see ``initialize``).
        self._jieba: Any = None
        self._cache_dir = cache_dir
        known = engine_words is not None and [w for w, _, _ in engine_words] == list(
            self.user_words
        )
        self._engine_words: tuple[tuple[str, int, int], ...] | None = (
            tuple((str(w), int(f), int(b)) for w, f, b in engine_words)
            if engine_words is not None and known
            else None
        )
        self._rust: RustCut | None = None
        # Tokens seen, by class: most tokens recur, and a set look-up beats two regex tests.
        self._keep: set[str] = set()  # index tokens: wordy, not a stopword
        self._wordy_stop: set[str] = set()  # wordy stopwords
        self._unwordy: set[str] = set()  # punctuation, spaces, symbols
        self._python_ready = False
        self._ready = False
        self._lock = threading.Lock()

    def same_words(self, user_words: Sequence[str]) -> bool:
        """Whether this tokenizer was made with exactly these corpus words."""
        return self.user_words == tuple(dict.fromkeys((*domain_words(), *user_words)))

    @property
    def signature(self) -> str:
        """Changes whenever some text could tokenise differently."""
        return _digest(
            (_jieba_version(), NORMALIZER_VERSION, *self.user_words, "|", *sorted(self.stopwords))
        )

    def signature_for(self, text: str) -> str:
        """Changes whenever ``text`` could tokenise differently.

        Only user words that occur in the text can change its cut (``initialize`` keeps jieba's
        word-count total fixed), so adding a speech re-tokenises only the speeches that contain
        its new words.
        """
        return self.signature_of_normalized(normalize(text))

    def signature_of_normalized(self, norm: str) -> str:
        """``signature_for`` of text that ``normalize`` already made."""
        present = [w for w in self.user_words if w in norm]
        return _digest(
            (_jieba_version(), NORMALIZER_VERSION, *present, "|", *sorted(self.stopwords))
        )

    def initialize(self) -> None:
        """Load the dictionary and the user words (do it at start-up).

        With rjieba and known user-word frequencies this takes ~0.2 s; otherwise Python jieba's
        dictionary is loaded (~1 s) first.
        """
        with self._lock:
            if self._ready:
                return
            if self._engine_words is None or not available():
                self._initialize_python()
            if available() and self._engine_words is not None:
                self._rust = RustCut(self._engine_words)
            self._ready = True
            log.info(
                "tokenizer ready: %d user words, %s",
                len(self.user_words),
                "rjieba" if self._rust else "jieba",
            )

    def _initialize_python(self) -> None:
        if self._python_ready:
            return
        import jieba

        # jieba logs at DEBUG to its own stderr handler; keep start-up quiet.
        logging.getLogger("jieba").setLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        # jieba writes its prefix-dict cache to the temp dir; a read-only system needs a choice.
        self._jieba.tmp_dir = str(self._cache_dir or tempfile.gettempdir())
        self._jieba.initialize()
        total = self._jieba.total
        added = []
        for word in self.user_words:
            before = int(self._jieba.FREQ.get(word, 0))
            self._jieba.add_word(word)
            # add_word raises the corpus total, which shifts every path's log-probability and
            # could change the cut of text that has none of the new words; keep it fixed.
            self._jieba.total = total
            added.append((word, int(self._jieba.FREQ[word]), before))
        self._engine_words = tuple(added)
        self._python_ready = True

    @property
    def engine_words(self) -> tuple[tuple[str, int, int], ...]:
        """(word, jieba frequency, frequency before) of each user word, for storing."""
        self.initialize()
        assert self._engine_words is not None
        return self._engine_words

    def cut(self, normalized: str) -> list[str]:
        """jieba's tokens of already normalised text (rjieba where it gives the same)."""
        if not self._ready:
            self.initialize()
        if self._rust is not None and self._rust.handles(normalized):
            return self._rust.cut(normalized)
        if not self._python_ready:
            with self._lock:
                self._initialize_python()
        return list(self._jieba.lcut(normalized))

    def is_word(self, word: str) -> bool:
        """Whether ``word`` is a word of jieba's dictionary (general Chinese) or a user word."""
        if not self._ready:
            self.initialize()
        if self._rust is not None:
            return self._rust.has_word(word)
        if not self._python_ready:
            with self._lock:
                self._initialize_python()
        return int(self._jieba.FREQ.get(word, 0)) > 0

    def python_cut(self, normalized: str) -> list[str]:
        """Python jieba's own tokens (for tests comparing the engines)."""
        if not self._ready:
            self.initialize()
        with self._lock:
            self._initialize_python()
        return list(self._jieba.lcut(normalized))

    @property
    def python_loaded(self) -> bool:
        """Whether Python jieba's dictionary has been loaded in this process."""
        return self._python_ready

    @property
    def engine(self) -> str:
        """The tokenizer doing most of the cutting: ``rjieba`` or ``jieba``."""
        return "rjieba" if self._rust is not None else "jieba"

    def _learn(self, token: str) -> bool:
        """Classify a token not seen before (remembered up to a bound); whether it is an index
        token."""
        return self._learn_kind(token)[1]

    def _learn_kind(self, token: str) -> tuple[bool, bool]:
        wordy = bool(token.strip()) and _WORDY.search(token) is not None
        keep = wordy and token not in self.stopwords
        if len(self._keep) + len(self._wordy_stop) + len(self._unwordy) < 1_000_000:
            (self._keep if keep else self._wordy_stop if wordy else self._unwordy).add(token)
        return wordy, keep

    def is_index_token(self, token: str) -> bool:
        """Whether ``tokens`` keeps this token of a cut (wordy, not a stopword)."""
        if token in self._keep:
            return True
        if token in self._unwordy or token in self._wordy_stop:
            return False
        return self._learn(token)

    def _wordy(self, token: str) -> bool:
        if token in self._keep or token in self._wordy_stop:
            return True
        return token not in self._unwordy and self._learn_kind(token)[0]

    def words(self, text: str) -> list[str]:
        """All wordy tokens of normalised ``text`` (stopwords kept)."""
        return [t for t in self.cut(normalize(text)) if self._wordy(t)]

    def tokens(self, text: str) -> list[str]:
        """Index/query tokens: wordy tokens of ``text`` without stopwords."""
        return self.tokens_of_normalized(normalize(text))

    def tokens_of_normalized(self, normalized: str) -> list[str]:
        """``tokens`` of text that ``normalize`` already made."""
        keep, wordy_stop, unwordy, learn = self._keep, self._wordy_stop, self._unwordy, self._learn
        return [
            t
            for t in self.cut(normalized)
            if t in keep or (t not in unwordy and t not in wordy_stop and learn(t))
        ]
