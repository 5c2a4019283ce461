"""Calibrate the unit label thresholds on human MQM judgements.

Each row of ``../shared/data/mqm_ted_zhen.tsv`` is a reference, an MT (or
human) hypothesis and the raters' MQM errors. For a label to mean what it says:

- ``garbled``: ``GARBLED_COSINE`` is the 5th percentile of the cosine of
  renderings that raters found flawless (MQM 0): a garbled unit is less similar
  to its source than 95% of flawless renderings. The script also reports how
  well a cosine threshold separates rows with a major accuracy error
  (mistranslation, omission, addition, non-translation): barely better than
  chance, because TED MT errors are single words that move a sentence
  embedding very little. Catching those is the flags' job, not the label's.
- ``faithful``: ``FAITHFUL_COSINE`` and ``FAITHFUL_CHRF`` are the pair that best
  separates flawless renderings from the rest, among those not garbled
  (balanced accuracy).

Thresholds are chosen on three talks and reported on the two held-out talks.
Run: ``python benchmarks/calibrate_labels.py`` (under a minute with the
embedding cache of ``calibrate_alignment.py``).
"""

from __future__ import annotations

import csv
import itertools

import numpy as np
import pandas as pd

from benchmarks.calibrate_alignment import DATA, HELD_OUT_TALKS, CachedEmbedder
from mtqa.scoring.labels import FAITHFUL_CHRF, FAITHFUL_COSINE, GARBLED_COSINE
from mtqa.scoring.scorers import ChrfScorer
from mtqa.segment.normalize import normalize


def major_accuracy_error(errors: str) -> bool:
    for error in str(errors).split(" || "):
        parts = error.split("|")
        if len(parts) >= 2 and parts[1].strip() == "Major" and parts[0].startswith(("Accuracy", "Non-translation")):
            return True
    return False


def balanced_accuracy(predicted: np.ndarray, truth: np.ndarray) -> float:
    return float((predicted[truth].mean() + (~predicted[~truth]).mean()) / 2)


def main() -> None:
    frame = pd.read_csv(DATA, sep="\t", quoting=csv.QUOTE_NONE)
    frame["ref"] = frame.reference.astype(str).map(normalize)
    frame["hyp"] = frame.hypothesis.astype(str).map(normalize)
    embedder = CachedEmbedder()
    embedder.warm(sorted(set(frame.ref) | set(frame.hyp)))
    refs = embedder.single(list(frame.ref))
    hyps = embedder.single(list(frame.hyp))
    frame["cosine"] = (refs * hyps).sum(axis=1)
    frame["chrf"] = ChrfScorer().sentence_scores(list(frame.ref), list(frame.hyp))
    frame["garbled"] = frame.errors.map(major_accuracy_error)
    frame["flawless"] = frame.mqm == 0
    talks = sorted(frame.doc.unique())
    held_out = frame.doc.isin(talks[-HELD_OUT_TALKS:])
    tune, test = frame[~held_out], frame[held_out]

    def garbled_score(part: pd.DataFrame, threshold: float) -> float:
        return balanced_accuracy(part.cosine.to_numpy() < threshold, part.garbled.to_numpy())

    garbled = round(float(tune[tune.flawless].cosine.quantile(0.05)), 2)
    youden = max(np.arange(0.5, 0.95, 0.01), key=lambda t: garbled_score(tune, t))
    print(f"best cosine for major accuracy errors (Youden): {youden:.2f}, ", end="")
    print(f"held-out balanced accuracy {garbled_score(test, youden):.3f}")

    def faithful_score(part: pd.DataFrame, cos: float, chrf: float) -> float:
        kept = part[part.cosine >= garbled]
        predicted = (kept.cosine >= cos).to_numpy() & (kept.chrf >= chrf).to_numpy()
        return balanced_accuracy(predicted, kept.flawless.to_numpy())

    faithful = max(
        itertools.product(np.arange(0.7, 0.99, 0.01), np.arange(20, 90, 2.5)),
        key=lambda pair: faithful_score(tune, *pair),
    )
    share_garbled, share_flawless = frame.garbled.mean(), frame.flawless.mean()
    print(f"{len(frame)} rows; {share_garbled:.1%} with a major accuracy error, {share_flawless:.1%} flawless")
    rows = []
    for name, (g, (fc, fx)) in (
        ("chosen", (garbled, faithful)),
        ("shipped", (GARBLED_COSINE, (FAITHFUL_COSINE, FAITHFUL_CHRF))),
    ):
        for split, part in (("calibration", tune), ("held-out", test)):
            rows.append(
                {
                    "setting": name,
                    "split": split,
                    "garbled_cosine": round(float(g), 2),
                    "faithful_cosine": round(float(fc), 2),
                    "faithful_chrf": float(fx),
                    "garbled_bal_acc": garbled_score(part, g),
                    "faithful_bal_acc": faithful_score(part, fc, fx),
                }
            )
    print(pd.DataFrame(rows).round(3).to_string(index=False))


if __name__ == "__main__":
    main()
