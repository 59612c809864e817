"""All configuration in one frozen value, read from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from corpus import bundled_corpus_dir
from index import SYNONYMS_FILE, BM25Params, BuildOptions, IndexConfig, Variant

DEFAULT_API_URL = "https://api.telegram.org"


class ConfigError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


def default_db_path() -> Path:
    """The database in the user's data directory."""
    return Path(platformdirs.user_data_dir("speechbot", appauthor=False)) / "speechbot.db"


@dataclass(frozen=True, slots=True)
class Settings:
    """speechbot's settings; ``token`` never appears in ``repr``."""

    token: str | None = field(default=None, repr=False)
    admins: frozenset[int] = frozenset()
    db_path: Path = field(default_factory=default_db_path)
    corpus_dir: Path = field(default_factory=bundled_corpus_dir)
    api_url: str = DEFAULT_API_URL
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    listen: tuple[str, int] = ("127.0.0.1", 8080)
    log_level: str = "INFO"
    user_rate: int = 20  # questions a user may ask per minute
    variant: Variant = Variant.PLUS
    heading_weight: int = 1
    max_upload_bytes: int = 5 * 1024 * 1024
    max_file_bytes: int = 20 * 1024 * 1024  # corpus files above this are skipped unread
    build_workers: int = 0  # processes tokenising a big reindex; 0: one per core
    api_timeout: int = 20  # seconds to wait for the Bot API to read a request and answer it
    dense: bool = True  # the semantic part (SPEECHBOT_DENSE=off: BM25 alone)
    sentence_pairs: bool = True  # SPEECHBOT_SENTENCE_PAIRS=off: each sentence alone is embedded
    embed_threads: int = 1  # the embedding model's threads (SPEECHBOT_EMBED_THREADS)
    # Most missing vectors `ask` embeds before answering (SPEECHBOT_EMBED_NOW).
    embed_now: int = 5_000
    synonyms: Path | None = SYNONYMS_FILE  # SPEECHBOT_SYNONYMS: another list, or off
    keep_questions_days: int = 30  # days question text stays in the database; 0: not stored
    english: bool = False  # SPEECHBOT_LANGUAGE=en: the command line's labels in English

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read every setting from ``env`` (default: ``os.environ``)."""
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        defaults = cls()
        return cls(
            token=get("TELEGRAM_BOT_TOKEN"),
            admins=_admins(get("SPEECHBOT_ADMINS")),
            db_path=Path(get("SPEECHBOT_DB") or defaults.db_path).expanduser(),
            corpus_dir=Path(get("SPEECHBOT_CORPUS") or defaults.corpus_dir).expanduser(),
            api_url=(get("TELEGRAM_API_URL") or DEFAULT_API_URL).rstrip("/"),
            webhook_url=get("SPEECHBOT_WEBHOOK_URL"),
            webhook_secret=get("SPEECHBOT_WEBHOOK_SECRET"),
            listen=_listen(get("SPEECHBOT_LISTEN")) if get("SPEECHBOT_LISTEN") else defaults.listen,
            log_level=(get("SPEECHBOT_LOG_LEVEL") or "INFO").upper(),
            user_rate=_int("SPEECHBOT_USER_RATE", get("SPEECHBOT_USER_RATE"), defaults.user_rate),
            variant=_variant(get("SPEECHBOT_BM25")),
            heading_weight=_int("SPEECHBOT_HEADING_WEIGHT", get("SPEECHBOT_HEADING_WEIGHT"), 1),
            max_upload_bytes=_int(
                "SPEECHBOT_MAX_UPLOAD", get("SPEECHBOT_MAX_UPLOAD"), defaults.max_upload_bytes
            ),
            max_file_bytes=_int(
                "SPEECHBOT_MAX_FILE", get("SPEECHBOT_MAX_FILE"), defaults.max_file_bytes
            ),
            build_workers=_int(
                "SPEECHBOT_BUILD_WORKERS", get("SPEECHBOT_BUILD_WORKERS"), defaults.build_workers
            ),
            api_timeout=_int(
                "SPEECHBOT_API_TIMEOUT", get("SPEECHBOT_API_TIMEOUT"), defaults.api_timeout
            ),
            dense=_switch("SPEECHBOT_DENSE", get("SPEECHBOT_DENSE"), defaults.dense),
            sentence_pairs=_switch(
                "SPEECHBOT_SENTENCE_PAIRS", get("SPEECHBOT_SENTENCE_PAIRS"), defaults.sentence_pairs
            ),
            synonyms=_synonyms(get("SPEECHBOT_SYNONYMS")),
            embed_now=_int("SPEECHBOT_EMBED_NOW", get("SPEECHBOT_EMBED_NOW"), defaults.embed_now),
            keep_questions_days=_days(
                "SPEECHBOT_KEEP_QUESTIONS_DAYS",
                get("SPEECHBOT_KEEP_QUESTIONS_DAYS"),
                defaults.keep_questions_days,
            ),
            english=_language(get("SPEECHBOT_LANGUAGE")) == "en",
            embed_threads=max(
                1,
                _int(
                    "SPEECHBOT_EMBED_THREADS",
                    get("SPEECHBOT_EMBED_THREADS"),
                    defaults.embed_threads,
                ),
            ),
        )

    @property
    def index_config(self) -> IndexConfig:
        """How the index is opened and built."""
        options = BuildOptions(
            params=BM25Params(variant=self.variant),
            heading_weight=self.heading_weight,
            max_file_bytes=self.max_file_bytes,
            build_workers=self.build_workers,
        )
        return IndexConfig(
            db_path=self.db_path,
            corpus_dir=self.corpus_dir,
            options=options,
            dense=self.dense,
            sentence_pairs=self.sentence_pairs,
            embed_threads=self.embed_threads,
            embed_now=self.embed_now,
            synonyms=self.synonyms,
        )

    @property
    def webhook_mode(self) -> bool:
        """Webhook mode when a public URL is configured; long polling otherwise."""
        return self.webhook_url is not None


def _admins(value: str | None) -> frozenset[int]:
    if not value:
        return frozenset()
    try:
        return frozenset(int(part) for part in value.replace(" ", "").split(",") if part)
    except ValueError:
        raise ConfigError(
            f"SPEECHBOT_ADMINS must be comma-separated user ids, got {value!r}"
        ) from None


def _language(value: str | None) -> str:
    if value is None:
        return "zh"
    if value.lower() not in ("zh", "en"):
        raise ConfigError(f"SPEECHBOT_LANGUAGE must be zh or en, got {value!r}")
    return value.lower()


def _synonyms(value: str | None) -> Path | None:
    if value is None:
        return SYNONYMS_FILE
    if value.lower() == "off":
        return None
    path = Path(value).expanduser()
    if not path.is_file():
        raise ConfigError(f"SPEECHBOT_SYNONYMS must be a synonyms file or off, got {value!r}")
    return path


def _listen(value: str | None) -> tuple[str, int]:
    host, sep, port = (value or "").rpartition(":")
    if not sep or not port.isdigit():
        raise ConfigError(f"SPEECHBOT_LISTEN must be host:port, got {value!r}")
    return host.strip("[]") or "0.0.0.0", int(port)


def _int(name: str, value: str | None, default: int) -> int:
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {value!r}") from None


def _variant(value: str | None) -> Variant:
    if value is None:
        return Variant.PLUS
    try:
        return Variant(value.lower())
    except ValueError:
        names = ", ".join(v.value for v in Variant)
        raise ConfigError(f"SPEECHBOT_BM25 must be one of {names}, got {value!r}") from None


def _days(name: str, value: str | None, default: int) -> int:
    days = _int(name, value, default)
    if days < 0:
        raise ConfigError(f"{name} must be 0 or more days, got {value!r}")
    return days


def _switch(name: str, value: str | None, default: bool) -> bool:
    if value is None:
        return default
    lowered = value.lower()
    if lowered in ("on", "1", "true", "yes"):
        return True
    if lowered in ("off", "0", "false", "no"):
        return False
    raise ConfigError(f"{name} must be on or off, got {value!r}")
