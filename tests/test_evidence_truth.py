"""Evidence that is true: every name a flag's evidence cites as missing is missing, every name cited as new is new.

The audit of every fixture pair (the pairs ``test_golden`` walks) is read flag
by flag. The evidence strings cite names in curly quotes, “…”, and one pattern
per form of message says what a quoted name is claimed to be:

- missing from the copy: an omission's ``names “A”, “B”; its rendering has no
  trace of them`` (and ``the copy keeps only …`` / ``describes it as …``):
  each name must be absent from the copy sentence flagged, and must stand in
  the story text of the original sentence (its ``norm``, page debris left out);
- left out of the copy: ``not rendered: original sentence(s) …, with … names
  “A”`` and ``names “A” 2 times, its rendering 1``: each name stands in the
  story text of those original sentences;
- new: an addition's ``new to the original: … names “A”; numbers “5”``, a name
  flag's ``“A” is not in the original``, a spelling flag's ``“a” … the original
  does not use it``: each must be absent from the original.

"Absent" is compared the way the detectors compare, loosely: case, accents,
curly or straight apostrophes and a possessive ’s make no difference, and a
name is present when it stands as a whole word (or words) in the text.
A message of an omission or an addition that fits no known form fails the test,
so that a new wording cannot slip past unchecked; and a count must agree with
its noun and verb ("2 words", "1 letter differs").
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mtqa.cli.app import app
from tests.conftest import FIXTURES

PAIRS = sorted(p.parent for p in FIXTURES.rglob("original.txt") if (p.parent / "copy.txt").is_file())
runner = CliRunner()

QUOTED = re.compile(r"“([^”]*)”")
# name dropped: original sentence 7 names “A”, “B”; its rendering has no trace of them (the copy names them earlier)
NO_TRACE = re.compile(
    r"name dropped: original sentence (?P<ref>\d+) names (?P<names>“.*”); its rendering has no trace of (it|them)"
    r"( \(the copy names (it|them) earlier\))?"
)
# name dropped: original sentence 5 names “A”; the copy keeps only “an inspector” (or: describes it as “…”)
KEPT = re.compile(
    r"name (dropped|described): original sentence (?P<ref>\d+) names “(?P<name>[^”]*)”; "
    r"the copy (keeps only|describes it as) “[^”]*”( \(the copy names (it|them) earlier\))?"
)
# name dropped: original sentence 7 names “U.S.” 2 times, its rendering 1
FEWER = re.compile(
    r"name dropped: original sentence (?P<ref>\d+) names (?P<counts>“[^”]*” \d+ times, its rendering \d+.*)"
)
# not rendered: original sentences 8-9, with numbers “two”; names “Dhaka”; a quotation
NOT_RENDERED = re.compile(r"not rendered: original sentences? (?P<first>\d+)(-(?P<last>\d+))?, with (?P<facts>.+)")
# no source in the original; new to the original: numbers “5”; names “A”, “B”; it holds a quotation
ADDITION = re.compile(
    r"no source in the original(; new to the original: (?P<facts>.+?))?(; it holds (a quotation|\d+ quotations))?"
)
NOT_IN_ORIGINAL = re.compile(r"“(?P<name>[^”]*)” is not in the original")
UNUSED_WORD = re.compile(r"not an English word: “(?P<word>[^”]*)” is rare .*; the original does not use it")


def _fold(text: str) -> str:
    """Lowercase, accents and curly apostrophes undone, possessives dropped, hyphens and dashes as spaces."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"'s\b", "", text)
    return " ".join(re.sub(r"[-‐–—]", " ", text).split())


def stands_in(name: str, text: str) -> bool:
    """Whether ``name`` stands in ``text`` as whole words, compared by ``_fold``."""
    wanted = _fold(name)
    return bool(wanted) and re.search(rf"(?<![\w]){re.escape(wanted)}(?![\w])", _fold(text)) is not None


def _names_of(facts: str) -> list[str]:
    """The quoted names of a facts clause such as ``numbers “5”; names “A”, “B”; a quotation``."""
    found = re.search(r"names ((?:“[^”]*”(?:, )?)+)", facts)
    return QUOTED.findall(found.group(1)) if found else []


def _numbers_of(facts: str) -> list[str]:
    found = re.search(r"numbers ((?:“[^”]*”(?:, )?)+)", facts)
    return QUOTED.findall(found.group(1)) if found else []


def untrue_evidence(report: dict[str, Any]) -> list[str]:
    """What the evidence of the report's flags cites wrongly, one line per wrong citation."""
    return [
        f"{flag['kind']} {flag['message']!r}: {problem}"
        for flag in report["flags"]
        for problem in _problems(flag, report)
    ]


