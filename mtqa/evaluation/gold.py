"""Read gold annotations of a fixture pair: alignment units like ``[4]:[5,6]`` and flags.

The format (``fixtures/*/gold.txt``): a ``# alignment`` section with one unit
a line, ``[reference ids]:[copy ids]`` and an optional ``# comment``; a
``# flags`` section with ``kind | copy text | suggestion | note`` lines; and
an optional ``# not errors`` section with ``copy text | note`` lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_UNIT = re.compile(r"^\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]")


@dataclass(frozen=True)
class GoldFlag:
    """One expected flag: its kind, the exact copy text, and the suggestion (or empty)."""

    kind: str
    text: str
    suggestion: str
    note: str


@dataclass(frozen=True)
class Gold:
    """The gold annotation of one pair."""

    units: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]
    flags: tuple[GoldFlag, ...]
    not_errors: tuple[tuple[str, str], ...]

    def links(self) -> set[tuple[int, int]]:
        """Every (reference id, copy id) pair that shares a unit."""
        return {(i, j) for refs, copies in self.units for i in refs for j in copies}


def _ids(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.replace(" ", "").split(",") if part)


def read_gold(path: str | Path) -> Gold:
    """Parse a ``gold.txt`` file; see the module docstring for the format."""
    units: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    flags: list[GoldFlag] = []
    not_errors: list[tuple[str, str]] = []
    section = ""
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#"):
            lowered = line.lower()
            for name in ("alignment", "flags", "not errors"):
                if lowered.startswith(f"# {name}"):
                    section = name
            continue
        if not line:
            continue
        if section == "alignment":
            match = _UNIT.match(line)
            if match:
                units.append((_ids(match.group(1)), _ids(match.group(2))))
        elif section == "flags":
            parts = [p.strip() for p in line.split("|")]
            parts += [""] * (4 - len(parts))
            flags.append(GoldFlag(parts[0], parts[1], parts[2], " | ".join(parts[3:]).strip(" |")))
        elif section == "not errors":
            text, _, note = line.partition("|")
            not_errors.append((text.strip(), note.strip()))
    return Gold(tuple(units), tuple(flags), tuple(not_errors))
