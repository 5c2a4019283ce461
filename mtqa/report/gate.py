"""The ``--fail-on`` gate: conditions on flag counts such as ``major>0``, parsed once and checked per audit."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from mtqa.detectors import DETECTORS
from mtqa.detectors.boilerplate import BoilerplateDetector
from mtqa.errors import UsageError
from mtqa.plural import plural
from mtqa.report.summary import Summary
from mtqa.types import SEVERITIES

ALL_FLAGS = "flags"
# the boilerplate detector's kind and the one severity it gives (mtqa.detectors.boilerplate)
DEBRIS_KIND, DEBRIS_SEVERITY = BoilerplateDetector.name, "minor"
OPERATORS = (">=", ">")  # a gate refuses too many flags; ">=" before ">" so that it is matched whole
_CONDITION = re.compile(r"\s*([A-Za-z_]+)\s*(>=|>)\s*([0-9]+)\s*")


def gate_keys() -> tuple[str, ...]:
    """What a condition may count: ``flags`` (all), a severity, or a flag kind of the detector registry."""
    return (ALL_FLAGS, *SEVERITIES, *DETECTORS)


@dataclass(frozen=True)
class Condition:
    """One condition of a gate: the audit fails when the count of ``key`` flags is above ``limit`` (``>``).

    Attributes:
        key: ``flags`` for all flags, a severity (``major``, ``minor``) or a flag kind (``name``).
        operator: ``>`` or ``>=``.
        limit: The count compared with.
    """

    key: str
    operator: str
    limit: int

    def __post_init__(self) -> None:
        if self.key not in gate_keys():
            raise ValueError(f"unknown gate key {self.key!r}")
        if self.operator not in OPERATORS:
            raise ValueError(f"unknown gate operator {self.operator!r}")
        if self.limit < 0:
            raise ValueError(f"a gate limit is a count, not {self.limit}")

    def __str__(self) -> str:
        return f"{self.key}{self.operator}{self.limit}"

    def fails(self, count: int) -> bool:
        """Whether ``count`` flags of this key fail the condition."""
        return count > self.limit if self.operator == ">" else count >= self.limit

    def explain(self, count: int) -> str:
        """The failure in words, with its figures: ``3 major flags, more than --fail-on major>0 allows``."""
        flags = plural(count, "flag" if self.key == ALL_FLAGS else f"{self.key} flag")
        if self.operator == ">":
            return f"{flags}, more than --fail-on {self} allows"
        return f"{flags}, at least the {self.limit} that --fail-on {self} refuses"


@dataclass(frozen=True)
class Gate:
    """Conditions on flag counts; an audit fails the gate when any one of them fails."""

    conditions: tuple[Condition, ...]

    def failures(self, counts: Mapping[str, int]) -> list[str]:
        """Each failed condition, explained with its figures; empty when the audit passes.

        Args:
            counts: Flags per key (``flags``, each severity, each kind); a key
                left out counts 0.

        Returns:
            One sentence per failed condition, in the order they were given.
        """
        return [c.explain(counts.get(c.key, 0)) for c in self.conditions if c.fails(counts.get(c.key, 0))]


def parse_gate(expression: str) -> Gate:
    """Parse ``--fail-on``: comma-separated conditions ``KEY>N`` or ``KEY>=N``.

    Args:
        expression: E.g. ``"major>0"``, ``"name>2,flags>=10"``.

    Returns:
        The gate; an audit fails it when any condition holds.

    Raises:
        UsageError: If a condition is malformed or names an unknown key; the
            message names the valid keys.
    """
    keys = gate_keys()
    conditions = []
    for part in expression.split(","):
        match = _CONDITION.fullmatch(part)
        if match is None:
            raise UsageError(
                f"--fail-on {expression!r}: {part.strip()!r} is not a condition KEY>N or KEY>=N "
                f"(e.g. major>0); KEY is one of {', '.join(keys)}"
            )
        key, operator, limit = match.group(1).lower(), match.group(2), int(match.group(3))
        if key not in keys:
            raise UsageError(f"--fail-on {expression!r}: unknown key {key!r}; use one of {', '.join(keys)}")
        conditions.append(Condition(key, operator, limit))
    return Gate(tuple(conditions))


def gate_counts(flags: int, by_severity: Mapping[str, int], by_kind: Mapping[str, int]) -> dict[str, int]:
    """Flags per gate key, the one reckoning of ``mtqa audit`` and ``mtqa audit-batch``.

    Page debris is flagged ``boilerplate`` but is not a translation error: it
    counts under its own key only, not in ``flags`` nor in its severity.

    Args:
        flags: All the flags of an audit.
        by_severity: Flags per severity.
        by_kind: Flags per kind; a kind left out counts 0.

    Returns:
        A count for ``flags``, each severity and each kind present.
    """
    debris = by_kind.get(DEBRIS_KIND, 0)
    severities: dict[str, int] = {
        s: by_severity.get(s, 0) - (debris if s == DEBRIS_SEVERITY else 0) for s in SEVERITIES
    }
    return {ALL_FLAGS: flags - debris, **severities, **by_kind}


def summary_counts(summary: Summary) -> dict[str, int]:
    """An audit's flags per gate key (``gate_counts``): all but debris, per severity and per kind."""
    return gate_counts(summary.flags, summary.flags_by_severity, summary.flags_by_kind)
