"""Drop the character references of a page that name no character an HTML tree can hold."""

from __future__ import annotations

import re

# A decimal or hexadecimal reference; HTML lets the semicolon be left out.
_REFERENCE = re.compile(r"&#(?:[xX]([0-9A-Fa-f]+)|([0-9]+));?")
# Digits past these are over U+10FFFF whatever they are (leading zeros aside).
_MAX_DIGITS = {16: 6, 10: 7}


def drop_invalid_references(page: str) -> str:
    """``page`` without its references to characters no XML tree can hold.

    NUL and the other C0 controls but tab, newline and carriage return,
    surrogates, U+FFFE and U+FFFF, and numbers past U+10FFFF are such
    characters. One of them in a paragraph makes the HTML tree refuse the
    paragraph's text, and the extractor then finds no article at all; dropped,
    the paragraph reads as it would without the stray reference.
    """
    return _REFERENCE.sub(_keep_if_valid, page)


def _keep_if_valid(reference: re.Match[str]) -> str:
    hexadecimal, decimal = reference.groups()
    base, digits = (16, hexadecimal) if hexadecimal is not None else (10, decimal)
    digits = digits.lstrip("0") or "0"
    if len(digits) > _MAX_DIGITS[base]:
        return ""
    code = int(digits, base)
    valid = code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF
    return reference.group() if valid else ""
