"""Non-words: a lowercase word of the copy that misspells a common English word and that the original does not use,
and words written with look-alike letters of another script."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import DamerauLevenshtein

from mtqa.detectors.base import AuditContext
from mtqa.nlp.lexicon import correction, lookalikes, same_but_lookalikes, zipf
from mtqa.types import Flag

# A word: letters only, in any script.
_LETTERS = re.compile(r"[^\W\d_]+")


class SpellingDetector:
    """Flags misspelt words ("goverment", "reponsibility", "presidnet").

    A word is looked at when it is all lowercase letters, at least
    ``MIN_LETTERS`` long, in a body or headline sentence, and absent from the
    original. It is a misspelling when wordfreq knows it as rare and a common
    word lies one edit away (two for long words, a swap of neighbours counting
    as one) that is far more frequent (``mtqa.nlp.lexicon.correction``);
    British and American spellings are variants, not errors. Names are
    capitalised and left to the name detector. The suggestion is the
    original's own word when the aligned original sentence has one within two
    edits, else the common word. Every flag is minor.

    A word of any case that mixes Latin letters with Cyrillic or Greek ones
    ("Moпday") is flagged too, naming the letters: content farms write copied
    text so to hide it from search. The suggestion is the original's word with
    the Latin letters when the original has it, else the word as written. A word
    the original writes the same way is no swap, and a name so written is left
    to the name detector.
    """

    name = "spelling"
    english_only = True  # English word frequencies
    MIN_LETTERS = 4

    def params(self) -> dict[str, object]:
        """See ``Detector.params``."""
        return {"min_letters": self.MIN_LETTERS, "lexicon": "wordfreq en, mtqa.nlp.lexicon.correction"}

    def detect(self, context: AuditContext) -> list[Flag]:
        """See ``Detector.detect``."""
        used = set(re.findall(r"[^\W\d_]+", context.reference.text.lower()))
        flags = []
        for sentence in context.copy.sentences:
            if sentence.kind not in ("body", "headline"):
                continue
            for match in re.finditer(r"(?<![\w@#/.'’-])[a-z]+(?![\w@/'’-]|\.\w)", sentence.text):
                word = match.group()
                if len(word) < self.MIN_LETTERS or word in used:
                    continue
                common = correction(word)
                if common is None:
                    continue
                suggestion = self._from_original(context, sentence.id, word) or common
                message = (
                    f"not an English word: “{word}” is rare (Zipf {zipf(word):.1f}) "
                    f"and one slip from “{common}” (Zipf {zipf(common):.1f}); the original does not use it"
                )
                flags.append(self._flag(sentence.id, sentence.start + match.start(), word, suggestion, message))
        return flags + self._lookalikes(context)

    def _lookalikes(self, context: AuditContext) -> list[Flag]:
        """Words written with letters of another script that look Latin ("Moпday" with a Cyrillic п)."""
        flags = []
        every_word: dict[str, None] | None = None  # the original's words, in order, read once and only if needed
        for sentence in context.copy.sentences:
            if sentence.kind not in ("body", "headline"):
                continue
            aligned: list[str] | None = None
            for match in re.finditer(_LETTERS, sentence.text):
                word = match.group()
                foreign = lookalikes(word)
                start = sentence.start + match.start()
                if not foreign or any(f.kind == "name" and f.start <= start < f.end for f in context.prior):
                    continue  # a name in look-alike letters is the name flag's to show
                if every_word is None:
                    every_word = dict.fromkeys(re.findall(_LETTERS, context.reference.text))
                if word in every_word:
                    continue  # the original writes it so ("TNFα"): the copy kept it
                if aligned is None:  # the words of the original sentences this one renders, once per sentence
                    ids = context.counterparts(sentence.id)
                    aligned = [w for i in ids for w in re.findall(_LETTERS, context.reference.sentences[i].text)]
                suggestion = next((w for w in [*aligned, *every_word] if same_but_lookalikes(w, word)), None)
                letters = ", ".join(f"“{ch}” ({unicodedata.name(ch, '?').lower()})" for ch in dict.fromkeys(foreign))
                message = (
                    f"“{word}” mixes Latin letters with look-alikes from another script: {letters}; "
                    "such a spelling hides the copied words from search"
                )
                flags.append(self._flag(sentence.id, start, word, suggestion or word, message))
        return flags

    def _flag(self, copy_id: int, start: int, word: str, suggestion: str, message: str) -> Flag:
        """A minor flag on one word of the copy."""
        return Flag(
            kind=self.name,
            severity="minor",
            copy_id=copy_id,
            reference_id=None,
            start=start,
            end=start + len(word),
            text=word,
            suggestion=suggestion,
            message=message,
        )

    def _from_original(self, context: AuditContext, copy_id: int, word: str) -> str | None:
        """The word of the aligned original sentences closest to ``word``, within two edits."""
        words = {
            w
            for i in context.counterparts(copy_id)
            for w in re.findall(r"[^\W\d_]+", context.reference.sentences[i].text.lower())
        }
        close = [(DamerauLevenshtein.distance(word, w), w) for w in words if w[:1] == word[:1]]
        best = min(close, default=None)
        return best[1] if best is not None and best[0] <= 2 else None
