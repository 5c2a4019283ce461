"""Double quotations in a text: one scanner for the segmenter, the detectors and the facts.

Curly quotes and guillemets say which way they face (a closing mark right
after a space, before a word, opens: some texts use ” both ways; after „ the
German “ closes). A straight
quote opens after a space, a bracket or a dash, or at the start, and closes
elsewhere, so “…now." is one quotation. Single quotes (scare quotes,
apostrophes) are ignored. A quotation that does not close ends where the next
one opens, or at the end of the stretch scanned.
"""

from __future__ import annotations

from dataclasses import dataclass

OPENERS = "“«„"
CLOSERS = "”»"
AFTER_OPENING = "([{—–-"  # a straight quote after these (or a space) opens a quotation


@dataclass(frozen=True)
class QuotationMarks:
    """Where a quotation stands: ``start`` is its opening mark; ``end`` is one past its closing mark
    when it closes, else the end of its text before the next opening mark or the end of the stretch."""

    start: int
    end: int
    closed: bool

    @property
    def inner(self) -> tuple[int, int]:
        """The quoted words' span, without the marks."""
        return self.start + 1, self.end - 1 if self.closed else self.end


def scan_quotations(text: str, first: int = 0, last: int | None = None) -> list[QuotationMarks]:
    """The double quotations of ``text[first:last]``, in order, with offsets in ``text``."""
    last = len(text) if last is None else last
    found: list[QuotationMarks] = []
    opened: int | None = None
    for index in range(first, last):
        char = text[index]
        if char not in OPENERS + CLOSERS + '"':
            continue
        before = text[index - 1] if index > first else " "
        after = text[index + 1] if index + 1 < last else " "
        fresh = before.isspace() or before in AFTER_OPENING
        if opened is None:
            if char in OPENERS or (char == '"' and fresh) or (fresh and not after.isspace()):
                opened = index
        elif (char in OPENERS and not (text[opened] == "„" and char == "“")) or (
            char == '"' and before.isspace() and not after.isspace()
        ):
            found.append(QuotationMarks(opened, _end_of_words(text, index), closed=False))
            opened = index
        else:
            found.append(QuotationMarks(opened, index + 1, closed=True))
            opened = None
    if opened is not None:
        found.append(QuotationMarks(opened, last, closed=False))
    return found


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """``(opening mark, closing mark)`` offsets of the quotations of ``text`` that close in it.

    A quotation that never closes (one running on into the next paragraph)
    yields no span, so it blocks no sentence break.
    """
    return [(q.start, q.end - 1) for q in scan_quotations(text) if q.closed]


def _end_of_words(text: str, index: int) -> int:
    """Where the text before ``index`` ends without its trailing whitespace: ``len(text[:index].rstrip())``."""
    while index > 0 and text[index - 1].isspace():
        index -= 1
    return index
