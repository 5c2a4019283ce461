"""Interrupted runs lose nothing and leave nothing running; a slow copy cannot hold a worker.

The signal trials run real ``mtqa`` processes and stop them at random
moments with SIGINT (to the process group, as Ctrl-C does), SIGTERM and
SIGKILL. CI runs one trial of each on a small batch, and a Ctrl-C of an
index build; the issue's acceptance (10 trials of each signal on a 40-copy
batch and on an index build with 2 workers) runs with
``MTQA_INTERRUPT_TRIALS=10`` (``MTQA_INTERRUPT_SEED`` repeats a draw).
"""

from __future__ import annotations

import csv
import operator
import os
import random
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from mtqa.archive.folder import STAGING_SUFFIX, IndexFolder
from mtqa.batch.jobs import Job, error_result
from mtqa.batch.parquet import BatchWriter
from mtqa.batch.pool import WorkerPool
from mtqa.outputs import LOCK, MARKER
from tests.conftest import FIXTURES

TRIALS = int(os.environ.get("MTQA_INTERRUPT_TRIALS", "1"))
COPIES = 40 if TRIALS > 1 else 6
# Seconds a process of a run may outlive it.
OUTLIVE = 5.0

# Loaded by every Python process of a run (sitecustomize on PYTHONPATH): each audit takes a little
# longer and, when it is done in the worker, adds a line to a log; "SLEEP-ME" in a copy hangs its audit;
# each part of an index takes 3 s more.
HOOKS = """
import os, time
import mtqa.batch.jobs as jobs
import mtqa.batch.indexing as indexing

_summary_row, _audit, _embed = jobs.summary_row, jobs._audit, indexing.embed_stories


def summary_row(report):
    time.sleep(0.1)
    row = _summary_row(report)
    with open(os.environ["MTQA_TEST_FINISHED"], "a") as log:
        log.write("done\\n")
    return row


def audit(original, copy, embedder):
    if "SLEEP-ME" in copy:
        time.sleep(600)
    return _audit(original, copy, embedder)


def embed_stories(stories, embedder):
    time.sleep(3)
    return _embed(stories, embedder)


jobs.summary_row, jobs._audit, indexing.embed_stories = summary_row, audit, embed_stories
"""


def hooked(tmp_path: Path) -> dict[str, str]:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(HOOKS)
    root = str(Path(__file__).resolve().parents[1])
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), root]),
        "MTQA_TEST_FINISHED": str(tmp_path / "finished.log"),
        "NO_COLOR": "1",
    }


def batch(tmp_path: Path, copies: int) -> Path:
    """A manifest of ``copies`` rows over the fixture pairs (plus a copy that hangs), in ``tmp_path/batch``."""
    base = tmp_path / "batch"
    base.mkdir()
    names = ("seed", "flood", "paraphrase", "quake")
    for name in names:
        for side in ("original", "copy"):
            (base / f"{name}_{side}.txt").write_bytes((FIXTURES / name / f"{side}.txt").read_bytes())
    flood = (FIXTURES / "flood" / "copy.txt").read_text(encoding="utf-8")
    (base / "sleep-me.txt").write_text(f"{flood}\n\nThe end, SLEEP-ME.\n", encoding="utf-8")
    with (base / "manifest.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(("id", "original", "copy"))
        for number in range(copies):
            name = names[number % len(names)]
            writer.writerow((f"c{number:02d}", f"{name}_original.txt", f"{name}_copy.txt"))
    return base / "manifest.csv"


def session(pid: int) -> list[int]:
    """The processes of the session ``pid`` leads (the run, its workers and anything they started)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getsid(int(entry)) == pid:
                    found.append(int(entry))
            except ProcessLookupError:
                continue
    return found


def finished(tmp_path: Path) -> int:
    log = tmp_path / "finished.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def interrupt(
    args: list[str], env: dict[str, str], number: int, ready: Callable[[], bool], wait_more: float = 0.0
) -> tuple[int, str]:
    """Run ``mtqa *args`` in its own session; once its two workers run and ``ready()``, and ``wait_more`` s later,
    send it ``number``.

    Returns:
        Its exit status (negative: killed by that signal) and stderr, once no process of its session is left;
        fails when one outlives it by more than OUTLIVE seconds.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "mtqa", *args], env=env, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        started = time.monotonic()
        underway = lambda: len(session(process.pid)) >= 3 and ready()  # noqa: E731
        while not underway() and process.poll() is None and time.monotonic() - started < 300:
            time.sleep(0.05)
        time.sleep(wait_more)
        assert process.poll() is None, f"the run ended before the signal: {process.stderr.read()}"  # type: ignore[union-attr]
        if number == signal.SIGINT:
            os.killpg(process.pid, number)  # Ctrl-C: the whole foreground process group
        else:
            os.kill(process.pid, number)
        _, stderr = process.communicate(timeout=120)
        ended = time.monotonic()
        while session(process.pid) and time.monotonic() - ended < OUTLIVE:
            time.sleep(0.1)
        left = session(process.pid)
        assert not left, f"processes outlived the run by {OUTLIVE} s: {left}"
        return process.returncode, stderr
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        for pid in session(process.pid):
            os.kill(pid, signal.SIGKILL)


