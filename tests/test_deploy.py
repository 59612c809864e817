"""deploy/: the systemd unit verifies, and the image, compose, env and proxy files agree."""

from __future__ import annotations

import fnmatch
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from bot.check import ENV_VARS
from bot.cli import build_parser
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
VENV_BIN = "/opt/speechbot/venv/bin/speechbot"


def unit_entries() -> dict[str, list[str]]:
    """``key -> values`` of the systemd unit (keys may repeat)."""
    entries: dict[str, list[str]] = {}
    for line in (DEPLOY / "speechbot.service").read_text().splitlines():
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            entries.setdefault(key, []).append(value)
    return entries


def env_example() -> tuple[dict[str, str], dict[str, str]]:
    """The set and the commented-out ``VARIABLE=value`` lines of deploy/.env.example."""
    active, commented = {}, {}
    for line in (DEPLOY / ".env.example").read_text().splitlines():
        if match := re.fullmatch(r"(#?)([A-Z][A-Z0-9_]*)=(.*)", line):
            (commented if match[1] else active)[match[2]] = match[3]
    return active, commented


def settings_variables() -> set[str]:
    """Every environment variable bot/settings.py reads."""
    source = (ROOT / "bot" / "settings.py").read_text()
    return set(re.findall(r'"((?:SPEECHBOT|TELEGRAM)_[A-Z0-9_]+)"', source))


