"""mtqa audit-batch: manifests, worker processes, error rows, resume, the embedding cache, and the Dask engine."""

from __future__ import annotations

import csv
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from mtqa import audit
from mtqa.batch.jobs import Job, read_manifest, waves
from mtqa.batch.parquet import TABLES, read_table
from mtqa.cli.app import app
from mtqa.embed.cache import CachedEmbedder
from mtqa.errors import MtqaError
from tests.conftest import FIXTURES, FakeEmbedder

runner = CliRunner()


def write_manifest(
    folder: Path, rows: list[tuple[str, str, str]], header: tuple[str, ...] = ("id", "original", "copy")
) -> Path:
    texts = folder / "texts"
    texts.mkdir(exist_ok=True)
    for name in ("seed", "flood", "paraphrase"):
        for side in ("original", "copy"):
            (texts / f"{name}_{side}.txt").write_text((FIXTURES / name / f"{side}.txt").read_text(encoding="utf-8"))
    (texts / "empty.txt").write_text("", encoding="utf-8")
    manifest = folder / "manifest.csv"
    with manifest.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    return manifest


ROWS = [
    ("seed-a", "texts/seed_original.txt", "texts/seed_copy.txt"),
    ("flood-a", "texts/flood_original.txt", "texts/flood_copy.txt"),
    ("seed-b", "texts/seed_original.txt", "texts/seed_copy.txt"),
    ("missing", "texts/nowhere.txt", "texts/seed_copy.txt"),
    ("empty", "texts/seed_original.txt", "texts/empty.txt"),
    ("para", "texts/paraphrase_original.txt", "texts/paraphrase_copy.txt"),
    ("flood-b", "texts/flood_original.txt", "texts/flood_copy.txt"),
]


