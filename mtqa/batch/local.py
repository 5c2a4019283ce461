"""The local engine of audit-batch: worker processes that survive their jobs, their own deaths and slow pages.

A job's Python exception is already its error row (``mtqa.batch.jobs.run_job``).
What remains is a worker process that dies (killed by the OS for memory, by a
user with ``kill -9``, or by a crash in native code) or a job that runs past
the time limit. Each worker of ``mtqa.batch.pool`` runs one job at a time, so
the job is known: a job whose worker died is run once more in a fresh worker
(a job killed by chance is simply done), and one that kills its worker again,
or runs over the limit, becomes an error row. Only that worker is replaced;
the others keep their loaded model. Jobs run wave by wave (``waves``) in the
same workers, and the workers die with the run however it ends.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from mtqa.batch.jobs import EngineOptions, Job, JobResult, error_result, run_job, waves, worker_embedder
from mtqa.batch.pool import JOB_TIMEOUT, WorkerPool
from mtqa.embed.base import load_model
from mtqa.plural import noun, plural

WORKER_DIED = (
    "the worker process auditing this copy died twice (killed by the OS, for example out of memory, "
    "or crashed); the copy was not audited"
)


def timed_out(seconds: float) -> str:
    """The error of a job stopped at the time limit."""
    return (
        f"the audit ran over the time limit of {seconds:g} s (--job-timeout) and was stopped; "
        "its worker process was replaced"
    )


@dataclass
class PoolEvents:
    """What happened to the workers of a run, for the end line.

    Attributes:
        deaths: Worker processes that died and were replaced.
        lost: Ids of the jobs that killed their worker twice (error rows).
        timed_out: Ids of the jobs stopped at the time limit (error rows).
        workers: Worker processes started for the run (replacements not counted).
        loads: Models the workers loaded: one per worker, and one per replacement.
    """

    deaths: int = 0
    lost: list[str] = field(default_factory=list)
    timed_out: list[str] = field(default_factory=list)
    workers: int = 0
    loads: int = 0

    def describe(self) -> str:
        """Clauses for the end line: the workers and their model loads, then any death or time-out."""
        text = ""
        if self.workers:
            text += f"; {plural(self.workers, 'worker')}, model loaded {plural(self.loads, 'time')}"
        if self.deaths:
            text += (
                f"; {plural(self.deaths, 'worker process', 'worker processes')} "
                f"died and {noun(self.deaths, 'was', 'were')} replaced"
            )
            names = ", ".join(self.lost[:5])
            text += f", {plural(len(self.lost), 'copy', 'copies')} lost ({names})" if self.lost else ", no copy lost"
        if self.timed_out:
            count = len(self.timed_out)
            text += (
                f"; {plural(count, 'copy', 'copies')} over the time limit ({', '.join(self.timed_out[:5])}), "
                f"{noun(count, 'its worker', 'their workers')} replaced"
            )
        return text


def start_worker(options: EngineOptions) -> None:
    """Set up a worker process: its share of the cores, and its embedder with the model loaded."""
    # Each worker gets its share of the cores; torch reads these at import.
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(options.threads)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # Loaded now, before the worker says it is ready: the run can say "loading the model" while it
    # happens, and no copy's audit time includes it.
    load_model(worker_embedder(options))


def loading(workers: int, phase: Callable[[str], None] | None) -> Callable[[int], None] | None:
    """Say that ``workers`` are starting, and return what says how many are ready (for ``WorkerPool``)."""
    if phase is None:
        return None
    phase(f"starting {plural(workers, 'worker')} (loading the model)")

    def ready(count: int) -> None:
        phase("" if count >= workers else f"loading the model: {count} of {plural(workers, 'worker')} ready")

    return ready


def run_local(
    jobs: list[Job],
    options: EngineOptions,
    workers: int,
    on_result: Callable[[JobResult], None],
    timeout: float | None = JOB_TIMEOUT,
    phase: Callable[[str], None] | None = None,
) -> PoolEvents:
    """Run ``jobs`` in ``workers`` processes, wave by wave, reporting each result exactly once.

    Args:
        jobs: The jobs, with distinct ids.
        options: What each worker needs.
        workers: Worker processes.
        on_result: Called with each result as it comes (it should save it at once).
        timeout: Seconds a job may run before it becomes an error row (None: no limit).
        phase: Called with what the workers are doing while they start ("" once all are ready).

    Returns:
        What happened to the workers: how many died, which jobs were lost or timed out, and
        how often the model was loaded (once per worker process: the same workers run every wave).
    """
    if not jobs:  # no worker is started (nor a model loaded) for nothing
        return PoolEvents()
    events = PoolEvents(workers=workers)
    with WorkerPool(workers, start_worker, (options,), timeout, loading(workers, phase)) as pool:
        for wave in waves(jobs):
            by_id = {job.id: job for job in wave}
            died_once: set[str] = set()
            for job in wave:
                pool.submit(job.id, run_job, job, options)
            for key, outcome in pool.outcomes():
                job = by_id[str(key)]
                if outcome.kind == "done":
                    on_result(outcome.value)
                elif outcome.kind == "died":
                    events.deaths += 1
                    if job.id in died_once:
                        events.lost.append(job.id)
                        on_result(error_result(job, WORKER_DIED))
                    else:  # killed by chance, perhaps: once more, in a fresh worker
                        died_once.add(job.id)
                        pool.submit(job.id, run_job, job, options)
                elif outcome.kind == "timed_out":
                    events.timed_out.append(job.id)
                    on_result(error_result(job, timed_out(outcome.value)))
                else:  # the result could not come back (say, it would not pickle)
                    error = outcome.value
                    on_result(error_result(job, f"internal error ({type(error).__name__}: {error}); please report it"))
        events.loads = pool.loads
    return events