def test_systemd_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    unit = (DEPLOY / "speechbot.service").read_text()
    assert f"ExecStart={VENV_BIN} run" in unit
    # verify insists that ExecStart's binary exists: point it at this environment's speechbot.
    here = Path(sys.executable).with_name("speechbot")
    speechbot = here if here.exists() else Path(shutil.which("speechbot") or "")
    assert speechbot.is_file(), "speechbot is not installed next to this Python"
    copy = tmp_path / "speechbot.service"
    copy.write_text(unit.replace(VENV_BIN, str(speechbot)))
    result = subprocess.run(
        [analyze, "verify", "--man=no", str(copy)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    # verify exits 0 even on unknown keys and bad values; those are warnings on stderr.
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_systemd_unit_is_hardened_with_the_state_directory_as_only_writable_place() -> None:
    unit = unit_entries()
    required = {
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "NoNewPrivileges": "yes",
        "CapabilityBoundingSet": "",
        "StateDirectory": "speechbot",
        "Restart": "on-failure",
        "EnvironmentFile": "/etc/speechbot/speechbot.env",
        "User": "speechbot",
    }
    for key, value in required.items():
        assert unit.get(key) == [value], key
    assert "@system-service" in unit["SystemCallFilter"]
    assert set(unit["RestrictAddressFamilies"][0].split()) == {"AF_INET", "AF_INET6", "AF_UNIX"}
    assert "MemoryMax" in unit and "ReadWritePaths" not in unit
    assert "SPEECHBOT_DB=/var/lib/speechbot/speechbot.db" in unit["Environment"]
    # A configuration error (exit 2) must not restart in a loop.
    assert unit["RestartPreventExitStatus"] == ["2"]
    assert build_parser().parse_args(unit["ExecStart"][0].split()[1:]).command == "run"


def test_env_example_names_every_variable_and_parses() -> None:
    active, commented = env_example()
    documented = set(active) | set(commented)
    assert settings_variables() | {"SPEECHBOT_BOILERPLATE"} <= documented
    # speechbot check validates each variable settings.py reads, one by one.
    assert settings_variables() == set(ENV_VARS)
    settings = Settings.from_env(active | commented)  # the samples are valid values
    assert settings.token and "BotFather" in settings.token  # a placeholder, not a token
    assert settings.webhook_url is not None
    proxied = urlsplit(settings.webhook_url).path
    assert proxied in (DEPLOY / "nginx.conf").read_text()
    assert f"path {proxied}" in (DEPLOY / "Caddyfile").read_text()
    listen = "{}:{}".format(*settings.listen)
    assert f"server {listen};" in (DEPLOY / "nginx.conf").read_text()
    assert f"reverse_proxy {listen}" in (DEPLOY / "Caddyfile").read_text()


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of deploy/Dockerfile, continuation lines joined."""
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return [(ln.split(None, 1)[0].upper(), ln.split(None, 1)[1]) for ln in lines]


def test_dockerfile_is_multi_stage_non_root_with_a_health_check() -> None:
    steps = dockerfile()
    stages = [args for op, args in steps if op == "FROM"]
    assert len(stages) == 2 and all(s.startswith("python:3.11-slim") for s in stages)
    final = steps[max(i for i, (op, _) in enumerate(steps) if op == "FROM") :]
    users = [args for op, args in final if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert [op for op, _ in final].index("USER") < [op for op, _ in final].index("ENTRYPOINT")
    (health,) = [args for op, args in final if op == "HEALTHCHECK"]
    assert '"speechbot", "check", "--offline"' in health
    (entry,) = [args for op, args in final if op == "ENTRYPOINT"]
    (cmd,) = [args for op, args in final if op == "CMD"]
    argv = [*yaml.safe_load(entry), *yaml.safe_load(cmd)]
    assert argv[0] == "speechbot" and build_parser().parse_args(argv[1:]).command == "run"
    env = dict(
        pair.split("=", 1) for op, args in final if op == "ENV" for pair in shlex.split(args)
    )
    settings = Settings.from_env(env)
    (volume,) = [yaml.safe_load(args)[0] for op, args in final if op == "VOLUME"]
    assert settings.db_path.parent == Path(volume)
    assert f"EXPOSE {settings.listen[1]}" in {f"{op} {args}" for op, args in final}


def in_build_context(path: str, patterns: list[str]) -> bool:
    """Whether .dockerignore lets ``path`` in (last matching pattern wins; parents match)."""
    included = True
    parents = [str(Path(path).parents[i]) for i in range(len(Path(path).parents) - 1)]
    for pattern in patterns:
        negated = pattern.startswith("!")
        glob = pattern.lstrip("!").rstrip("/")
        if any(fnmatch.fnmatchcase(p, glob) for p in [path, *parents]):
            included = negated
    return included


def test_dockerignore_sends_what_the_dockerfile_copies_and_nothing_private() -> None:
    patterns = [
        ln.strip()
        for ln in (ROOT / ".dockerignore").read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    copied = []
    for op, args in dockerfile():
        if op == "COPY" and "--from=" not in args:
            copied += args.split()[:-1]
    assert copied
    for source in copied:
        assert (ROOT / source).exists(), source
        files = [ROOT / source] if (ROOT / source).is_file() else (ROOT / source).rglob("*.py")
        for file in files:
            assert in_build_context(str(file.relative_to(ROOT)), patterns), file
    for private in (".venv/bin/python", ".git/config", "tests/conftest.py", "speechbot.db"):
        assert not in_build_context(private, patterns), private


def test_compose_runs_the_image_with_its_volume_and_an_optional_bot_api_server() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    bot = compose["services"]["speechbot"]
    context = (DEPLOY / bot["build"]["context"]).resolve()
    assert context == ROOT and (context / bot["build"]["dockerfile"]).is_file()
    assert bot["env_file"] == ".env" and bot["read_only"] is True
    settings = Settings.from_env(
        {k: v for k, v in bot["environment"].items() if not v.startswith("$")}
    )
    volume, target = bot["volumes"][0].split(":")
    assert volume in compose["volumes"] and Path(target) == settings.db_path.parent
    assert bot["ports"] == [f"127.0.0.1:{settings.listen[1]}:{settings.listen[1]}"]
    api = compose["services"]["telegram-bot-api"]
    assert api["profiles"] == ["local-api"]
    assert {"TELEGRAM_API_ID", "TELEGRAM_API_HASH"} <= set(api["environment"])
    assert bot["depends_on"]["telegram-bot-api"]["required"] is False
    # The URL .env.example gives for the profile reaches that service on the port it exposes.
    comment = re.search(r"TELEGRAM_API_URL=(http://\S+)", (DEPLOY / ".env.example").read_text())
    assert comment is not None
    url = urlsplit(comment[1])
    assert url.hostname == "telegram-bot-api" and str(url.port) in api["expose"]


def test_nginx_sample_passes_nginx_t(tmp_path: Path) -> None:
    nginx, openssl = shutil.which("nginx"), shutil.which("openssl")
    if nginx is None or openssl is None:
        pytest.skip("nginx or openssl is not installed")
    key, cert = str(tmp_path / "key.pem"), str(tmp_path / "cert.pem")
    request = [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=bot.example.org",
    ]
    subprocess.run(
        [openssl, *request, "-keyout", key, "-out", cert],
        check=True,
        capture_output=True,
        timeout=60,
    )
    site = (DEPLOY / "nginx.conf").read_text()
    site = re.sub(r"ssl_certificate .*;", f"ssl_certificate {cert};", site)
    site = re.sub(r"ssl_certificate_key .*;", f"ssl_certificate_key {key};", site)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\nevents {{}}\n"
        f"http {{ access_log off; include {tmp_path / 'site.conf'}; }}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "[warn]" not in result.stderr and "[emerg]" not in result.stderr


def test_caddy_sample_is_a_valid_caddyfile() -> None:
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("caddy is not installed")
    result = subprocess.run(
        [caddy, "validate", "--adapter", "caddyfile", "--config", str(DEPLOY / "Caddyfile")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and "Valid configuration" in result.stdout + result.stderr


def test_memory_limits_match_the_documented_maximum_corpus() -> None:
    root = Path(__file__).resolve().parents[1]
    unit = (root / "deploy" / "speechbot.service").read_text(encoding="utf-8")
    compose = (root / "deploy" / "compose.yaml").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    (limit,) = re.findall(r"^MemoryMax=(\d+)G$", unit, re.M)
    (mem,) = re.findall(r"^\s+mem_limit: (\d+)g$", compose, re.M)
    assert limit == mem
    assert "**Largest corpus documented: 1,000,000 paragraphs**" in readme
    assert f"`MemoryMax={limit}G`" in readme and f"`mem_limit: {mem}g`" in readme
