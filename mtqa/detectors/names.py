"""Mangled proper names: near misses of the original's names, of each other, and of known names."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache
from typing import TYPE_CHECKING

import jellyfish
from rapidfuzz.distance import OSA as Levenshtein  # transpositions count as one edit
from rapidfuzz.distance import Levenshtein as PlainLevenshtein

from mtqa.detectors.base import AuditContext
from mtqa.detectors.name_entities import COMMON_ZIPF
from mtqa.detectors.name_entities import free as _free
from mtqa.detectors.name_entities import name_flag as _name_flag
from mtqa.detectors.name_renderings import (
    StoryNames,
    headline_flags,
    near_miss_flags,
    rendering_flags,
    story_names,
)
from mtqa.nlp.lexicon import is_unknown, nearest_known, zipf
from mtqa.nlp.name_spans import PARTICLES, NameSpan, fold, name_spans
from mtqa.types import Flag, Severity

if TYPE_CHECKING:
    pass


class NameDetector:
    """Flags copy names that mangle a name.

    Signals, in order (a span flagged once is not flagged again):

    1. **Against the original.** A copy name that does not stand in the
       original as written is compared with the original's names (words,
       adjacent pairs, particle names such as "van der Molen"):
       - the same letters split or joined differently ("Dela Croix") - minor;
       - a particle dropped or added ("Hendrik Molen") - minor;
       - within ``MIN_SIMILARITY`` normalised Levenshtein, or sounding alike
         (Metaphone) within ``MIN_PHONETIC_SIMILARITY`` - major, or minor for a
         doubled or dropped letter (Qasem/Qassem);
       - in a two-word name whose other word stands in the original, the
         differing word at one edit ("Riu Jianguo" for "Liu Jianguo");
       - in a two-word name, one word kept and the other swapped for another
         name, where the aligned original sentence has the first pair
         ("Ngozi Okafor" for "Ngozi Eze") - major;
       - a particle rendered as another word ("Sanne the Vries") - minor.
       Skipped: very common words (Zipf >= ``COMMON_ZIPF``: "Said", "Near"),
       words derived by a suffix ("Syrian" from "Syria"), compounds of ordinary
       words ("Iraqi-Syrian"), pairs of ordinary words ("Marsh"/"March"), case
       and punctuation variants ("US"/"U.S."), and a word of a longer name
       whose other words match none of the original name's other words (the
       same title for another person).
    2. **A name replaced.** In an aligned unit, a name the copy gives and the
       original never mentions (no word, near miss or initials of it), put
       where the original has a name the copy drops: a person, place,
       organisation, group or event (spaCy's entity types). It must fill the
       dropped name's slot (the same role under a word of the same lemma, or
       the same word beside it), unless it is the unit's one new person for
       its one dropped person. Major, the original's name as suggestion.
    3. **Inside the copy.** A name the original lacks, spelled several ways in
       the copy: minor, the most frequent spelling as suggestion.
    4. **Against the language.** A capitalised word unknown in English
       (Zipf < ``UNKNOWN_ZIPF``) within ``LEXICON_JARO_WINKLER`` of a known word:
       minor, the known word as suggestion.
    """

    name = "name"
    english_only = True
    COMMON_ZIPF = COMMON_ZIPF
    DERIVED_ZIPF = 3.0
    MAX_SUFFIX = 3
    MIN_SIMILARITY = 0.75
    MIN_PHONETIC_SIMILARITY = 0.6
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
            "min_phonetic_similarity": self.MIN_PHONETIC_SIMILARITY,
            "unknown_zipf": self.UNKNOWN_ZIPF,
            "lexicon_jaro_winkler": self.LEXICON_JARO_WINKLER,
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
        flags += [f for f in self._particle_changed(context, names.first_of_each) if _free(f.start, f.end, flags)]
        surfaces = {k.text for k in known}
        # A word the alignment links to an original word is judged against it, not against the language.
        linked = {link.copy.start for link in context.words.links if link.copy and link.reference}
        singles = [
            s
            for s in copy_spans
            if s.words == 1 and s.text not in surfaces and s.start not in linked and _free(s.start, s.end, flags)
        ]
        flags += self._inconsistent(singles, known)
        flags += [
            f for f in (self._against_language(s) for s in singles) if f is not None and _free(f.start, f.end, flags)
        ]
        return sorted(flags, key=lambda f: f.start)

    # 1. against the original

    def _against_original(self, span: NameSpan, names: _Known, context: AuditContext) -> Flag | None:
        known, surfaces = names.spans, names.surfaces
        if span.text in surfaces:
            return None
        for candidate in names.first_of_each:
            if candidate.bare == span.bare and candidate.words != span.words:
                dropped = " ".join(w for w in candidate.text.split() if w in PARTICLES) or "a particle"
                return self._flag(
                    span, candidate, known, context, "minor", f"the particle “{dropped}” is dropped or added"
                )
        if (span.key, span.words) in names.forms:
            return None  # only case or punctuation differ: "US" for "U.S."
        for candidate in names.first_of_each:
            if candidate.key == span.key:
                return self._flag(
                    span, candidate, known, context, "minor", "the same letters, split or joined differently"
                )
        if span.words == 2:
            swapped = self._swapped_word(span, names, context)
            if swapped is not None:
                return swapped
        if span.words > 1 and any(word in surfaces for word in span.text.split()):
            return self._differing_word(span, names, context)
        if len(span.key) < self.MIN_LETTERS or self._is_common(span.text):
            return None
        scored: list[tuple[float, NameSpan]] = []
        for candidate in names.first_of_each:  # judged by its text, so once for all its mentions
            if self._is_derived(span, candidate) or self._both_ordinary(span.text, candidate.text):
                continue
            similarity = Levenshtein.normalized_similarity(span.key, candidate.key)
            alike = _metaphone(span.key) == _metaphone(candidate.key)
            if similarity >= self.MIN_SIMILARITY or (alike and similarity >= self.MIN_PHONETIC_SIMILARITY):
                score = similarity + (0.1 if alike else 0.0) + 0.01 * candidate.words
                scored += [(score, mention) for mention in names.mentions[candidate.text]]
        scored.sort(key=lambda pair: (-pair[0], pair[1].start))
        original = next((c for _, c in scored if _same_entity(span, c)), None)
        if original is None:
            return None
        if _is_transliteration_variant(span.key, original.key):
            return self._flag(span, original, known, context, "minor", "a transliteration variant (a doubled letter)")
        distance = Levenshtein.distance(span.key, original.key)
        sound = ", sounds alike" if _metaphone(span.key) == _metaphone(original.key) else ""
        return self._flag(span, original, known, context, "major", f"{distance} letter(s) differ{sound}")

    def _differing_word(self, span: NameSpan, names: _Known, context: AuditContext) -> Flag | None:
        """ "Riu Jianguo" for "Liu Jianguo": one word stands in the original, the other is one edit off."""
        known, words = names.spans, span.text.split()
        if len(words) != 2 or sum(w in names.surfaces for w in words) != 1:
            return None
        for candidate in (k for k in names.first_of_each if k.words == 2):
            theirs = candidate.text.split()
            for keep in (0, 1):
                other = 1 - keep
                if words[keep] == theirs[keep] and words[other] != theirs[other]:
                    mine, original = fold(words[other]), fold(theirs[other])
                    if mine.removesuffix("s") == original.removesuffix("s"):
                        continue  # "Gate" for "Gates": number, not spelling
                    if Levenshtein.distance(mine, original) == 1 and not self._is_common(words[other]):
                        start = _word_start(span, other)
                        word = NameSpan(span.sentence_id, start, start + len(words[other]), words[other], span.run)
                        target = NameSpan(
                            candidate.sentence_id, candidate.start, candidate.end, theirs[other], candidate.run
                        )
                        variant = _is_transliteration_variant(mine, original)
                        severity: Severity = "minor" if variant else "major"
                        evidence = "a transliteration variant" if variant else "one letter differs"
                        return self._flag(word, target, known, context, severity, f"{evidence} in “{candidate.text}”")
        return None

    def _swapped_word(self, span: NameSpan, names: _Known, context: AuditContext) -> Flag | None:
        """ "Ngozi Okafor" where the aligned original says "Ngozi Eze": one name kept, the other swapped."""
        words = span.text.split()
        aligned = set(context.counterparts(span.sentence_id))
        for candidate in (k for k in names.in_sentences(aligned) if k.words == 2):
            theirs = candidate.text.split()
            for keep in (0, 1):
                other = 1 - keep
                shared, mine, original = words[keep], words[other], theirs[other]
                if shared != theirs[keep] or zipf(shared) >= _TITLE_ZIPF:
                    continue
                if self._is_common(mine) or self._is_common(original):
                    continue
                if Levenshtein.normalized_similarity(fold(mine), fold(original)) >= self.MIN_PHONETIC_SIMILARITY:
                    continue  # a near miss, judged by the other rules
                if fold(mine) in fold(original) or fold(original) in fold(mine):
                    continue  # part of a split name ("Hod" of "Hod Zic" for "Hodzic")
                if any(fold(mine) in {fold(w) for w in context.reference.sentences[i].text.split()} for i in aligned):
                    continue  # another name of the same sentence ("Kaduna Okonjo" for "Kaduna Rovers' Okonjo")
                real_name = fold(mine) in names.word_keys
                if not real_name and _near_any(fold(mine), names.keys):
                    continue  # a mangling of some name of the original ("Vanderberg"), judged by the other rules
                start = _word_start(span, other)
                return _name_flag(
                    "major",
                    (span.sentence_id, start, start + len(mine), mine),
                    candidate.sentence_id,
                    original,
                    f"name changed: where the original says “{candidate.text}” (original sentence "
                    f"{candidate.sentence_id}), the copy says “{span.text}”",
                )
        return None

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

    def _is_derived(self, span: NameSpan, candidate: NameSpan) -> bool:
        short, long = sorted((span.key, candidate.key), key=len)
        return (
            long.startswith(short)
            and len(long) - len(short) <= self.MAX_SUFFIX
            and zipf(span.text) >= self.DERIVED_ZIPF
        )

    def _both_ordinary(self, mine: str, theirs: str) -> bool:
        return min(zipf(mine), zipf(theirs)) >= self.DERIVED_ZIPF

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

    def in_sentences(self, sentence_ids: set[int]) -> list[NameSpan]:
        """The spans of the given original sentences, in document order."""
        return [self.spans[k] for k in sorted(k for i in sentence_ids for k in self._by_sentence.get(i, ()))]


# Words at least this common ("Commander", "Later", "President") are not what tells two names apart.
_TITLE_ZIPF = 3.5


def _compound_of_words(text: str) -> bool:
    """A hyphenated compound of known words ("Medium-Sized", "Long-Term"), which no lexicon lists whole."""
    parts = [p for p in re.split(r"[-‐–]", text) if p]
    return len(parts) > 1 and all(zipf(p) >= _KNOWN_PART_ZIPF for p in parts)


# A capital inside a word after lowercase letters: a brand or site name ("NewsNow").
_CAMEL_CASE = re.compile(r"[a-z][A-Z]")
# A part of a hyphenated compound at least this common is a word in its own right.
_KNOWN_PART_ZIPF = 3.0


def _word_start(span: NameSpan, index: int) -> int:
    """Document offset of word ``index`` of ``span``; the words may stand apart by any run of whitespace."""
    return span.start + [m.start() for m in re.finditer(r"\S+", span.text)][index]


@lru_cache(maxsize=65536)
def _metaphone(key: str) -> str:
    return str(jellyfish.metaphone(key))


def _near_any(key: str, keys: set[str]) -> bool:
    """True when ``key`` is one of ``keys`` or a near miss of one: a mangling, not a new name."""
    return key in keys or any(Levenshtein.normalized_similarity(key, k) >= 0.75 for k in keys)


def _same_entity(span: NameSpan, candidate: NameSpan) -> bool:
    """False when both stand in longer names that share no other rare word: another person.

    Common words in a run (a title, a capitalised sentence opener) say nothing
    about who is named, so only rarer words are compared.
    """

    def rare_others(run: tuple[str, ...], key: str) -> list[str]:
        return [fold(w) for w in run if w not in PARTICLES and fold(w) != key and zipf(fold(w)) < _TITLE_ZIPF]

    mine, theirs = rare_others(span.run, span.key), rare_others(candidate.run, candidate.key)
    if not mine or not theirs:
        return True
    return any(Levenshtein.normalized_similarity(a, b) >= 0.75 for a in mine for b in theirs)


def _is_transliteration_variant(copy_key: str, original_key: str) -> bool:
    """True when the keys differ only as transliterations of one name do.

    That is a doubled letter (Qasem/Qassem, Mohamed/Mohammed), or at most
    ``MAX_VARIANT_EDITS`` edits each of which changes, adds or drops a vowel
    (Qassem/Qassim, Soleimani/Suleimani), writes u as w (Choudhury/Chowdhury),
    or adds or drops the h of an aspirate (Akter/Akhter, Rouma/Rhouma). A
    changed, added or dropped consonant is a mangling, not a variant.
    """

    def undoubled(key: str) -> str:
        return re.sub(r"(.)\1+", r"\1", key)

    mine, theirs = undoubled(copy_key), undoubled(original_key)
    if len(original_key) < 5 or min(len(mine), len(theirs)) < 4:
        return False
    if mine == theirs:
        return True
    edits = PlainLevenshtein.editops(theirs, mine)
    return len(edits) <= MAX_VARIANT_EDITS and all(
        _variant_edit(op.tag, theirs, mine, op.src_pos, op.dest_pos) for op in edits
    )


def _variant_edit(tag: str, theirs: str, mine: str, i: int, j: int) -> bool:
    """Whether one edit from ``theirs`` to ``mine`` is one that transliterations make."""
    if tag == "replace":
        pair = {theirs[i], mine[j]}
        return pair <= _VOWELS or pair == {"u", "w"}
    longer, at = (mine, j) if tag == "insert" else (theirs, i)
    letter, before = longer[at], longer[at - 1] if at else ""
    return letter in _VOWELS - {"y"} or (letter == "h" and before in _ASPIRATED)


MAX_VARIANT_EDITS = 2
_VOWELS = frozenset("aeiouy")
_ASPIRATED = frozenset("kgdtrbp")  # kh, gh, dh, th, rh, bh, ph: an h that marks aspiration
