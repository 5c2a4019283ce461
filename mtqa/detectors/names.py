"""Mangled proper names: a name in the copy that is a near miss of a name in the original."""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

import jellyfish
from rapidfuzz.distance import Levenshtein
from wordfreq import zipf_frequency

from mtqa.detectors.base import AuditContext
from mtqa.types import Document, Flag, Severity

# A capitalised word, optionally behind a lowercase particle joined by a hyphen
# or apostrophe (al-, el-, bin-, d'), with inner hyphens and apostrophes.
_NAME = re.compile(r"(?<![\w'’-])(?:[a-z]{1,3}[-'’])?([^\W\d_][^\W\d_]*(?:['’-][^\W\d_]+)*)")
# "Iran-backed", "US-led": a lowercase tail that is an ordinary word is not part of the name.
_TAIL = re.compile(r"-([a-z]+)$")


@dataclass(frozen=True)
class NameSpan:
    """A name-like span of a document: one word, or two adjacent ones."""

    sentence_id: int
    start: int
    end: int
    text: str

    @property
    def key(self) -> str:
        """Letters only, lowercased and unaccented: the form names are matched on."""
        return fold(self.text)

    @property
    def words(self) -> int:
        return len(self.text.split())


def fold(text: str) -> str:
    """Lowercase ``text``, strip accents, and keep only letters and digits."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isalnum()).lower()


def name_spans(document: Document) -> list[NameSpan]:
    """Return single-word and adjacent two-word name spans of ``document``."""
    spans: list[NameSpan] = []
    for sentence in document.sentences:
        words: list[NameSpan] = []
        for match in _NAME.finditer(sentence.text):
            if not match.group(1)[0].isupper():
                continue
            text = match.group()
            tail = _TAIL.search(text)
            if tail and zipf_frequency(tail.group(1), "en") >= 3.0:
                text = text[: tail.start()]
            start = sentence.start + match.start()
            words.append(NameSpan(sentence.id, start, start + len(text), text))
        spans.extend(words)
        for left, right in itertools.pairwise(words):
            if document.text[left.end : right.start] == " ":
                spans.append(NameSpan(sentence.id, left.start, right.end, document.text[left.start : right.end]))
    return spans


class NameDetector:
    """Flags copy names that are near misses of names in the original.

    A copy name is checked when it is not a very common English word (Zipf
    frequency below ``COMMON_ZIPF``: "Said", "Near" opening a sentence) and
    does not stand in the original as written. A word of ordinary frequency
    (``DERIVED_ZIPF``) that extends or shortens an original name by a suffix
    ("Syrian" for "Syria") is a derived word, not a mangled name.

    It is flagged when its letters equal a name of the original but
    it is split or joined differently ("Solei Mani"), or when its letters are
    within ``MIN_SIMILARITY`` (normalised Levenshtein) of a name of the
    original, or sound the same (Metaphone) and are within ``MIN_PHONETIC_SIMILARITY``.
    A difference of letters is major; a difference only of spacing, or a
    doubled or dropped letter in a long name (Qasem/Qassem), is minor.
    """

    name = "name"
    COMMON_ZIPF = 4.5
    DERIVED_ZIPF = 3.0
    MAX_SUFFIX = 3
    MIN_SIMILARITY = 0.75
    MIN_PHONETIC_SIMILARITY = 0.6
    MIN_LETTERS = 4

    def params(self) -> dict[str, object]:
        """See ``Detector.params``."""
        return {
            "common_zipf": self.COMMON_ZIPF,
            "derived_zipf": self.DERIVED_ZIPF,
            "min_similarity": self.MIN_SIMILARITY,
            "min_phonetic_similarity": self.MIN_PHONETIC_SIMILARITY,
        }

    def detect(self, context: AuditContext) -> list[Flag]:
        """See ``Detector.detect``."""
        known = name_spans(context.reference)
        surfaces = {span.text for span in known}
        flags: list[Flag] = []
        taken: list[tuple[int, int]] = []
        candidates = sorted(name_spans(context.copy), key=lambda s: (-s.words, s.start))
        for span in candidates:
            if any(start < span.end and span.start < end for start, end in taken):
                continue
            if span.text in surfaces or len(span.key) < self.MIN_LETTERS or self._is_common(span):
                continue
            if span.words > 1 and any(word in surfaces for word in span.text.split()):
                continue  # one word stands in the original as written: judge the other alone
            if any(k.key == span.key and k.words == span.words for k in known):
                continue  # the same letters, only case or punctuation differ: "US" for "U.S."
            flag = self._match(span, known, context)
            if flag is not None:
                flags.append(flag)
                taken.append((span.start, span.end))
        return sorted(flags, key=lambda f: f.start)

    def _is_common(self, span: NameSpan) -> bool:
        """A very common word, or a compound of ordinary words ("Iraqi-Syrian")."""
        words = [w for w in re.split(r"[\s'’-]+", span.text) if w]
        if all(zipf_frequency(w, "en") >= self.COMMON_ZIPF for w in words):
            return True
        return "-" in span.text and all(zipf_frequency(w, "en") >= self.DERIVED_ZIPF for w in words)

    def _is_derived(self, span: NameSpan, candidate: NameSpan) -> bool:
        short, long = sorted((span.key, candidate.key), key=len)
        return (
            long.startswith(short)
            and len(long) - len(short) <= self.MAX_SUFFIX
            and zipf_frequency(span.text, "en") >= self.DERIVED_ZIPF
        )

    def _match(self, span: NameSpan, known: list[NameSpan], context: AuditContext) -> Flag | None:
        best: tuple[float, NameSpan] | None = None
        for candidate in known:
            if candidate.key == span.key:
                best = (2.0, candidate)  # same letters, split or joined differently
                break
            if self._is_derived(span, candidate):
                return None
            similarity = Levenshtein.normalized_similarity(span.key, candidate.key)
            sounds_alike = jellyfish.metaphone(span.key) == jellyfish.metaphone(candidate.key)
            if similarity >= self.MIN_SIMILARITY or (sounds_alike and similarity >= self.MIN_PHONETIC_SIMILARITY):
                score = similarity + (0.1 if sounds_alike else 0.0) + 0.01 * candidate.words
                if best is None or score > best[0]:
                    best = (score, candidate)
        if best is None:
            return None
        original = best[1]
        severity: Severity
        if original.key == span.key:
            severity, evidence = "minor", "the same letters, split or joined differently"
        elif _is_transliteration_variant(span.key, original.key):
            severity, evidence = "minor", "a transliteration variant (a doubled or dropped letter)"
        else:
            distance = Levenshtein.distance(span.key, original.key)
            sound = ", sounds alike" if jellyfish.metaphone(span.key) == jellyfish.metaphone(original.key) else ""
            severity, evidence = "major", f"{distance} letter(s) differ{sound}"
        reference_id = _reference_sentence(original, known, context.counterparts(span.sentence_id))
        return Flag(
            kind=self.name,
            severity=severity,
            copy_id=span.sentence_id,
            reference_id=reference_id,
            start=span.start,
            end=span.end,
            text=span.text,
            suggestion=original.text,
            message=f"“{span.text}” is not in the original; it is a near miss of “{original.text}” "
            f"(reference sentence {reference_id}): {evidence}",
        )


def _is_transliteration_variant(copy_key: str, original_key: str) -> bool:
    """True when the keys differ by doubling a letter (Qasem/Qassem, Mohamed/Mohammed)."""

    def undoubled(key: str) -> str:
        return re.sub(r"(.)\1+", r"\1", key)

    return len(original_key) >= 5 and undoubled(copy_key) == undoubled(original_key)


def _reference_sentence(original: NameSpan, known: list[NameSpan], aligned: tuple[int, ...]) -> int:
    """The aligned reference sentence naming ``original`` if there is one, else its first mention."""
    mentions = [span.sentence_id for span in known if span.text == original.text]
    for sentence_id in mentions:
        if sentence_id in aligned:
            return sentence_id
    return mentions[0] if mentions else original.sentence_id
