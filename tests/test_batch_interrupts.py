"""Worker processes die with their run, and a slow task cannot hold one."""

from __future__ import annotations

import operator
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from mtqa.batch.pool import WorkerPool

# Seconds a process of a run may outlive it.
OUTLIVE = 5.0


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
from mtqa.batch.jobs import Job, error_result
from mtqa.batch.parquet import BatchWriter
from mtqa.batch.pool import WorkerPool
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
