"""The terminal report's options in one place: its parts, severities, widths and when it is coloured.

Stdlib only, so ``mtqa --help`` can show these values without loading rich or pandas.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from enum import StrEnum

from mtqa.errors import UsageError

SUMMARY, FLAGS, UNITS, TEXTS = "summary", "flags", "units", "texts"
# What --show may name, in the order the report prints them.
SHOW_PARTS = (SUMMARY, FLAGS, UNITS, TEXTS)
DEFAULT_SHOW = (SUMMARY, FLAGS, UNITS)


class Severity(StrEnum):
    """A flag's severity, lowest first: what ``--min-severity`` takes."""

    minor = "minor"
    major = "major"


class ColorChoice(StrEnum):
    """When the report is coloured: ``--color``."""

    auto = "auto"
    always = "always"
    never = "never"


SEVERITIES = tuple(severity.value for severity in Severity)
DEFAULT_MIN_SEVERITY = Severity.minor.value
# Piped or written to a file there is no terminal to measure: 100 columns read
# well in a pager or an editor and diff well.
DEFAULT_WIDTH = 100
# Below 40 columns the flag and unit lines have no room left for their text.
MIN_WIDTH = 40
COLOR_CHOICES = tuple(choice.value for choice in ColorChoice)


def parse_show(parts: str | Sequence[str]) -> tuple[str, ...]:
    """The report parts a ``--show`` value names, in print order.

    Args:
        parts: A comma-separated list (``"summary,flags"``) or a sequence of part names.

    Returns:
        The named parts, each once, in the order of ``SHOW_PARTS``.

    Raises:
        UsageError: If a part is unknown or none is named.
    """
    names = parts.split(",") if isinstance(parts, str) else list(parts)
    wanted = {name.strip().lower() for name in names} - {""}
    unknown = sorted(wanted - set(SHOW_PARTS))
    if unknown or not wanted:
        what = f"unknown part {', '.join(repr(name) for name in unknown)}" if unknown else "no part"
        raise UsageError(f"--show: {what}; the parts are {', '.join(SHOW_PARTS)} (comma-separated)")
    return tuple(part for part in SHOW_PARTS if part in wanted)


def check_severity(severity: str) -> str:
    """``severity`` when it is one of ``SEVERITIES``.

    Raises:
        UsageError: If it is not.
    """
    if severity not in SEVERITIES:
        raise UsageError(f"min severity {severity!r}: use one of {', '.join(SEVERITIES)}")
    return severity


def check_width(width: int) -> int:
    """``width`` when it is at least ``MIN_WIDTH``.

    Raises:
        UsageError: If it is narrower.
    """
    if width < MIN_WIDTH:
        raise UsageError(f"width {width}: the report needs at least {MIN_WIDTH} columns")
    return width


def color_wanted(choice: str, is_terminal: bool, environ: Mapping[str, str] | None = None) -> bool:
    """Whether to colour the report, following https://no-color.org.

    Args:
        choice: ``always``, ``never`` or ``auto``.
        is_terminal: Whether the report goes to a terminal.
        environ: The environment (default ``os.environ``).

    Returns:
        ``always``: True, even with ``NO_COLOR`` set (an explicit choice wins);
        ``never``: False; ``auto``: True on a terminal when ``NO_COLOR`` is unset or empty.

    Raises:
        UsageError: If ``choice`` is none of ``COLOR_CHOICES``.
    """
    if choice not in COLOR_CHOICES:
        raise UsageError(f"color {choice!r}: use one of {', '.join(COLOR_CHOICES)}")
    if choice != "auto":
        return choice == "always"
    return is_terminal and not (os.environ if environ is None else environ).get("NO_COLOR")
