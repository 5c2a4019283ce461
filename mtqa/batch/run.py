"""Run a batch: check everything first, then resume, schedule, audit and write; the CLI only reports.

``run_batch`` is the whole of ``mtqa audit-batch`` without the command line:
it refuses a bad manifest, model or output before creating anything, takes
the output's lock, skips the copies an earlier run finished, repaints pages
that are missing, shares the cores among the workers, runs the jobs on the
local or the Dask engine, and says what happened in a ``BatchOutcome``.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mtqa.batch.jobs import EngineOptions, JobResult, check_engine, prepare, read_manifest
from mtqa.batch.local import PoolEvents, run_local
from mtqa.batch.pages import PageWriter
from mtqa.batch.parquet import BatchWriter, check_output, read_table
from mtqa.batch.pool import JOB_TIMEOUT
from mtqa.batch.stopping import Stopped
from mtqa.embed.base import resolve_model
from mtqa.errors import MtqaError
from mtqa.outputs import check_file_target


@dataclass(frozen=True)
class BatchOutcome:
    """What a batch run did.

    Attributes:
        copies: Copies in the manifest.
        resumed: Copies an earlier run had finished (skipped).
        retried: Error rows of an earlier run audited again (among ``audited``).
        audited: Copies done by this run: ``errors`` of them are error rows, ``no_source`` found no
            original in the index, the rest were audited.
        seconds: Wall time of the audits.
        workers: Worker processes (or Dask workers' jobs) used.
        events: Worker processes that died, and copies lost with them.
        index: The HTML index page, with ``--html``.
        repainted: Pages written for copies audited by an earlier run.
    """

    copies: int
    resumed: int
    audited: int
    errors: int
    seconds: float
    workers: int
    events: PoolEvents = field(default_factory=PoolEvents)
    index: Path | None = None
    repainted: int = 0
    retried: int = 0
    no_source: int = 0

    @property
    def rate(self) -> float:
        """Copies done per second."""
        return self.audited / self.seconds if self.seconds > 0 and self.audited else 0.0


def run_batch(
    manifest: Path,
    output: Path,
    options: EngineOptions,
    *,
    workers: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    allow_outside: bool = False,
    retry_errors: bool = True,
    job_timeout: float | None = JOB_TIMEOUT,
    progress: Callable[[int, int], None] | None = None,
    on_resume: Callable[[int, int, int], None] | None = None,
    phase: Callable[[str], None] | None = None,
    also_writes: Sequence[Path] = (),
) -> BatchOutcome:
    """Audit every row of ``manifest`` into the Parquet dataset ``output``.

    Args:
        manifest: CSV with columns original, copy and optionally id.
        output: New folder, or an earlier audit-batch output to resume.
        options: What each worker needs (model, backend, cache, html, encoding);
            ``threads`` is set here from the cores and the workers.
        workers: Worker processes; default the number of cores.
        engine: ``"local"`` (processes) or ``"dask"`` (needs ``scheduler``).
        scheduler: The Dask scheduler's address.
        allow_outside: Audit manifest paths outside the manifest's folder.
        retry_errors: Audit again the copies an earlier run left as error rows
            (a file since created, an option since given); False keeps them.
        job_timeout: Seconds a copy's audit may run on the local engine before it is
            stopped and recorded as an error row; None or 0: no limit.
        progress: Called with (done, total) before the first copy, then after each: on a resume,
            ``done`` starts at the copies an earlier run finished (``total`` counts them too).
        phase: Called with what the run is doing before copies finish (workers starting and
            loading the model), and with "" once they are at work.
        on_resume: Called with (done before and kept, copies, error rows retried)
            when an earlier run is resumed.
        also_writes: Files the caller writes after the run (``--summary-csv``): refused, before
            any work, if one is the manifest, the index, or any job's original or copy.

    Returns:
        What the run did.

    Raises:
        MtqaError: For a bad option, manifest, model or output, before anything is created.
        Stopped: When a signal stopped the run (see ``mtqa.batch.stopping``), with the copies
            saved and the manifest's copies; every copy finished is in the output.
    """
    check_engine(engine, scheduler)
    if job_timeout is not None and job_timeout < 0:
        raise MtqaError(f"--job-timeout must be 0 (no limit) or more seconds, not {job_timeout:g}")
    jobs = read_manifest(manifest, allow_outside=allow_outside, with_index=options.index is not None)
    resolve_model(options.model, options.backend)
    if options.index is not None:  # a bad index fails before any work, not on every row
        from mtqa.archive.index import ArchiveIndex
        from mtqa.embed.base import PACKAGED_MODEL

        loaded = ArchiveIndex.load(options.index)
        model = None if options.model in (None, PACKAGED_MODEL) else options.model
        if loaded.built_with() != (model, options.backend):
            raise MtqaError(
                f"{options.index}: built with {loaded.meta['model']} ({loaded.meta['backend']}); audit with the "
                "same --model and --backend"
            )
    inputs = [manifest] if options.index is None else [manifest, options.index]
    if options.index is not None and output.resolve().is_relative_to(options.index.resolve()):
        raise MtqaError(f"{output}: lies inside the index {options.index}; give an output folder outside it")
    check_output(output, inputs=inputs)  # before any work, and without creating anything
    # every text the manifest names is an input too: a --summary-csv there would replace it after the run
    texts = [path for job in jobs for path in (job.original, job.copy) if path is not None]
    for target in also_writes:
        check_file_target(target, inputs=[*inputs, *texts])
    prepare(options)
    with BatchWriter(output) as writer:
        writer.open(inputs=inputs)
        pages = PageWriter(output) if options.html else None
        retried = writer.forget_errors(job.id for job in jobs) if retry_errors else set()
        done = writer.done()
        todo = [job for job in jobs if job.id not in done]
        # copies audited by an earlier run without --html get their pages now (from the result cache if warm)
        repaint = pages.missing([job for job in jobs if job.id in done], read_table(output, "summary")) if pages else []
        cores = os.cpu_count() or 1
        count = min(workers or cores, max(len(todo) + len(repaint), 1))
        options = dataclasses.replace(options, threads=max(1, cores // count))
        kept = sum(job.id in done for job in jobs)  # OUT may hold copies this manifest no longer names
        if (kept or retried) and on_resume is not None:
            on_resume(kept, len(jobs), len(retried))
        started, errors, no_source, finished, events = time.perf_counter(), 0, 0, 0, PoolEvents()

        def record(result: JobResult) -> None:
            nonlocal finished, errors, no_source
            if pages is not None:
                pages.add(result)
            if result.id not in done:
                writer.add(result)
                errors += result.summary.get("status") == "error"
                no_source += result.summary.get("status") == "no_source"
            finished += 1
            if progress is not None:
                progress(before + finished, before + len(todo) + len(repaint))

        # a resume counts from the copies already done (10/40), not from 0; a page repainted is done again
        before = max(0, kept - len(repaint))
        if progress is not None:
            progress(before, before + len(todo) + len(repaint))
        try:
            if engine == "dask":
                from mtqa.batch.dask import run_dask

                run_dask(todo + repaint, options, scheduler or "", record, phase)
            else:
                events = run_local(todo + repaint, options, count, record, job_timeout or None, phase)
        except Stopped as stop:
            writer.flush()
            stop.saved, stop.copies = kept + writer.committed, len(jobs)
            raise
        writer.flush()
        seconds = time.perf_counter() - started
        index = pages.write_index(read_table(output, "summary")) if pages is not None else None
    return BatchOutcome(
        len(jobs), len(done), len(todo), errors, seconds, count, events, index, len(repaint), len(retried), no_source
    )
