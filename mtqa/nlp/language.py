"""How English a text looks: the share of its words that are common English words."""

from __future__ import annotations

import re

from mtqa.nlp.lexicon import zipf

_WORD = re.compile(r"[^\W\d_]+")
# A word counts as English when its Zipf frequency in English is at least this
# (about once per 3 million words); foreign function words mostly fall below.
ENGLISH_ZIPF = 3.0
# Below this share a text is reported as probably not English.
MIN_ENGLISH_SHARE = 0.6


def english_share(text: str) -> float:
    """Share of the words of ``text`` that are common English words (1.0 for no words)."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return 1.0
    return sum(zipf(w) >= ENGLISH_ZIPF for w in words) / len(words)
