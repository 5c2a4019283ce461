"""Proper names in a document: words, adjacent pairs, and the runs they stand in."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import pairwise

from mtqa.nlp.lexicon import zipf
from mtqa.types import Document

# A capitalised word, optionally behind a short lowercase particle joined by a
# hyphen or apostrophe (al-, el-, d'), with inner hyphens and apostrophes.
_NAME = re.compile(r"(?<![\w'’-])(?:[a-z]{1,3}[-'’])?([^\W\d_][^\W\d_]*(?:['’-][^\W\d_]+)*)")
# "Iran-backed", "US-led": a lowercase tail that is an ordinary word is not part of the name.
_TAIL = re.compile(r"-([a-z]+)$")
# Lowercase particles that stand between the words of one name, in many languages.
PARTICLES = frozenset(
    {"al", "el", "bin", "ibn", "bint", "van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das"}
    | {"du", "la", "le", "ter", "ten"}
)
# Calendar words are capitalised but are not names of anyone.
CALENDAR = frozenset(
    {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october"}
    | {"november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)
_POSSESSIVE = re.compile(r"['’]s$")


# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "ı": "i",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "þ": "th",
        "Þ": "Th",
    }
)


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lowercase ``text``, strip accents (ø and ł too), and keep only letters and digits."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(ch for ch in decomposed if ch.isalnum()).lower()


@dataclass(frozen=True)
class NameSpan:
    """A name-like span of a document: one word, or two adjacent ones, in its run.

    Attributes:
        sentence_id: The sentence holding it.
        start: Offset in the document.
        end: Offset one past the span.
        text: ``document[start:end]``.
        run: The words of the whole name it belongs to ("Hendrik van der Molen").
    """

    sentence_id: int
    start: int
    end: int
    text: str
    run: tuple[str, ...]

    @cached_property
    def key(self) -> str:
        """Letters only, lowercased and unaccented: the form names are matched on."""
        return fold(self.text)

    @cached_property
    def words(self) -> int:
        return len(self.text.split())

    @cached_property
    def bare(self) -> str:
        """The key of each word but the particles: "Hendrik van der Molen" -> "hendrik molen"."""
        return " ".join(fold(w) for w in self.text.split() if w not in PARTICLES)


def _words(document: Document) -> list[list[NameSpan]]:
    """Name words of each sentence, grouped into runs (adjacent, or joined by particles)."""
    runs: list[list[NameSpan]] = []
    for sentence in document.sentences:
        if sentence.kind == "boilerplate":
            continue
        current: list[NameSpan] = []
        previous_end = -1
        for match in _NAME.finditer(sentence.text):
            text = match.group()
            if not match.group(1)[0].isupper() or fold(text) in CALENDAR:
                continue
            tail = _TAIL.search(text)
            if tail and zipf(tail.group(1)) >= 3.0:
                text = text[: tail.start()]
            text = _POSSESSIVE.sub("", text)
            start = sentence.start + match.start()
            gap = document.text[previous_end:start] if previous_end >= 0 else None
            joined = (
                gap is not None
                and all(w in PARTICLES for w in gap.split())
                and gap.startswith(" ")
                and gap.endswith(" ")
            )
            if current and not joined:
                runs.append(current)
                current = []
            current.append(NameSpan(sentence.id, start, start + len(text), text, ()))
            previous_end = start + len(text)
        if current:
            runs.append(current)
    return runs


def name_spans(document: Document) -> list[NameSpan]:
    """Single words, adjacent pairs, and particle-joined names, each knowing its run."""
    spans: list[NameSpan] = []
    for run in _words(document):
        words = tuple(document.text[run[0].start : run[-1].end].split())

        def span(
            start: int, end: int, sentence_id: int = run[0].sentence_id, words: tuple[str, ...] = words
        ) -> NameSpan:
            return NameSpan(sentence_id, start, end, document.text[start:end], words)

        spans.extend(span(w.start, w.end) for w in run)
        spans.extend(span(left.start, right.end) for left, right in pairwise(run))
        for left, right in pairwise(run):  # "van der Molen": particles and the word after them
            gap = document.text[left.end : right.start]
            if gap.strip():
                spans.append(span(left.end + len(gap) - len(gap.lstrip()), right.end))
    return list({(s.start, s.end): s for s in spans}.values())
