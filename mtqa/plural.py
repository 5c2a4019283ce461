"""Counted nouns for messages: ``1 copy``, ``2 copies``, ``0 errors``."""

from __future__ import annotations


def noun(count: int, one: str, many: str | None = None) -> str:
    """The form of a noun that goes with ``count``.

    Args:
        count: How many.
        one: The singular (``"copy"``).
        many: The plural, where adding ``s`` is wrong (``"copies"``).

    Returns:
        ``one`` for a count of 1, else the plural (0 takes the plural in English).
    """
    return one if count == 1 else (many if many is not None else one + "s")


def plural(count: int, one: str, many: str | None = None) -> str:
    """``count`` and its noun: ``plural(1, "copy", "copies")`` is ``"1 copy"``, with 2 ``"2 copies"``."""
    return f"{count} {noun(count, one, many)}"
