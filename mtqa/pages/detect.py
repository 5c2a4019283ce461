"""Tell a saved web page from a plain text: a page opens with document markup."""

from __future__ import annotations

import re

# What a page's first tag is: the document's own tags, a head's tags (their
# opening tags may be left out), or SVG, which is markup with no article. A
# wire story may open with a tag-like credit such as "<Reuters>" and carry
# "<p>" markers; it is still a text, to be read as it is.
_OPENING_TAG = re.compile(r"<(?:html|head|body|title|meta|link|base|style|script|svg)[\s/>]", re.IGNORECASE)
_DOCTYPE = re.compile(r"<!doctype[\s>]", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is a web page rather than plain text.

    A page opens with a doctype, or with one of ``<html>``, ``<head>``,
    ``<body>``, a head's tags or ``<svg>``, after any XML declaration,
    processing instructions and comments. Text that merely opens with a
    tag-like word (``<Reuters>``) or holds tags further on is plain text.
    """
    position, length = 0, len(text)
    while True:
        while position < length and text[position] in "\ufeff \t\r\n\f":
            position += 1
        if text.startswith("<!--", position):
            end = text.find("-->", position + 4)
        elif text.startswith("<?", position):
            end = text.find(">", position + 2)
        else:
            break
        if end < 0:
            return False
        position = text.index(">", end) + 1  # the ">" of "-->" or of "?>"
    return _DOCTYPE.match(text, position) is not None or _OPENING_TAG.match(text, position) is not None
