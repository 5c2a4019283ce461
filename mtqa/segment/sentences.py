"""Split news text into sentences with exact character offsets.

The rules, in order:

1. Blank lines separate paragraphs. Inside a paragraph a single line break
   ends a block (a headline, a photo credit, a list line) unless the next line
   starts with a lowercase letter, which marks a soft-wrapped line.
2. Inside a block a sentence ends after ``.``, ``?``, ``!`` or an attached
   ellipsis, plus any closing quotes or brackets, when whitespace and then an
   uppercase letter, a digit or an opening quote or bracket follow. A single
   full stop after a lowercase word (not an abbreviation such as "etc.") also
   ends one before a lowercase word: that is a fragment glued on by machine
   translation ("... on Friday. was reported."), and it becomes a sentence of
   its own, for the syntax detector to flag.
3. No sentence ends inside a quotation that closes in the same block, so
   “A. B,” she said. stays one sentence with its attribution.
4. Titles and month abbreviations (Gen., Dr., Jan.) never end a sentence.
   Initialisms and company suffixes (U.S., a.m., Inc.) end one only when the
   next word is a usual sentence opener (The, He, But, ...).
5. A block with a single sentence and no final punctuation that comes before
   the first body sentence is a headline.
6. Page debris (``mtqa.segment.boilerplate``) is marked: a debris line is a
   ``boilerplate`` sentence, a byline a ``byline``, and link text pasted inside
   a sentence is recorded in ``Sentence.debris`` and left out of ``norm``.
7. A sentence that repeats an earlier one (``mtqa.segment.repeats``) records
   it in ``Sentence.repeat_of``.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

from mtqa.segment.boilerplate import debris_spans, is_byline, is_debris_line
from mtqa.segment.normalize import dateline_length, normalize
from mtqa.segment.quotations import quotation_spans
from mtqa.segment.repeats import find_repeats
from mtqa.types import Document, Sentence, SentenceKind

TITLE_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "cmdr",
        "adm",
        "sgt",
        "cpl",
        "pvt",
        "gov",
        "sen",
        "rep",
        "reps",
        "sens",
        "gens",
        "rev",
        "fr",
        "st",
        "sts",
        "mt",
        "ft",
        "hon",
        "pres",
        "supt",
        "insp",
        "det",
        "atty",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "no",
        "nos",
        "vol",
        "pp",
        "fig",
        "approx",
        "dept",
        "est",
        "vs",
    ]
)
# These can end a sentence; they do so only before a usual sentence opener.
TERMINAL_ABBREVIATIONS = frozenset(["inc", "corp", "co", "ltd", "llc", "plc", "jr", "sr", "etc", "bros"])
SENTENCE_OPENERS = frozenset(
    [
        "the",
        "a",
        "an",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "you",
        "his",
        "her",
        "its",
        "their",
        "our",
        "this",
        "that",
        "these",
        "those",
        "there",
        "but",
        "and",
        "so",
        "yet",
        "however",
        "meanwhile",
        "in",
        "on",
        "at",
        "after",
        "before",
        "when",
        "while",
        "if",
        "as",
        "for",
        "by",
        "officials",
        "police",
        "authorities",
    ]
)

_TERMINAL = r"(?:[.?!]+|(?<=\w)(?:\.\.\.|\u2026))"
_CLOSERS = "\"'”’)]»"
_BOUNDARY = re.compile(_TERMINAL + "[" + re.escape(_CLOSERS) + r"]*(?=\s+[\"“‘'(\[«A-Z0-9\u00c0-\u00de])")
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_LETTERS_AND_DOTS = _ASCII_LETTERS | {"."}
_WORD_OR_DOT = re.compile(r"[\w.]")
_INITIALISM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]?$")
_NEXT_WORD = re.compile(r"\s+[\"“‘'(\[]*([A-Za-z]+)")
_LINE = re.compile(r"[^\n]*\n?")
_TERMINATED = re.compile(r"[.?!\u2026][" + re.escape(_CLOSERS) + r"]*$")
# A full stop after a word, then a lowercase word: machine translation glues a
# fragment after a finished sentence ("... on Friday. was reported. ..."). Not after "..."
# or an abbreviation ("etc. and", "vs. the", "approx. five").
_LOWER_BOUNDARY = re.compile(r"(?<=[A-Za-z][a-z])(?<!\.)\.[" + re.escape(_CLOSERS) + r"]*(?=\s+[a-z])")
LOWERCASE_ABBREVIATIONS = frozenset(
    [
        "etc",
        "vs",
        "approx",
        "cf",
        "ca",
        "al",
        "viz",
        "esp",
        "incl",
        "fig",
        "vol",
        "no",
        "pp",
        "ed",
        "eds",
        "dept",
        "est",
        # measures: "500 sq. meters", "60,000 cub. m/s"
        "sq",
        "cu",
        "cub",
    ]
)


def segment(text: str) -> Document:
    """Split ``text`` into sentences.

    Args:
        text: A news text, exactly as the user gave it.

    Returns:
        A ``Document`` whose sentences satisfy ``text[s.start:s.end] == s.text``.
    """
    sentences: list[Sentence] = []
    seen_body = False
    for paragraph, (block_start, block_end) in _blocks(text):
        spans = list(_sentence_spans(text, block_start, block_end))
        for start, end in spans:
            piece = text[start:end]
            kind: SentenceKind = "body"
            single_line = len(spans) == 1
            debris: list[tuple[int, int]] = []
            if single_line and is_debris_line(piece):
                kind = "boilerplate"
            elif single_line and is_byline(piece):
                kind = "byline"
            elif not seen_body and single_line and not _TERMINATED.search(piece):
                kind = "headline"
            else:
                seen_body = True
                debris = [(start + a, start + b) for a, b in debris_spans(piece)]
            skip = dateline_length(piece) if start == block_start else 0
            kept = piece[skip:]
            for a, b in reversed(debris):
                kept = kept[: a - start - skip] + kept[b - start - skip :]
            norm = normalize(kept) or normalize(piece)
            sentences.append(Sentence(len(sentences), start, end, piece, norm, paragraph, kind, tuple(debris)))
    repeats = find_repeats(sentences)
    return Document(text, tuple(replace(s, repeat_of=repeats.get(s.id)) if s.id in repeats else s for s in sentences))


# Fewer words on a line of their own is a piece cut off a sentence ("The ferry"), not a headline.
HEADLINE_WORDS = 4


def standalone_lines(document: Document) -> set[int]:
    """Ids of the sentences that are a paragraph of their own, longer than a stub, with no final stop:
    headlines and subheads.

    Such a line is a unit of its own in any rendering; it is never half of a sentence split across lines.
    """
    per_paragraph = Counter(s.paragraph for s in document.sentences)
    return {
        s.id
        for s in document.sentences
        if per_paragraph[s.paragraph] == 1
        and s.kind != "boilerplate"
        and len(s.text.split()) > HEADLINE_WORDS
        and not _TERMINATED.search(s.text.rstrip())
    }


def _blocks(text: str) -> Iterator[tuple[int, tuple[int, int]]]:
    """Yield ``(paragraph, (start, end))`` for each block of non-blank lines."""
    paragraph = -1
    block: tuple[int, int, int] | None = None  # paragraph, start, end of the open block
    previous_blank = True
    offset = 0
    for match in _LINE.finditer(text):
        line = match.group()
        if not line:
            break
        line_start, offset = offset, offset + len(line)
        content = line.rstrip("\r\n")
        if not content.strip():
            previous_blank = True
            continue
        start = line_start + len(content) - len(content.lstrip())
        end = line_start + len(content.rstrip())
        if previous_blank:
            paragraph += 1
        if block is not None and not previous_blank and content.lstrip()[0].islower():
            block = (block[0], block[1], end)  # a soft-wrapped line continues the block
        else:
            if block is not None:
                yield block[0], (block[1], block[2])
            block = (paragraph, start, end)
        previous_blank = False
    if block is not None:
        yield block[0], (block[1], block[2])


def _sentence_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Yield the sentence spans of one block, stripped of surrounding whitespace."""
    block = text[start:end]
    quoted = quotation_spans(block)
    ends = {m.end() for m in _BOUNDARY.finditer(block) if _ends_sentence(block, m.start(), m.end())}
    ends |= {m.end() for m in _LOWER_BOUNDARY.finditer(block) if _ends_before_lowercase(block, m.start())}
    cut = 0
    opens = [open_ for open_, _ in quoted]
    for position in sorted(ends):
        inside = bisect.bisect_left(opens, position) - 1  # the last quotation opened before it
        if inside >= 0 and position <= quoted[inside][1]:
            continue
        yield from _stripped(start, block[cut:position], cut)
        cut = position
    yield from _stripped(start, block[cut:], cut)


