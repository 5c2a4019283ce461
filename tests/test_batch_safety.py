"""audit-batch survives its rows and its workers: crashing texts, dying workers, stray paths, rival runs."""

from __future__ import annotations

import csv
import fcntl
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mtqa.batch.jobs import Job, JobResult, error_result, read_manifest
from mtqa.batch.local import PoolEvents
from mtqa.batch.parquet import LOCK, PART_SCHEMAS, BatchWriter
from mtqa.errors import MtqaError
from mtqa.outputs import write_marker
from tests.conftest import FIXTURES

# Loaded by every Python process of the batch (it sits on PYTHONPATH as sitecustomize): it makes the
# audit of a copy holding a trigger word raise, or kill its own worker process as the OS would.
SABOTAGE = """
import os, signal
import mtqa.batch.jobs as batch

_audit = batch._audit


def sabotaged(original, copy, embedder):
    if "CRASH-ME" in copy:
        raise ValueError("zip() argument 2 is longer than argument 1")
    if "KILL-ALWAYS" in copy:
        os.kill(os.getpid(), signal.SIGKILL)
    if "KILL-ONCE" in copy:
        mark = os.environ["MTQA_TEST_KILLED_ONCE"]
        if not os.path.exists(mark):
            open(mark, "w").close()
            os.kill(os.getpid(), signal.SIGKILL)
    return _audit(original, copy, embedder)


batch._audit = sabotaged
"""


def mtqa(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mtqa", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def texts(folder: Path) -> Path:
    """The fixture texts under ``folder/batch``, plus sabotaged copies; returns the manifest's folder."""
    base = folder / "batch"
    base.mkdir()
    for name in ("seed", "flood", "paraphrase"):
        for side in ("original", "copy"):
            (base / f"{name}_{side}.txt").write_bytes((FIXTURES / name / f"{side}.txt").read_bytes())
    flood = (FIXTURES / "flood" / "copy.txt").read_text(encoding="utf-8")
    for trigger in ("CRASH-ME", "KILL-ONCE", "KILL-ALWAYS"):
        (base / f"{trigger.lower()}.txt").write_text(f"{flood}\n\nThe end, {trigger}.\n", encoding="utf-8")
    (folder / "secret.txt").write_text("A text beside the manifest's folder, not meant for the batch.\n")
    return base


def manifest(base: Path, rows: list[tuple[str, str, str]]) -> Path:
    path = base / "manifest.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(("id", "original", "copy"))
        writer.writerows(rows)
    return path


def test_a_crashing_row_a_dying_worker_and_an_outside_path_leave_every_other_row_done_once(tmp_path: Path) -> None:
    base = texts(tmp_path)
    rows = [
        ("seed", "seed_original.txt", "seed_copy.txt"),
        ("crash", "flood_original.txt", "crash-me.txt"),
        ("flood", "flood_original.txt", "flood_copy.txt"),
        ("killed-once", "flood_original.txt", "kill-once.txt"),
        ("outside", "seed_original.txt", "../secret.txt"),
        ("kills-always", "flood_original.txt", "kill-always.txt"),
        ("para", "paraphrase_original.txt", "paraphrase_copy.txt"),
    ]
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SABOTAGE)
    env = {"PYTHONPATH": str(site), "MTQA_TEST_KILLED_ONCE": str(tmp_path / "killed")}
    out = tmp_path / "out"
    result = mtqa(
        "audit-batch",
        str(manifest(base, rows)),
        "-o",
        str(out),
        "--no-cache",
        "--workers",
        "2",
        "--no-progress",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    summary = pd.read_parquet(out / "summary").set_index("id")
    assert sorted(summary.index) == sorted(r[0] for r in rows)  # every row exactly once
    assert (tmp_path / "killed").exists()  # the worker really was killed once
    status = summary.status.to_dict()
    assert status == {
        "seed": "ok",
        "crash": "error",
        "flood": "ok",
        "killed-once": "ok",  # redone in a fresh worker: nothing lost
        "outside": "error",
        "kills-always": "error",
        "para": "ok",
    }
    assert "internal error (ValueError: zip() argument 2" in summary.error["crash"]
    assert "outside the manifest's folder" in summary.error["outside"]
    assert "died twice" in summary.error["kills-always"]
    pairs = pd.read_parquet(out / "pairs")
    units = pairs.groupby("id").size()
    for job_id in ("seed", "flood", "killed-once", "para"):  # no unit written twice
        assert units[job_id] == summary.units[job_id]
    # Two deaths when both killers are in flight together (one pool breaks once), else three.
    assert re.search(r"; [23] worker processes died and were replaced, 1 copy lost \(kills-always\);", result.stderr)
    assert "A text beside" not in pairs.to_string()


def test_manifest_paths_outside_its_folder_are_refused_unless_allowed(tmp_path: Path) -> None:
    base = texts(tmp_path)
    (base / "link.txt").symlink_to(tmp_path / "secret.txt")
    rows = [
        ("up", "seed_original.txt", "../secret.txt"),
        ("absolute", str(tmp_path / "secret.txt"), "seed_copy.txt"),
        ("symlink", "seed_original.txt", "link.txt"),
        ("inside", "seed_original.txt", "seed_copy.txt"),
    ]
    jobs = {job.id: job for job in read_manifest(manifest(base, rows))}
    assert [j for j, job in jobs.items() if job.refused is None] == ["inside"]
    assert all(job.refused is None for job in read_manifest(base / "manifest.csv", allow_outside=True))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('id,original,copy\na,"seed_original.txt,seed_copy.txt\n', "not a well-formed CSV"),
        (
            "id,original,copy\na,seed_original.txt,seed_copy.txt\n\nb,seed_original.txt,seed_copy.txt\n",
            "row 3 is blank",
        ),
        ("id,original,copy\na,seed_original.txt\n", "row 2 has 2 fields"),
        ("id,original,copy\na,seed_original.txt,\n", "row 2 has no copy path"),
    ],
)
def test_a_malformed_manifest_fails_at_once_and_creates_nothing(tmp_path: Path, text: str, message: str) -> None:
    base = texts(tmp_path)
    (base / "manifest.csv").write_text(text, encoding="utf-8")
    result = mtqa("audit-batch", str(base / "manifest.csv"), "-o", str(tmp_path / "out"), "--no-progress")
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_run_that_fails_at_start_leaves_no_folder(tmp_path: Path) -> None:
    base = texts(tmp_path)
    path = manifest(base, [("seed", "seed_original.txt", "seed_copy.txt")])
    (tmp_path / "cache-is-a-folder").mkdir()
    for args in (["--model", str(tmp_path / "no-model")], ["--cache-file", str(tmp_path / "cache-is-a-folder")]):
        result = mtqa("audit-batch", str(path), "-o", str(tmp_path / "out" / "deeper"), "--no-progress", *args)
        assert result.returncode == 2, result.stderr
        assert not (tmp_path / "out").exists()


