"""Refuse a page whose markup would make parsing or extraction run for minutes.

HTML parsing and article extraction take time that grows faster than the
page: libxml2 compares each attribute of a tag with all those before it, and
the extractor walks the siblings of an element again for each of them. A
2.3 MB page whose article tag has 200,000 attributes parsed for 11 minutes.
Pages are therefore checked in two steps: a linear scan of the markup counts
tags and their attributes before anything parses it, and the parsed tree's
depth and widest element are checked before the extractor walks it.

Each limit lies far above a news page: the fixture pages have at most 97
elements and 91 attributes, 5 attributes on a tag, 12 levels and 14 children
to an element; a heavy news site's article page has a few thousand elements,
some tens of levels, and a few hundred children in its widest list; one with
a long comment thread or a live blog some tens of thousands of elements. Pages
built to the limits in the worst shapes found (paragraphs of 2,000 inline
elements, 150-level nests, 200 attributes on each tag) extract in about 7
seconds on a busy 2-core machine (extraction time grows with the count of
inline elements: 60,000 took 10 s), where the 200,000-attribute page took 11
minutes. A flat list is cheap (10,000 paragraphs in one element: 0.7 s); the
children limit is for inline elements, whose cost grows with their square
inside one element (20,000 spans in one paragraph: 10 s).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from mtqa.errors import MtqaError

MAX_ELEMENTS = 40_000
MAX_TAG_ATTRIBUTES = 200  # on one tag
MAX_ATTRIBUTES = 100_000  # on all tags together
MAX_DEPTH = 150  # libxml2 silently drops everything past 255 levels
MAX_CHILDREN = 2_000  # of one element

# A start tag as an HTML5 tokenizer reads it: a name, then attributes (a
# value quoted, unquoted or none), separated by spaces or slashes, up to ">"
# or the end of the page. Possessive quantifiers never backtrack, so the scan
# is linear however the page is built.
_ATTRIBUTE = r"""[^\s/>][^\s/>=]*+(?:\s*+=\s*+(?:"[^"]*+"?|'[^']*+'?|[^\s>]++)?+)?+"""
_START_TAG = re.compile(rf"<(?P<name>[A-Za-z][^\s/>]*+)(?P<attributes>(?:[\s/]++|{_ATTRIBUTE})*+)>?")
_ATTRIBUTES = re.compile(_ATTRIBUTE)
# Elements whose content is text up to their end tag, not markup.
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"})


def check_markup(page: str, source: str) -> None:
    """Refuse ``page`` before parsing if it has too many tags or attributes.

    Raises:
        MtqaError: If the page has over ``MAX_ELEMENTS`` tags, over
            ``MAX_ATTRIBUTES`` attributes, or a tag with over
            ``MAX_TAG_ATTRIBUTES``.
    """
    elements, all_attributes, position, length = 0, 0, 0, len(page)
    while (position := page.find("<", position)) >= 0:
        if page.startswith("<!--", position):
            end = page.find("-->", position + 4)
            position = length if end < 0 else end + 3
            continue
        tag = _START_TAG.match(page, position)
        if tag is None:  # an end tag, a doctype, a stray "<"
            position += 1
            continue
        elements += 1
        if elements > MAX_ELEMENTS:
            raise MtqaError(f"{source}: the page has over {MAX_ELEMENTS:,} elements, more than a news page has")
        attributes = len(_ATTRIBUTES.findall(tag.group("attributes")))
        if attributes > MAX_TAG_ATTRIBUTES:
            raise MtqaError(
                f"{source}: a <{tag.group('name')[:20]}> tag of the page has {attributes:,} attributes, "
                f"over the limit of {MAX_TAG_ATTRIBUTES:,}"
            )
        all_attributes += attributes
        if all_attributes > MAX_ATTRIBUTES:
            raise MtqaError(f"{source}: the page has over {MAX_ATTRIBUTES:,} attributes, more than a news page has")
        position = tag.end()
        name = tag.group("name").lower()
        if name in _RAW_TEXT:
            end_tag = _end_tag(name).search(page, position)
            position = length if end_tag is None else end_tag.end()


def check_tree(root: Any, source: str) -> None:
    """Refuse a parsed page (an lxml element) nested too deep or with too wide an element.

    Raises:
        MtqaError: If an element lies over ``MAX_DEPTH`` levels deep or has
            over ``MAX_CHILDREN`` children.
    """
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise MtqaError(f"{source}: the page nests its markup over {MAX_DEPTH} levels deep")
        if len(element) > MAX_CHILDREN:
            raise MtqaError(f"{source}: an element of the page has over {MAX_CHILDREN:,} children")
        stack.extend((child, depth + 1) for child in element)


@lru_cache(maxsize=len(_RAW_TEXT))
def _end_tag(name: str) -> re.Pattern[str]:
    return re.compile(rf"</{name}[\s/>]", re.IGNORECASE)
