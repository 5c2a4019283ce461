"""``mtqa audit-batch``: audit every copy of a manifest into a resumable Parquet dataset."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from mtqa.batch.pool import JOB_TIMEOUT
from mtqa.batch.stopping import Stopped
from mtqa.cli.common import (
    Backend,
    BackendOption,
    EncodingOption,
    Engine,
    EngineOption,
    InputFormat,
    InputFormatOption,
    ModelOption,
    ProgressOption,
    SchedulerOption,
    WorkersOption,
    bad_input_exits_2,
)
from mtqa.cli.progress import progress_bar


def stopped_state(stop: Stopped, output: Path) -> str:
    """What a stopped audit-batch kept, and the command that resumes it (the same command again)."""
    again = shlex.join(["mtqa", *sys.argv[1:]])
    if not stop.saved:
        return f"no copy was finished, nothing written; run again with: {again}"
    return f"{stop.saved} of {stop.copies} copies saved in {output}; resume with: {again}"


@bad_input_exits_2
def audit_batch(
    manifest: Annotated[
        Path,
        typer.Argument(
            help="CSV with columns original, copy and optionally id; with --index the original may be left out, "
            "or MANIFEST be a folder of copies."
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the Parquet results.")] = Path(
        "mtqa-batch"
    ),
    workers: WorkersOption = None,
    backend: BackendOption = Backend.onnx,
    model: ModelOption = None,
    cache_file: Annotated[
        Path | None,
        typer.Option(help="Embedding cache file [default: embeddings.sqlite in the mtqa cache].", show_default=False),
    ] = None,
    use_cache: Annotated[bool, typer.Option("--cache/--no-cache", help="Use the embedding cache.")] = True,
    engine: EngineOption = Engine.local,
    scheduler: SchedulerOption = None,
    encoding: EncodingOption = "utf-8",
    input_format: InputFormatOption = InputFormat.auto,
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
    job_timeout: Annotated[
        float,
        typer.Option(
            "--job-timeout",
            min=0,
            help="Seconds one copy's audit may run before its worker is stopped and replaced and the copy "
            "recorded as an error row; 0 for no limit (local engine).",
        ),
    ] = JOB_TIMEOUT,
    progress: ProgressOption = None,
    index: Annotated[
        Path | None,
        typer.Option(
            "--index",
            help="An index from mtqa index build: rows without an original (or MANIFEST a folder of copies) "
            "are audited against the story the copy renders, found there; no such story gives status no_source.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Audit every (original, copy) row of MANIFEST; results stream to OUTPUT/{pairs,flags,summary}/.

    A re-run with the same OUTPUT skips the copies already done; Ctrl-C or
    SIGTERM stops the run keeping every copy finished, and says how to resume. A bad row (a
    missing file, an empty text, a path outside the manifest's folder, a text
    that breaks the audit) is recorded in the summary with its error and does
    not stop the batch, and neither does a worker process that dies.
    """
    from mtqa.batch.jobs import EngineOptions
    from mtqa.batch.run import run_batch
    from mtqa.embed.cache import cache_dir

    options = EngineOptions(
        model=model,
        backend=backend.value,
        cache=(cache_file or cache_dir() / "embeddings.sqlite") if use_cache else None,
        html=html,
        encoding=encoding,
        input_format=input_format.value,
        index=index.resolve() if index is not None else None,
    )

    def resuming(done: int, copies: int) -> None:
        typer.echo(f"mtqa: resuming: {done} of {copies} copies already in {output}", err=True)

    try:
        with progress_bar(progress, "auditing", "pairs") as callback:
            outcome = run_batch(
                manifest,
                output,
                options,
                workers=workers,
                engine=engine.value,
                scheduler=scheduler,
                allow_outside=allow_outside_paths,
                job_timeout=job_timeout,
                progress=callback,
                on_resume=resuming,
            )
    except Stopped as stop:
        typer.echo(f"mtqa: interrupted by {stop.name}: {stopped_state(stop, output)}", err=True)
        raise typer.Exit(stop.exit_code) from None
    typer.echo(
        f"mtqa: {outcome.audited} copies audited in {outcome.seconds:.1f} s ({outcome.rate:.2f} pairs/s), "
        f"{outcome.errors} with errors{outcome.events.describe()}; results in {output}",
        err=True,
    )
    if index is not None:
        from mtqa.batch.parquet import read_table

        summary = read_table(output, "summary")
        missing = sorted(summary.id[summary.status == "no_source"].astype(str))
        if missing:
            shown = ", ".join(missing[:20]) + (f", and {len(missing) - 20} more" if len(missing) > 20 else "")
            typer.echo(f"mtqa: no source found in the index for {len(missing)} copies: {shown}", err=True)
    if outcome.index is not None:
        again = f"; pages written for {outcome.repainted} copies audited earlier" if outcome.repainted else ""
        typer.echo(f"mtqa: index of {outcome.copies} copies in {outcome.index}{again}", err=True)