def test_a_folder_that_is_not_a_batch_output_is_refused_and_left_intact(tmp_path: Path) -> None:
    base = texts(tmp_path)
    path = manifest(base, [("seed", "seed_original.txt", "seed_copy.txt")])
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine\n")
    for target in (tmp_path / "mine", base, tmp_path / "mine" / "notes.txt"):
        result = mtqa("audit-batch", str(path), "-o", str(target), "--no-progress")
        assert result.returncode == 2, result.stderr
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["notes.txt"]
    assert (tmp_path / "mine" / "notes.txt").read_text() == "mine\n"


def test_two_runs_into_one_folder_cannot_interleave(tmp_path: Path) -> None:
    base = texts(tmp_path)
    path = manifest(base, [("seed", "seed_original.txt", "seed_copy.txt")])
    out = tmp_path / "out"
    out.mkdir()
    write_marker(out, "audit-batch")
    with (out / LOCK).open("ab") as held:  # a first run, still writing
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = mtqa("audit-batch", str(path), "-o", str(out), "--no-progress", "--no-cache")
    assert result.returncode == 2 and "another mtqa audit-batch is writing there" in result.stderr
    assert not (out / "summary").exists() or not list((out / "summary").iterdir())


def test_error_only_parts_keep_the_tables_schema(tmp_path: Path) -> None:
    out = tmp_path / "out"
    job = Job("bad", tmp_path / "a.txt", tmp_path / "b.txt")
    with BatchWriter(out, flush_every=1) as writer:
        writer.open()
        writer.add(error_result(job, "no such file"))
    for table, schema in PART_SCHEMAS.items():
        frame = pd.read_parquet(out / table)
        assert list(frame.columns) == schema.names and frame.empty
    ok = JobResult(
        "ok",
        pd.DataFrame({"reference_ids": [[0]], "copy_ids": [[0, 1]], "cosine": [0.9], "label": ["faithful"]}).assign(
            id="ok"
        ),
        pd.DataFrame({"kind": ["name"], "severity": ["major"], "copy_id": [1], "start": [3], "end": [9]}).assign(
            id="ok"
        ),
        {"id": "ok", "status": "ok"},
    )
    with BatchWriter(out, flush_every=1) as writer:
        writer.open()
        writer.add(ok)
    pairs, flags = pd.read_parquet(out / "pairs"), pd.read_parquet(out / "flags")
    assert list(pairs.columns) == PART_SCHEMAS["pairs"].names and list(pairs.copy_ids[0]) == [0, 1]
    assert list(flags.columns) == PART_SCHEMAS["flags"].names and flags.end.tolist() == [9]


def test_a_new_folder_is_removed_again_when_nothing_was_committed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with BatchWriter(out) as writer:
        writer.open()
        assert out.is_dir()
    assert not out.exists()


def test_a_folder_without_the_marker_is_never_taken_over_however_it_looks(tmp_path: Path) -> None:
    # A user's folders named like a batch's (Spark writes part-00000.parquet too; a site has html/index.html).
    spark = {"pairs/part-00000.parquet": b"PAR1", "summary/part-99999.parquet": b"PAR1"}
    for layout in (spark, {"html/index.html": b"<p>mine</p>"}):
        out = tmp_path / f"out{len(layout)}"
        for name, data in layout.items():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_bytes(data)
        before = sorted(p.relative_to(out) for p in out.rglob("*"))
        with pytest.raises(MtqaError, match="not written by mtqa"), BatchWriter(out) as writer:
            writer.open()
        assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
        assert all((out / name).read_bytes() == data for name, data in layout.items())
    empty = tmp_path / "empty"
    empty.mkdir()
    with BatchWriter(empty) as writer:  # an empty folder is a new output
        writer.open()
    assert (empty / ".mtqa-output").is_file()


