"""The --fail-on gate: its parser and evaluator (pure), and mtqa audit's exit codes with it."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from mtqa.cli.app import app
from mtqa.detectors import DETECTORS
from mtqa.errors import MtqaError
from mtqa.report.gate import Condition, gate_keys, parse_gate
from tests.conftest import FIXTURES

runner = CliRunner()
SEED = [str(FIXTURES / "seed" / "original.txt"), str(FIXTURES / "seed" / "copy.txt")]


@pytest.mark.parametrize(
    ("expression", "conditions"),
    [
        ("major>0", [("major", ">", 0)]),
        ("name>2", [("name", ">", 2)]),
        ("flags>=10", [("flags", ">=", 10)]),
        (" minor >= 3 , omission>1 ", [("minor", ">=", 3), ("omission", ">", 1)]),
        ("MAJOR>0", [("major", ">", 0)]),
    ],
)
def test_a_gate_parses_each_condition(expression: str, conditions: list[tuple[str, str, int]]) -> None:
    assert [(c.key, c.operator, c.limit) for c in parse_gate(expression).conditions] == conditions


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("", "is not a condition"),
        ("major", "is not a condition"),
        ("major>", "is not a condition"),
        ("major>-1", "is not a condition"),
        ("major>1.5", "is not a condition"),
        ("major<3", "is not a condition"),
        ("major==0", "is not a condition"),
        ("major>0,", "is not a condition"),
        ("names>2", "unknown key 'names'"),
        ("critical>0", "unknown key 'critical'"),
        ("major>٣", "is not a condition"),  # an Arabic-Indic digit is not a count typed on a command line
    ],
)
def test_a_bad_gate_is_one_sentence_naming_the_keys(expression: str, message: str) -> None:
    with pytest.raises(MtqaError) as error:
        parse_gate(expression)
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert all(key in str(error.value) for key in gate_keys())


def test_the_keys_are_all_flags_the_severities_and_every_kind_of_the_registry() -> None:
    assert gate_keys() == ("flags", "major", "minor", *DETECTORS)


@pytest.mark.parametrize(
    ("expression", "counts", "failures"),
    [
        ("major>0", {"major": 0}, []),
        ("major>0", {"major": 1}, ["1 major flag, more than --fail-on major>0 allows"]),
        ("major>0", {"major": 3}, ["3 major flags, more than --fail-on major>0 allows"]),
        ("name>2", {"name": 2}, []),
        ("name>2", {"name": 3}, ["3 name flags, more than --fail-on name>2 allows"]),
        ("flags>=10", {"flags": 9}, []),
        ("flags>=10", {"flags": 10}, ["10 flags, at least the 10 that --fail-on flags>=10 refuses"]),
        ("number>0", {}, []),  # a kind the audit did not raise counts 0
        (
            "major>0,name>2,flags>=100",
            {"major": 4, "name": 1, "flags": 120},
            [
                "4 major flags, more than --fail-on major>0 allows",
                "120 flags, at least the 100 that --fail-on flags>=100 refuses",
            ],
        ),
    ],
)
def test_a_gate_fails_when_any_condition_holds(expression: str, counts: dict[str, int], failures: list[str]) -> None:
    assert parse_gate(expression).failures(counts) == failures


def test_a_condition_refuses_a_key_or_operator_it_cannot_check() -> None:
    with pytest.raises(ValueError, match="unknown gate key"):
        Condition("names", ">", 1)
    with pytest.raises(ValueError, match="unknown gate operator"):
        Condition("name", "<", 1)


def test_audit_fails_on_major_flags_of_the_seed_and_passes_a_loose_gate() -> None:
    failed = runner.invoke(app, ["audit", *SEED, "--format", "json", "--fail-on", "major>0"])
    assert failed.exit_code == 1, failed.output
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mtqa: ")
    assert lines[0].endswith("major flags, more than --fail-on major>0 allows")
    assert int(lines[0].split()[1]) > 0
    passed = runner.invoke(app, ["audit", *SEED, "--format", "json", "--fail-on", "name>100"])
    assert passed.exit_code == 0, passed.output
    assert "--fail-on" not in passed.stderr


def test_page_debris_counts_in_the_gate_only_as_boilerplate() -> None:
    report = runner.invoke(app, ["audit", *SEED, "--format", "json"])
    summary = json.loads(report.stdout)["summary"]
    debris = summary["flags_by_kind"]["boilerplate"]
    assert debris > 0  # the seed's copy carries page debris
    minor, flags = summary["flags_by_severity"]["minor"] - debris, summary["flags"] - debris
    passed = runner.invoke(app, ["audit", *SEED, "--format", "json", "--fail-on", f"minor>{minor},flags>{flags}"])
    assert passed.exit_code == 0, passed.stderr
    failed = runner.invoke(app, ["audit", *SEED, "--format", "json", "--fail-on", f"minor>={minor},boilerplate>0"])
    assert failed.exit_code == 1
    assert failed.stderr.splitlines() == [
        f"mtqa: {minor} minor flags, at least the {minor} that --fail-on minor>={minor} refuses",
        f"mtqa: {debris} boilerplate flag{'s' if debris > 1 else ''}, more than --fail-on boilerplate>0 allows",
    ]


def test_a_bad_gate_exits_2_before_any_work() -> None:
    # the files do not exist: a gate checked after reading them would report them instead
    result = runner.invoke(app, ["audit", "no-such-original.txt", "no-such-copy.txt", "--fail-on", "names>2"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "unknown key 'names'" in result.stderr and "major, minor" in result.stderr


def test_the_readme_names_every_key_of_the_gate() -> None:
    readme = (FIXTURES.parent / "README.md").read_text(encoding="utf-8")
    paragraph = next(line for line in readme.splitlines() if line.startswith("- `--fail-on EXPR`"))
    assert all(f"`{key}`" in paragraph for key in gate_keys())
