"""Changed numbers: a quantity, date, time, unit or qualifier of the original rendered differently."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from mtqa.detectors.base import AuditContext
from mtqa.nlp.language import MIN_ENGLISH_SHARE, english_share
from mtqa.nlp.quantities import Quantity, document_quantities, to_base
from mtqa.types import Flag, Severity

Relation = Literal["same", "converted", "unit", "value"]
# Ranks of the relations when pairing: equal values pair first, changed values last.
_RANK: dict[Relation, int] = {"same": 3, "converted": 2, "unit": 1, "value": 0}
_KIND_WORDS = {"date": "date", "time": "time", "ordinal": "number"}
_DIMENSION_WORDS = {"currency": "amount", "percent": "percentage", "percentage points": "percentage"}


@dataclass(frozen=True)
class Match:
    """A copy quantity paired with the reference quantity it renders."""

    copy: Quantity
    reference: Quantity
    relation: Relation
    score: float


class NumberDetector:
    """Flags numbers, dates, times, amounts and units of the original that the copy changed.

    The quantities of each alignment unit (all its copy sentences against all
    its reference sentences) are paired in two rounds. First, quantities of
    equal value: the same number, date or time, possibly in another rendering
    ("four"/"4", "$4.1 million"/"4.1 million dollars", "Sunday"/"on Sunday"),
    a conversion within ``CONVERSION_TOLERANCE`` ("2.4 meters"/"8 feet"), or
    the same number in another unit of the same dimension ("40 kilometers"/"40
    miles"). Then the rest, when the evidence that they fill the same slot
    reaches ``MIN_SLOT_SCORE``: the same noun ("14 villages"/"41 villages"),
    swapped digits, shared context words (a neighbour counts 1, a word further
    off 0.5, up to ``MAX_CONTEXT_SCORE``), the same unit or the same date parts,
    and being the only quantity of its sort left on both sides.

    A changed value, date, time or unit is major; a qualifier dropped, added or
    changed ("at least five"/"five") is minor, and only judged in an English
    copy sentence. Quantities without a counterpart are left to the addition
    and omission detectors, and units without a reference side are skipped.
    """

    name = "number"
    english_only = False  # digits compare across languages; English qualifiers are gated inside
    CONVERSION_TOLERANCE = 0.05
    MIN_SLOT_SCORE = 2.0
    MAX_CONTEXT_SCORE = 2.0

    def params(self) -> dict[str, object]:
        """See ``Detector.params``."""
        return {
            "conversion_tolerance": self.CONVERSION_TOLERANCE,
            "min_slot_score": self.MIN_SLOT_SCORE,
            "max_context_score": self.MAX_CONTEXT_SCORE,
        }

    def detect(self, context: AuditContext) -> list[Flag]:
        """See ``Detector.detect``."""
        reference = document_quantities(context.reference)
        copy = document_quantities(context.copy)
        flags: list[Flag] = []
        for sentence in context.copy.sentences:
            copy_ids = context.unit_copy_ids(sentence.id)
            reference_ids = context.counterparts(sentence.id)
            if sentence.id != copy_ids[0] or not reference_ids:
                continue  # each unit once, and only with a reference to compare
            copies = [q for j in copy_ids for q in copy[j]]
            references = [q for i in reference_ids for q in reference[i]]
            english = {j: english_share(context.copy.sentences[j].text) >= MIN_ENGLISH_SHARE for j in copy_ids}
            for match in self.pair(copies, references):
                flag = self._flag(match, english[match.copy.sentence_id])
                if flag is not None:
                    flags.append(flag)
        return sorted(flags, key=lambda f: f.start)

    def pair(self, copies: list[Quantity], references: list[Quantity]) -> list[Match]:
        """Pair copy quantities with reference quantities, equal values first.

        Args:
            copies: The quantities of the copy sentences of one unit.
            references: The quantities of its reference sentences.

        Returns:
            The matches, each quantity in at most one.
        """
        matches: list[Match] = []
        for changed in (False, True):
            candidates = []
            for c in copies:
                for r in references:
                    relation = self.relation(c, r)
                    if relation is None or (relation == "value") != changed:
                        continue
                    candidates.append(Match(c, r, relation, self._slot_score(c, r, copies, references, matches)))
            candidates.sort(key=lambda m: (-_RANK[m.relation], -m.score, abs(m.copy.start - m.reference.start)))
            for candidate in candidates:
                if changed and candidate.score < self.MIN_SLOT_SCORE:
                    continue
                if any(m.copy is candidate.copy or m.reference is candidate.reference for m in matches):
                    continue
                matches.append(candidate)
        return matches

    def relation(self, copy: Quantity, reference: Quantity) -> Relation | None:
        """How ``copy`` relates to ``reference``: equal, converted, same number in another unit, or changed.

        ``None`` when they cannot be the same quantity (another kind, or another dimension).
        """
        if copy.kind != reference.kind:
            return None
        if copy.date is not None and reference.date is not None:
            if copy.date.agrees(reference.date):
                return "same"
            return "value" if copy.date.shares_fields(reference.date) else None
        if copy.value is None or reference.value is None:
            return None
        equal = math.isclose(copy.value, reference.value, rel_tol=1e-9) or _regrouped(copy, reference)
        if copy.dimension == reference.dimension == "temperature" and not equal:
            # "degrees" alone may be either scale, so plain degrees may be converted too
            return "converted" if _celsius_and_fahrenheit(copy, reference) else "value"
        if copy.unit is None or reference.unit is None or copy.unit == reference.unit:
            return "same" if equal else "value"
        if copy.dimension != reference.dimension:
            return None
        if copy.dimension == "temperature":
            return "same"  # the same number of degrees, one scale named and the other not
        copy_base, reference_base = to_base(copy.value, copy.unit), to_base(reference.value, reference.unit)
        if (
            copy_base is not None
            and reference_base is not None
            and math.isclose(copy_base, reference_base, rel_tol=self.CONVERSION_TOLERANCE)
        ):
            return "converted"
        return "unit" if equal else "value"

    def _slot_score(
        self,
        copy: Quantity,
        reference: Quantity,
        copies: list[Quantity],
        references: list[Quantity],
        taken: list[Match],
    ) -> float:
        """Evidence that the two fill the same slot of the sentence."""
        near_copy, near_reference = copy.distances, reference.distances
        shared = near_copy.keys() & near_reference.keys()
        nearness = sum(1.0 if max(near_copy[w], near_reference[w]) == 0 else 0.5 for w in shared)
        score = min(self.MAX_CONTEXT_SCORE, nearness)
        if copy.noun is not None and copy.noun == reference.noun:
            score += 2.0
        if len(copy.digits) > 1 and sorted(copy.digits) == sorted(reference.digits) and copy.digits != reference.digits:
            score += 2.0  # "41" for "14", "$5.4 million" for "$4.5 million"
        if copy.unit is not None and copy.dimension == reference.dimension:
            score += 1.0
        if copy.date is not None and reference.date is not None:
            score += 1.0 if copy.date.fields().keys() == reference.date.fields().keys() else 0.5
        used = {id(m.copy) for m in taken} | {id(m.reference) for m in taken}

        def sort_of(q: Quantity) -> tuple[object, ...]:
            return (q.kind, q.dimension, tuple(sorted(q.date.fields())) if q.date else ())

        same_copies = [q for q in copies if id(q) not in used and sort_of(q) == sort_of(copy)]
        same_references = [q for q in references if id(q) not in used and sort_of(q) == sort_of(reference)]
        if len(same_copies) == 1 and len(same_references) == 1:
            score += 1.0
        return score

    def _flag(self, match: Match, english: bool) -> Flag | None:
        copy, reference = match.copy, match.reference
        # A conversion rounds, so "nearly 8 feet" for "2.4 meters" is no changed qualifier.
        qualifier_changed = copy.qualifier != reference.qualifier and english and match.relation != "converted"
        severity: Severity
        if match.relation == "value" and _same_night(copy, reference):
            severity, what = "minor", "night"  # "Saturday night" is the night before Sunday
        elif (
            match.relation == "value" and english and (_within_bound(copy, reference) or _within_bound(reference, copy))
        ):
            severity, what, qualifier_changed = "minor", "qualifier", True  # "more than 880,000" for "888,000"
        elif match.relation == "value":
            severity, what = "major", _KIND_WORDS.get(copy.kind, _DIMENSION_WORDS.get(copy.dimension or "", "number"))
        elif match.relation == "unit":
            severity, what = "major", "unit"
        elif qualifier_changed:
            severity, what = "minor", "qualifier"
        else:
            return None
        if qualifier_changed:
            start, end, text = copy.full_start, copy.full_end, copy.full_text
            suggestion = reference.full_text
            shown_copy, shown_reference = _label(copy, full=True), _label(reference, full=True)
        else:
            start, end, text, suggestion = copy.start, copy.end, copy.text, reference.text
            shown_copy, shown_reference = copy.label, reference.label
        return Flag(
            kind=self.name,
            severity=severity,
            copy_id=copy.sentence_id,
            reference_id=reference.sentence_id,
            start=start,
            end=end,
            text=text,
            suggestion=suggestion,
            message=(
                f"a day apart around a night: original says “{shown_reference}”, copy says “{shown_copy}”"
                if what == "night"
                else f"{what} changed: original says “{shown_reference}”, copy says “{shown_copy}”"
            ),
        )


# How far a rounded figure may sit from the exact one that its bound or "about" allows.
ROUNDING = 0.1
# The lower and upper factor of the exact value against the rounded one, by qualifier group.
_BOUNDS = {
    "more than": (1.0, 1.0 + ROUNDING),
    "at least": (1.0, 1.0 + ROUNDING),
    "nearly": (1.0 - ROUNDING, 1.0),
    "at most": (1.0 - ROUNDING, 1.0),
    "less than": (1.0 - ROUNDING, 1.0),
    "about": (1.0 - ROUNDING, 1.0 + ROUNDING),
}


def _within_bound(rounded: Quantity, exact: Quantity) -> bool:
    """Whether ``exact`` is a value that ``rounded``'s qualifier allows ("more than 880,000" / "888,000")."""
    bound = _BOUNDS.get(rounded.qualifier or "")
    if bound is None or exact.qualifier is not None or rounded.kind != "number" or exact.kind != "number":
        return False
    if rounded.value is None or exact.value is None or rounded.value <= 0:
        return False
    return bound[0] * rounded.value <= exact.value <= bound[1] * rounded.value


def _regrouped(copy: Quantity, reference: Quantity) -> bool:
    """One number with its thousands marked by points, as much of Europe writes them ("272.000" / "272,000")."""
    if copy.value is None or reference.value is None:
        return False
    low, high = sorted((copy, reference), key=lambda q: q.value or 0.0)
    grouped = re.search(r"\d{1,3}(?:\.\d{3})+(?!\d)", low.text) is not None
    return grouped and any(math.isclose((low.value or 0.0) * 1000**k, high.value or 0.0) for k in (1, 2, 3))


def _celsius_and_fahrenheit(first: Quantity, second: Quantity) -> bool:
    """Whether one temperature is the other converted between Celsius and Fahrenheit (30 and 86 degrees)."""
    a, b = first.value or 0.0, second.value or 0.0
    return any(abs(c * 9 / 5 + 32 - f) <= 1.0 for c, f in ((a, b), (b, a)))


def _same_night(copy: Quantity, reference: Quantity) -> bool:
    """Whether two weekdays a day apart name one night ("Saturday night" / "the night to Sunday")."""
    if copy.date is None or reference.date is None:
        return False
    if copy.date.fields().keys() != {"weekday"} or reference.date.fields().keys() != {"weekday"}:
        return False
    if (copy.date.weekday or 0) - (reference.date.weekday or 0) not in (1, -1, 6, -6):
        return False
    return any(q.distances.get(word) == 0 for q in (copy, reference) for word in ("night", "overnight", "nights"))


def _label(quantity: Quantity, *, full: bool) -> str:
    text = quantity.full_text if full else quantity.text
    return f"{text} {quantity.noun}" if quantity.noun and quantity.full_end == quantity.end else text
