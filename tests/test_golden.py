"""Golden audits: ``mtqa audit --format json`` on every fixture pair, against a stored copy.

A change of layout must not change a single unit, flag, score or word of the
report. Numbers are compared to one step of the sixth decimal they are
rounded to, with a little slack (a different CPU may round the last bit of an
int8 dot product differently, and that can flip the rounded digit), everything
else exactly; the version is left out. After a deliberate change of behaviour, rewrite the stored copies
with ``MTQA_WRITE_GOLDEN=1 python -m pytest tests/test_golden.py`` and read
their diff before committing it.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mtqa.cli.app import app
from tests.conftest import FIXTURES

GOLDEN = FIXTURES / "golden"
PAIRS = sorted(p.parent for p in FIXTURES.rglob("original.txt") if (p.parent / "copy.txt").is_file())
runner = CliRunner()


def _name(folder: Path) -> str:
    return "-".join(folder.relative_to(FIXTURES).parts)


def _audit_json(folder: Path) -> dict[str, Any]:
    result = runner.invoke(app, ["audit", str(folder / "original.txt"), str(folder / "copy.txt"), "-f", "json"])
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    report["signature"]["mtqa"] = "(any version)"
    return report


def _same(stored: Any, fresh: Any, where: str = "") -> list[str]:
    """Where ``fresh`` differs from ``stored``: numbers to one rounding step, everything else exactly."""
    if isinstance(stored, dict) and isinstance(fresh, dict):
        if list(stored) != list(fresh):
            return [f"{where}: keys {list(stored)} != {list(fresh)}"]
        return [d for key in stored for d in _same(stored[key], fresh[key], f"{where}.{key}")]
    if isinstance(stored, list) and isinstance(fresh, list):
        if len(stored) != len(fresh):
            return [f"{where}: {len(stored)} items != {len(fresh)}"]
        return [d for i, (a, b) in enumerate(zip(stored, fresh, strict=True)) for d in _same(a, b, f"{where}[{i}]")]
    numbers = (int, float)
    if isinstance(stored, numbers) and isinstance(fresh, numbers) and not isinstance(stored, bool):
        if type(stored) is not type(fresh) or not math.isclose(stored, fresh, rel_tol=0, abs_tol=1.5e-6):
            return [f"{where}: {stored!r} != {fresh!r}"]
        return []
    return [] if stored == fresh else [f"{where}: {stored!r} != {fresh!r}"]


def test_every_fixture_pair_has_a_golden_audit() -> None:
    assert len(PAIRS) >= 12
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == sorted(_name(p) for p in PAIRS)


@pytest.mark.parametrize("folder", PAIRS, ids=_name)
def test_the_audit_equals_its_golden_copy(folder: Path) -> None:
    fresh = _audit_json(folder)
    target = GOLDEN / f"{_name(folder)}.json"
    if os.environ.get("MTQA_WRITE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        target.write_text(json.dumps(fresh, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    differences = _same(json.loads(target.read_text(encoding="utf-8")), fresh)
    assert differences == [], differences[:10]


def test_the_comparison_sees_a_changed_flag() -> None:
    stored = json.loads((GOLDEN / "seed.json").read_text(encoding="utf-8"))
    changed = json.loads(json.dumps(stored))
    changed["flags"][0]["end"] += 1
    assert _same(stored, changed) and not _same(stored, json.loads(json.dumps(stored)))
    changed = json.loads(json.dumps(stored))
    changed["pairs"][0]["cosine"] += 1e-5
    assert _same(stored, changed)
