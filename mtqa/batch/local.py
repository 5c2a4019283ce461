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
    """

    deaths: int = 0
    lost: list[str] = field(default_factory=list)
    timed_out: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """A clause for the end line, or an empty string when every worker lived and every job kept time."""
        text = ""
        if self.deaths:
            were = "es died and were" if self.deaths > 1 else " died and was"
            text = f"; {self.deaths} worker process{were} replaced"
            lost = len(self.lost)
            names = ", ".join(self.lost[:5])
            text += f", {lost} cop{'ies' if lost > 1 else 'y'} lost ({names})" if lost else ", no copy lost"
        if self.timed_out:
            count = len(self.timed_out)
            text += (
                f"; {count} cop{'ies' if count > 1 else 'y'} over the time limit ({', '.join(self.timed_out[:5])}), "
                f"{'their workers' if count > 1 else 'its worker'} replaced"
            )
        return text


def start_worker(options: EngineOptions) -> None:
    """Set up a worker process: its share of the cores, and its embedder."""
    # Each worker gets its share of the cores; torch reads these at import.
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(options.threads)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    worker_embedder(options)


def run_local(
    jobs: list[Job],
    options: EngineOptions,
    workers: int,
    on_result: Callable[[JobResult], None],
    timeout: float | None = JOB_TIMEOUT,
) -> PoolEvents:
    """Run ``jobs`` in ``workers`` processes, wave by wave, reporting each result exactly once.

    Args:
        jobs: The jobs, with distinct ids.
        options: What each worker needs.
        workers: Worker processes.
        on_result: Called with each result as it comes (it should save it at once).
        timeout: Seconds a job may run before it becomes an error row (None: no limit).

    Returns:
        What happened to the workers: how many died, and which jobs were lost or timed out.
    """
    events = PoolEvents()
    with WorkerPool(workers, start_worker, (options,), timeout) as pool:
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
    return events
