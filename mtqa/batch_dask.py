"""The Dask engine of audit-batch: the same jobs and waves, on a dask.distributed cluster.

Each worker process keeps one embedder (``mtqa.batch.worker_embedder`` holds it
in the worker's module state), so the model is loaded once per worker.
Results come back to the client, which writes them with the same writer as the
local engine. Dask is imported only here.
"""

from __future__ import annotations

from collections.abc import Callable

from mtqa.batch import EngineOptions, Job, JobResult, run_job, waves
from mtqa.errors import MtqaError


def run_dask(jobs: list[Job], options: EngineOptions, scheduler: str, on_result: Callable[[JobResult], None]) -> None:
    """Run ``jobs`` on the cluster at ``scheduler``, wave by wave, reporting each result.

    Raises:
        MtqaError: If dask.distributed is not installed or the scheduler cannot be reached.
    """
    try:
        from distributed import Client, as_completed
    except ImportError as error:
        raise MtqaError("the dask engine needs dask.distributed: pip install 'mtqa[dask]'") from error
    try:
        client = Client(scheduler, timeout="20s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as error:
        raise MtqaError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from error
    with client:
        for wave in waves(jobs):
            if not wave:
                continue
            futures = client.map(run_job, wave, options=options, pure=False)
            for future in as_completed(futures):  # type: ignore[no-untyped-call]
                on_result(future.result())
