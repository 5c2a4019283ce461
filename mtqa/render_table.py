"""Render a report for a terminal: per unit the scores and label, flagged spans highlighted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from mtqa.report import Report

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

    Each unit is a row: original ids, copy ids, label, cosine, BLEU, chrF,
    then the copy text with flagged spans marked (``[[...]]`` when colour is
    off, coloured by severity when on) above the original text. The flag list
    and the summary follow.

    Args:
        report: The audit report.
        color: Emit ANSI colours.
        width: Width in characters.

    Returns:
        The rendered text.
    """
    console = Console(
        width=width, record=True, force_terminal=color, no_color=not color, color_system="standard" if color else None
    )
    sentences = report.sentences.set_index(["side", "id"])
    table = Table(title="Alignment units (original ↔ copy)", show_lines=True, expand=True)
    for column, justify in (("orig", "right"), ("copy", "right"), ("label", "left")):
        table.add_column(column, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for column in ("cos", "BLEU", "chrF"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("copy text / original text", ratio=1)
    for unit in report.pairs.itertuples():
        copy_text = Text()
        for position, copy_id in enumerate(unit.copy_ids):
            if position:
                copy_text.append(" ")
            copy_text.append_text(_highlighted(report, int(copy_id), sentences, color))
        body = Text()
        if len(copy_text):
            body.append_text(copy_text)
        if unit.reference_text:
            if len(body):
                body.append("\n")
            body.append("orig: " + str(unit.reference_text), style="dim")
        table.add_row(
            _ids(unit.reference_ids),
            _ids(unit.copy_ids),
            Text(str(unit.label), style=LABEL_STYLE.get(str(unit.label), "")),
            _number(unit.cosine, "{:.2f}"),
            _number(unit.bleu, "{:.1f}"),
            _number(unit.chrf, "{:.1f}"),
            body,
        )
    console.print(table)
    if len(report.flags):
        flags = Table(title="Flags", expand=True, show_lines=False)
        for column in ("kind", "severity", "copy", "span", "suggestion", "evidence"):
            flags.add_column(column, ratio=3 if column == "evidence" else None)
        for flag in report.flags.itertuples():
            flags.add_row(
                str(flag.kind),
                Text(str(flag.severity), style=SEVERITY_STYLE[str(flag.severity)]),
                str(flag.copy_id),
                f"{flag.text} [{flag.start}:{flag.end}]",
                "" if flag.suggestion is None or flag.suggestion != flag.suggestion else str(flag.suggestion),
                str(flag.message),
            )
        console.print(flags)
    console.print(_summary(report))
    return console.export_text(styles=color)


def _highlighted(report: Report, copy_id: int, sentences: object, color: bool) -> Text:
    """One copy sentence with its flagged spans marked."""
    row = report.sentences[(report.sentences.side == "copy") & (report.sentences.id == copy_id)].iloc[0]
    start, text = int(row.start), str(row.text)
    spans = report.flags[(report.flags.copy_id == copy_id)].sort_values(["start", "end"])
    out = Text()
    cursor = 0
    for flag in spans.itertuples():
        begin, end = max(int(flag.start) - start, cursor), int(flag.end) - start
        if end <= begin:
            continue
        out.append(text[cursor:begin])
        piece = text[begin:end]
        if color:
            out.append(piece, style=SEVERITY_STYLE[str(flag.severity)])
        else:
            out.append(f"[[{piece}]]")
        cursor = end
    out.append(text[cursor:])
    return out


def _summary(report: Report) -> Text:
    summary = report.summary
    lines = [
        "Summary",
        f"  {summary['verdict']}",
        f"  sentences: {summary['reference_sentences']} original, {summary['copy_sentences']} copy; "
        f"units: {summary['units']} ({summary['aligned_units']} aligned)",
        f"  coverage {summary['coverage']:.2f}   copy coverage {summary['copy_coverage']:.2f}   "
        f"mean cosine {_plain(summary['mean_cosine'], '{:.3f}')}   corpus BLEU {_plain(summary['corpus_bleu'], '{:.1f}')}   "
        f"corpus chrF {_plain(summary['corpus_chrf'], '{:.1f}')}",
        "  labels: " + ", ".join(f"{k} {v}" for k, v in summary["labels"].items()),
        "  flags: " + (", ".join(f"{k} {v}" for k, v in summary["flags_by_kind"].items()) or "none"),
        f"  model {report.signature['model']}, mtqa {report.signature['mtqa']}",
    ]
    return Text("\n".join(lines))


def _ids(ids: list[int]) -> str:
    return ",".join(str(i) for i in ids) or "–"


def _plain(value: float, pattern: str) -> str:
    return "–" if value != value else pattern.format(value)


def _number(value: float, pattern: str) -> str:
    return _plain(float(value), pattern)
