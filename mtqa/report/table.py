"""Render a report for a terminal: per unit the scores and label, flagged spans highlighted."""

from __future__ import annotations

from io import StringIO
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from mtqa.report.safe_text import visible

if TYPE_CHECKING:
    from mtqa.report.report import Report

SEVERITY_STYLE = {"major": "bold red underline", "minor": "yellow underline"}
LABEL_STYLE = {
    "faithful": "green",
    "paraphrase": "cyan",
    "garbled": "bold red",
    "omitted": "magenta",
    "added": "blue",
}


def render_table(report: Report, color: bool = False, width: int = 120) -> str:
    """Return the report as terminal text.

    Each unit is a row: original ids, copy ids, label, cosine, BLEU, chrF, quality,
    then the copy text with flagged spans marked (``[[...]]`` when colour is
    off, coloured by severity when on) above the original text. The flag list
    and the summary follow. Text from the inputs is shown as written: its
    control characters made visible (``visible``) and no rich markup obeyed.

    Args:
        report: The audit report.
        color: Emit ANSI colours.
        width: Width in characters.

    Returns:
        The rendered text.
    """
    data = report.to_dict()
    # Rendered into a buffer: a console on stdout (or one with record=True,
    # which still prints) would write the table as a side effect, so the CLI
    # showed it twice and wrote to stdout even with --output.
    buffer = StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
    )
    copy_sentences = {s["id"]: s for s in data["sentences"] if s["side"] == "copy"}
    table = Table(title="Alignment units (original ↔ copy)", show_lines=True, expand=True)
    table.add_column("orig", justify="right", no_wrap=True)
    table.add_column("copy", justify="right", no_wrap=True)
    table.add_column("label", no_wrap=True)
    for column in ("cos", "BLEU", "chrF", "qual"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("copy text / original text", ratio=1)
    for unit in data["pairs"]:
        body = Text(" ").join(
            _highlighted(copy_sentences[j], [f for f in data["flags"] if f["copy_id"] == j], color)
            for j in unit["copy_ids"]
        )
        if unit["reference_text"]:
            if len(body):
                body.append("\n")
            body.append("orig: " + visible(unit["reference_text"], keep_newlines=True), style="dim")
        table.add_row(
            _ids(unit["reference_ids"]),
            _ids(unit["copy_ids"]),
            Text(unit["label"], style=LABEL_STYLE.get(unit["label"], "")),
            _number(unit["cosine"], "{:.2f}"),
            _number(unit["bleu"], "{:.1f}"),
            _number(unit["chrf"], "{:.1f}"),
            _number(unit["quality"], "{:.2f}"),
            body,
        )
    console.print(table)
    if data["flags"]:
        flags = Table(title="Flags", expand=True)
        for column in ("kind", "severity", "copy", "span", "suggestion"):
            flags.add_column(column)
        flags.add_column("evidence", ratio=3)
        for flag in data["flags"]:
            flags.add_row(
                Text(flag["kind"]),
                Text(flag["severity"], style=SEVERITY_STYLE[flag["severity"]]),
                Text(str(flag["copy_id"])),
                Text(f"{visible(flag['text'])} [{flag['start']}:{flag['end']}]"),
                Text(visible(flag["suggestion"] or "")),
                Text(visible(flag["message"])),
            )
        console.print(flags)
    console.print(_summary(report))
    return buffer.getvalue()


def _highlighted(sentence: dict[str, Any], flags: list[dict[str, Any]], color: bool) -> Text:
    """One copy sentence with its flagged spans marked."""
    start, text = sentence["start"], sentence["text"]
    out = Text()
    cursor = 0
    for flag in sorted(flags, key=lambda f: (f["start"], f["end"])):
        begin, end = max(flag["start"] - start, cursor), flag["end"] - start
        if end <= begin:
            continue
        out.append(visible(text[cursor:begin], keep_newlines=True))
        piece = visible(text[begin:end], keep_newlines=True)
        if color:
            out.append(piece, style=SEVERITY_STYLE[flag["severity"]])
        else:
            out.append(f"[[{piece}]]")
        cursor = end
    out.append(visible(text[cursor:], keep_newlines=True))
    return out


def _summary(report: Report) -> Text:
    summary, signature = report.summary, report.signature
    lines = [
        "Summary",
        f"  {summary.verdict}",
        f"  sentences: {summary.reference_sentences} original, {summary.copy_sentences} copy; "
        f"units: {summary.units} ({summary.aligned_units} aligned)",
        f"  coverage {summary.coverage:.2f}   copy coverage {summary.copy_coverage:.2f}   "
        f"mean cosine {_number(summary.mean_cosine, '{:.3f}')}   "
        f"mean quality {_number(summary.mean_quality, '{:.2f}')}   "
        f"corpus BLEU {_number(summary.corpus_bleu, '{:.1f}')}   "
        f"corpus chrF {_number(summary.corpus_chrf, '{:.1f}')}",
        "  labels: " + ", ".join(f"{k} {v}" for k, v in summary.labels.items()),
        "  flags: " + (", ".join(f"{k} {v}" for k, v in summary.flags_by_kind.items()) or "none"),
        f"  model {visible(signature.model)}, mtqa {signature.mtqa}",
    ]
    return Text("\n".join(lines))


def _ids(ids: list[int]) -> str:
    return ",".join(str(i) for i in ids) or "–"


def _number(value: float | None, pattern: str) -> str:
    return "–" if value is None or value != value else pattern.format(value)
