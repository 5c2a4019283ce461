"""Additions: copy sentences with no source in the original."""

from __future__ import annotations

import itertools
import re

from mtqa.align.repeats import unlinked_repeats
from mtqa.detectors.base import LOW_COVERAGE, AuditContext
from mtqa.nlp.entities import text_words
from mtqa.nlp.facts import KeyFacts, key_facts
from mtqa.nlp.name_spans import fold
from mtqa.types import Flag

# A possessive ending, dropped before words are compared ("Iran’s" is "Iran").
_POSSESSIVE = re.compile(r"['’]s\b")


class AdditionDetector:
    """Flags each body sentence of the copy that renders nothing of the original.

    Fragments already flagged as major syntax errors, page debris and a
    repeat of an earlier copy sentence (``mtqa.align.repeats``) are not
    additions. An added sentence that asserts a number, a quotation or a name
    the original never mentions is major (an invented fact); otherwise minor.
    A name is in the original when it is a word of the original, folded
    (case, accents, a possessive; "Jae-min" is not "Min-jae"), or when the
    name detector found it a rendering of a name of the original ("Kovalski"
    for "Kowalski"). The evidence cites only the names and numbers new to the
    original.
    """

    name = "addition"
    english_only = True  # rests on the English model's alignment

    def params(self) -> dict[str, object]:
        """See ``Detector.params``."""
        return {}

    def detect(self, context: AuditContext) -> list[Flag]:
        """See ``Detector.detect``; nothing when the copy is not a copy of the original at all."""
        if context.coverage() < LOW_COVERAGE:
            return []
        sourced = {j for unit in context.alignment.units if unit.reference_ids for j in unit.copy_ids}
        fragments = {f.copy_id for f in context.prior if f.kind == "syntax" and f.severity == "major"}
        repeats = unlinked_repeats(context.copy, context.alignment, "copy")  # saying a thing twice adds nothing
        original = context.reference.text.lower()
        known = _original_words(context.reference.text)
        # the words of copy names the name detector judged renderings of an original name
        rendered = {
            fold(_POSSESSIVE.sub("", word))
            for f in context.prior
            if f.kind == "name" and f.reference_id is not None
            for word in f.text.split()
        }
        flags = []
        for sentence in context.copy.sentences:
            if sentence.id in sourced or sentence.id in fragments or sentence.id in repeats or sentence.kind != "body":
                continue
            facts = key_facts(sentence.norm)
            new = KeyFacts(
                tuple(n for n in facts.names if not _in_original(n, known, rendered)),
                tuple(n for n in facts.numbers if n.lower() not in original),
                facts.quotes,
            )
            evidence = ""
            if new.names or new.numbers:
                evidence += "; new to the original: " + KeyFacts(new.names, new.numbers, ()).describe()
            if new.quotes:
                evidence += "; it holds " + KeyFacts((), (), new.quotes).describe()
            flags.append(
                Flag(
                    kind=self.name,
                    severity="major" if new else "minor",
                    copy_id=sentence.id,
                    reference_id=None,
                    start=sentence.start,
                    end=sentence.end,
                    text=sentence.text,
                    suggestion=None,
                    message=f"no source in the original{evidence}",
                )
            )
        return flags


def _in_original(name: str, known: set[str], rendered: set[str]) -> bool:
    """Whether ``name`` is a name of the original: the name detector took it for a rendering of one
    (``rendered``), or it is, folded, a word of the original (``known``, from ``_original_words``)."""
    return fold(name) in rendered or fold(name) in known


def _original_words(text: str) -> set[str]:
    """The original's words folded, possessives dropped: each word whole ("minjae"), each part of a
    hyphenated word ("jae"), two neighbours run together ("hongkong"), and initials (``text_words``)."""
    text = _POSSESSIVE.sub("", text)
    tokens = [fold(t) for t in text.split()]
    return text_words(text) | set(tokens) | {a + b for a, b in itertools.pairwise(tokens)}