def _problems(flag: dict[str, Any], report: dict[str, Any]) -> list[str]:
    """What ``flag``'s evidence cites wrongly."""
    original = " ".join(s["text"] for s in _side(report, "reference"))
    reference = {s["id"]: s for s in _side(report, "reference")}
    copy = {s["id"]: s for s in _side(report, "copy")}
    message, kind, wrong = flag["message"], flag["kind"], []
    if kind == "omission":
        if match := NO_TRACE.fullmatch(message):
            story = reference[int(match["ref"])]["norm"]
            for name in QUOTED.findall(match["names"]):
                if not stands_in(name, story):
                    wrong.append(f"“{name}” is not in the story text of the original sentence (page debris?)")
                if stands_in(name, copy[flag["copy_id"]]["text"]):
                    wrong.append(f"“{name}” is cited as missing but stands in the copy sentence")
        elif match := KEPT.fullmatch(message):
            if not stands_in(match["name"], reference[int(match["ref"])]["norm"]):
                wrong.append(f"“{match['name']}” is not in the story text of the original sentence")
            if stands_in(match["name"], copy[flag["copy_id"]]["text"]):
                wrong.append(f"“{match['name']}” is cited as missing but stands in the copy sentence")
        elif match := FEWER.fullmatch(message):
            story = reference[int(match["ref"])]["norm"]
            for name, times in re.findall(r"“([^”]*)” (\d+) times", match["counts"]):
                if _fold(story).count(_fold(name)) < int(times):
                    wrong.append(f"the original sentence's story text writes “{name}” fewer than {times} times")
        elif match := NOT_RENDERED.fullmatch(message):
            last = int(match["last"] or match["first"])
            story = " ".join(reference[i]["norm"] for i in range(int(match["first"]), last + 1))
            for fact in _names_of(match["facts"]) + _numbers_of(match["facts"]):
                if not stands_in(fact, story):
                    wrong.append(f"“{fact}” is not in the story text of the sentences left out")
        else:
            wrong.append("an omission's evidence in no known form: this test cannot check it")
    elif kind == "addition":
        if (match := ADDITION.fullmatch(message)) is None:
            return ["an addition's evidence in no known form: this test cannot check it"]
        facts = match["facts"] or ""
        for name in _names_of(facts):
            if stands_in(name, original):
                wrong.append(f"“{name}” is cited as new but stands in the original")
            if not stands_in(name, flag["text"]):
                wrong.append(f"“{name}” is not in the added sentence")
        for number in _numbers_of(facts):
            if _fold(number) in _fold(original):
                wrong.append(f"the number “{number}” is cited as new but stands in the original")
    for match in NOT_IN_ORIGINAL.finditer(message):
        if stands_in(match["name"], original):
            wrong.append(f"“{match['name']}” is cited as not in the original but stands in it")
    if kind == "spelling" and (match := UNUSED_WORD.fullmatch(message)) and stands_in(match["word"], original):
        wrong.append(f"“{match['word']}” is cited as unused by the original but stands in it")
    return wrong


def _side(report: dict[str, Any], side: str) -> list[dict[str, Any]]:
    return sorted((s for s in report["sentences"] if s["side"] == side), key=lambda s: s["id"])


def _audit(folder: Path) -> dict[str, Any]:
    result = runner.invoke(app, ["audit", str(folder / "original.txt"), str(folder / "copy.txt"), "-f", "json"])
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _name(folder: Path) -> str:
    return "-".join(folder.relative_to(FIXTURES).parts)


# A count whose noun or verb does not agree with it: "2 word(s)", "1 letters differ", "1 of 4 words differ".
MISCOUNTED = re.compile(r"\(s\)|\b1 [a-z]+s differ\b|\b1 of \d+ [a-z ]+ differ\b")


@pytest.mark.parametrize("folder", PAIRS, ids=_name)
def test_every_name_the_evidence_cites_as_missing_or_new_is_so(folder: Path) -> None:
    report = _audit(folder)
    assert untrue_evidence(report) == []
    assert [f["message"] for f in report["flags"] if MISCOUNTED.search(f["message"])] == []


def test_the_walk_reaches_the_seeds_cited_names() -> None:
    """The seed's audit cites names both ways, so the walk above checks some of each (not none)."""
    report = _audit(FIXTURES / "seed")
    messages = [f["message"] for f in report["flags"]]
    assert any(NO_TRACE.fullmatch(m) for m in messages)
    assert any(_names_of((ADDITION.fullmatch(m) or {"facts": ""})["facts"] or "") for m in messages)


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ("no source in the original; new to the original: names “Abu”", "cited as new but stands in the original"),
        ("no source in the original; it asserts names “Abu”", "no known form"),
        (
            "name dropped: original sentence 1 names “Paris Hilton”; its rendering has no trace of it",
            "not in the story text",
        ),
        ("name dropped: original sentence 1 names “Abu”; its rendering has no trace of it", "stands in the copy"),
        ("not rendered: original sentence 1, with names “Nowhere”", "not in the story text"),
    ],
)
def test_the_check_catches_untrue_evidence(message: str, problem: str) -> None:
    """A made-up report: an original sentence with link debris (not in its ``norm``), a copy that names Abu."""
    report = {
        "sentences": [
            {"side": "reference", "id": 0, "text": "Abu Alaa spoke. ", "norm": "Abu Alaa spoke."},
            {
                "side": "reference",
                "id": 1,
                "text": "He met BidenPhotos: Paris Hilton MORE on Monday.",
                "norm": "He met Biden on Monday.",
            },
            {"side": "copy", "id": 0, "text": "Abu met Biden.", "norm": "Abu met Biden."},
        ],
        "flags": [
            {
                "kind": "addition" if message.startswith("no source") else "omission",
                "copy_id": 0,
                "text": "Abu met Biden.",
                "message": message,
            }
        ],
    }
    found = untrue_evidence(report)
    assert len(found) >= 1 and any(problem in line for line in found), found
