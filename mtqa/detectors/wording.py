"""Counts in evidence strings, written so that noun and verb agree with the number ("1 letter differs")."""

from __future__ import annotations


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` and the noun in the number it takes: ``counted(1, "word")`` is "1 word", ``counted(2, "word")``
    "2 words".

    Args:
        n: The count.
        singular: The noun for one.
        plural: The noun for any other count; ``singular + "s"`` when not given.

    Returns:
        The count and its noun, e.g. "3 letters".
    """
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def differ(n: int) -> str:
    """The verb "differ" agreeing with a count of ``n`` things: "differs" for one, else "differ"."""
    return "differs" if n == 1 else "differ"
