"""Key facts of a sentence: the names, numbers and quotations a reader would miss."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mtqa.nlp.lexicon import zipf
from mtqa.nlp.world import is_country_adjective
from mtqa.segment.quotations import quotation_spans

_NUMBER = re.compile(
    r"\b(?:\d[\d,.]*\d|\d)(?:\s?%)?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|hundreds|thousand|thousands|"
    r"million|millions|billion|billions|dozen|dozens)\b",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"(?<![\w'’-])[^\W\d_][\w'’-]*")
_POSSESSIVE = re.compile(r"['’]s$")
# A capitalised word rarer than this in English is taken as a name.
NAME_ZIPF = 4.5


@dataclass(frozen=True)
class KeyFacts:
    """What a sentence asserts that an editor checks first."""

    names: tuple[str, ...]
    numbers: tuple[str, ...]
    quotes: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.names or self.numbers or self.quotes)

    def describe(self) -> str:
        """E.g. ``numbers “14”, “June 18”; names “Dholai”; a quotation``."""
        parts = []
        if self.numbers:
            parts.append("numbers " + ", ".join(f"“{n}”" for n in self.numbers))
        if self.names:
            parts.append("names " + ", ".join(f"“{n}”" for n in self.names))
        if self.quotes:
            parts.append("a quotation" if len(self.quotes) == 1 else f"{len(self.quotes)} quotations")
        return "; ".join(parts)


def key_facts(text: str) -> KeyFacts:
    """Extract the names, numbers and quotations of one sentence.

    A name is a capitalised word that is not the sentence's first word, not a
    very common English word, and not a word about a country ("Iraqi",
    "Iran-backed": ``is_country_adjective``), cited without a possessive
    ("Iran" for "Iran's"); numbers are digits and number words.
    """
    words = list(_CAPITALISED.finditer(text))
    names = tuple(
        dict.fromkeys(
            _POSSESSIVE.sub("", m.group())
            for m in words[1:]
            if m.group()[0].isupper() and zipf(m.group()) < NAME_ZIPF and not is_country_adjective(m.group())
        )
    )
    numbers = tuple(dict.fromkeys(m.group() for m in _NUMBER.finditer(text)))
    quotes = tuple(text[o + 1 : c] for o, c in quotation_spans(text) if c - o > 1)
    return KeyFacts(names, numbers, quotes)
