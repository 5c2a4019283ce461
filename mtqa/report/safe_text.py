"""Text from an input or an index, made safe to print on a terminal: its control characters shown, not obeyed.

A copy or an archive id is written by someone else. Printed as it is, an
escape sequence in it (``ESC ] 0 ; … BEL`` retitles the window, ``ESC [ 2 J``
clears the screen) acts on the auditor's terminal, and a newline or carriage
return in a one-line field forges or hides a line. Only what reaches a terminal
goes through here: JSON, CSV and Parquet outputs keep the text as it is.
"""

from __future__ import annotations

import re

# C0 controls and DEL, shown as their Unicode control pictures (ESC as ␛, LF as ␊).
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}
# What a terminal may obey or that moves text about: C0 and DEL, C1 (0x9B is
# a one-character CSI), the line and paragraph separators, and the bidi
# embeddings, overrides and isolates that reorder what is shown.
# A Windows line end (CR LF) is matched whole, so a multi-line cell keeps it as one break.
_UNSAFE = re.compile("\r\n|[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def visible(text: str, keep_newlines: bool = False) -> str:
    """``text`` with every character a terminal could obey made visible.

    Control characters become their Unicode control pictures (``␛`` for
    ESC, ``␊`` for a newline, ``␍`` for a carriage return); C1 controls, line
    separators and bidi controls become ``\\u`` escapes. A tab stays a tab.

    Args:
        text: Text from an input file, a manifest or an index.
        keep_newlines: Keep ``\\n`` (and ``\\r\\n``, as ``\\n``) as a line break, for a multi-line cell.

    Returns:
        The text, safe to print; equal to ``text`` when it holds none of them.
    """

    def shown(match: re.Match[str]) -> str:
        char = match.group()
        if char == "\t":
            return char
        if keep_newlines and char in ("\n", "\r\n"):
            return "\n"
        return "".join(_PICTURES.get(ord(c)) or f"\\u{ord(c):04x}" for c in char)

    return _UNSAFE.sub(shown, text)
