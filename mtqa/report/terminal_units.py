"""The units part of the terminal report: one line per unit, or each unit in full with its original below."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from mtqa.report.terminal_text import cut, heading, marked, number, one_line, pack, wrap

LABEL_STYLE = {
    "faithful": "green",
    "paraphrase": "cyan",
    "garbled": "bold red",
    "omitted": "magenta",
    "added": "blue",
    "boilerplate": "dim",
    "repeat": "dim",
}
# A unit line whose text would get fewer cells than this puts the text on its own line.
MIN_TEXT = 8
TEXT_INDENT = 4


def unit_lines(data: dict[str, Any], flags: list[dict[str, Any]], width: int, color: bool, full: bool) -> list[Text]:
    """The units of ``data`` (``Report.to_dict()``) as lines of at most ``width`` cells.

    Args:
        data: The report's values.
        flags: The flags to mark in the copy text.
        width: Width in cells.
        color: Colour labels and flagged spans; else mark spans with ``[[...]]``.
        full: Each unit's whole copy text wrapped, and its original below, dim;
            else one line per unit, its copy text (the original, dim, for an
            omitted unit) cut with ``…``.

    Returns:
        A heading line, then the units' lines.
    """
    copy_sentences = {s["id"]: s for s in data["sentences"] if s["side"] == "copy"}
    by_sentence: dict[int, list[dict[str, Any]]] = {}
    for flag in flags:
        by_sentence.setdefault(flag["copy_id"], []).append(flag)
    units = data["pairs"]
    note = (
        "original ids → copy ids, label, scores; copy text, original below"
        if full
        else "original ids → copy ids, label, quality, copy text"
    )
    lines = heading(f"Units ({len(units)})", note, width)
    if not units:
        return lines
    left = max(len(_ids(u["reference_ids"])) for u in units)
    right = max(len(_ids(u["copy_ids"])) for u in units)
    label_width = max(len(u["label"]) for u in units)
    for unit in units:
        head = Text(f"{_ids(unit['reference_ids']):>{left}} → {_ids(unit['copy_ids']):<{right}} ")
        head.append(f"{unit['label']:<{label_width}}", style=LABEL_STYLE.get(unit["label"], "") if color else "")
        head.append(f" {number(unit['quality'], '{:.2f}'):>4}  ")
        copy = Text(" ").join(
            marked(copy_sentences[j]["text"], copy_sentences[j]["start"], by_sentence.get(j, []), color)
            for j in unit["copy_ids"]
        )
        original = Text(one_line(unit["reference_text"] or ""), style="dim")
        if full:
            lines += _full_head(unit, color, width)
            if len(copy):
                lines += wrap(copy, width, TEXT_INDENT)
            if len(original):
                lines += wrap(Text("orig: ", style="dim") + original, width, TEXT_INDENT)
            continue
        text = copy if len(copy) else original
        if width - head.cell_len >= MIN_TEXT:
            lines.append(head + cut(text, width - head.cell_len, marks=not color))
        else:
            lines.append(_trimmed(head))
            lines.append(Text(" " * TEXT_INDENT) + cut(text, width - TEXT_INDENT, marks=not color))
    return lines


def _full_head(unit: dict[str, Any], color: bool, width: int) -> list[Text]:
    """A unit's ids, label and every score, from the first column so each unit stands out."""
    items = [
        Text(f"{_ids(unit['reference_ids'])} → {_ids(unit['copy_ids'])}", style="bold"),
        Text(unit["label"], style=LABEL_STYLE.get(unit["label"], "") if color else ""),
    ]
    # An omitted, added or debris unit has no scores: none are shown rather than four dashes.
    scores = (("quality", "quality", "{:.2f}"), ("cosine", "cosine", "{:.2f}"), ("BLEU", "bleu", "{:.1f}"))
    for name, column, pattern in (*scores, ("chrF", "chrf", "{:.1f}")):
        if unit[column] is not None:
            items.append(Text(f"{name} {number(unit[column], pattern)}"))
    return pack(items, width, 0, separator="  ")


def _ids(ids: list[int]) -> str:
    return ",".join(str(i) for i in ids) or "–"


def _trimmed(line: Text) -> Text:
    out = line.copy()
    out.rstrip()
    return out
