"""``mtqa audit-batch``: audit every copy of a manifest into a resumable Parquet dataset."""

from __future__ import annotations

import dataclasses
import os
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from mtqa.cli import EXIT_BAD_INPUT, Backend, BackendOption, app
from mtqa.errors import MtqaError
from mtqa.progress import progress_bar


class Engine(StrEnum):
    """Where audit-batch runs its jobs."""

    local = "local"
    dask = "dask"


@app.command("audit-batch")
def audit_batch(
    manifest: Annotated[Path, typer.Argument(help="CSV with columns original, copy and optionally id.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the Parquet results.")] = Path(
        "mtqa-batch"
    ),
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes [default: the number of cores].", show_default=False)
    ] = None,
    backend: BackendOption = Backend.onnx,
    model: Annotated[
        str | None, typer.Option(help="A local sentence-transformers model folder.", show_default=False)
    ] = None,
    cache_file: Annotated[
        Path | None,
        typer.Option(help="Embedding cache file [default: embeddings.sqlite in the mtqa cache].", show_default=False),
    ] = None,
    use_cache: Annotated[bool, typer.Option("--cache/--no-cache", help="Use the embedding cache.")] = True,
    engine: Annotated[Engine, typer.Option(help="local (process workers) or dask.")] = Engine.local,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address, for --engine dask.", show_default=False)
    ] = None,
    encoding: Annotated[str, typer.Option(help="Encoding of the text files the manifest names.")] = "utf-8",
    allow_outside_paths: Annotated[
        bool,
        typer.Option(
            "--allow-outside-paths",
            help="Audit manifest paths that lie outside the manifest's folder (refused by default, as error rows).",
        ),
    ] = False,
    html: Annotated[
        bool,
        typer.Option(
            "--html",
            help="Also write a report page per copy under OUTPUT/html/copies/ and OUTPUT/html/index.html.",
        ),
    ] = False,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress", help="Show a progress bar [default: on a terminal].", show_default=False
        ),
    ] = None,
) -> None:
    """Audit every (original, copy) row of MANIFEST; results stream to OUTPUT/{pairs,flags,summary}/.

    A re-run with the same OUTPUT skips the copies already done. A bad row (a
    missing file, an empty text, a path outside the manifest's folder, a text
    that breaks the audit) is recorded in the summary with its error and does
    not stop the batch, and neither does a worker process that dies.
    """
    import codecs

    from mtqa.batch import EngineOptions, JobResult, prepare, read_manifest
    from mtqa.batch_html import PageWriter
    from mtqa.batch_output import BatchWriter, check_output, read_table
    from mtqa.batch_pool import PoolEvents, run_local
    from mtqa.embed import resolve_model
    from mtqa.onnx_embed import cache_dir

    try:
        if engine is Engine.dask and not scheduler:
            raise MtqaError("--engine dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
        if scheduler and engine is not Engine.dask:
            raise MtqaError("--scheduler is for --engine dask")
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise MtqaError(f"unknown encoding {encoding!r}") from None
        jobs = read_manifest(manifest, allow_outside=allow_outside_paths)
        resolve_model(model, backend.value)
        check_output(output, inputs=[manifest])  # before any work, and without creating anything
        cores = os.cpu_count() or 1
        options = EngineOptions(
            model=model,
            backend=backend.value,
            cache=(cache_file or cache_dir() / "embeddings.sqlite") if use_cache else None,
            html=html,
            encoding=encoding,
        )
        prepare(options)
        with BatchWriter(output) as writer:
            writer.open(inputs=[manifest])
            pages = PageWriter(output) if html else None
            done = writer.done()
            todo = [job for job in jobs if job.id not in done]
            # copies audited by an earlier run without --html get their pages now (from the result cache if warm)
            repaint = (
                pages.missing([job for job in jobs if job.id in done], read_table(output, "summary")) if pages else []
            )
            count = min(workers or cores, max(len(todo) + len(repaint), 1))
            options = dataclasses.replace(options, threads=max(1, cores // count))
            if done:
                typer.echo(f"mtqa: resuming: {len(done)} of {len(jobs)} copies already in {output}", err=True)
            started, errors, events = time.perf_counter(), 0, PoolEvents()
            with progress_bar(progress, "auditing", "pairs") as callback:
                finished = 0

                def record(result: JobResult) -> None:
                    nonlocal finished, errors
                    if pages is not None:
                        pages.add(result)
                    if result.id not in done:
                        writer.add(result)
                        errors += result.summary.get("status") == "error"
                    finished += 1
                    if callback is not None:
                        callback(finished, len(todo) + len(repaint))

                if engine is Engine.dask:
                    from mtqa.batch_dask import run_dask

                    run_dask(todo + repaint, options, scheduler or "", record)
                else:
                    events = run_local(todo + repaint, options, count, record)
                writer.flush()
            seconds = time.perf_counter() - started
            rate = len(todo) / seconds if seconds > 0 and todo else 0.0
            typer.echo(
                f"mtqa: {len(todo)} copies audited in {seconds:.1f} s ({rate:.2f} pairs/s), {errors} with errors"
                f"{events.describe()}; results in {output}",
                err=True,
            )
            if pages is not None:
                index = pages.write_index(read_table(output, "summary"))
                again = f"; pages written for {len(repaint)} copies audited earlier" if repaint else ""
                typer.echo(f"mtqa: index of {len(jobs)} copies in {index}{again}", err=True)
    except MtqaError as error:
        typer.echo(f"mtqa: error: {error}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