def _ends_before_lowercase(block: str, stop_at: int) -> bool:
    """Whether the full stop at ``stop_at``, before a lowercase word, ends a sentence (no abbreviation)."""
    word = _letters_before(block, stop_at)
    if word is None:
        return False
    word = word.lower()
    known = LOWERCASE_ABBREVIATIONS | TERMINAL_ABBREVIATIONS | TITLE_ABBREVIATIONS
    return word not in known


def _stripped(block_start: int, piece: str, offset: int) -> Iterator[tuple[int, int]]:
    left = len(piece) - len(piece.lstrip())
    right = len(piece.rstrip())
    if right > left:
        yield block_start + offset + left, block_start + offset + right


def _ends_sentence(block: str, terminal_at: int, position: int) -> bool:
    """Decide whether the terminal punctuation at ``terminal_at`` ends a sentence."""
    if block[terminal_at] != ".":
        return True
    word = _word_before(block, terminal_at)
    if word is None:
        return True
    bare = word.rstrip(".").lower()
    if "." not in word and word[0].isupper() and bare in TITLE_ABBREVIATIONS:
        return False
    is_initialism = bool(_INITIALISM.match(word + ".")) and (len(word) <= 1 or "." in word)
    if is_initialism or bare in TERMINAL_ABBREVIATIONS:
        following = _NEXT_WORD.match(block, position)
        return following is not None and following.group(1).lower() in SENTENCE_OPENERS
    return True


# The two scans below read back from a full stop only as far as its word: a search anchored at the
# stop over the whole text before it would make segmenting a long text take time quadratic in its length.


def _word_before(block: str, stop_at: int) -> str | None:
    """The word of ASCII letters and dots, opening with a letter, that ends at the full stop at ``stop_at``."""
    start = stop_at
    while start > 0 and block[start - 1] in _LETTERS_AND_DOTS:
        start -= 1
    while start < stop_at and block[start] == ".":
        start += 1
    return block[start:stop_at] if start < stop_at else None


def _letters_before(block: str, stop_at: int) -> str | None:
    """The ASCII letters that end at the full stop at ``stop_at``, when no other word character or dot precedes them."""
    start = stop_at
    while start > 0 and block[start - 1] in _ASCII_LETTERS:
        start -= 1
    if start == stop_at or (start > 0 and _WORD_OR_DOT.match(block, start - 1)):
        return None
    return block[start:stop_at]
