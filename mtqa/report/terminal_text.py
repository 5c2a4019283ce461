"""Lines for the terminal report: input text as one safe line, wrapped with a hanging indent, packed or cut to fit.

Every function returns rich ``Text`` built from plain strings, never from
markup, so brackets in a copy are printed, not obeyed. Widths are in terminal
cells, so wide characters count double.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from mtqa.report.safe_text import visible

SEVERITY_STYLE = {"major": "bold red underline", "minor": "yellow underline"}
# Without colour a flagged span is shown between these marks.
MARK_OPEN, MARK_CLOSE = "[[", "]]"
ELLIPSIS = "…"
# Text.wrap needs a console only for its tab size; wrapping never prints.
_MEASURE = Console(width=10_000, color_system=None)


def one_line(text: str) -> str:
    """Input text as one line: its controls made visible, its line breaks and tabs turned into spaces.

    A sentence's hard line breaks are only layout of the input, and a tab would
    expand past the width the lines are measured to.
    """
    return visible(text, keep_newlines=True).replace("\n", " ").replace("\t", " ")


def wrap(text: Text, width: int, indent: int) -> list[Text]:
    """``text`` wrapped to ``width`` cells, every line indented by ``indent`` spaces.

    A word wider than the room is folded over lines, never cut.
    """
    room = max(width - indent, 1)
    lines = text.wrap(_MEASURE, room, overflow="fold", no_wrap=False)
    out = []
    for line in lines:
        line.rstrip()
        out.append(Text(" " * indent) + line)
    return out or [Text(" " * indent)]


def pack(items: Sequence[Text], width: int, indent: int, separator: str = " · ") -> list[Text]:
    """``items`` joined by ``separator`` on lines of ``width`` cells, breaking only between items.

    An item too wide for a line alone is wrapped on its own lines.
    """
    lines: list[Text] = []
    line = Text(" " * indent)
    for item in items:
        if line.cell_len > indent and line.cell_len + cell_len(separator) + item.cell_len <= width:
            line = line + Text(separator) + item
            continue
        if line.cell_len > indent:
            lines.append(line)
        if indent + item.cell_len <= width:
            line = Text(" " * indent) + item
        else:
            *whole, line = wrap(item, width, indent)
            lines.extend(whole)
    if line.cell_len > indent:
        lines.append(line)
    return lines


def cut(text: Text, width: int, marks: bool) -> Text:
    """``text`` cut to ``width`` cells with ``…`` where it was cut.

    With ``marks`` (no colour), a flagged span cut open gets its closing ``]]``.
    """
    if text.cell_len <= width:
        return text
    out = text.copy()
    out.truncate(width, overflow="ellipsis")
    if marks and out.plain.count(MARK_OPEN) > out.plain.count(MARK_CLOSE):
        out = text.copy()
        out.truncate(max(width - len(MARK_CLOSE), 1), overflow="ellipsis")
        out.append(MARK_CLOSE)
    return out


def marked(text: str, offset: int, flags: Iterable[dict[str, Any]], color: bool) -> Text:
    """One copy sentence as a line with its flagged spans marked.

    Args:
        text: The sentence.
        offset: Where the sentence starts in the copy (flags' offsets are the copy's).
        flags: Flags with ``start``, ``end`` and ``severity``.
        color: Colour the spans by severity; else put them between ``[[`` and ``]]``.

    Returns:
        The marked line; overlapping spans are marked once, from the first.
    """
    out = Text()
    cursor = 0
    for flag in sorted(flags, key=lambda f: (f["start"], f["end"])):
        begin, end = max(flag["start"] - offset, cursor), min(flag["end"] - offset, len(text))
        if end <= begin:
            continue
        out.append(one_line(text[cursor:begin]))
        piece = one_line(text[begin:end])
        if color:
            out.append(piece, style=SEVERITY_STYLE[flag["severity"]])
        else:
            out.append(f"{MARK_OPEN}{piece}{MARK_CLOSE}")
        cursor = end
    out.append(one_line(text[cursor:]))
    return out


def heading(title: str, note: str, width: int) -> list[Text]:
    """A part's title in bold and a dim note beside it, wrapped."""
    line = Text()
    line.append(title, style="bold")  # as a span: a Text's own style would also embolden the note
    if note:
        line.append(f" · {note}", style="dim")
    return wrap(line, width, 0) if line.cell_len > width else [line]


def number(value: float | None, pattern: str) -> str:
    """``value`` formatted, or ``–`` when there is none (None or nan)."""
    return "–" if value is None or value != value else pattern.format(value)
