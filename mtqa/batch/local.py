"""The local engine of audit-batch: worker processes that survive their jobs and their own deaths.

A job's Python exception is already its error row (``mtqa.batch.jobs.run_job``).
What remains is a worker process that dies: killed by the OS for memory, by a
user with ``kill -9``, or by a crash in native code. ``concurrent.futures``
then breaks the whole pool and fails every job in it, so the pool is run with
at most one job in flight per worker: when it breaks, the jobs in flight are
the only suspects, and nothing already done is lost. A fresh pool takes over
the jobs not yet started, and each suspect is run again alone in a pool of
its own: a job that was killed by chance is simply done, and a job that kills
its worker again becomes an error row. Jobs run wave by wave (``waves``).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context

from mtqa.batch.jobs import EngineOptions, Job, JobResult, error_result, run_job, waves, worker_embedder

WORKER_DIED = (
    "the worker process auditing this copy died twice (killed by the OS, for example out of memory, "
    "or crashed); the copy was not audited"
)


@dataclass
class PoolEvents:
    """What happened to the workers of a run, for the end line.

    Attributes:
        deaths: Worker processes that died and were replaced.
        lost: Ids of the jobs that killed their worker twice (error rows).
    """

    deaths: int = 0
    lost: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """A clause for the end line, or an empty string when every worker lived."""
        if not self.deaths:
            return ""
        plural = self.deaths > 1
        text = f"; {self.deaths} worker process{'es' if plural else ''} died and {'were' if plural else 'was'} replaced"
        if self.lost:
            text += f", {len(self.lost)} cop{'ies' if len(self.lost) > 1 else 'y'} lost ({', '.join(self.lost[:5])})"
        else:
            text += ", no copy lost"
        return text


def start_worker(options: EngineOptions) -> None:
    """Set up a worker process: its share of the cores, and its embedder."""
    # Each worker gets its share of the cores; torch reads these at import.
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(options.threads)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    worker_embedder(options)


def _pool(options: EngineOptions, workers: int) -> ProcessPoolExecutor:
    context = get_context("spawn")  # the parent may hold threads (the progress bar): never fork them
    return ProcessPoolExecutor(workers, mp_context=context, initializer=start_worker, initargs=(options,))


def _run_pool(
    jobs: deque[Job], options: EngineOptions, workers: int, on_result: Callable[[JobResult], None]
) -> list[Job]:
    """Run ``jobs`` (taken from the left) until they are done or the pool breaks; return the suspects.

    The suspects are the jobs in flight when a worker died; the jobs not yet
    started stay in ``jobs``.
    """
    suspects: list[Job] = []
    pool = _pool(options, min(workers, len(jobs)))
    in_flight: dict[Future[JobResult], Job] = {}
    try:
        while jobs or in_flight:
            while jobs and len(in_flight) < workers:
                job = jobs.popleft()
                in_flight[pool.submit(run_job, job, options)] = job
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                job = in_flight.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    suspects.append(job)
                    continue
                except Exception as error:  # the result could not come back (say, it would not pickle)
                    result = error_result(job, f"internal error ({type(error).__name__}: {error}); please report it")
                on_result(result)
            if suspects:
                suspects += in_flight.values()
                return suspects
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return suspects


def run_local(
    jobs: list[Job], options: EngineOptions, workers: int, on_result: Callable[[JobResult], None]
) -> PoolEvents:
    """Run ``jobs`` in ``workers`` processes, wave by wave, reporting each result exactly once.

    Returns:
        What happened to the workers: how many died, and which jobs were lost.
    """
    events = PoolEvents()
    for wave in waves(jobs):
        pending = deque(wave)
        while pending:
            suspects = _run_pool(pending, options, workers, on_result)
            if not suspects:
                continue
            events.deaths += 1
            for job in suspects:  # alone, so a job that kills its worker again is known for sure
                again = _run_pool(deque([job]), options, 1, on_result)
                if again:
                    events.deaths += 1
                    events.lost.append(job.id)
                    on_result(error_result(job, WORKER_DIED))
    return events
