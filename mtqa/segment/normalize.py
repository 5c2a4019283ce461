"""Normalise text for comparison without touching the offsets of the original."""

from __future__ import annotations

import re
import unicodedata

_CHAR_MAP = str.maketrans(
    {
        "\u201c": '"',  # left double quotation mark
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2033": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
    }
)
_SPACES = re.compile(r"\s+")

# "BAGHDAD (AP) — ", "Dhaka, Bangladesh (Reuters) - ", "KYIV — ": a place, an optional
# agency in brackets, then a dash. Matched on the raw text, so it sees real dashes.
DATELINE = re.compile(
    r"""^(?:
        [A-Z][\w.'’-]*(?:[ ,]+[A-Z][\w.'’-]*){0,4}\s*\([A-Za-z.]{2,12}\)   # Place (AP)
      | [A-Z][A-Z.'’-]+(?:[ ,]+[A-Z][\w.'’-]*){0,3}                     # PLACE, Country
    )\s*[\u2014\u2013-]{1,2}\s+""",
    re.VERBOSE,
)


def normalize(text: str) -> str:
    """Return ``text`` in the form used for comparison.

    Applies NFKC, maps typographic quotes, dashes and the ellipsis to ASCII,
    and collapses runs of whitespace to one space. The result is for
    scoring only; offsets always refer to the text as given.

    Args:
        text: Any text.

    Returns:
        The normalised text, stripped.
    """
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).translate(_CHAR_MAP)).strip()


def dateline_length(text: str) -> int:
    """Return the length of a leading dateline such as ``"Baghdad (AP) — "``, else 0."""
    match = DATELINE.match(text)
    return match.end() if match else 0
