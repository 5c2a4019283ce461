"""``mtqa audit``'s options for the table format (--show, --min-severity, --width, --color), and how they resolve."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mtqa.cli.common import choices
from mtqa.errors import UsageError
from mtqa.report.terminal_options import (
    DEFAULT_MIN_SEVERITY,
    DEFAULT_SHOW,
    DEFAULT_WIDTH,
    MIN_WIDTH,
    ColorChoice,
    Severity,
    color_wanted,
    parse_show,
)

if TYPE_CHECKING:
    from mtqa.report.report import Report

ShowOption = Annotated[
    str | None,
    typer.Option(
        "--show",
        metavar="PARTS",
        help=(
            "Table only: the parts to print, comma-separated: summary (verdict and figures), flags (each with "
            "its evidence, by position in the copy, major first at one place), units (one line each) or texts "
            f"(each unit in full, its original below) [default: {','.join(DEFAULT_SHOW)}]."
        ),
        show_default=False,
    ),
]
MinSeverityOption = Annotated[
    Severity | None,
    typer.Option(
        "--min-severity",
        metavar=choices(Severity),
        case_sensitive=False,
        help=(
            "Table only: list and mark only flags of this severity or above; the summary still counts all "
            f"[default: {DEFAULT_MIN_SEVERITY}]."
        ),
        show_default=False,
    ),
]
WidthOption = Annotated[
    int | None,
    typer.Option(
        "--width",
        metavar="N",
        min=MIN_WIDTH,
        help=(f"Table only: width in columns [default: the terminal's width; {DEFAULT_WIDTH} when not on a terminal]."),
        show_default=False,
    ),
]
ColorOption = Annotated[
    ColorChoice | None,
    typer.Option(
        "--color",
        metavar=choices(ColorChoice),
        case_sensitive=False,
        help=(
            "Table only: colour flagged spans by severity (else they are marked [[...]]): auto colours on a terminal "
            "unless NO_COLOR is set; always wins over NO_COLOR [default: auto]."
        ),
        show_default=False,
    ),
]


def check_table_options(
    table: bool, show: str | None, min_severity: Severity | None, width: int | None, color: ColorChoice | None
) -> tuple[str, ...]:
    """The parts ``--show`` names, checked before any work.

    Args:
        table: Whether the output format is the table.
        show: ``--show`` as given, or None.
        min_severity: ``--min-severity`` as given, or None.
        width: ``--width`` as given, or None.
        color: ``--color`` as given, or None.

    Returns:
        The parts to print.

    Raises:
        UsageError: If a table option is given with another format, or ``--show`` names an unknown part.
    """
    given = {"--show": show, "--min-severity": min_severity, "--width": width, "--color": color}
    for option, value in given.items():
        if value is not None and not table:
            raise UsageError(f"{option} applies to --format table only")
    return DEFAULT_SHOW if show is None else parse_show(show)


def render_for_terminal(
    report: Report,
    parts: tuple[str, ...],
    min_severity: Severity | None,
    width: int | None,
    color: ColorChoice | None,
    output: Path | None,
) -> str:
    """The report as a table for stdout, or for ``output`` when given.

    On a terminal the width is the terminal's and colour is on (unless
    ``NO_COLOR`` is set); written to a file or piped, it is ``DEFAULT_WIDTH``
    wide and plain, unless ``width`` or ``color`` say otherwise.
    """
    on_terminal = output is None and sys.stdout.isatty()
    if width is None:
        width = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns if on_terminal else DEFAULT_WIDTH
    return report.to_table(
        color=color_wanted(color or ColorChoice.auto, on_terminal),
        width=max(width, MIN_WIDTH),
        show=parts,
        min_severity=min_severity or DEFAULT_MIN_SEVERITY,
    )
