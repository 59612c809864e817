"""``speechbot check`` and ``/healthz``: configuration, database, index freshness, token."""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from corpus import BoilerplateRules, CorpusFileError
from index import DatabaseHealth, DenseStatus, corpus_fingerprint, inspect_database, probe_model

from .settings import ConfigError, Settings

log = logging.getLogger(__name__)

#: Every variable Settings.from_env reads, each validated on its own so all bad ones are named.
ENV_VARS = (
    "TELEGRAM_BOT_TOKEN",
    "SPEECHBOT_ADMINS",
    "SPEECHBOT_DB",
    "SPEECHBOT_CORPUS",
    "TELEGRAM_API_URL",
    "SPEECHBOT_WEBHOOK_URL",
    "SPEECHBOT_WEBHOOK_SECRET",
    "SPEECHBOT_LISTEN",
    "SPEECHBOT_LOG_LEVEL",
    "SPEECHBOT_USER_RATE",
    "SPEECHBOT_BM25",
    "SPEECHBOT_HEADING_WEIGHT",
    "SPEECHBOT_MAX_UPLOAD",
    "SPEECHBOT_MAX_FILE",
    "SPEECHBOT_API_TIMEOUT",
    "SPEECHBOT_DENSE",
    "SPEECHBOT_SENTENCE_PAIRS",
    "SPEECHBOT_EMBED_THREADS",
    "SPEECHBOT_EMBED_NOW",
    "SPEECHBOT_BUILD_WORKERS",
    "SPEECHBOT_SYNONYMS",
    "SPEECHBOT_KEEP_QUESTIONS_DAYS",
    "SPEECHBOT_LANGUAGE",
)
TOKEN_PATTERN = re.compile(r"\d+:[A-Za-z0-9_-]+")
#: What Telegram accepts as ``secret_token`` in setWebhook.
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
#: How long getMe may take before the token check fails.
GETME_SECONDS = 10.0
_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")

OK, FAIL, SKIP = "OK", "FAIL", "SKIP"


@dataclass(frozen=True, slots=True)
class Check:
    """One check's verdict: ``status`` is OK, FAIL or SKIP; ``detail`` never holds a secret."""

    name: str
    status: str
    detail: str

    @property
    def ok(self) -> bool:
        """Whether the check holds (a skipped check does not fail)."""
        return self.status != FAIL


