"""Fit the parameters of ``quality`` on MQM judgements and write ``mtqa/data/quality.json``.

Data: ``../shared/data/mqm_ted_zhen.tsv`` (WMT21 TED talks, Chinese to
English, 14 systems, MQM errors marked by professional raters). The target is
the number of errors the raters marked in a segment. The model (see
``mtqa/quality.py``) is a Poisson regression of that count with
log(reference words) as a fixed offset, fitted by maximum likelihood with
L-BFGS-B; the bounds keep the weights of cosine and chrF on the side where a
higher score means fewer errors.

The split is by document, the same as the other calibrations: three talks to
fit, two held out. The script:

1. compares candidate feature sets by leave-one-talk-out over the three fitting
   talks (the held-out talks play no part in the choice);
2. fits the chosen set on the three talks and writes the parameters;
3. prints the agreement table on the held-out talks, with the same code as
   ``mtqa correlate``.

Run: ``PYTHONPATH=. python benchmarks/fit_quality.py`` (about a minute with
the embedding cache of ``calibrate_alignment.py``, two without).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from benchmarks.calibrate_alignment import DATA, HELD_OUT_TALKS, CachedEmbedder
from mtqa.evaluation.correlation import agreement, kendall_tau_b
from mtqa.scoring.quality import QUALITY_FILE, Feature, QualityModel
from mtqa.scoring.segments import segment_features

OUTPUT = Path(__file__).resolve().parents[1] / "mtqa" / "data" / QUALITY_FILE
FEATURES = ("cosine", "chrf", "rare_words")
CANDIDATES = (("chrf",), ("cosine", "chrf"), ("cosine", "chrf", "rare_words"), ("cosine", "chrf", "bleu", "rare_words"))
# Higher is better for these, so their weight on the log error rate may not be positive.
BETTER_WHEN_HIGHER = ("cosine", "chrf", "bleu")


def error_count(errors: str) -> int:
    """Errors in the TSV's ``errors`` cell: ``category|severity|span`` items joined by ``||``."""
    return sum(1 for item in str(errors).split("||") if item.strip())


def fit(frame: pd.DataFrame, features: tuple[str, ...]) -> QualityModel:
    """Maximum-likelihood Poisson fit of the error count with the log-length offset."""
    x = frame[list(features)].to_numpy(float)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    z = (x - mean) / scale
    log_words = np.log(frame["reference_words"].to_numpy(float))
    offset = log_words - log_words.mean()
    counts = frame["errors_marked"].to_numpy(float)

    def loss(beta: np.ndarray) -> tuple[float, np.ndarray]:
        eta = beta[0] + z @ beta[1:] + offset
        rate = np.exp(eta)
        gradient = np.concatenate(([np.sum(rate - counts)], z.T @ (rate - counts))) / len(counts)
        return float(np.mean(rate - counts * eta)), gradient

    bounds = [(None, None)] + [(None, 0.0) if f in BETTER_WHEN_HIGHER else (None, None) for f in features]
    result = minimize(loss, np.zeros(len(features) + 1), jac=True, bounds=bounds, method="L-BFGS-B")
    if not result.success:
        raise RuntimeError(f"the fit did not converge: {result.message}")
    weights = result.x[1:] / scale
    # beta[0] is log errors at the means for a segment of mean log length; per word it is that minus the mean.
    return QualityModel(
        intercept=float(result.x[0] - log_words.mean()),
        mean_log_words=float(log_words.mean()),
        features=tuple(Feature(f, float(w), float(m)) for f, w, m in zip(features, weights, mean, strict=True)),
        provenance={},
    )


def leave_one_talk_out(frame: pd.DataFrame, features: tuple[str, ...]) -> float:
    """Kendall tau-b of quality with MQM, each talk predicted by a model fitted on the others."""
    predicted = pd.Series(np.nan, index=frame.index)
    for talk in frame.doc.unique():
        inside = frame.doc == talk
        predicted[inside] = fit(frame[~inside], features).predict(frame[inside])
    return kendall_tau_b(predicted, frame.mqm)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print, but do not write the parameters")
    args = parser.parse_args()

    frame = pd.read_csv(DATA, sep="\t", quoting=csv.QUOTE_NONE, dtype=str, keep_default_na=False)
    frame["mqm"] = frame.mqm.astype(float)
    frame["errors_marked"] = frame.errors.map(error_count)
    features = segment_features(list(frame.reference), list(frame.hypothesis), CachedEmbedder())
    frame = pd.concat([frame, features], axis=1)
    talks = sorted(frame.doc.unique())
    held_out = talks[-HELD_OUT_TALKS:]
    fitting = frame[~frame.doc.isin(held_out)]
    print(f"fitting talks {sorted(fitting.doc.unique())}, held out {held_out}")

    print("\nleave-one-talk-out Kendall tau-b on the fitting talks:")
    print(f"  {'sentence chrF alone':36s} {kendall_tau_b(fitting.chrf, fitting.mqm):.3f}")
    for candidate in CANDIDATES:
        print(f"  {'quality from ' + '+'.join(candidate):36s} {leave_one_talk_out(fitting, candidate):.3f}")

    model = fit(fitting, FEATURES)
    test = frame[frame.doc.isin(held_out)].copy()
    test["quality"] = model.predict(test)
    table = agreement(
        test, "mqm", ["quality", "chrf", "bleu", "cosine", "rare_words", "reference_words"], ["doc", "seg_id"]
    )
    print(f"\nheld-out talks {held_out} ({len(test)} segments):")
    print(table.round(3).to_string())
    ratio = table.loc["quality", "kendall"] / table.loc["chrf", "kendall"]
    print(f"quality / chrF Kendall tau-b: {ratio:.2f}")

    provenance = {
        "data": DATA.name,
        "data_sha256": hashlib.sha256(DATA.read_bytes()).hexdigest(),
        "target": "errors marked per segment (Poisson), offset log(reference_words)",
        "fitted_on": sorted(fitting.doc.unique()),
        "held_out": held_out,
        "segments_fitted": len(fitting),
        "held_out_kendall": {
            "quality": round(table.loc["quality", "kendall"], 4),
            "chrf": round(table.loc["chrf", "kendall"], 4),
        },
        "script": "benchmarks/fit_quality.py",
    }
    model = QualityModel(model.intercept, model.mean_log_words, model.features, provenance)
    print("\n" + json.dumps(model.to_dict(), indent=2))
    if not args.dry_run:
        OUTPUT.parent.mkdir(exist_ok=True)
        OUTPUT.write_text(json.dumps(model.to_dict(), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
