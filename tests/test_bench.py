"""The benchmark runs end to end at its smallest size and writes its figures as JSON."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.bench.semantic import main as semantic_bench
from index import probe_model


def test_bench_smallest_size_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "devtools.bench",
            "--paragraphs",
            "2000",
            "--queries",
            "60",
            "--named",
            "10",
            "--json",
            str(out),
            "--workdir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| 2,000 |" in done.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["questions"] == 60
    (run,) = report["runs"]
    assert run["paragraphs"] == 2000
    assert {"seconds", "peak_mb", "paragraphs", "db_bytes"} <= run["from_text"].keys()
    assert {"seconds", "paragraphs_per_s", "peak_mb", "index_mb"} <= run["from_tokens"].keys()
    assert {"seconds", "rss_mb", "search_ms"} <= run["cold_start"].keys()
    assert {"p50", "p95", "p99", "count"} <= run["queries"].keys()
    assert {"p50", "p95", "ratio_p50", "max_score_diff"} <= run["rank_bm25"].keys()
    assert run["rank_bm25"]["max_score_diff"] < 1e-9
    assert run["from_text"]["paragraphs"] > 1900 and run["cold_start"]["hits"] >= 1
    # What the user waits for: the full search(), questions naming a speech among them.
    search = run["search"]
    assert search["questions"] == 60 and search["named"] == 10
    assert {"p50", "p95", "max"} <= search["all"].keys() <= search["naming"].keys()
    assert 0 < search["understanding_share"] < 1 and search["answered"] > 0
    assert "| 2,000 |" in done.stdout.split("\n\n")[0]  # the search() table comes first
    # The CPU time the hypervisor took during each timing, where the kernel tells it.
    for timed in (run["from_text"], search, run["queries"]):
        assert "steal" in timed
        assert timed["steal"] is None or 0 <= timed["steal"] <= 1
    if importlib.util.find_spec("tantivy") is not None:
        assert {"p50", "p95", "ratio_p50", "build_s"} <= run["tantivy"].keys()


def test_bench_rejects_a_bad_size() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "devtools.bench", "--paragraphs", "many"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "paragraphs" in done.stderr


@pytest.mark.skipif(probe_model() != "", reason="the embedding model cannot load here")
def test_semantic_bench_prints_throughput_and_both_answer_paths(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert semantic_bench(["--rounds", "1", "--sentences", "4"]) == 0
    out = capsys.readouterr().out
    assert "sentences/s" in out and "query embedding alone" in out
    assert "SPEECHBOT_DENSE=off" in out and "SPEECHBOT_DENSE=on" in out


def test_vector_bench_compares_brute_force_with_the_nearest_neighbour_library(
    tmp_path: Path,
) -> None:
    from devtools.bench.vectors import main as vector_bench

    out = tmp_path / "vectors.json"
    assert vector_bench(["--vectors", "2000", "--queries", "5", "--json", str(out)]) == 0
    (run,) = json.loads(out.read_text(encoding="utf-8"))
    assert run["vectors"] == 2000 and {"p50", "p95", "mb"} <= run["numpy_f32"].keys()
    if importlib.util.find_spec("usearch") is not None:
        assert run["usearch_exact_f16"]["recall"] > 0.95
        assert {"build_s", "recall", "p50"} <= run["usearch_hnsw_i8"].keys()


def test_dense_bench_explains_itself_and_rejects_a_bad_size() -> None:
    command = [sys.executable, "-m", "devtools.bench.dense"]
    helped = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0 and "stand-in" in helped.stdout
    bad = subprocess.run(
        [*command, "--paragraphs", "5m"], capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 2 and "paragraphs" in bad.stderr


@pytest.mark.skipif(probe_model() != "", reason="the embedding model cannot load here")
def test_bench_dense_adds_the_semantic_rows_from_the_same_built_database(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    command = [sys.executable, "-m", "devtools.bench", "--paragraphs", "2000", "--queries", "12"]
    command += ["--named", "3", "--dense", "--brute-questions", "4", "--skip-rank-bm25"]
    command += ["--skip-tantivy", "--json", str(out), "--workdir", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    (run,) = json.loads(out.read_text(encoding="utf-8"))["runs"]
    semantic = run["semantic"]
    assert semantic["standins"]["sentences"] > run["from_text"]["paragraphs"]
    assert semantic["ivf"]["backend"] == "DenseIndex"  # brute force below 100k sentences
    assert semantic["brute"]["questions"] == 4 and semantic["off"]["questions"] == 12
    assert semantic["restart"]["backend"] == "DenseIndex"  # nothing saved below 100k sentences
    assert semantic["embed"]["query_embedding"]["p50"] > 0
    assert "query embedding" in done.stdout.split("\n\n")[-1]  # the semantic table comes last