@dataclass(frozen=True, slots=True)
class Report:
    """All checks, in the order config, database, index, token."""

    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        """True only when every check holds."""
        return all(c.ok for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of ``speechbot check --json`` and ``/healthz``."""
        return {
            "ok": self.ok,
            "checks": {c.name: {"status": c.status, "detail": c.detail} for c in self.checks},
        }

    def lines(self) -> list[str]:
        """One line per check for the terminal."""
        width = max(len(c.name) for c in self.checks)
        return [f"{c.status:<4} {c.name:<{width}}  {c.detail}" for c in self.checks]


def settings_from_env(env: Mapping[str, str]) -> tuple[Settings, list[str]]:
    """Settings from ``env`` with every malformed variable left at its default, and why each was."""
    problems: list[str] = []
    good = dict(env)
    for name in ENV_VARS:
        if not env.get(name, "").strip():
            continue
        try:
            Settings.from_env({name: env[name]})
        except ConfigError as exc:
            problems.append(str(exc))
            good.pop(name)
    rules = env.get("SPEECHBOT_BOILERPLATE", "").strip()
    if rules:
        try:
            BoilerplateRules.load(Path(rules))
        except CorpusFileError as exc:
            problems.append(f"SPEECHBOT_BOILERPLATE: {exc}")
    return Settings.from_env(good), problems


def config_problems(settings: Settings, *, offline: bool = False) -> list[str]:
    """What makes ``settings`` unfit to run the bot, beyond a variable's own syntax. With
    ``offline`` a missing token is no problem: the CLI works without one (the token line says
    "not configured")."""
    problems = []
    if not settings.token:
        if not offline:
            problems.append("TELEGRAM_BOT_TOKEN is not set")
    elif not TOKEN_PATTERN.fullmatch(settings.token):
        problems.append("TELEGRAM_BOT_TOKEN does not look like a bot token (<digits>:<letters>)")
    if urlsplit(settings.api_url).scheme not in ("http", "https"):
        problems.append(f"TELEGRAM_API_URL must be an http(s) URL, got {settings.api_url!r}")
    if settings.webhook_url is not None:
        url = urlsplit(settings.webhook_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            problems.append(
                f"SPEECHBOT_WEBHOOK_URL must be an https URL, got {settings.webhook_url!r}"
            )
        if not settings.webhook_secret:
            problems.append("SPEECHBOT_WEBHOOK_SECRET must be set in webhook mode")
        elif not SECRET_PATTERN.fullmatch(settings.webhook_secret):
            problems.append("SPEECHBOT_WEBHOOK_SECRET may hold only A-Z a-z 0-9 _ - (1-256 chars)")
    if not 0 < settings.listen[1] < 65536:
        problems.append(f"SPEECHBOT_LISTEN port must be 1-65535, got {settings.listen[1]}")
    if settings.log_level not in _LEVELS:
        problems.append(f"SPEECHBOT_LOG_LEVEL must be one of {', '.join(_LEVELS)}")
    for name, value in (
        ("SPEECHBOT_USER_RATE", settings.user_rate),
        ("SPEECHBOT_HEADING_WEIGHT", settings.heading_weight),
        ("SPEECHBOT_MAX_UPLOAD", settings.max_upload_bytes),
    ):
        if value < 0:
            problems.append(f"{name} must not be negative, got {value}")
    return problems


def check_config(problems: list[str]) -> Check:
    """The configuration verdict."""
    if problems:
        return Check("config", FAIL, "; ".join(problems))
    return Check("config", OK, "every variable is valid")


def check_storage(
    settings: Settings, *, full: bool = False, damaged: str | None = None, structure: bool = True
) -> tuple[Check, Check, DatabaseHealth]:
    """The database and index verdicts and what the look found (blocking: run it in a thread);
    ``full`` runs ``integrity_check`` rather than ``quick_check``, ``structure=False`` neither;
    ``damaged`` is what a running bot met."""
    health: DatabaseHealth = inspect_database(settings.db_path, full=full, structure=structure)
    if damaged is not None:
        detail = f"the database {settings.db_path} is damaged ({damaged}); {health.problem or ''}"
        index = "the bot answers from what it had loaded in memory; restore a backup or reindex"
        return Check("database", FAIL, detail.rstrip("; ")), Check("index", FAIL, index), health
    if health.problem is not None:
        database = Check("database", FAIL, health.problem)
        return database, Check("index", FAIL, "no live index to compare with the corpus"), health
    database = Check(
        "database",
        OK,
        f"{settings.db_path}: {health.checked} ok, schema {health.schema_version}, "
        f"generation {health.generation} complete",
    )
    try:
        current = corpus_fingerprint(settings.corpus_dir, health.stats)
    except OSError as exc:
        return database, Check("index", FAIL, f"cannot read the corpus folder: {exc}"), health
    if current != health.fingerprint:
        return (
            database,
            Check(
                "index",
                FAIL,
                f"the corpus folder {settings.corpus_dir} changed since generation "
                f"{health.generation} was built; run 'speechbot reindex'",
            ),
            health,
        )
    return database, Check("index", OK, f"up to date with {settings.corpus_dir}"), health


def check_semantic(
    settings: Settings, health: DatabaseHealth, running: DenseStatus | None = None
) -> Check:
    """Whether the semantic part is on, and why not (blocking: run it in a thread); ``running``
    is the serving index's own status (``/healthz``), so that the model is not loaded again."""
    if not settings.dense:
        return Check("semantic", SKIP, "off (SPEECHBOT_DENSE=off): BM25 alone")
    reason = running.reason if running is not None else probe_model(settings.embed_threads)
    if running is not None and not running.available and not reason:
        reason = "the embedding model is not loaded yet"
    if reason:
        return Check("semantic", SKIP, f"off: {reason}; BM25 alone")
    if running is not None:
        return Check(
            "semantic",
            OK,
            f"model loaded; {running.rows_embedded} of {running.rows} paragraphs have vectors",
        )
    return Check("semantic", OK, f"model loads; {health.vectors} sentence vectors stored")


async def check_token(settings: Settings) -> Check:
    """getMe against TELEGRAM_API_URL; the token never appears in the verdict."""
    token = settings.token
    if not token:
        return Check("token", FAIL, "TELEGRAM_BOT_TOKEN is not set")
    api = settings.api_url
    try:
        async with httpx.AsyncClient(timeout=GETME_SECONDS) as client:
            response = await client.get(f"{api}/bot{token}/getMe")
    except httpx.HTTPError as exc:
        reason = str(exc).replace(token, "<token>") or type(exc).__name__
        return Check("token", FAIL, f"cannot ask {api}: {reason}")
    try:
        body = response.json()
    except ValueError:
        body = None  # a proxy's HTML error page, say
    if response.status_code == 200 and isinstance(body, dict) and body.get("ok"):
        me = body.get("result") or {}
        return Check("token", OK, f"accepted by {api} as @{me.get('username')}")
    description = body.get("description") if isinstance(body, dict) else None
    return Check(
        "token",
        FAIL,
        f"rejected by {api}: {response.status_code} {description or response.reason_phrase}",
    )


async def run_checks(
    settings: Settings,
    problems: list[str] | None = None,
    *,
    offline: bool = False,
    full: bool = False,
    damaged: str | None = None,
    running: DenseStatus | None = None,
) -> Report:
    """Every check against ``settings``; ``problems`` are variables that failed to parse,
    ``full`` asks for ``integrity_check``, ``damaged`` is the damage a running bot met, and
    ``running`` the running bot's semantic part: then the file's structure and the model are
    not looked at again (``/healthz``; the bot checked both at start)."""
    config = check_config([*(problems or []), *config_problems(settings, offline=offline)])
    structure = running is None
    database, index, health = await asyncio.to_thread(
        functools.partial(check_storage, settings, full=full, damaged=damaged, structure=structure)
    )
    semantic = await asyncio.to_thread(check_semantic, settings, health, running)
    if offline and not settings.token:
        token = Check(
            "token", SKIP, "not configured (TELEGRAM_BOT_TOKEN is unset; only run needs it)"
        )
    elif offline:
        token = Check("token", SKIP, "not asked (--offline)")
    else:
        token = await check_token(settings)
    return Report((config, database, index, semantic, token))
