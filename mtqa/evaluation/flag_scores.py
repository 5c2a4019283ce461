"""Precision and recall of each detector on the gold fixture pairs.

A predicted flag matches a gold flag of the same kind when their spans in the
copy overlap (and, for names and numbers, their suggestions agree); each is
matched at most once. Gold spans are found by their
exact text, repeated texts in order of appearance. Omission flags match when
the predicted reference sentence lies in the range the gold note names
("ref sentences 8-9"). Gold kinds no detector produces (``order``, ``fact``)
are listed but not scored. A minor flag on a "not errors" entry whose note
allows "at most minor" (a transliteration variant) is neither right nor wrong.

``benchmarks/evaluate_flags.py`` prints the tables for the fixture pairs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from mtqa.evaluation.gold import Gold, GoldFlag, read_gold
from mtqa.nlp.name_spans import fold
from mtqa.pipeline import audit

SCORED_KINDS = ("name", "syntax", "quote", "number", "meaning", "spelling", "boilerplate", "omission", "addition")


@dataclass
class Tally:
    """Counts of one flag kind: gold flags, predicted flags, gold flags found, predictions right."""

    gold: int = 0
    predicted: int = 0
    found: int = 0
    correct: int = 0


def gold_spans(gold: Gold, copy: str) -> list[tuple[GoldFlag, tuple[int, int] | None]]:
    """Locate each gold flag's text in the copy, repeated texts in order."""
    cursor: dict[str, int] = defaultdict(int)
    located: list[tuple[GoldFlag, tuple[int, int] | None]] = []
    for flag in gold.flags:
        if not flag.text:
            located.append((flag, None))
            continue
        start = copy.find(flag.text, cursor[flag.text])
        if start < 0:
            start = copy.find(flag.text)
        cursor[flag.text] = start + 1
        located.append((flag, (start, start + len(flag.text))))
    return located


def compatible(flag: GoldFlag, suggestion: object) -> bool:
    """For names and numbers the suggestion must agree too ("Tello" fits "Rosa Elena Tello")."""
    if flag.kind not in ("name", "number") or not flag.suggestion:
        return True
    if not isinstance(suggestion, str):
        return False
    mine, theirs = fold(suggestion), fold(flag.suggestion)
    return bool(mine) and (mine in theirs or theirs in mine)


def omitted_ids(note: str) -> set[int]:
    ids: set[int] = set()
    for first, last in re.findall(r"(\d+)(?:-(\d+))?", note.split("(")[0]):
        ids.update(range(int(first), int(last or first) + 1))
    return ids


def score_pair(folder: Path, tallies: dict[str, Tally], misses: list[str]) -> None:
    """Audit the pair in ``folder`` and tally its flags against its ``gold.txt``; misses are described."""
    name = folder.name
    original, copy = (
        (folder / "original.txt").read_text(encoding="utf-8"),
        (folder / "copy.txt").read_text(encoding="utf-8"),
    )
    gold = read_gold(folder / "gold.txt")
    report = audit(original, copy)
    predicted: list[dict[str, Any]] = [{str(k): v for k, v in r.items()} for r in report.flags.to_dict("records")]
    used: set[int] = set()
    for flag, span in gold_spans(gold, copy):
        if flag.kind not in SCORED_KINDS:
            continue
        tally = tallies[flag.kind]
        tally.gold += 1
        for k, row in enumerate(predicted):
            if k in used or row["kind"] != flag.kind:
                continue
            if span is not None:
                hit = row["start"] < span[1] and span[0] < row["end"] and compatible(flag, row["suggestion"])
            else:
                hit = row["reference_id"] is not None and int(row["reference_id"]) in omitted_ids(flag.note)
            if hit:
                used.add(k)
                tally.found += 1
                break
        else:
            misses.append(f"{name}: missed {flag.kind} {flag.text or flag.note!r}")
    tolerated = [
        (start, start + len(text))
        for text, note in gold.not_errors
        if "minor" in note and (start := copy.find(text)) >= 0
    ]
    for k, row in enumerate(predicted):
        if row["kind"] not in SCORED_KINDS:
            continue
        if row["severity"] == "minor" and any(row["start"] < end and start < row["end"] for start, end in tolerated):
            continue  # the gold allows this variation as at most minor
        tallies[row["kind"]].predicted += 1
        if k in used:
            tallies[row["kind"]].correct += 1
        else:
            kind, text, severity, suggestion = row["kind"], row["text"], row["severity"], row["suggestion"]
            misses.append(f"{name}: false {kind} {text!r} ({severity}) -> {suggestion!r}")


def table(folders: list[Path], misses: list[str] | None = None) -> pd.DataFrame:
    """Precision and recall per detector over the pairs in ``folders``; ``misses`` collects each miss."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    found: list[str] = [] if misses is None else misses
    for folder in folders:
        score_pair(folder, tallies, found)
    rows = []
    for kind in SCORED_KINDS:
        t = tallies[kind]
        rows.append(
            {
                "detector": kind,
                "gold": t.gold,
                "flagged": t.predicted,
                "precision": t.correct / t.predicted if t.predicted else float("nan"),
                "recall": t.found / t.gold if t.gold else float("nan"),
            }
        )
    return pd.DataFrame(rows)
