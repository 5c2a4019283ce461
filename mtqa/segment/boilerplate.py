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
# Longer furniture recognised by its shape, each generic page phrasing (no site names):
# a promo label and a colon before a pasted headline ("Also read: Floods cut ...");
# an imperative addressed to the reader ("Download our app ...", "Leave a Reply");
# a one-line author bio ("Jane Doe is a freelance writer who covers ...").
_PROMO_LABEL = re.compile(
    r"""^(?:also\ read|read\ (?:more|also|next)|related(?:\ \w+)?|trending(?:\ now)?|tags?|see\ also
      |more\ from\ [\w ]+|most\ (?:read|popular|viewed)|recommended|don['’]?t\ miss|watch|listen|latest
      |top\ stories|more\ stories|editor['’]?s\ picks?|you\ may\ also\ like|people\ are\ also\ reading)
      \s*:\s*["“‘']?[A-Z0-9]""",
    re.IGNORECASE | re.VERBOSE,
)
_PROMO_PROMPT = re.compile(
    r"""^(?:(?:download|subscribe|sign\ up|follow|join|click|tap|install|get|leave|like|register
          |stay\ (?:up\ to\ date|tuned))
        \b.*\b(?:our|us|your|you|app|newsletter|alerts?|channel|reply|comment|updates|notifications)\b
      | (?:people\ are\ also\ reading|you\ may\ also\ like|comments?(?:\s*/\s*\d+)?
          |leave\ a\ (?:reply|comment))\W*$)""",
    re.IGNORECASE | re.VERBOSE,
)
_AUTHOR_BIO = re.compile(
    r"^(?!(?:The|A|An|This|That|His|Her|Its|Our|Their)\b)[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){1,3} is an? (?:[\w-]+ ){0,2}"
    r"(?:writer|journalist|reporter|correspondent|editor|contributor|columnist|blogger|author)\b"
)
MAX_PROMO_WORDS = 18
# A byline: "By Jane Doe" or "By Jane Doe and John Roe, Associated Press".
_BYLINE = re.compile(r"^By\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}(?:\s*(?:,|and)\s+[\w .'’-]+)?$")
MAX_BYLINE_WORDS = 10
# Link-widget text pasted into a sentence: anchor texts glued onto the word
# before them without a space ("...SmithJane SmithHow ...") up to a trailing
# all-caps "MORE". The span starts at the glue point, so the real word stays.
_LINK_WIDGET = re.compile(r"(?<=[a-z])[A-Z][a-z]+\b.{0,600}?\bMORE\b", re.DOTALL)


def is_debris_line(text: str) -> bool:
    """True for a line that is page furniture rather than story text (short, or of a promo's shape)."""
    words, line = len(text.split()), text.strip()
    if words <= MAX_DEBRIS_WORDS and _DEBRIS_LINE.match(line):
        return True
    if words > MAX_PROMO_WORDS:
        return False
    if _AUTHOR_BIO.match(line):
        return True
    # A label or a prompt ends without a full stop: a line that does is story text ("Latest: the toll rose.").
    return not line.endswith(".") and bool(_PROMO_LABEL.match(line) or _PROMO_PROMPT.match(line))


def is_byline(text: str) -> bool:
    """True for a byline such as "By Jane Doe, Associated Press"."""
    return len(text.split()) <= MAX_BYLINE_WORDS and bool(_BYLINE.match(text.strip()))


def debris_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of link-widget runs inside ``text``, each from its glue point to "MORE"."""
    return [(m.start(), m.end()) for m in _LINK_WIDGET.finditer(text)]
