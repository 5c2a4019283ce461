"""``mtqa audit-batch``: audit every copy of a manifest into a resumable Parquet dataset."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mtqa.batch.pool import JOB_TIMEOUT
from mtqa.batch.stopping import Stopped
from mtqa.cli.common import (
    EXIT_GATE,
    Backend,
    BackendOption,
    CopyEncodingOption,
    Engine,
    EngineOption,
    FailOnOption,
    FailUnderOption,
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
from mtqa.errors import MtqaError
from mtqa.plural import noun, plural
from mtqa.report.safe_text import visible

if TYPE_CHECKING:
    from mtqa.batch.run import BatchOutcome


def stopped_state(stop: Stopped, output: Path) -> str:
    """What a stopped audit-batch kept, and the command that resumes it (the same command again)."""
    again = visible(shlex.join(["mtqa", *sys.argv[1:]]))
    if not stop.saved:
        return f"no copy was finished, nothing written; run again with: {again}"
    # the total is known once the manifest is read, which is before any copy is saved
    of = plural(stop.copies, "copy", "copies") if stop.copies is not None else "the copies"
    return f"{stop.saved} of {of} saved in {visible(str(output))}; resume with: {again}"


def done_counts(outcome: BatchOutcome) -> str:
    """What became of the copies a run did: ``2 audited, 1 with errors, 1 with no source found``."""
    audited = outcome.audited - outcome.errors - outcome.no_source
    counts = [f"{audited} audited", f"{outcome.errors} with errors"]
    if outcome.no_source:
        counts.append(f"{outcome.no_source} with no source found")
    return ", ".join(counts)


@bad_input_exits_2
def audit_batch(
    manifest: Annotated[
        Path,
        typer.Argument(
            metavar="MANIFEST",
            help="CSV with columns original, copy and optionally id; with --index the original may be left out, "
            "or MANIFEST be a folder of copies.",
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="OUT", help="Folder for the Parquet results.")
    ] = Path("mtqa-batch"),
    workers: WorkersOption = None,
    backend: BackendOption = Backend.onnx,
    model: ModelOption = None,
    cache_file: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Embedding cache file [default: embeddings.sqlite in the mtqa cache].",
            show_default=False,
        ),
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
            help="Also write a report page per copy under OUT/html/copies/ and OUT/html/index.html.",
        ),
    ] = False,
    job_timeout: Annotated[
        float,
        typer.Option(
            "--job-timeout",
            min=0,
            metavar="SECONDS",
            help="Seconds one copy's audit may run before its worker is stopped and replaced and the copy "
            "recorded as an error row; 0 for no limit (local engine).",
        ),
    ] = JOB_TIMEOUT,
    progress: ProgressOption = None,
    index: Annotated[
        Path | None,
        typer.Option(
            "--index",
            metavar="INDEX",
            help="An index from mtqa index build: rows without an original (or MANIFEST a folder of copies) "
            "are audited against the story the copy renders, found there; no such story gives status no_source.",
            show_default=False,
        ),
    ] = None,
    summary_csv: Annotated[
        Path | None,
        typer.Option(
            "--summary-csv",
            metavar="FILE",
            help="Also write the summary as a CSV for a spreadsheet: one row per copy in manifest order, with its "
            "paths, status, coverage, quality and flags by kind.",
            show_default=False,
        ),
    ] = None,
    fail_under: FailUnderOption = None,
    fail_on: FailOnOption = None,
) -> None:
    """Audit every (original, copy) row of MANIFEST; results stream to OUT/{pairs,flags,summary}/.

    A re-run with the same OUT skips the copies already done, and audits
    again those left as error rows unless --no-retry-errors; Ctrl-C or
    SIGTERM stops the run keeping every copy finished, and says how to resume. A bad row (a
    missing file, an empty text, a path outside the manifest's folder, a text
    that breaks the audit) is recorded in the summary with its error and does
    not stop the batch, and neither does a worker process that dies.
    """
    from mtqa.batch.jobs import EngineOptions
    from mtqa.batch.run import run_batch
    from mtqa.batch.tables import gate_failures, read_summary, summary_sheet
    from mtqa.embed.cache import cache_dir
    from mtqa.outputs import write_text_atomic
    from mtqa.report.gate import parse_gate

    if index is None and manifest.is_dir():
        raise MtqaError(
            f"{manifest}: is a folder of copies; auditing a folder needs --index (an index from mtqa index build) "
            "to find each copy's original, or give a manifest CSV with an original per copy"
        )
    gate = parse_gate(fail_on) if fail_on is not None else None  # a bad EXPR fails before any work
    # and so does a CSV path that would destroy something; the checks against the manifest, the index
    # and every text they name are run_batch's (also_writes), once it has read the manifest
    if summary_csv is not None and summary_csv.resolve().is_relative_to(output.resolve()):
        raise MtqaError(f"{summary_csv}: lies inside the output {output}; give a --summary-csv path outside it")
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
        again = f"; retrying {plural(retried, 'error row')}" if retried else ""
        typer.echo(
            f"mtqa: resuming: {done} of {plural(copies, 'copy', 'copies')} already in {visible(str(output))}{again}",
            err=True,
        )

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
                also_writes=[summary_csv] if summary_csv is not None else [],
            )
    except Stopped as stop:
        typer.echo(f"mtqa: interrupted by {stop.name}: {stopped_state(stop, output)}", err=True)
        raise typer.Exit(stop.exit_code) from None
    typer.echo(
        f"mtqa: {plural(outcome.audited, 'copy', 'copies')} done in {outcome.seconds:.1f} s "
        f"({outcome.rate:.2f} copies/s): {done_counts(outcome)}{visible(outcome.events.describe())}; "
        f"results in {visible(str(output))}",
        err=True,
    )
    gating = gate is not None or fail_under is not None
    # read once, for the copies with no source found, the CSV and the gate alike
    summary = read_summary(output) if index is not None or summary_csv is not None or gating else None
    if index is not None and summary is not None:
        missing = sorted(visible(i) for i in summary.id[summary.status == "no_source"].astype(str))
        if missing:
            shown = ", ".join(missing[:20]) + (f", and {len(missing) - 20} more" if len(missing) > 20 else "")
            typer.echo(
                f"mtqa: no source found in the index for {plural(len(missing), 'copy', 'copies')}: {shown}", err=True
            )
    if outcome.index is not None:
        again = (
            f"; pages written for {plural(outcome.repainted, 'copy', 'copies')} audited earlier"
            if outcome.repainted
            else ""
        )
        typer.echo(
            f"mtqa: index of {plural(outcome.copies, 'copy', 'copies')} in {visible(str(outcome.index))}{again}",
            err=True,
        )
    if summary is None:
        return
    if summary_csv is not None:
        write_text_atomic(summary_csv, summary_sheet(summary).to_csv(index=False))
        shown = visible(str(summary_csv))
        typer.echo(f"mtqa: summary of {plural(len(summary), 'copy', 'copies')} in {shown}", err=True)
    failed = gate_failures(summary, gate, fail_under)
    if failed:
        # error rows are in the gate (failing it); copies with no source found are an answer, outside it
        gated = int((summary.status != "no_source").sum())
        outside = len(summary) - gated
        aside = f" ({plural(outside, 'copy', 'copies')} with no source found, outside the gate)" if outside else ""
        shown = "; ".join(f"{copy_id}: {reasons[0]}" for copy_id, reasons in failed[:3])
        more = f"; and {len(failed) - 3} more" if len(failed) > 3 else ""
        verb = noun(len(failed), "fails", "fail")
        typer.echo(
            f"mtqa: {len(failed)} of {plural(gated, 'copy', 'copies')} {verb} the gate{aside}: {visible(shown)}{more}",
            err=True,
        )
        raise typer.Exit(EXIT_GATE)
