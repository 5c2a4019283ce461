"""Progress a user can follow: timed lines off a terminal, a loading phase first, one model load per worker."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mtqa.progress import ProgressLines
from tests.conftest import FIXTURES, run_mtqa

PAIRS = sorted(p.parent.name for p in FIXTURES.glob("*/copy.txt") if (p.parent / "original.txt").exists())
COPIES = 40
LINE = re.compile(
    r"^mtqa: (?P<label>[a-z]+)(?: (?P<done>\d+)/(?P<total>\d+) \w+)?.*\((?P<elapsed>[\d min]+) s elapsed\)$"
)


def elapsed(line: str) -> int:
    """The seconds a progress line says have elapsed ("7 s", "1 min 05 s")."""
    match = LINE.match(line)
    assert match, line
    minutes, _, seconds = match["elapsed"].rpartition(" min ")
    return int(minutes or 0) * 60 + int(seconds)


def progress_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if LINE.match(line)]


def run_logged(*args: str, log: Path) -> subprocess.CompletedProcess[str]:
    """Run mtqa with stderr sent to the file ``log`` (as under nohup or in CI), not to a pipe or a terminal."""
    with log.open("w", encoding="utf-8") as stream:
        return subprocess.run(
            [sys.executable, "-m", "mtqa", *args], stdout=subprocess.PIPE, stderr=stream, text=True, timeout=600
        )


@pytest.fixture(scope="module")
def batch_log(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int]:
    """A 40-copy batch on 2 workers with ``--progress 2>log``: the log, and the exit code."""
    folder = tmp_path_factory.mktemp("forty")
    for name in PAIRS:
        for side in ("original", "copy"):
            (folder / f"{name}_{side}.txt").write_text((FIXTURES / name / f"{side}.txt").read_text("utf-8"), "utf-8")
    rows = [
        (f"c{k:02d}", f"{PAIRS[k % len(PAIRS)]}_original.txt", f"{PAIRS[k % len(PAIRS)]}_copy.txt")
        for k in range(COPIES)
    ]
    manifest = io.StringIO()
    csv.writer(manifest).writerows([("id", "original", "copy"), *rows])
    (folder / "manifest.csv").write_text(manifest.getvalue(), encoding="utf-8")
    log = folder / "log"
    # --no-cache: the same pair repeated would otherwise be read back from the result cache, not audited
    args = ("audit-batch", str(folder / "manifest.csv"), "-o", str(folder / "out"), "--workers", "2", "--no-cache")
    result = run_logged(*args, "--progress", log=log)
    return log.read_text(encoding="utf-8"), result.returncode


def test_each_worker_loads_the_model_once_for_the_whole_batch(batch_log: tuple[str, int]) -> None:
    log, code = batch_log
    assert code == 0, log
    # 8 originals: a first round of 8 copies, then 32 more, in the same two workers
    assert len(PAIRS) < COPIES and f"mtqa: {COPIES} copies done in" in log
    assert "; 2 workers, model loaded 2 times;" in log


def test_a_batch_logged_to_a_file_says_something_every_few_seconds(batch_log: tuple[str, int]) -> None:
    log, _ = batch_log
    lines = progress_lines(log)
    assert "loading the model" in lines[0] and elapsed(lines[0]) <= 1
    first_done = next(k for k, line in enumerate(lines) if int(LINE.match(line)["done"] or 0) > 0)  # type: ignore[index]
    assert first_done > 0  # the loading phase was reported before any copy finished
    times = [elapsed(line) for line in lines]
    assert times == sorted(times)
    gaps = [later - earlier for earlier, later in zip([0, *times], times, strict=False)]
    assert max(gaps) <= 5, lines
    assert lines[-1].startswith(f"mtqa: auditing {COPIES}/{COPIES} copies")
    # the rate and the estimate mid-run depend on when a tick lands: their format is checked with a fake clock below


def test_index_build_reports_the_loading_and_every_part(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    for name in PAIRS:
        (archive / f"{name}.txt").write_text((FIXTURES / name / "original.txt").read_text("utf-8"), "utf-8")
    for event in sorted(p for p in (FIXTURES / "same_event").iterdir() if p.is_dir()):
        (archive / f"{event.name}.txt").write_text((event / "report_a.txt").read_text("utf-8"), "utf-8")
    stories = len(list(archive.iterdir()))
    log = tmp_path / "log"
    args = ("index", "build", str(archive), "-o", str(tmp_path / "index"), "--workers", "2", "--no-cache")
    result = run_logged(*args, "--progress", log=log)
    lines = progress_lines(log.read_text("utf-8"))
    assert result.returncode == 0, lines
    assert "starting 2 workers (loading the model)" in lines[0]
    counts = [int(m["done"]) for m in map(LINE.match, lines) if m and m["done"] is not None]
    # a few parts per worker: 4 stories each here, every one reported as it is added
    assert set(range(4, stories, 4)) | {stories} <= set(counts), lines
    assert counts == sorted(counts)


def test_a_long_audit_says_its_stages_only_when_asked_off_a_terminal(tmp_path: Path) -> None:
    original, copy = (
        (FIXTURES / "seed" / "original.txt").read_text("utf-8"),
        (FIXTURES / "seed" / "copy.txt").read_text("utf-8"),
    )
    (tmp_path / "original.txt").write_text("\n\n".join([original] * 4), encoding="utf-8")
    (tmp_path / "copy.txt").write_text("\n\n".join([copy] * 3), encoding="utf-8")
    assert sum(len(p.read_text("utf-8")) for p in tmp_path.glob("*.txt")) > 20_000
    args = ("audit", str(tmp_path / "original.txt"), str(tmp_path / "copy.txt"), "-f", "json")
    log = tmp_path / "log"
    shown = run_logged(*args, "--progress", log=log)
    assert shown.returncode == 0
    stages = [line.split(": ", 2)[-1].rsplit(" (", 1)[0] for line in progress_lines(log.read_text("utf-8"))]
    assert stages[0] == "segmenting" and "aligning" in stages and stages[-1] == "scoring"
    assert any(re.fullmatch(r"embedding [\d,]+ sentences", s) for s in stages)
    assert any(s.startswith("detecting: ") for s in stages)
    quiet = run_mtqa(*args)  # stderr a pipe, no --progress: nothing but the report
    assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == shown.stdout


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_timer_waits_an_interval_and_for_something_to_say() -> None:
    clock, stream = Clock(), io.StringIO()
    lines = ProgressLines("auditing", "copies", stream, interval=2.5, clock=clock)
    clock.now += 60  # a slow start (a manifest read over a network): still nothing to say
    lines.tick()
    assert stream.getvalue() == ""
    lines(0, 40)
    lines.tick()  # the count is news: the interval starts again, and the phase said next comes first
    assert stream.getvalue() == ""
    lines.phase("starting 2 workers (loading the model)")
    clock.now += 2
    lines.tick()  # not due yet
    clock.now += 1
    lines.tick()
    assert stream.getvalue().splitlines() == [
        "mtqa: auditing 0/40 copies, starting 2 workers (loading the model) (1 min 00 s elapsed)",
        "mtqa: auditing 0/40 copies, starting 2 workers (loading the model) (1 min 03 s elapsed)",
    ]


def test_the_lines_say_the_count_the_rate_and_the_time_left() -> None:
    clock, stream = Clock(), io.StringIO()
    lines = ProgressLines("auditing", "copies", stream, interval=3600, clock=clock)
    lines(0, 40)
    lines.phase("starting 2 workers (loading the model)")  # written at once
    clock.now += 4
    lines.phase("")  # the workers are ready: the rate counts from here
    clock.now += 10
    lines(12, 40)
    assert stream.getvalue() == "mtqa: auditing 0/40 copies, starting 2 workers (loading the model) (0 s elapsed)\n"
    assert lines.line() == "mtqa: auditing 12/40 copies, 1.2 copies/s, about 23 s left (14 s elapsed)"
    clock.now += 100
    lines(40, 40)
    assert lines.line() == "mtqa: auditing 40/40 copies, 0.4 copies/s (1 min 54 s elapsed)"
    stages = ProgressLines("auditing", "", io.StringIO(), clock=clock)
    stages.phase("aligning")
    assert stages.line() == "mtqa: auditing: aligning (0 s elapsed)"


def test_a_resume_counts_from_the_copies_done_and_its_rate_from_its_own() -> None:
    clock, stream = Clock(), io.StringIO()
    with ProgressLines("auditing", "copies", stream, interval=3600, clock=clock) as lines:
        lines(10, 40)  # an earlier run did 10
        clock.now += 10
        lines(20, 40)
        assert lines.line() == "mtqa: auditing 20/40 copies, 1.0 copies/s, about 20 s left (10 s elapsed)"
        clock.now += 20
        lines(40, 40)
    assert stream.getvalue() == "mtqa: auditing 40/40 copies, 1.0 copies/s (30 s elapsed)\n"


def test_the_final_count_is_written_once() -> None:
    clock, stream = Clock(), io.StringIO()
    with ProgressLines("indexing", "stories", stream, interval=3600, each_update=True, clock=clock) as lines:
        lines(0, 2)
        lines(1, 2)
        lines(2, 2)  # written at once (each_update): the end has nothing new to say
    assert stream.getvalue() == "mtqa: indexing 1/2 stories (0 s elapsed)\nmtqa: indexing 2/2 stories (0 s elapsed)\n"
