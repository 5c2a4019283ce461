"""Page debris that scrapers leave in news text: credits, dates, share buttons, link widgets.

The patterns are generic web page furniture, not the words of any one story.
Debris is kept in the text and its offsets, marked, and excluded from
alignment and scores.
"""

from __future__ import annotations

import re

# A whole line that is page furniture: a credit, a posting date, a sharing or
# navigation prompt, an advert label. Only short lines qualify.
_DEBRIS_LINE = re.compile(
    r"""^(?:
        (?:©|\(c\)|copyright\b)
      | (?:photo|photograph|image|picture|video|credit|source|file\ photo)s?\s*(?::|by\b|credit\b)
      | (?:posted|published|updated|last\ updated|first\ published)(?:\s+(?:on|at|by))?\b
      | (?:read|see)\s+(?:more|also|next)\b
      | related(?:\s+(?:articles?|stories|coverage|content))?\s*:?$
      | (?:share|tweet|email|print|follow\ us|subscribe|sign\ up|click\ here)\b
      | (?:advertisement|sponsored|tags?\s*:|filed\ under)\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
MAX_DEBRIS_WORDS = 8
# A byline: "By Jane Doe" or "By Jane Doe and John Roe, Associated Press".
_BYLINE = re.compile(r"^By\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}(?:\s*(?:,|and)\s+[\w .'’-]+)?$")
MAX_BYLINE_WORDS = 10
# Link-widget text pasted into a sentence: anchor texts glued onto the word
# before them without a space ("...SmithJane SmithHow ...") up to a trailing
# all-caps "MORE". The span starts at the glue point, so the real word stays.
_LINK_WIDGET = re.compile(r"(?<=[a-z])[A-Z][a-z]+\b.{0,600}?\bMORE\b", re.DOTALL)


def is_debris_line(text: str) -> bool:
    """True for a short line that is page furniture rather than story text."""
    return len(text.split()) <= MAX_DEBRIS_WORDS and bool(_DEBRIS_LINE.match(text.strip()))


def is_byline(text: str) -> bool:
    """True for a byline such as "By Jane Doe, Associated Press"."""
    return len(text.split()) <= MAX_BYLINE_WORDS and bool(_BYLINE.match(text.strip()))


def debris_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of link-widget runs inside ``text``, each from its glue point to "MORE"."""
    return [(m.start(), m.end()) for m in _LINK_WIDGET.finditer(text)]
