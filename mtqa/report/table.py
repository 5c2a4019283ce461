"""Render a report for a terminal: the summary, then the flags, then the units, fitted to a width.

Text from the inputs is shown as written: its control characters made
visible (``visible``) and no rich markup obeyed (every line is a ``Text``
built from plain strings).
"""

from __future__ import annotations

from io import StringIO
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from mtqa.report.terminal_options import (
    DEFAULT_MIN_SEVERITY,
    DEFAULT_SHOW,
    DEFAULT_WIDTH,
    FLAGS,
    SEVERITIES,
    SUMMARY,
    TEXTS,
    UNITS,
    check_severity,
    check_width,
    parse_show,
)
from mtqa.report.terminal_text import SEVERITY_STYLE, cut, heading, number, one_line, pack, wrap
from mtqa.report.terminal_units import unit_lines
from mtqa.types import SEVERITY_RANK

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mtqa.report.report import Report

# Evidence and a suggestion that does not fit beside its span sit under the flag, this far in.
FLAG_INDENT = 4
SUMMARY_INDENT = 2


def render_table(
    report: Report,
    color: bool = False,
    width: int = DEFAULT_WIDTH,
    show: str | Sequence[str] = DEFAULT_SHOW,
    min_severity: str = DEFAULT_MIN_SEVERITY,
) -> str:
    """Return the report as terminal text, no line wider than ``width``.

    Parts, in this order, those named in ``show``:

    - ``summary``: the verdict and the figures, and how many flags ``min_severity`` left out;
    - ``flags``: each flag as a line of copy sentence, severity, kind, the span quoted
      and ``→`` its suggestion, then its evidence wrapped below; by position in the
      copy, major first at the same place;
    - ``units``: one line per unit (original ids → copy ids, label, quality, the copy
      text cut to the width), or ``texts``: each unit in full, the copy wrapped and the
      original below it.

    Flagged spans are coloured by severity with ``color``, else put between ``[[`` and ``]]``.

    Args:
        report: The audit report.
        color: Emit ANSI colours.
        width: Width in terminal cells, at least ``MIN_WIDTH``.
        show: The parts, as a list or a comma-separated string.
        min_severity: ``minor`` (all flags) or ``major``: flags below it are not listed or marked.

    Returns:
        The rendered text.

    Raises:
        MtqaError: If a part, the severity or the width is not allowed.
    """
    lines = table_lines(report, color, width, show, min_severity)
    # Rendered into a buffer: a console on stdout (or one with record=True,
    # which still prints) would write the report as a side effect.
    buffer = StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        markup=False,
        emoji=False,
    )
    for line in lines:
        # the lines are laid out to fit; crop is a last guard, which tests check is never used
        console.print(line, no_wrap=True, overflow="crop", soft_wrap=False)
    return buffer.getvalue()


def table_lines(
    report: Report,
    color: bool = False,
    width: int = DEFAULT_WIDTH,
    show: str | Sequence[str] = DEFAULT_SHOW,
    min_severity: str = DEFAULT_MIN_SEVERITY,
) -> list[Text]:
    """The lines ``render_table`` prints, as laid out for ``width`` and before any cropping.

    Args:
        report: The audit report.
        color: Style flagged spans by severity, else put them between ``[[`` and ``]]``.
        width: Width in terminal cells, at least ``MIN_WIDTH``.
        show: The parts, as a list or a comma-separated string.
        min_severity: ``minor`` (all flags) or ``major``.

    Returns:
        One ``rich.text.Text`` per line.

    Raises:
        MtqaError: If a part, the severity or the width is not allowed.
    """
    parts = parse_show(show)
    check_severity(min_severity)
    check_width(width)
    data = report.to_dict()
    floor = SEVERITIES.index(min_severity)
    shown = [f for f in data["flags"] if SEVERITIES.index(f["severity"]) >= floor]
    lines: list[Text] = []
    if SUMMARY in parts:
        lines += _summary(report, len(data["flags"]) - len(shown), min_severity, width)
    if FLAGS in parts:
        lines += _flags(shown, width, color)
    if TEXTS in parts or UNITS in parts:
        lines += unit_lines(data, shown, width, color, full=TEXTS in parts)
    return lines


