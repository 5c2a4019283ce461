"""Whether a copy was made by a synonym spinner: ordinary words swapped one for one, the words around them kept.

A spinner ("article rewriter") replaces a word here and there by a synonym and keeps everything
else in its place: "a relatively intimate gig" becomes "a comparatively intimate gig". Two
translators of one text also choose different words, but rarely one word for one word between
two words they both kept. The rate of such swaps tells the two apart well enough to judge a
name by it: in a spun copy, a word of a name replaced by an ordinary word ("Harlow Town
Corridor") is the spinner's doing, not a translator's choice.
"""

from __future__ import annotations

from mtqa.nlp.lexicon import zipf
from mtqa.types import WordAlignment, WordLink

# Swaps per 100 original words above which a copy reads as spun. On the clean control (two human
# translations of the same news, 150 documents of 20 segments) the highest document has 5.0 and the
# median 1.7; word-for-word spinner copies of real stories mostly have 5 to 11.
SPUN_RATE = 5.0
# Words this common are function words ("at" / "on", "in" / "within"): a swap of them says little.
CONTENT_ZIPF = 6.0


def _swap(before: WordLink, link: WordLink, after: WordLink) -> bool:
    """Whether ``link`` swaps an ordinary word for another between two words kept as they are, in place."""
    if link.match != "embedding" or before.match != "exact" or after.match != "exact":
        return False
    if link.reference is None or link.copy is None or before.copy is None or after.copy is None:
        return False
    theirs, mine = link.reference.text, link.copy.text
    plain = all(w.isalpha() and w.islower() for w in (theirs, mine))
    if not plain or theirs == mine or max(zipf(theirs), zipf(mine)) >= CONTENT_ZIPF:
        return False
    return before.copy.start < link.copy.start < after.copy.start


def swap_rate(words: WordAlignment) -> float:
    """One-for-one swaps of ordinary words between two kept words, per 100 original words of linked units."""
    by_unit: dict[int, list[WordLink]] = {}
    for link in words.links:
        if link.reference is not None:
            by_unit.setdefault(link.unit, []).append(link)
    total = swaps = 0
    for links in by_unit.values():
        links.sort(key=lambda lk: lk.reference.start if lk.reference else 0)
        total += len(links)
        swaps += sum(_swap(*links[k - 1 : k + 2]) for k in range(1, len(links) - 1))
    return 100.0 * swaps / total if total else 0.0
