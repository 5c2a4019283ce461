"""The Dask engine of audit-batch: the same jobs and waves, on a dask.distributed cluster.

Each worker process keeps one embedder (``mtqa.batch.jobs.worker_embedder`` holds it
in the worker's module state), so the model is loaded once per worker.
Results come back to the client, which writes them with the same writer as the
local engine. Dask is imported only here. A job whose worker dies is retried
by Dask itself; one that keeps killing workers (``KilledWorker``) becomes an
error row, and the batch goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mtqa.batch.jobs import EngineOptions, Job, JobResult, error_result, run_job, waves
from mtqa.errors import MtqaError


def connect(scheduler: str) -> Any:
    """A ``distributed.Client`` of the cluster at ``scheduler``.

    Raises:
        MtqaError: If dask.distributed is not installed or the scheduler cannot be reached.
    """
    try:
        from distributed import Client
    except ImportError as error:
        raise MtqaError("the dask engine needs dask.distributed: pip install 'mtqa[dask]'") from error
    try:
        return Client(scheduler, timeout="20s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as error:
        raise MtqaError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from error


def run_dask(
    jobs: list[Job],
    options: EngineOptions,
    scheduler: str,
    on_result: Callable[[JobResult], None],
    phase: Callable[[str], None] | None = None,
) -> None:
    """Run ``jobs`` on the cluster at ``scheduler``, wave by wave, reporting each result.

    ``phase`` is told while the client connects and the workers load the model (until the first result).

    Raises:
        MtqaError: If dask.distributed is not installed or the scheduler cannot be reached.
    """
    if phase is not None:
        phase(f"connecting to the Dask scheduler at {scheduler}")
    with connect(scheduler) as client:
        from distributed import as_completed

        if phase is not None:
            phase("the Dask workers are loading the model")
        for wave in waves(jobs):
            if not wave:
                continue
            futures = client.map(run_job, wave, options=options, pure=False)
            jobs_of = {future.key: job for future, job in zip(futures, wave, strict=True)}
            for future in as_completed(futures):  # type: ignore[no-untyped-call]
                try:
                    result = future.result()
                except Exception as error:  # a worker that died on this job (KilledWorker), or a lost result
                    failure = f"the Dask worker failed: {type(error).__name__}: {error}"
                    result = error_result(jobs_of[future.key], failure)
                if phase is not None:
                    phase("")
                on_result(result)
