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
