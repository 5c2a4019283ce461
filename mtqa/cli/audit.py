"""``mtqa audit``: one copy against its original, rendered as a table, JSON, CSV or an HTML page."""

from __future__ import annotations

import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from mtqa.cli.common import (
    EXIT_GATE,
    Backend,
    BackendOption,
    CopyEncodingOption,
    InputFormat,
    InputFormatOption,
    ModelOption,
    OriginalEncodingOption,
    SidesEncodingOption,
    bad_input_exits_2,
    emit,
    side_encodings,
)
from mtqa.outputs import check_file_target, check_folder_target

# Characters of original and copy together past which an audit shows its stages on a terminal by default.
STAGES_FROM = 20_000


class OutputFormat(StrEnum):
    """How ``mtqa audit`` renders the report."""

    table = "table"
    json = "json"
    csv = "csv"
    html = "html"


@bad_input_exits_2
def audit(
    original: Annotated[Path, typer.Argument(help="The original: a text or a saved web page.", show_default=False)],
    copy: Annotated[Path, typer.Argument(help="The copy to audit: a text or a saved web page.", show_default=False)],
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="table, json, csv (the pairs table; all tables with --output DIR), or html (one self-contained page).",
        ),
    ] = OutputFormat.table,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here instead of stdout; a directory for csv.", show_default=False),
    ] = None,
    model: ModelOption = None,
    encoding: SidesEncodingOption = None,
    original_encoding: OriginalEncodingOption = None,
    copy_encoding: CopyEncodingOption = None,
    input_format: InputFormatOption = InputFormat.auto,
    backend: BackendOption = Backend.onnx,
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under",
            min=0.0,
            max=1.0,
            help="Exit with 1 when coverage (share of original sentences rendered) is below this.",
            show_default=False,
        ),
    ] = None,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress",
            help="Show the audit's stages on stderr: in place on a terminal, else a line each "
            f"[default: on a terminal, for texts over {STAGES_FROM // 1000} kB].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Audit COPY against ORIGINAL, sentence by sentence."""
    from mtqa.embed.base import resolve_model
    from mtqa.inputs import read_story
    from mtqa.report.report import CSV_FILES, CSV_KIND

    original_codec, copy_codec = side_encodings(encoding, original_encoding, copy_encoding)
    reference, copied = (
        read_story(original, original_codec, input_format.value, option="--original-encoding"),
        read_story(copy, copy_codec, input_format.value, option="--copy-encoding"),
    )
    resolve_model(model)  # a bad model path fails before any work
    if output is not None:  # and so does an output that would destroy something
        if output_format is OutputFormat.csv:
            check_folder_target(output, CSV_KIND, inputs=(original, copy), owned=CSV_FILES)
        else:
            check_file_target(output, inputs=(original, copy))
    from mtqa.cli.progress import progress_bar
    from mtqa.pipeline import audit as run_audit

    long = len(reference.text) + len(copied.text) > STAGES_FROM
    with progress_bar(progress if progress is not None or long else False, "auditing", "", counted=False) as bar:
        stage = bar.phase if bar is not None else None
        report = run_audit(reference.text, copied.text, model=model, backend=backend.value, stage=stage)
    report = report.with_inputs({"original": reference.source, "copy": copied.source})
    if output_format is OutputFormat.csv and output is not None:
        report.to_csv(output)
    else:
        if output_format is OutputFormat.json:
            rendered = report.to_json() + "\n"
        elif output_format is OutputFormat.html:
            rendered = report.to_html(title=f"mtqa audit: {copy.name} against {original.name}")
        elif output_format is OutputFormat.csv:
            rendered = report.pairs.assign(
                reference_ids=report.pairs.reference_ids.map(str), copy_ids=report.pairs.copy_ids.map(str)
            ).to_csv(index=False)
        else:
            on_terminal = output is None and sys.stdout.isatty()
            width = shutil.get_terminal_size((120, 24)).columns if on_terminal else 120
            rendered = report.to_table(color=on_terminal, width=max(width, 80))
        emit(rendered, output)
    if fail_under is not None and report.summary.coverage < fail_under:
        typer.echo(f"mtqa: coverage {report.summary.coverage:.2f} is below --fail-under {fail_under:.2f}", err=True)
        raise typer.Exit(EXIT_GATE)
