"""Broken syntax: fragments and sentences a translation round trip left unfinished."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mtqa.detectors.base import AuditContext
from mtqa.nlp import english
from mtqa.types import Flag, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Parts of speech that cannot end an English sentence.
_DANGLING = {"ADP": "preposition", "CCONJ": "conjunction", "SCONJ": "conjunction", "DET": "determiner"}
_SUBJECTS = {"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"}
_FINAL = (".", "?", "!", "…", "”", '"', "’", "'", ")")


class SyntaxDetector:
    """Flags copy sentences that are not well-formed sentences.

    Evidence, from spaCy's tagger and parser plus rules:

    - it ends with a preposition, conjunction or determiner ("... strike at.");
    - it has no verb at all ("East for the next four years.");
    - it opens with a finite verb that has no subject ("Said that he denied.");
    - it is short (at most ``SHORT_WORDS`` words) and has no final punctuation;
    - it begins with a lowercase letter, as a cut-off phrase does.

    Headlines are skipped. One flag per sentence, spanning the sentence, lists
    all the evidence. A dangling word, no verb or a missing subject make it
    major, as does any two signals together; a single weak signal is minor.
    When the sentence shares an alignment unit with a neighbour, the flag says
    so: it is the tail of a split sentence.
    """

    name = "syntax"
    SHORT_WORDS = 4

    def params(self) -> dict[str, object]:
        """See ``Detector.params``."""
        return {"short_words": self.SHORT_WORDS}

    def detect(self, context: AuditContext) -> list[Flag]:
        """See ``Detector.detect``."""
        body = [s for s in context.copy.sentences if s.kind == "body"]
        flags = []
        for sentence, doc in zip(body, english().pipe([s.text for s in body]), strict=True):
            evidence, strong = self._evidence(sentence, doc)
            if not evidence:
                continue
            unit = context.unit_copy_ids(sentence.id)
            if len(unit) > 1:
                evidence.append(
                    f"it renders the original together with copy sentence(s) {[i for i in unit if i != sentence.id]}"
                )
            counterparts = context.counterparts(sentence.id)
            flags.append(
                Flag(
                    kind=self.name,
                    severity="major" if strong or len(evidence) > 1 else "minor",
                    copy_id=sentence.id,
                    reference_id=counterparts[0] if counterparts else None,
                    start=sentence.start,
                    end=sentence.end,
                    text=sentence.text,
                    suggestion=None,
                    message="broken sentence: " + "; ".join(evidence),
                )
            )
        return flags

    def _evidence(self, sentence: Sentence, doc: Doc) -> tuple[list[str], bool]:
        words = [t for t in doc if not t.is_punct and not t.is_space]
        if not words:
            return [], False
        evidence: list[str] = []
        strong = False
        last = words[-1]
        if last.pos_ in _DANGLING and last.i == len(doc) - 1 - _trailing_punct(doc):
            evidence.append(f"it ends with the {_DANGLING[last.pos_]} “{last.text}”")
            strong = True
        if not any(t.pos_ in ("VERB", "AUX") for t in words):
            evidence.append("it has no verb")
            strong = True
        first = words[0]
        root = next((t for t in doc if t.dep_ == "ROOT"), None)
        if (
            first.pos_ in ("VERB", "AUX")
            and "Fin" in first.morph.get("VerbForm", [])
            and root is not None
            and not any(child.dep_ in _SUBJECTS for child in root.children)
        ):
            evidence.append(f"it opens with the verb “{first.text}” and has no subject")
            strong = True
        if len(words) <= self.SHORT_WORDS and not sentence.text.rstrip().endswith(_FINAL):
            evidence.append(f"it has only {len(words)} word(s) and no final punctuation")
        if sentence.text[:1].islower():
            evidence.append("it starts in lowercase, mid-phrase")
        return evidence, strong


def _trailing_punct(doc: Doc) -> int:
    count = 0
    for token in reversed(doc):
        if not token.is_punct:
            break
        count += 1
    return count
