"""A resumed audit-batch audits again the copies an earlier run left as error rows, unless told not to."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from mtqa.batch.jobs import EngineOptions, Job, JobResult, error_result, read_manifest, run_job
from mtqa.batch.parquet import PART_SCHEMAS, BatchWriter, read_table
from mtqa.cli.app import app

runner = CliRunner()

ORIGINAL = "The council met on Tuesday. It approved the new budget for the harbour. The mayor welcomed the vote.\n"
COPY = "On Tuesday the council met. It passed the new harbour budget. The mayor said she welcomed the vote.\n"


def ok_result(job_id: str) -> JobResult:
    pairs = pd.DataFrame({"reference_ids": [[0]], "copy_ids": [[0]], "cosine": [0.9], "label": ["faithful"]})
    return JobResult(job_id, pairs.assign(id=job_id), pd.DataFrame(), {"id": job_id, "status": "ok"})


def test_forgetting_error_rows_keeps_every_other_row_and_leaves_no_empty_part(tmp_path: Path) -> None:
    out = tmp_path / "out"
    job = Job("x", tmp_path / "a.txt", tmp_path / "b.txt")
    with BatchWriter(out, flush_every=2) as writer:
        writer.open()
        writer.add(ok_result("kept"))
        writer.add(error_result(Job("mixed", job.original, job.copy), "no such file"))
        writer.add(error_result(Job("alone", job.original, job.copy), "no such file"))
        writer.flush()
    assert len(list((out / "summary").glob("part-*.parquet"))) == 2
    with BatchWriter(out) as writer:
        writer.open()
        assert writer.forget_errors(["kept", "mixed", "alone", "elsewhere"]) == {"mixed", "alone"}
        assert writer.done() == {"kept"}
    for table in ("summary", "pairs", "flags"):  # the all-error part is gone from every table
        assert len(list((out / table).glob("part-*.parquet"))) == 1
    assert not list(out.rglob(".part-*"))
    summary = pd.read_parquet(out / "summary")
    assert summary.id.tolist() == ["kept"] and summary.status.tolist() == ["ok"]
    assert read_table(out, "pairs").id.tolist() == ["kept"]
    assert list(pd.read_parquet(out / "pairs").columns) == PART_SCHEMAS["pairs"].names


def batch(manifest: Path, out: Path, *extra: str) -> str:
    args = ["audit-batch", str(manifest), "-o", str(out), "--no-cache", "--workers", "1", "--no-progress", *extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.stderr


def test_a_resume_retries_error_rows_by_default_and_keeps_them_with_no_retry_errors(tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "original.txt").write_text(ORIGINAL, encoding="utf-8")
    (texts / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "outside.txt").write_text(COPY, encoding="utf-8")
    manifest = texts / "manifest.csv"
    with manifest.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows(
            [
                ("id", "original", "copy"),
                ("outside", "original.txt", "../outside.txt"),
                ("late", "original.txt", "late.txt"),
                ("empty", "original.txt", "empty.txt"),
            ]
        )
    out = tmp_path / "out"
    # The first run's rows, made as its worker makes them: every row is an error, so no model is needed yet.
    with BatchWriter(out) as writer:
        writer.open()
        for job in read_manifest(manifest):
            writer.add(run_job(job, EngineOptions()))
        writer.flush()
    first = read_table(out, "summary").set_index("id")
    assert first.status.to_dict() == {"empty": "error", "late": "error", "outside": "error"}
    assert "--allow-outside-paths" in first.error["outside"]

    (texts / "late.txt").write_text(COPY, encoding="utf-8")  # the missing file, since created
    stderr = batch(manifest, out, "--allow-outside-paths")
    assert "resuming: 0 of 3 copies already in" in stderr and "retrying 3 error rows" in stderr
    assert "3 copies done in" in stderr and "2 audited, 1 with errors" in stderr
    again = read_table(out, "summary")
    assert sorted(again.id) == ["empty", "late", "outside"]  # each copy once: no stale error row beside it
    assert again.set_index("id").status.to_dict() == {"empty": "error", "late": "ok", "outside": "ok"}

    stderr = batch(manifest, out, "--no-retry-errors")
    assert "resuming: 3 of 3 copies already in" in stderr and "retrying" not in stderr
    assert "0 copies done in" in stderr
    pd.testing.assert_frame_equal(read_table(out, "summary"), again)
