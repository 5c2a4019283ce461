"""Small pieces the name and omission detectors share: a name flag, overlap, and "named just before"."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mtqa.detectors.base import AuditContext
from mtqa.nlp.entities import core, renders, text_words
from mtqa.nlp.lexicon import zipf
from mtqa.nlp.name_spans import PARTICLES
from mtqa.types import Flag, Severity

if TYPE_CHECKING:
    from spacy.tokens import Span

KIND = "name"
# A word rarer than this marks a name as a proper name, not a phrase of ordinary words.
RARE_ZIPF = 3.5
COMMON_ZIPF = 4.5  # a capitalised word this common is no name on its own ("Said")
MIN_REPEATED = 4  # letters of a flagged copy word before its repetitions are flagged too


def name_flag(
    severity: Severity,
    where: tuple[int, int, int, str],
    reference_id: int | None,
    suggestion: str | None,
    message: str,
) -> Flag:
    """A ``name`` flag on ``where`` = (copy sentence id, start, end, text)."""
    copy_id, start, end, text = where
    return Flag(KIND, severity, copy_id, reference_id, start, end, text, suggestion, message)


def named_before(context: AuditContext, copy_id: int, entity: Span, sentences: int = 3) -> bool:
    """Whether the copy's last ``sentences`` sentences before ``copy_id`` give the name ``entity``: its rare
    words, all (every word, when none is rare).

    "The company said" then refers back to it; "Ghana" alone does not stand
    for "the Ghana Maritime Authority".
    """
    words = text_words(context.copy_before(copy_id, sentences))
    parts = [w for w in _words(core(entity)) if w.lower() not in PARTICLES]
    rare = [w for w in parts if zipf(w) < RARE_ZIPF] or parts
    return bool(rare) and all(renders(w, words) for w in rare)


def free(start: int, end: int, flags: list[Flag]) -> bool:
    """True when the span ``[start, end)`` overlaps none of ``flags``: a span is flagged once."""
    return not any(f.start < end and start < f.end for f in flags)


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s]+", text.replace("-", " ")) if w and any(ch.isalpha() for ch in w)]


def repeated_flags(context: AuditContext, flags: list[Flag]) -> list[Flag]:
    """A word of a name flagged once, flagged again wherever the copy repeats it for the same original word.

    "Dana Streams" for "Dana Rivers" is judged where the aligner links the two; a later "Streams said"
    for "Rivers said" is the same mangling, though the aligner may leave it unjudged. The copy word must
    stand in a unit whose original sentences write the original word, in a copy sentence that does not
    write that word itself; it must be no word the original writes anywhere, in any case (then it may be
    that word, rightly), nor shorter than ``MIN_REPEATED`` letters ("Ms"). The severity is the worst the
    pair drew anywhere, and a span already flagged is left alone.
    """
    worst: dict[tuple[str, str], Flag] = {}
    for flag in flags:
        single = flag.suggestion and " " not in flag.text and " " not in flag.suggestion and flag.text[:1].isupper()
        if flag.kind != KIND or not single or flag.copy_id is None or flag.text == flag.suggestion:
            continue
        key = (flag.text, str(flag.suggestion))
        if key not in worst or (flag.severity == "major" and worst[key].severity != "major"):
            worst[key] = flag
    found: list[Flag] = []
    taken = list(flags)  # the spans flagged so far, these repetitions included
    for (text, suggestion), source in worst.items():
        mine, theirs = _whole_word(text), _whole_word(suggestion)
        if len(text) < MIN_REPEATED or re.search(mine.pattern, context.reference.text, re.IGNORECASE):
            continue  # the original writes the word itself, in any case ("driver's", "city hall")
        for unit in context.alignment.units:
            reference_id = next(
                (i for i in unit.reference_ids if theirs.search(context.reference.sentences[i].text)), None
            )
            if not unit.is_linked or reference_id is None:
                continue
            for j in unit.copy_ids:
                sentence = context.copy.sentences[j]
                if theirs.search(sentence.text):
                    continue  # the sentence writes the original's name itself: the word is something else
                for match in mine.finditer(sentence.text):
                    start, end = sentence.start + match.start(), sentence.start + match.end()
                    if free(start, end, taken):
                        kind = source.message.split(":", 1)[0]
                        message = (
                            f"{kind}: “{text}” renders “{suggestion}” (original sentence {reference_id}), "
                            f"as in copy sentence {source.copy_id}"
                        )
                        found.append(
                            name_flag(source.severity, (j, start, end, text), reference_id, suggestion, message)
                        )
                        taken.append(found[-1])
    return found


def _whole_word(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")