def run_batch(manifest: Path, output: Path, cache: Path, *extra: str) -> str:
    args = ["audit-batch", str(manifest), "-o", str(output), "--cache-file", str(cache), "--no-progress", *extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.stderr


def tables(output: Path) -> dict[str, pd.DataFrame]:
    return {table: read_table(output, table) for table in TABLES}


def test_manifest_paths_are_relative_to_the_manifest_and_ids_default_to_row_numbers(tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path, [(r[1], r[2]) for r in ROWS[:2]], header=("original", "copy"))  # type: ignore[misc]
    jobs = read_manifest(manifest)
    assert [j.id for j in jobs] == ["1", "2"]
    assert jobs[0].original == tmp_path / "texts" / "seed_original.txt"


@pytest.mark.parametrize(
    ("header", "rows", "message"),
    [
        (("id", "source", "copy"), [("a", "x", "y")], "no column original"),
        (("id", "original", "copy"), [("a", "x", "y"), ("a", "x", "z")], "id 'a' appears twice"),
        (("id", "original", "copy"), [], "has no rows"),
    ],
)
def test_bad_manifests_are_refused(
    tmp_path: Path, header: tuple[str, ...], rows: list[tuple[str, str, str]], message: str
) -> None:
    manifest = write_manifest(tmp_path, rows, header)
    with pytest.raises(MtqaError, match=message):
        read_manifest(manifest)
    result = runner.invoke(app, ["audit-batch", str(manifest), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and result.stderr.startswith("mtqa: error:")


def test_the_first_wave_holds_one_copy_of_each_original() -> None:
    jobs = [Job(str(k), Path(f"o{k % 3}"), Path(f"c{k}")) for k in range(8)]
    first, rest = waves(jobs)
    assert [j.id for j in first] == ["0", "1", "2"]
    assert [j.id for j in rest] == ["3", "4", "5", "6", "7"]


def test_a_batch_records_every_copy_and_bad_rows_as_errors(tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path, ROWS)
    stderr = run_batch(manifest, tmp_path / "out", tmp_path / "cache.sqlite", "--workers", "2")
    assert re.search(r"mtqa: 7 copies done in [\d.]+ s \([\d.]+ copies/s\): 5 audited, 2 with errors;", stderr)
    out = tables(tmp_path / "out")
    summary = out["summary"].set_index("id")
    assert sorted(summary.index) == sorted(r[0] for r in ROWS)
    assert summary.loc["missing", "status"] == "error" and "no such file" in summary.loc["missing", "error"]
    assert summary.loc["empty", "status"] == "error" and "is empty" in summary.loc["empty", "error"]
    assert (summary.drop(index=["missing", "empty"]).status == "ok").all()
    # Each copy's rows are exactly what a single audit gives.
    original, copy = ((FIXTURES / "flood" / f"{side}.txt").read_text(encoding="utf-8") for side in ("original", "copy"))
    report = audit(original, copy)
    flood = out["pairs"][out["pairs"].id == "flood-b"].drop(columns="id").reset_index(drop=True)
    assert flood[["label", "shape"]].equals(report.pairs[["label", "shape"]].astype(flood[["label", "shape"]].dtypes))
    assert np.allclose(flood.cosine, report.pairs.cosine, equal_nan=True)
    assert len(out["flags"][out["flags"].id == "flood-b"]) == len(report.flags)
    assert summary.loc["flood-b", "flags"] == len(report.flags)
    assert summary.loc["seed-a", "coverage"] == summary.loc["seed-b", "coverage"]


def test_a_rerun_resumes_without_redoing_finished_copies(tmp_path: Path) -> None:
    cache, output = tmp_path / "cache.sqlite", tmp_path / "out"
    run_batch(write_manifest(tmp_path, ROWS[:3]), output, cache, "--workers", "1")
    orphan = output / "pairs" / "part-orphan.parquet"  # as if a run died between writing pairs and summary
    read_table(output, "pairs").head(3).to_parquet(orphan)
    stderr = run_batch(write_manifest(tmp_path, ROWS), output, cache, "--workers", "1", "--progress")
    assert "resuming: 3 of 7" in stderr and "4 copies done in" in stderr
    # progress starts at the copies already done, and says the final count once
    counts = re.findall(r"^mtqa: auditing (\d+)/7 copies", stderr, flags=re.MULTILINE)
    assert counts[0] == "3" and counts.count("7") == 1 and counts[-1] == "7", stderr
    assert not orphan.exists()
    out = tables(output)
    assert sorted(out["summary"].id) == sorted(r[0] for r in ROWS)
    assert out["pairs"].groupby("id").size()["seed-a"] == out["pairs"].groupby("id").size()["seed-b"]
    assert "0 copies done in" in run_batch(write_manifest(tmp_path, ROWS), output, cache, "--no-retry-errors")


def test_a_warm_cache_embeds_nothing_new_and_changes_nothing(tmp_path: Path) -> None:
    manifest, cache = write_manifest(tmp_path, ROWS), tmp_path / "cache.sqlite"
    run_batch(manifest, tmp_path / "cold", cache, "--workers", "2")
    with sqlite3.connect(cache) as db:
        stored = db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
        # seed-a and seed-b, flood-a and flood-b are the same texts: three distinct audits are kept.
        assert db.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 3
    run_batch(manifest, tmp_path / "warm", cache, "--workers", "2")
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0] == stored
    cold, warm = tables(tmp_path / "cold"), tables(tmp_path / "warm")
    for table in TABLES:
        pd.testing.assert_frame_equal(cold[table], warm[table])


def test_the_cache_embeds_each_distinct_text_once(tmp_path: Path) -> None:
    inner = FakeEmbedder()
    cached = CachedEmbedder(inner, tmp_path / "cache.sqlite")
    first = cached.encode(["a b", "c d", "a b"])
    again = CachedEmbedder(FakeEmbedder(), tmp_path / "cache.sqlite").encode(["c d", "a b"])
    assert inner.calls == [2]
    assert np.array_equal(again, first[[1, 0]])
    assert np.array_equal(first, FakeEmbedder().encode(["a b", "c d", "a b"]))


def test_the_cache_keeps_backends_apart(tmp_path: Path) -> None:
    class Other(FakeEmbedder):
        backend = "other"

    CachedEmbedder(FakeEmbedder(), tmp_path / "c.sqlite").encode(["a b"])
    other = Other()
    CachedEmbedder(other, tmp_path / "c.sqlite").encode(["a b"])
    assert other.calls == [1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "dask"], "--engine dask needs --scheduler"),
        (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler is for --engine dask"),
        (["--backend", "jax"], "'jax' is not one of"),
    ],
)
def test_engine_options_are_checked(tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(
        app, ["audit-batch", str(write_manifest(tmp_path, ROWS[:1])), "-o", str(tmp_path / "o"), *args]
    )
    assert result.exit_code == 2 and message in result.stderr


def test_the_dask_engine_gives_the_same_parquet_content_as_the_local_engine(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    manifest = write_manifest(tmp_path, ROWS)
    run_batch(manifest, tmp_path / "local", tmp_path / "local.sqlite", "--workers", "2")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        stderr = run_batch(
            manifest,
            tmp_path / "dask",
            tmp_path / "dask.sqlite",
            "--engine",
            "dask",
            "--scheduler",
            cluster.scheduler_address,
        )
    assert "7 copies done in" in stderr
    local, remote = tables(tmp_path / "local"), tables(tmp_path / "dask")
    for table in TABLES:
        assert len(local[table]) > 0
        pd.testing.assert_frame_equal(local[table], remote[table])


def test_the_local_engine_never_imports_dask(tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path, ROWS[:2])
    code = (
        "import sys\nfrom typer.testing import CliRunner\nfrom mtqa.cli.app import app\n"
        f"result = CliRunner().invoke(app, ['audit-batch', {str(manifest)!r}, '-o', {str(tmp_path / 'out')!r}, "
        f"'--cache-file', {str(tmp_path / 'c.sqlite')!r}, '--workers', '1'])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(sorted(m for m in ('dask', 'distributed', 'torch') if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert output.stdout.strip().splitlines()[-1] == "[]"


def test_the_audit_key_changes_with_mtqa_code_or_either_text(monkeypatch: pytest.MonkeyPatch) -> None:
    from mtqa.batch import jobs as batch

    embedder = FakeEmbedder()
    key = batch.audit_key("a", "b", embedder)
    assert key == batch.audit_key("a", "b", embedder)
    assert key != batch.audit_key("a", "c", embedder)
    assert key != batch.audit_key("ab", "", embedder)
    monkeypatch.setattr(batch, "code_fingerprint", lambda: "edited rules")
    assert key != batch.audit_key("a", "b", embedder)


def _open_at_once(args: tuple[str, Any]) -> str:
    from mtqa.embed.cache import open_cache

    path, barrier = args
    barrier.wait()
    try:
        open_cache(Path(path)).close()
    except MtqaError as error:
        return str(error)
    return "ok"


def test_workers_that_open_a_new_cache_at_the_same_moment_all_succeed(tmp_path: Path) -> None:
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(6) as pool:
        for attempt in range(4):
            barrier = manager.Barrier(6)
            path = str(tmp_path / f"cache{attempt}.sqlite")
            assert pool.map(_open_at_once, [(path, barrier)] * 6) == ["ok"] * 6