def test_audit_batch_reads_other_encodings(tmp_path: Path) -> None:
    base = texts(tmp_path)
    for side in ("original", "copy"):
        text = (FIXTURES / "seed" / f"{side}.txt").read_text(encoding="utf-8")
        (base / f"latin_{side}.txt").write_bytes(text.replace("’", "'").encode("cp1252", errors="replace") + b" \xe9")
    path = manifest(base, [("latin", "latin_original.txt", "latin_copy.txt")])
    result = mtqa("audit-batch", str(path), "-o", str(tmp_path / "utf8"), "--no-progress", "--no-cache")
    assert result.returncode == 0
    error = pd.read_parquet(tmp_path / "utf8" / "summary").error[0]
    assert "not valid utf-8" in error
    result = mtqa(
        "audit-batch", str(path), "-o", str(tmp_path / "cp"), "--no-progress", "--no-cache", "--encoding", "cp1252"
    )
    assert result.returncode == 0, result.stderr
    assert pd.read_parquet(tmp_path / "cp" / "summary").status.tolist() == ["ok"]


def test_the_library_runs_and_resumes_a_batch_without_the_command_line(tmp_path: Path) -> None:
    from mtqa.batch.jobs import EngineOptions
    from mtqa.batch.run import run_batch

    base = texts(tmp_path)
    path = manifest(base, [("seed", "seed_original.txt", "seed_copy.txt"), ("gone", "seed_original.txt", "no.txt")])
    seen: list[tuple[int, int]] = []
    first = run_batch(path, tmp_path / "out", EngineOptions(), workers=1, progress=lambda *p: seen.append(p))
    assert (first.copies, first.resumed, first.audited, first.errors, first.workers) == (2, 0, 2, 1, 1)
    assert seen[-1] == (2, 2) and first.index is None
    resumed: list[tuple[int, int]] = []
    again = run_batch(path, tmp_path / "out", EngineOptions(), on_resume=lambda *r: resumed.append(r))
    assert (again.resumed, again.audited, again.retried) == (1, 1, 1) and resumed == [(1, 2, 1)]  # "gone" retried
    kept = run_batch(path, tmp_path / "out", EngineOptions(), retry_errors=False)
    assert (kept.resumed, kept.audited, kept.retried) == (2, 0, 0)
    with pytest.raises(MtqaError, match="unknown engine"):
        run_batch(path, tmp_path / "other", EngineOptions(), engine="spark")
    assert not (tmp_path / "other").exists()


@pytest.mark.parametrize("damage", ["cut", "not parquet", "no id"])
def test_a_damaged_part_of_an_output_is_one_line_on_resume(tmp_path: Path, damage: str) -> None:
    from mtqa.batch.parquet import read_table

    out = tmp_path / "out"
    with BatchWriter(out) as writer:
        writer.open()
        writer.add(error_result(Job("j0", tmp_path / "a.txt", tmp_path / "b.txt"), "no such file"))
    (part,) = (out / "summary").glob("part-*.parquet")
    if damage == "cut":
        part.write_bytes(part.read_bytes()[:40])
    elif damage == "not parquet":
        part.write_text("id,status\nj0,error\n")
    else:
        pq.write_table(pa.table({"name": ["j0"]}), part)
    for read in (lambda: BatchWriter(out).done(), lambda: read_table(out, "summary")):
        with pytest.raises(MtqaError, match="a part of this audit-batch output cannot be read") as error:
            read()
        assert "\n" not in str(error.value) and part.name in str(error.value)


@pytest.mark.parametrize(
    ("events", "clauses"),
    [
        (PoolEvents(), ""),
        (PoolEvents(workers=1, loads=1), "; 1 worker, model loaded 1 time"),
        # the workers' clause stays when a worker died: it is added to, not replaced
        (
            PoolEvents(deaths=1, lost=[], workers=2, loads=3),
            "; 2 workers, model loaded 3 times; 1 worker process died and was replaced, no copy lost",
        ),
        (
            PoolEvents(deaths=3, lost=["a"], timed_out=["b", "c"], workers=2, loads=5),
            "; 2 workers, model loaded 5 times; 3 worker processes died and were replaced, 1 copy lost (a); "
            "2 copies over the time limit (b, c), their workers replaced",
        ),
        (
            PoolEvents(deaths=2, lost=["a", "b"], timed_out=["c"], workers=1, loads=3),
            "; 1 worker, model loaded 3 times; 2 worker processes died and were replaced, 2 copies lost (a, b); "
            "1 copy over the time limit (c), its worker replaced",
        ),
    ],
)
def test_the_end_line_says_what_happened_to_the_workers(events: PoolEvents, clauses: str) -> None:
    assert events.describe() == clauses
