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


def keys(text: str) -> tuple[Key, list[Key]]:
    """What ``text`` may repeat: its words, and, for a title (no final stop), its words before a separator
    that a short tail follows.

    Args:
        text: A sentence's comparison text (``Sentence.norm``).

    Returns:
        The whole sentence's words (empty for a sentence too short to count
        as a repeat) and the heads of its title, if it is one.
    """
    whole = words(text)
    if len(whole) < MIN_REPEAT_WORDS:
        return (), []
    if _FINAL_STOP.search(text):  # a sentence, not a title: a dash in it is punctuation, not a separator
        return whole, []
    heads = []
    for separator in _SEPARATOR.finditer(text):
        head, tail = words(text[: separator.start()]), words(text[separator.end() :])
        if (
            len(head) >= MIN_SHARED_WORDS
            and 0 < len(tail) <= MAX_TAIL_WORDS
            and not _SEPARATOR.search(text[separator.end() :])
        ):
            heads.append(head)
    return whole, heads


def find_repeats(sentences: Sequence[Sentence]) -> dict[int, int]:
    """The sentences that repeat an earlier one: ``{repeat id: id of the first occurrence}``.

    Page debris (``boilerplate``) is left out: it is debris however often it appears.
    A title's head matches only a whole sentence: "Results of the vote | Ward 2"
    repeats "Results of the vote" but not "Results of the vote | Ward 1", whose
    tails say different things.

    Args:
        sentences: A document's sentences, in order.

    Returns:
        For each repeat, the first sentence with the same words (or the same
        words as a title's head, either way round).
    """
    first_whole: dict[Key, int] = {}
    first_head: dict[Key, int] = {}
    repeats: dict[int, int] = {}
    for sentence in sentences:
        if sentence.kind == "boilerplate":
            continue
        whole, heads = keys(sentence.norm)
        if not whole:
            continue
        earlier = [first_whole.get(whole), first_head.get(whole), *(first_whole.get(head) for head in heads)]
        found = [i for i in earlier if i is not None]
        if found:
            repeats[sentence.id] = min(found)
            continue
        first_whole.setdefault(whole, sentence.id)
        for head in heads:
            first_head.setdefault(head, sentence.id)
    return repeats
