"""Sentences that repeat an earlier sentence of the same text: a scraped page's headline given twice.

A repeat carries nothing the reader has not already read, so it is neither an
omission (when the copy leaves it out) nor an addition (when the copy writes
it again); see ``mtqa.align.repeats`` for how it is counted.

Two sentences are the same when their words are, whatever the case,
whitespace and punctuation. One near repeat is allowed, the shape a page
title takes: the same words with a short tail set off by a separator, such
as a site name after ``|`` or a spaced dash ("Floods cut the road | Daily
Post"). Nothing else that is merely similar counts: a story may well say a
thing twice in other words, and that is for the aligner.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from mtqa.types import Sentence

# Shorter lines ("Yes.", "Why not?") recur in dialogue by chance; they are left to the aligner.
MIN_REPEAT_WORDS = 3
# A near repeat shares at least this many words before its separator...
MIN_SHARED_WORDS = 4
# ... and the tail after it (a site or section name) has at most this many.
MAX_TAIL_WORDS = 5
# A title's separator: a bar or bullet, or a dash with spaces around it (never the hyphen of "Iran-backed").
_SEPARATOR = re.compile(r"\s*[|•·]\s*|\s+[-–—]+\s+")
_WORD = re.compile(r"\w+")
_FINAL_STOP = re.compile(r"[.!?…][\"'”’)\]]*\s*$")

Key = tuple[str, ...]


def words(text: str) -> Key:
    """The words of ``text`` for comparing sentences: Unicode-folded, case-folded, punctuation and spacing gone."""
    return tuple(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def keys(text: str) -> list[Key]:
    """What ``text`` may repeat: its words, and, for a title (no final stop), its words before a separator
    that a short tail follows.

    Args:
        text: A sentence's comparison text (``Sentence.norm``).

    Returns:
        The keys, the whole sentence's first; none for a sentence too short to count as a repeat.
    """
    whole = words(text)
    if len(whole) < MIN_REPEAT_WORDS:
        return []
    found = [whole]
    if _FINAL_STOP.search(text):  # a sentence, not a title: a dash in it is punctuation, not a separator
        return found
    for separator in _SEPARATOR.finditer(text):
        head, tail = words(text[: separator.start()]), words(text[separator.end() :])
        if (
            len(head) >= MIN_SHARED_WORDS
            and 0 < len(tail) <= MAX_TAIL_WORDS
            and not _SEPARATOR.search(text[separator.end() :])
        ):
            found.append(head)
    return found


def find_repeats(sentences: Sequence[Sentence]) -> dict[int, int]:
    """The sentences that repeat an earlier one: ``{repeat id: id of the first occurrence}``.

    Page debris (``boilerplate``) is left out: it is debris however often it appears.

    Args:
        sentences: A document's sentences, in order.

    Returns:
        For each repeat, the first sentence with the same words (or the same
        words before a title's separator, either way round).
    """
    first: dict[Key, int] = {}
    repeats: dict[int, int] = {}
    for sentence in sentences:
        if sentence.kind == "boilerplate":
            continue
        candidates = keys(sentence.norm)
        earlier = next((first[key] for key in candidates if key in first), None)
        if earlier is not None:
            repeats[sentence.id] = earlier
            continue
        for key in candidates:
            first.setdefault(key, sentence.id)
    return repeats
