"""The ``speechbot`` command line: ask, outline, reindex, help, and its error paths."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from index.store.schema import VISIBLE

QUESTION = "如何发挥基层党组织战斗堡垒作用"


@pytest.fixture
def env(db_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """SPEECHBOT_DB and SPEECHBOT_CORPUS pointing into tmp_path (for main() and subprocesses)."""
    monkeypatch.setenv("SPEECHBOT_DB", str(db_path))
    monkeypatch.setenv("SPEECHBOT_CORPUS", str(corpus_dir))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return {**os.environ}


def _speechbot(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot`` as a user would, from an empty folder under ``cwd``."""
    # Not from tmp_path itself: ``python -m`` puts the working directory first on sys.path, and
    # tmp_path/corpus (the corpus copy) would shadow the ``corpus`` package.
    cwd = cwd / "cwd" if cwd != Path("/") else cwd
    cwd.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,  # a leaked database thread would keep the process alive
    )


def _rows(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_path) as db:
        return db.execute(sql).fetchall()


def test_ask_prints_speech_section_marked_terms_and_score(
    env: dict[str, str], tmp_path: Path
) -> None:
    done = _speechbot(["ask", QUESTION, "--color", "never"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    titles = [str(r[0]) for r in _rows(Path(env["SPEECHBOT_DB"]), "SELECT title FROM speeches")]
    blocks = re.split(r"\n\n(?=\[\d+\] )", done.stdout.strip())
    assert [b[:3] for b in blocks] == ["[1]", "[2]", "[3]"]
    for block in blocks:
        head, section, score, text = block.split("\n", 3)
        assert any(title in head for title in titles)
        assert section.strip() and re.fullmatch(r"\s+score \d+\.\d{3}", score)
        marked = re.findall(r"【([^】]+)】", text)
        assert marked and {"战斗堡垒", "党组织", "基层"} & set(marked)
    assert "四要从严从实抓好基层组织建设" in done.stdout


def test_ask_json_gives_the_documented_keys_and_full_paragraphs(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", QUESTION, "--json", "-k", "2"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert isinstance(hits, list) and len(hits) == 2
    texts = {str(r[0]) for r in _rows(Path(env["SPEECHBOT_DB"]), "SELECT text FROM paragraphs")}
    titles = dict(_rows(Path(env["SPEECHBOT_DB"]), "SELECT number, title FROM speeches"))
    for hit in hits:
        assert {"speech", "speech_id", "section", "paragraph", "score"} <= set(hit)
        assert hit["speech"] == titles[hit["speech_id"]]
        assert hit["paragraph"] in texts  # the paragraph's full text, unmarked
        assert isinstance(hit["score"], float) and hit["score"] > 0
        assert hit["section"] and "【" not in hit["paragraph"]
    assert hits[0]["score"] >= hits[1]["score"]


def test_ask_speech_filter_by_number_or_title(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    for ref, number in (("2", 2), ("#4", 4), ("2023年县委工作会议", 5), ("主持讲话", 3)):
        assert main(["ask", QUESTION, "--json", "-k", "5", "--speech", ref]) == 0
        hits = json.loads(capsys.readouterr().out)
        assert hits and {h["speech_id"] for h in hits} == {number}, ref


def test_ask_with_nothing_relevant_says_so(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "火锅底料配方", "--color", "never"]) == 0
    assert "没有找到" in capsys.readouterr().out
    assert main(["ask", "火锅底料配方", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", ""], "the question is empty"),
        (["ask", "  ", "\t"], "the question is empty"),
        (["ask", "？？！…"], "has no words to search for"),
        (["ask", QUESTION, "-k", "0"], "-k must be at least 1"),
        (["ask", QUESTION, "--speech", "99"], "no speech matches '99'"),
        (["outline", "不存在的讲话"], "no speech matches"),
    ],
)
def test_bad_input_gets_a_message_and_exit_code_2(
    env: dict[str, str], capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(args) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.startswith("speechbot: ") and message in out.err


def test_outline_lists_number_title_and_paragraph_count(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["outline"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    speeches = _rows(
        Path(env["SPEECHBOT_DB"]), "SELECT number, title, n_paragraphs FROM speeches ORDER BY 1"
    )
    assert [re.fullmatch(r"(\d+)\. (.+)  （(\d+) 段）", line).groups() for line in lines] == [  # type: ignore[union-attr]
        (str(n), t, str(c)) for n, t, c in speeches
    ]


@pytest.mark.parametrize("ref", ["2", "县委党的建设工作领导小组会议上"])
def test_outline_of_one_speech_shows_its_section_tree(
    env: dict[str, str], capsys: pytest.CaptureFixture[str], ref: str
) -> None:
    assert main(["outline", ref]) == 0
    lines = capsys.readouterr().out.rstrip("\n").splitlines()
    db = Path(env["SPEECHBOT_DB"])
    (title,) = _rows(db, "SELECT title FROM speeches WHERE number = 2")[0]
    sections = _rows(
        db,
        "SELECT sec.title, sec.level FROM sections sec JOIN speeches s ON s.id = sec.speech_id"
        " WHERE s.number = 2 ORDER BY sec.ordinal",
    )
    assert lines[0] == f"2. {title}"
    shown = [re.fullmatch(r"( +)(.+)  （\d+ 段）", line).groups() for line in lines[1:]]  # type: ignore[union-attr]
    assert [(t, len(indent) // 2) for indent, t in shown] == sections
    heading = "二、全面贯彻新时代党的建设总要求，建设坚强战斗堡垒"
    ((count,),) = _rows(
        db,
        "SELECT count(*) FROM paragraphs p JOIN sections sec ON sec.id = p.section_id"
        f" JOIN speeches s ON s.id = p.speech_id WHERE s.number = 2"
        f" AND json_extract(sec.path, '$[0]') = '{heading}'",
    )
    assert f"  {heading}  （{count} 段）" in lines  # a part counts its points' paragraphs
    assert any(line.startswith("    四要从严从实抓好基层组织建设") for line in lines)


def test_reindex_summarises_files_skips_and_counts(
    env: dict[str, str], corpus_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    for path in sorted(corpus_dir.iterdir())[:3]:
        (other / path.name).write_bytes(path.read_bytes())
    (other / "broken.txt").write_bytes(bytes(range(256)) * 64)
    assert main(["reindex", "--corpus", str(other)]) == 0
    out, err = capsys.readouterr()
    fields = dict(re.findall(r"^ {2}([a-z -]+):\s+(.+)$", out, flags=re.M))
    assert fields["files read"] == "4" and fields["files skipped"] == "1"
    assert re.search(r"^ {4}broken\.txt: \S.*$", out, flags=re.M)  # the file and why
    assert fields["speeches"] == "3"
    db = Path(env["SPEECHBOT_DB"])
    (gen,) = _rows(db, "SELECT value FROM meta WHERE key = 'active_generation'")[0]
    (stats,) = _rows(db, f"SELECT stats FROM generations WHERE id = {gen}")[0]
    expected = json.loads(str(stats))
    assert int(fields["sections"]) == expected["sections"]
    assert int(fields["paragraphs"]) == expected["paragraphs"]
    assert re.fullmatch(r"\d+\.\d\d", fields["seconds"])
    live = _rows(db, f"SELECT count(*) FROM speeches s WHERE {VISIBLE}".replace(":gen", gen))
    assert live == [(3,)]
    # Later commands use the configured folder, and the summary says how to keep this one.
    assert f"set SPEECHBOT_CORPUS={other}" in err


def test_reindex_of_an_unchanged_corpus_says_so(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["reindex"]) == 0
    assert "up to date" in capsys.readouterr().out


@pytest.mark.parametrize("command", [[], ["ask"], ["outline"], ["reindex"], ["run"]])
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: speechbot {' '.join(command)}".rstrip())
    assert len(out.splitlines()) > 3
    for option in {"ask": ["-k", "--speech", "--json"], "reindex": ["--corpus"]}.get(
        command[0] if command else "", []
    ):
        assert option in out


def test_python_m_bot_answers_from_any_directory(env: dict[str, str], tmp_path: Path) -> None:
    done = _speechbot(["ask", QUESTION, "--json", "-k", "1"], env, Path("/"))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["speech_id"] >= 1


def test_first_use_builds_the_database(
    env: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fresh = tmp_path / "data" / "fresh.db"
    monkeypatch.setenv("SPEECHBOT_DB", str(fresh))
    assert main(["ask", QUESTION, "--json", "-k", "1"]) == 0
    assert json.loads(capsys.readouterr().out)
    assert _rows(fresh, "SELECT count(*) FROM speeches") == [(5,)]


def _broken_db(kind: str, tmp_path: Path, db_path: Path) -> Path:
    if kind == "corrupt":
        path = tmp_path / "corrupt.db"
        path.write_bytes(b"\x00garbage, not SQLite" * 500)
        return path
    if kind == "directory":
        path = tmp_path / "a-directory.db"
        path.mkdir()
        return path
    with sqlite3.connect(db_path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    return db_path


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("corrupt", "the database .*corrupt.db is damaged: run `speechbot check`"),
        ("directory", "cannot open the database"),
        ("schema", "database schema version 99 is not 1"),
    ],
)
def test_an_unusable_database_is_reported_without_traceback(
    env: dict[str, str], tmp_path: Path, db_path: Path, kind: str, message: str
) -> None:
    env["SPEECHBOT_DB"] = str(_broken_db(kind, tmp_path, db_path))
    for args in (["ask", QUESTION], ["outline"], ["reindex"]):
        done = _speechbot(args, env, tmp_path)
        assert done.returncode == 1, (args, done.stderr)
        assert re.fullmatch(f"speechbot: {message}.*\n", done.stderr, flags=re.S), done.stderr
        assert "Traceback" not in done.stderr and done.stdout == ""


def test_a_missing_corpus_is_reported_without_traceback(
    env: dict[str, str], tmp_path: Path
) -> None:
    env["SPEECHBOT_DB"] = str(tmp_path / "new.db")  # nothing built yet: the corpus is needed
    env["SPEECHBOT_CORPUS"] = str(tmp_path / "no-such-folder")
    for args in (["ask", QUESTION], ["outline"], ["reindex"]):
        done = _speechbot(args, env, tmp_path)
        assert done.returncode == 1, (args, done.stderr)
        assert done.stderr == f"speechbot: corpus folder not found: {tmp_path / 'no-such-folder'}\n"
    done = _speechbot(["reindex", "--corpus", str(tmp_path / "elsewhere")], env, tmp_path)
    assert done.returncode == 1 and "corpus folder not found" in done.stderr


def test_a_missing_corpus_does_not_stop_a_built_index_answering(
    env: dict[str, str], tmp_path: Path
) -> None:
    env["SPEECHBOT_CORPUS"] = str(tmp_path / "no-such-folder")
    done = _speechbot(["ask", QUESTION, "--json"], env, tmp_path)
    assert done.returncode == 0 and len(json.loads(done.stdout)) == 3
    assert "previous index keeps serving" in done.stderr and "Traceback" not in done.stderr
    failed = _speechbot(["reindex"], env, tmp_path)
    assert failed.returncode == 1 and "corpus folder not found" in failed.stderr
    assert "Traceback" not in failed.stderr
    again = _speechbot(["ask", QUESTION, "--json"], env, tmp_path)
    assert json.loads(again.stdout) == json.loads(done.stdout)  # the old index is intact
