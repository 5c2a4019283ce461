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
    CopyEncodingOption,
    Engine,
    EngineOption,
    InputFormat,
    InputFormatOption,
    ModelOption,
    OriginalEncodingOption,
    ProgressOption,
    SchedulerOption,
    SidesEncodingOption,
    WorkersOption,
    bad_input_exits_2,
    side_encodings,
)
from mtqa.cli.progress import progress_bar
from mtqa.report.safe_text import visible


def stopped_state(stop: Stopped, output: Path) -> str:
    """What a stopped audit-batch kept, and the command that resumes it (the same command again)."""
    again = visible(shlex.join(["mtqa", *sys.argv[1:]]))
    if not stop.saved:
        return f"no copy was finished, nothing written; run again with: {again}"
    return f"{stop.saved} of {stop.copies} copies saved in {visible(str(output))}; resume with: {again}"


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
    encoding: SidesEncodingOption = None,
    original_encoding: OriginalEncodingOption = None,
    copy_encoding: CopyEncodingOption = None,
    input_format: InputFormatOption = InputFormat.auto,
    allow_outside_paths: Annotated[
        bool,
        typer.Option(
            "--allow-outside-paths",
            help="Audit manifest paths that lie outside the manifest's folder (refused by default, as error rows).",
        ),
    ] = False,
    retry_errors: Annotated[
        bool,
        typer.Option(
            "--retry-errors/--no-retry-errors",
            help="On a resume, audit again the copies an earlier run left as error rows "
            "(a file since created, an option since given).",
        ),
    ] = True,
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

    A re-run with the same OUTPUT skips the copies already done, and audits
    again those left as error rows unless --no-retry-errors; Ctrl-C or
    SIGTERM stops the run keeping every copy finished, and says how to resume. A bad row (a
    missing file, an empty text, a path outside the manifest's folder, a text
    that breaks the audit) is recorded in the summary with its error and does
    not stop the batch, and neither does a worker process that dies.
    """
    from mtqa.batch.jobs import EngineOptions
    from mtqa.batch.run import run_batch
    from mtqa.embed.cache import cache_dir

    originals_encoding, copies_encoding = side_encodings(encoding, original_encoding, copy_encoding)
    options = EngineOptions(
        model=model,
        backend=backend.value,
        cache=(cache_file or cache_dir() / "embeddings.sqlite") if use_cache else None,
        html=html,
        original_encoding=originals_encoding,
        copy_encoding=copies_encoding,
        input_format=input_format.value,
        index=index.resolve() if index is not None else None,
    )

    def resuming(done: int, copies: int, retried: int) -> None:
        again = f"; retrying {retried} error row{'s' if retried != 1 else ''}" if retried else ""
        typer.echo(f"mtqa: resuming: {done} of {copies} copies already in {visible(str(output))}{again}", err=True)

    try:
        with progress_bar(progress, "auditing", "copies") as bar:
            outcome = run_batch(
                manifest,
                output,
                options,
                workers=workers,
                engine=engine.value,
                scheduler=scheduler,
                allow_outside=allow_outside_paths,
                retry_errors=retry_errors,
                job_timeout=job_timeout,
                progress=bar,
                on_resume=resuming,
                phase=bar.phase if bar is not None else None,
            )
    except Stopped as stop:
        typer.echo(f"mtqa: interrupted by {stop.name}: {stopped_state(stop, output)}", err=True)
        raise typer.Exit(stop.exit_code) from None
    typer.echo(
        f"mtqa: {outcome.audited} copies audited in {outcome.seconds:.1f} s ({outcome.rate:.2f} pairs/s), "
        f"{outcome.errors} with errors{visible(outcome.events.describe())}; results in {visible(str(output))}",
        err=True,
    )
    if index is not None:
        from mtqa.batch.parquet import read_table

        summary = read_table(output, "summary")
        missing = sorted(visible(i) for i in summary.id[summary.status == "no_source"].astype(str))
        if missing:
            shown = ", ".join(missing[:20]) + (f", and {len(missing) - 20} more" if len(missing) > 20 else "")
            typer.echo(f"mtqa: no source found in the index for {len(missing)} copies: {shown}", err=True)
    if outcome.index is not None:
        again = f"; pages written for {outcome.repainted} copies audited earlier" if outcome.repainted else ""
        typer.echo(f"mtqa: index of {outcome.copies} copies in {visible(str(outcome.index))}{again}", err=True)
