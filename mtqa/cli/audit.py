"""``mtqa audit``: one copy against its original, rendered as a table, JSON, CSV or an HTML page."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from mtqa.cli.common import (
    EXIT_GATE,
    Backend,
    BackendOption,
    CopyEncodingOption,
    FailOnOption,
    FailUnderOption,
    InputFormat,
    InputFormatOption,
    ModelOption,
    OriginalEncodingOption,
    SidesEncodingOption,
    bad_input_exits_2,
    choices,
    emit,
    side_encodings,
    stdout_if_dash,
)
from mtqa.cli.table_options import (
    ColorOption,
    MinSeverityOption,
    ShowOption,
    WidthOption,
    check_table_options,
    render_for_terminal,
)
from mtqa.errors import MtqaError
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
    original: Annotated[
        Path,
        typer.Argument(
            metavar="ORIGINAL",
            help="The original: a text or a saved web page; - for standard input.",
            show_default=False,
        ),
    ],
    copy: Annotated[
        Path,
        typer.Argument(
            metavar="COPY",
            help="The copy to audit: a text or a saved web page; - for standard input.",
            show_default=False,
        ),
    ],
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            metavar=choices(OutputFormat),
            help="table, json, csv (the pairs table; all tables with --output DIR), or html (one self-contained page).",
        ),
    ] = OutputFormat.table,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            help="Write here instead of stdout (- is stdout); a directory for csv.",
            show_default=False,
        ),
    ] = None,
    model: ModelOption = None,
    encoding: SidesEncodingOption = None,
    original_encoding: OriginalEncodingOption = None,
    copy_encoding: CopyEncodingOption = None,
    input_format: InputFormatOption = InputFormat.auto,
    backend: BackendOption = Backend.onnx,
    fail_under: FailUnderOption = None,
    fail_on: FailOnOption = None,
    show: ShowOption = None,
    min_severity: MinSeverityOption = None,
    width: WidthOption = None,
    color: ColorOption = None,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress",
            help="Show the audit's stages on stderr: in place on a terminal, else a line each "
            f"[default: on a terminal, for texts over {STAGES_FROM:,} characters].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Audit COPY against ORIGINAL, sentence by sentence."""
    from mtqa.embed.base import resolve_model
    from mtqa.inputs import input_name, is_stdin, read_story
    from mtqa.report.gate import parse_gate, summary_counts
    from mtqa.report.report import CSV_FILES, CSV_KIND

    output = stdout_if_dash(output)
    gate = parse_gate(fail_on) if fail_on is not None else None  # a bad EXPR fails before any work
    parts = check_table_options(output_format is OutputFormat.table, show, min_severity, width, color)
    if is_stdin(original) and is_stdin(copy):
        raise MtqaError("ORIGINAL and COPY cannot both be - (standard input holds one text); give one as a file")
    original_codec, copy_codec = side_encodings(encoding, original_encoding, copy_encoding)
    reference, copied = (
        read_story(original, original_codec, input_format.value, option="--original-encoding"),
        read_story(copy, copy_codec, input_format.value, option="--copy-encoding"),
    )
    resolve_model(model)  # a bad model path fails before any work
    if output is not None:  # and so does an output that would destroy something
        files = [path for path in (original, copy) if not is_stdin(path)]
        if output_format is OutputFormat.csv:
            check_folder_target(output, CSV_KIND, inputs=files, owned=CSV_FILES)
        else:
            check_file_target(output, inputs=files)
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
            names = [input_name(path) if is_stdin(path) else path.name for path in (copy, original)]
            rendered = report.to_html(title=f"mtqa audit: {names[0]} against {names[1]}")
        elif output_format is OutputFormat.csv:
            rendered = report.pairs.assign(
                reference_ids=report.pairs.reference_ids.map(str), copy_ids=report.pairs.copy_ids.map(str)
            ).to_csv(index=False)
        else:
            rendered = render_for_terminal(report, parts, min_severity, width, color, output)
        emit(rendered, output)
    failures = [] if gate is None else gate.failures(summary_counts(report.summary))
    if fail_under is not None and report.summary.coverage < fail_under:
        failures.insert(0, f"coverage {report.summary.coverage:.2f} is below --fail-under {fail_under:.2f}")
    for failure in failures:
        typer.echo(f"mtqa: {failure}", err=True)
    if failures:
        raise typer.Exit(EXIT_GATE)
