"""Unit labels from scores and flags, at the documented thresholds."""

from __future__ import annotations

import math

import pytest

from mtqa.scoring.labels import FAITHFUL_CHRF, FAITHFUL_COSINE, GARBLED_COSINE, label_unit


@pytest.mark.parametrize(
    ("cosine", "chrf", "has_reference", "has_copy", "major", "expected"),
    [
        (math.nan, math.nan, True, False, 0, "omitted"),
        (math.nan, math.nan, False, True, 0, "added"),
        (GARBLED_COSINE - 0.01, 90.0, True, True, 0, "garbled"),
        (0.99, 95.0, True, True, 1, "garbled"),  # a mangled name or a broken sentence
        (FAITHFUL_COSINE, FAITHFUL_CHRF, True, True, 0, "faithful"),
        (0.95, FAITHFUL_CHRF - 0.1, True, True, 0, "paraphrase"),
        (FAITHFUL_COSINE - 0.01, 99.0, True, True, 0, "paraphrase"),
    ],
)
def test_labels(cosine: float, chrf: float, has_reference: bool, has_copy: bool, major: int, expected: str) -> None:
    assert label_unit(cosine, chrf, has_reference, has_copy, major_flags=major) == expected