def _summary(report: Report, hidden: int, min_severity: str, width: int) -> list[Text]:
    summary, signature = report.summary, report.signature
    verdict = wrap(Text(summary.verdict), width, SUMMARY_INDENT)
    figures = [
        f"coverage {summary.coverage:.2f}",
        f"copy coverage {summary.copy_coverage:.2f}",
        f"mean quality {number(summary.mean_quality, '{:.2f}')}",
        f"mean cosine {number(summary.mean_cosine, '{:.3f}')}",
        f"corpus BLEU {number(summary.corpus_bleu, '{:.1f}')}",
        f"corpus chrF {number(summary.corpus_chrf, '{:.1f}')}",
        f"sentences {summary.reference_sentences} original, {summary.copy_sentences} copy",
        f"units {summary.units} ({summary.aligned_units} aligned)",
    ]
    labels = [f"{label} {count}" for label, count in summary.labels.items() if count] or ["none"]
    labels[0] = f"labels: {labels[0]}"
    severities = ", ".join(f"{count} {severity}" for severity, count in summary.flags_by_severity.items())
    flags = [f"flags {summary.flags}" + (f" ({severities})" if summary.flags else "")]
    flags += [f"{kind} {count}" for kind, count in summary.flags_by_kind.items()]
    if hidden:
        below = " or ".join(SEVERITIES[: SEVERITIES.index(min_severity)])
        flags.append(f"{hidden} {below} not listed (min severity {min_severity})")
    model = f"model {one_line(signature.model)} ({one_line(signature.backend)}), mtqa {one_line(signature.mtqa)}"
    return [
        *heading("Summary", "", width),
        *verdict,
        *pack([Text(item) for item in figures], width, SUMMARY_INDENT),
        *pack([Text(item) for item in labels], width, SUMMARY_INDENT, separator=", "),
        *pack([Text(item) for item in flags], width, SUMMARY_INDENT, separator=", "),
        *wrap(Text(model, style="dim"), width, SUMMARY_INDENT),
    ]


def _flags(flags: list[dict[str, Any]], width: int, color: bool) -> list[Text]:
    """Each flag: a head line (sentence, severity, kind, span, suggestion), its evidence wrapped below."""
    ordered = sorted(
        flags,
        key=lambda f: (f["start"] if f["start"] is not None else -1, -SEVERITY_RANK[f["severity"]], f["kind"]),
    )
    note = "by position in the copy, major first at one place; c = copy sentence, → = suggestion"
    lines = heading(f"Flags ({len(flags)})", note, width)
    if not flags:
        return [*lines, Text("  none", style="dim")]
    id_width = max(len(_sentence(f)) for f in flags)
    kind_width = max(len(f["kind"]) for f in flags)
    for flag in ordered:
        head = Text(f"{_sentence(flag):<{id_width}} ")
        head.append(f"{flag['severity']:<5}", style=SEVERITY_STYLE[flag["severity"]] if color else "")
        head.append(f" {flag['kind']:<{kind_width}} ", style="bold")
        span = Text(f"“{one_line(flag['text'])}”") if flag["text"] else Text("(nothing here in the copy)", style="dim")
        suggestion = Text(f"→ {one_line(flag['suggestion'])}", style="green") if flag["suggestion"] else None
        if suggestion is not None and head.cell_len + span.cell_len + 1 + suggestion.cell_len <= width:
            lines.append(head + span + Text(" ") + suggestion)
        else:
            lines.append(head + cut(span, width - head.cell_len, marks=False))
            if suggestion is not None:
                lines += wrap(suggestion, width, FLAG_INDENT)
        lines += wrap(Text(one_line(flag["message"])), width, FLAG_INDENT)
    return lines


def _sentence(flag: dict[str, Any]) -> str:
    return "c–" if flag["copy_id"] is None else f"c{flag['copy_id']}"