def saved_ids(out: Path) -> list[str]:
    # A run killed before its first copy leaves summary/ empty (SIGKILL runs no cleanup): no part, no id.
    parts = sorted((out / "summary").glob("part-*.parquet"))
    return sorted(pd.concat([pd.read_parquet(part, columns=["id"]) for part in parts]).id) if parts else []


def batch_args(manifest: Path, out: Path) -> list[str]:
    cache = manifest.parent.parent / "cache.sqlite"
    return ["audit-batch", str(manifest), "-o", str(out), "--workers", "2", "--no-progress", "--cache-file", str(cache)]


def finish(manifest: Path, out: Path, env: dict[str, str]) -> None:
    """Resume the batch in ``out`` to its end, and check it holds every copy once."""
    args = batch_args(manifest, out)
    result = subprocess.run([sys.executable, "-m", "mtqa", *args], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    summary = pd.read_parquet(out / "summary")
    assert sorted(summary.id) == [f"c{n:02d}" for n in range(COPIES)]  # each copy once
    assert (summary.status == "ok").all()
    units = pd.read_parquet(out / "pairs").groupby("id").size()
    assert (units[summary.id].to_numpy() == summary.units.to_numpy()).all()  # no unit written twice


def test_a_batch_stopped_by_any_signal_keeps_every_finished_copy_and_resumes_without_a_duplicate(
    tmp_path: Path,
) -> None:
    manifest = batch(tmp_path, COPIES)
    env = hooked(tmp_path)
    chance = random.Random(os.environ.get("MTQA_INTERRUPT_SEED"))
    folders = (tmp_path / f"out{n}" for n in range(4 * TRIALS))
    for _ in range(TRIALS):
        out = next(folders)
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):  # each resumes the run before
            before = len(saved_ids(out))
            if COPIES - before < 3:  # too few copies left to stop the run among them: a new batch
                finish(manifest, out, env)
                out, before = next(folders), 0
            (tmp_path / "finished.log").unlink(missing_ok=True)
            args = batch_args(manifest, out)
            # a random moment: once the workers run, after 0 to a third of the copies left are done, and
            # up to 0.3 s more
            target = chance.randint(0, (COPIES - before - 3) // 3)
            code, stderr = interrupt(
                args, env, number, lambda target=target: finished(tmp_path) >= target, chance.uniform(0, 0.3)
            )
            ids = saved_ids(out)
            assert len(set(ids)) == len(ids), "a copy saved twice"
            # what a worker finished is saved, but for a result on its way back (one per worker)
            assert len(ids) - before >= finished(tmp_path) - 2, (number, stderr)
            assert "Traceback" not in stderr
            if number == signal.SIGKILL:
                assert code == -signal.SIGKILL
                continue
            assert code == 128 + number, stderr
            name, again = signal.Signals(number).name, shlex.join(["mtqa", *args])
            if ids:
                said = f"{name}: {len(ids)} of {COPIES} copies saved in {out}; resume with: {again}"
            else:
                said = f"{name}: no copy was finished, nothing written; run again with: {again}"
            assert f"mtqa: interrupted by {said}" in stderr, stderr
        finish(manifest, out, env)


def test_an_index_build_stopped_by_any_signal_writes_nothing_and_leaves_no_worker(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    for number in range(300):  # two parts of stories, one per worker
        (archive / f"s{number:03d}.txt").write_text(f"Story {number} tells of the harbour at dawn.\n")
    env = hooked(tmp_path)
    chance = random.Random(os.environ.get("MTQA_INTERRUPT_SEED"))
    out = tmp_path / "index"
    args = ["index", "build", str(archive), "-o", str(out), "--workers", "2", "--no-progress"]
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGKILL) if TRIALS > 1 else (signal.SIGINT,)
    for _ in range(TRIALS):
        for number in signals:
            code, stderr = interrupt(args, env, number, lambda: True, chance.uniform(0, 3))
            assert code == (-signal.SIGKILL if number == signal.SIGKILL else 128 + number), stderr
            assert "Traceback" not in stderr
            # No index, whole or half: at most the empty folder of mtqa's that a killed run made and held
            # (no handler runs on SIGKILL), which the next run takes, as it removes a killed run's staging.
            assert not out.exists() or {p.name for p in out.iterdir()} <= {MARKER, LOCK}
            left = {p.name for p in tmp_path.iterdir()} - {"archive", "site", "index"}
            assert left <= ({f".index{STAGING_SUFFIX}"} if number == signal.SIGKILL else set()), left
    with IndexFolder(out):  # whatever the last trial left, a new build can start
        pass


def test_a_copy_over_the_time_limit_is_an_error_row_and_the_batch_goes_on(tmp_path: Path) -> None:
    base = batch(tmp_path, 0).parent
    (base / "short.txt").write_text("The mayor opened the new bridge on Monday.\n", encoding="utf-8")
    rows = ("id,original,copy", "slow,flood_original.txt,sleep-me.txt", "short,short.txt,short.txt")
    (base / "manifest.csv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "out"
    args = ["audit-batch", str(base / "manifest.csv"), "-o", str(out), "--workers", "1", "--no-progress", "--no-cache"]
    result = subprocess.run(  # one worker: the short copy waits for the hung one, then runs in its replacement
        [sys.executable, "-m", "mtqa", *args, "--job-timeout", "10"],
        env=hooked(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,  # the hung audit (600 s) must have been stopped
    )
    assert result.returncode == 0, result.stderr
    summary = pd.read_parquet(out / "summary").set_index("id")
    assert summary.status.to_dict() == {"slow": "error", "short": "ok"}, summary.error.to_dict()
    assert "ran over the time limit of 10 s (--job-timeout)" in summary.error["slow"]
    assert "1 copy over the time limit (slow), its worker replaced" in result.stderr


def test_the_pool_stops_a_task_over_its_limit_and_goes_on_in_a_fresh_worker() -> None:
    outcomes, started = {}, time.monotonic()
    with WorkerPool(1, time.sleep, (0,), timeout=1.0) as pool:
        pool.submit("slow", time.sleep, 120)
        pool.submit("add", operator.add, 1, 2)
        pool.submit("fails", operator.truediv, 1, 0)
        for key, outcome in pool.outcomes():
            outcomes[key] = outcome
    assert outcomes["slow"].kind == "timed_out"
    assert (outcomes["add"].kind, outcomes["add"].value) == ("done", 3)
    assert outcomes["fails"].kind == "raised" and isinstance(outcomes["fails"].value, ZeroDivisionError)
    assert pool.replaced == 1
    assert time.monotonic() - started < 60  # the slow task was stopped, not waited for


PARENT = """
import os, sys, time
sys.path[:0] = sys.argv[1:]
from mtqa.archive.folder import STAGING_SUFFIX, IndexFolder
from mtqa.batch.jobs import Job, error_result
from mtqa.batch.parquet import BatchWriter
from mtqa.batch.pool import WorkerPool
from mtqa.outputs import LOCK, MARKER
with WorkerPool(2, os.write, (2, b"ready\\n")) as pool:
    pool.submit(1, time.sleep, 600)
    pool.submit(2, time.sleep, 600)
    for _ in pool.outcomes():
        pass
"""


def test_workers_die_with_a_parent_killed_by_sigkill() -> None:
    root = str(Path(__file__).resolve().parents[1])
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, root], stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert parent.stderr is not None
        assert [parent.stderr.readline(), parent.stderr.readline()] == ["ready\n", "ready\n"]
        assert len(session(parent.pid)) == 3  # the parent and its two busy workers
        parent.kill()
        parent.wait()
        ended = time.monotonic()
        while session(parent.pid) and time.monotonic() - ended < OUTLIVE:
            time.sleep(0.1)
        assert session(parent.pid) == []
    finally:
        for pid in session(parent.pid):
            os.kill(pid, signal.SIGKILL)


def test_each_result_is_on_disk_as_soon_as_it_arrives(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with BatchWriter(out) as writer:
        writer.open()
        for number in range(3):
            writer.add(error_result(Job(f"j{number}", tmp_path / "a.txt", tmp_path / "b.txt"), "no such file"))
            assert saved_ids(out) == [f"j{n}" for n in range(number + 1)]  # before the run ends, however it ends
