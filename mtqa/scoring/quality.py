"""The ``quality`` score: the chance that a professional rater finds no error in a rendering.

MQM raters mark errors word by word, so a longer segment has more places to
go wrong. The model is a Poisson rate model with the reference length as its
exposure::

    expected_errors = reference_words * exp(intercept + sum(weight_k * x_k))
    quality = exp(-expected_errors)        # P(no error) under Poisson

The features ``x_k`` are what mtqa measures anyway: the embedding cosine,
chrF, and the number of rare words in the rendering that the reference does
not use (mangled names, untranslated or invented words). The weights of
cosine and chrF are constrained to be non-negative on the quality side, so
raising either never lowers quality. The parameters are fitted by
``benchmarks/fit_quality.py`` on MQM judgements and shipped in
``mtqa/data/quality.json``; ``docs/quality.md`` describes the method.

Every prediction decomposes additively on the log scale of the expected
errors (see ``QualityModel.contributions``), so each feature's share of a
score can be read off.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mtqa.errors import MtqaError
from mtqa.nlp.lexicon import zipf

# A word rarer than this in English (Zipf scale) counts as rare: "kowalski" is rare, "parliament" common.
RARE_ZIPF = 3.0
QUALITY_FILE = "quality.json"
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def words(text: str) -> list[str]:
    """The lowercase words of ``text`` (letters, with inner apostrophes)."""
    return [w.lower() for w in _WORD.findall(text)]


def reference_words(reference: str) -> int:
    """The exposure: the reference's whitespace-separated tokens, at least 1."""
    return max(1, len(reference.split()))


def unmatched_rare_words(reference: str, hypothesis: str) -> int:
    """Count the hypothesis words that the reference does not use and that are rare in English.

    A mangled name ("Kovalski"), a word left untranslated, or an invented word
    lands here; an unusual word that the reference also uses does not.
    """
    used = set(words(reference))
    return sum(1 for word in words(hypothesis) if word not in used and zipf(word) < RARE_ZIPF)


@dataclass(frozen=True)
class Feature:
    """One input of the model.

    Attributes:
        name: Column name in the scores frame.
        weight: Coefficient on the log expected-error rate, per unit of the feature.
        mean: Training mean; contributions are measured from it.
    """

    name: str
    weight: float
    mean: float


@dataclass(frozen=True)
class QualityModel:
    """Fitted parameters of ``quality``; see the module docstring.

    Attributes:
        intercept: Log expected errors per reference word at the training means.
        mean_log_words: Training mean of log(reference_words).
        features: The features, in order.
        provenance: Where the parameters came from (data, split, held-out figures).
    """

    intercept: float
    mean_log_words: float
    features: tuple[Feature, ...]
    provenance: Mapping[str, Any]

    def __post_init__(self) -> None:
        for feature in self.features:
            if feature.name in ("cosine", "chrf") and feature.weight > 0:
                raise ValueError(f"{feature.name} must not raise expected errors (weight {feature.weight})")

    @property
    def feature_names(self) -> list[str]:
        """The feature columns the model reads, besides ``reference_words``."""
        return [f.name for f in self.features]

    @property
    def base(self) -> float:
        """Log expected errors of a segment of average length with average features."""
        return self.intercept + self.mean_log_words

    def contributions(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Each feature's additive share of the log expected errors, measured from the training means.

        ``base + row sum`` equals ``log(expected_errors)``; a positive
        contribution means more expected errors, so lower quality.

        Args:
            frame: Has ``reference_words`` and every feature column.

        Returns:
            Columns ``length`` and each feature name, one row per segment.
        """
        missing = [c for c in ["reference_words", *self.feature_names] if c not in frame]
        if missing:
            raise MtqaError(f"quality needs the columns {missing}")
        parts = {"length": np.log(frame["reference_words"].to_numpy(float)) - self.mean_log_words}
        for feature in self.features:
            parts[feature.name] = feature.weight * (frame[feature.name].to_numpy(float) - feature.mean)
        return pd.DataFrame(parts, index=frame.index)

    def expected_errors(self, frame: pd.DataFrame) -> np.ndarray:
        """Expected number of rater-marked errors per segment; shape ``(len(frame),)``."""
        log_errors = self.base + self.contributions(frame).sum(axis=1, skipna=False).to_numpy(float)
        return np.asarray(np.exp(log_errors), dtype=float)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """``quality`` in [0, 1] per segment; nan where a feature is nan."""
        return np.asarray(np.exp(-self.expected_errors(frame)), dtype=float)

    def to_dict(self) -> dict[str, Any]:
        """The parameters in the shape of ``mtqa/data/quality.json``."""
        return {
            "model": "poisson rate, exposure reference_words",
            "intercept": self.intercept,
            "mean_log_words": self.mean_log_words,
            "features": [{"name": f.name, "weight": f.weight, "mean": f.mean} for f in self.features],
            "provenance": dict(self.provenance),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QualityModel:
        """Build a model from ``to_dict`` output."""
        return cls(
            intercept=float(data["intercept"]),
            mean_log_words=float(data["mean_log_words"]),
            features=tuple(Feature(str(f["name"]), float(f["weight"]), float(f["mean"])) for f in data["features"]),
            provenance=dict(data.get("provenance", {})),
        )


@lru_cache(maxsize=1)
def shipped_model() -> QualityModel:
    """The parameters shipped in ``mtqa/data/quality.json``."""
    text = resources.files("mtqa").joinpath("data", QUALITY_FILE).read_text(encoding="utf-8")
    return QualityModel.from_dict(json.loads(text))


def read_quality_params(path: Path) -> QualityModel:
    """Parameters of ``quality`` from a file in the shape of ``mtqa/data/quality.json``.

    Raises:
        MtqaError: If the file cannot be read or does not hold such parameters.
    """
    from mtqa.inputs import read_text

    try:
        return QualityModel.from_dict(json.loads(read_text(path)))
    except (ValueError, KeyError, TypeError) as error:
        raise MtqaError(f"{path}: not quality parameters ({type(error).__name__}: {error})") from error


def quality_signature(model: QualityModel | None = None) -> str:
    """The parameters (default the shipped ones) in one line, for report signatures."""
    model = model or shipped_model()
    origin = model.provenance
    weights = ",".join(f"{f.name}:{f.weight:.4g}" for f in model.features)
    return f"poisson|intercept:{model.intercept:.4g}|{weights}|fit:{origin.get('data', '?')}|{QUALITY_FILE}"


def quality_features(references: Sequence[str], hypotheses: Sequence[str]) -> pd.DataFrame:
    """The text features of ``quality`` that need no model: ``reference_words`` and ``rare_words``."""
    return pd.DataFrame(
        {
            "reference_words": [reference_words(r) for r in references],
            "rare_words": [unmatched_rare_words(r, h) for r, h in zip(references, hypotheses, strict=True)],
        }
    )
