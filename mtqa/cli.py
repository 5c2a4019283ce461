"""The ``mtqa`` command line: parse options, call the library, render the result.

Exit codes: 0 ok, 1 a ``--fail-under`` gate failed, 2 bad input or options.
"""

from __future__ import annotations

import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from mtqa import __version__
from mtqa.errors import MtqaError
from mtqa.outputs import check_file_target, check_folder_target, write_text_atomic

EXIT_GATE = 1
EXIT_BAD_INPUT = 2

app = typer.Typer(
    name="mtqa",
    help="Audit a machine-translated or spun copy of a news story against its original.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class OutputFormat(StrEnum):
    """How ``mtqa audit`` renders the report."""

    table = "table"
    json = "json"
    csv = "csv"
    html = "html"


class Backend(StrEnum):
    """Which runtime embeds: an int8 ONNX export (fast, no torch) or torch fp32."""

    onnx = "onnx"
    torch = "torch"


BackendOption = Annotated[
    Backend,
    typer.Option(
        help="onnx (int8, no torch; built on first use) or torch (fp32). Same units and flags on the fixtures."
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mtqa {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Audit a machine-translated or spun copy of a news story against its original."""


@app.command()
def audit(
    original: Annotated[Path, typer.Argument(help="The original text (UTF-8).", show_default=False)],
    copy: Annotated[Path, typer.Argument(help="The copy to audit (UTF-8).", show_default=False)],
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
    model: Annotated[
        str | None,
        typer.Option(
            help="A local sentence-transformers model folder [default: packaged all-MiniLM-L6-v2].", show_default=False
        ),
    ] = None,
    encoding: Annotated[str, typer.Option(help="Encoding of both input files.")] = "utf-8",
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
) -> None:
    """Audit COPY against ORIGINAL, sentence by sentence."""
    from mtqa.embed import resolve_model
    from mtqa.inputs import read_text
    from mtqa.report import CSV_FILES, CSV_KIND

    try:
        reference_text = read_text(original, encoding)
        copy_text = read_text(copy, encoding)
        resolve_model(model)  # a bad model path fails before any work
        if output is not None:  # and so does an output that would destroy something
            if output_format is OutputFormat.csv:
                check_folder_target(output, CSV_KIND, inputs=(original, copy), owned=CSV_FILES)
            else:
                check_file_target(output, inputs=(original, copy))
        from mtqa.pipeline import audit as run_audit

        report = run_audit(reference_text, copy_text, model=model, backend=backend.value)
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
    except MtqaError as error:
        typer.echo(f"mtqa: error: {error}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if fail_under is not None and report.summary["coverage"] < fail_under:
        typer.echo(f"mtqa: coverage {report.summary['coverage']:.2f} is below --fail-under {fail_under:.2f}", err=True)
        raise typer.Exit(EXIT_GATE)


def emit(text: str, output: Path | None) -> None:
    """Print ``text``, or write it to ``output`` through a temporary file so no half file is left."""
    if output is None:
        sys.stdout.write(text)
        return
    check_file_target(output)
    write_text_atomic(output, text)


def run() -> None:
    """Console-script entry point: one-line usage errors with exit code 2, never a traceback."""
    from typer._click.exceptions import NoArgsIsHelpError

    try:
        code = app(standalone_mode=False)
    except NoArgsIsHelpError as help_error:
        typer.echo(help_error.format_message(), err=True)
        sys.exit(EXIT_BAD_INPUT)
    except typer.Abort:
        typer.echo("mtqa: aborted", err=True)
        sys.exit(130)
    except typer.TyperException as error:
        message = " ".join(str(getattr(error, "format_message", error.__str__)()).split())
        typer.echo(f"mtqa: error: {message} (see mtqa --help)", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except OSError as error:
        typer.echo(f"mtqa: error: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    sys.exit(code if isinstance(code, int) else 0)


# The corpus commands register themselves on ``app``.
import mtqa.cli_batch  # noqa: E402
import mtqa.cli_corpus  # noqa: E402, F401
