"""Does ``quality`` rank translations where researchers look? Leave-one-dataset-out over four judged sets.

The datasets are in ``benchmarks/ranking_data.py``: TED MQM (Chinese→English;
its talks 7 and 9 are the held-out part, and its other talks always calibrate
the error scale, because only MQM counts errors) and the WMT21 crowd DA for
Japanese, Russian and Icelandic→English news. For each dataset held out, each
candidate is fitted on the others and measured on it:

- **system level**: pairwise accuracy of the system figures against the human
  system means (mean MQM, mean DA z), for the candidate's errors per 100
  reference words and mean quality, beside corpus chrF and mean sentence chrF;
- **within items** (held-out TED): Kendall τ-b grouped by item and the
  tie-calibrated pairwise accuracy grouped by item;
- **overall** (held-out TED): Kendall τ-b over all segments.

The candidates (declared before the run; their names say what they are):

- ``poisson``: today's model, the Poisson error count on TED with the length
  exposure (``fit_quality.py``);
- ``poisson+pairs``: the same likelihood plus a logistic loss on every pair of
  rival translations of one source in the training sets whose human scores
  differ (DA pairs by more than 0.5 z, its noise);
- ``pairs→poisson``: the direction of the weights from the pairwise loss
  alone, then only its scale and the intercept from the Poisson likelihood.

each with the feature sets of ``FEATURE_SETS``. The text features beyond
mtqa's own are computed here: ``names_missed``, the share of the reference's
capitalised words (not opening a sentence) that the hypothesis lacks, and
``length_gap``, |log((hypothesis words + 1) / (reference words + 1))|.

With ``--learned`` it runs issue 26's study instead: the learned head
(``benchmarks/learned_head.py``) leave one set out over seven judged sets (TED
MQM and the WMT21 DA of ja, ru, is, cs, de and ha→English). For each set held
out, the head is fitted on the other six (TED's fitting talks among them when
TED is not held out) and calibrated on TED's fitting talks; it is measured on
the held-out set (TED: talks 7 and 9), beside sentence chrF, corpus chrF and
today's ``quality``: within-item τ-b (mean over items), WMT's DARR τ, the
system-level pairwise accuracy and the overall τ-b, with a 95% bootstrap
interval (items resampled) of the learned head's item τ-b minus chrF's.

Run: ``PYTHONPATH=. python benchmarks/rank_quality.py [--tsv-dir DIR] [--learned]``
(features are cached in ``benchmarks/.cache``; the first run embeds about
35,000 texts, and 67,525 with ``--learned``). With ``--tsv-dir``, it writes each held-out dataset as a TSV and
each fold's parameters of the best candidate, so that ``mtqa correlate
DIR/ja-en.tsv --human-column human --item-column item --system-column system
--quality-params DIR/ja-en.quality.json`` gives the same figures.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from benchmarks import learned_head
from benchmarks.ranking_data import DATASETS, JUDGED_SETS, judged, judged_vectors, load
from mtqa.evaluation.correlation import grouped, kendall_tau_b, pairwise_accuracy
from mtqa.evaluation.systems import system_accuracy
from mtqa.scoring.quality import Feature, QualityModel
from mtqa.scoring.scorers import ChrfScorer

FEATURE_SETS = {
    "cosine+chrF+rare (today's)": ("cosine", "chrf", "rare_words"),
    "chrF": ("chrf",),
    "cosine+chrF": ("cosine", "chrf"),
    "cosine+chrF+rare+names": ("cosine", "chrf", "rare_words", "names_missed"),
    "cosine+chrF+BLEU+rare+names+length": ("cosine", "chrf", "bleu", "rare_words", "names_missed", "length_gap"),
}
# The sign each weight may take on the log error rate: higher similarity never raises it.
NOT_POSITIVE = ("cosine", "chrf", "bleu")
NOT_NEGATIVE = ("rare_words", "names_missed", "length_gap")
DA_MARGIN = 0.5
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+")


def names_missed(reference: str, hypothesis: str) -> float:
    """Share of the reference's capitalised words (not opening a sentence) missing from the hypothesis."""
    names = set(_CAPITALISED.findall(reference))
    return len(names - set(_CAPITALISED.findall(hypothesis))) / len(names) if names else 0.0


def with_text_features(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``names_missed`` and ``length_gap``."""
    hypothesis_words = frame.hypothesis.str.split().str.len().astype(float)
    return frame.assign(
        names_missed=[names_missed(r, h) for r, h in zip(frame.reference, frame.hypothesis, strict=True)],
        length_gap=np.abs(np.log((hypothesis_words + 1) / (frame.reference_words + 1))),
    )


def fit(train: dict[str, pd.DataFrame], features: tuple[str, ...], objective: str) -> QualityModel:
    """Fit ``quality`` on the training sets (``train["ted"]`` holds the TED fitting talks)."""
    ted = train["ted"]
    pooled = pd.concat([d[list(features)] for d in train.values()]).to_numpy(float)
    mean, scale = pooled.mean(axis=0), pooled.std(axis=0) + 1e-9

    def standard(d: pd.DataFrame) -> np.ndarray:
        return np.asarray((d[list(features)].to_numpy(float) - mean) / scale)

    z_ted = standard(ted)
    log_words = np.log(ted.reference_words.to_numpy(float))
    counts = ted.errors.to_numpy(float)
    differences = []
    for name, d in train.items():
        better, worse = learned_head.rival_pairs(
            d.human.to_numpy(float), d.item.to_numpy(), 0.0 if name == "ted" else DA_MARGIN
        )
        z = standard(d)
        differences.append(z[better] - z[worse])

    def poisson(eta: np.ndarray) -> tuple[float, np.ndarray]:
        rate = np.exp(eta)
        return float(np.mean(rate - counts * eta)), (rate - counts) / len(counts)

    def pairs(weights: np.ndarray) -> tuple[float, np.ndarray]:
        loss, gradient = 0.0, np.zeros_like(weights)
        for d in differences:  # the better translation should have the lower error rate
            margin = -(d @ weights)
            loss += float(np.mean(np.logaddexp(0, -margin))) / len(differences)
            gradient += d.T @ (1 / (1 + np.exp(margin))) / len(margin) / len(differences)
        return loss, gradient

    bounds = [
        (None, 0.0) if f in NOT_POSITIVE else (0.0, None) if f in NOT_NEGATIVE else (None, None) for f in features
    ]
    if objective == "pairs→poisson":
        direction = minimize(pairs, np.zeros(len(features)), jac=True, bounds=bounds, method="L-BFGS-B").x
        s = z_ted @ direction

        def calibrate(p: np.ndarray) -> tuple[float, np.ndarray]:
            loss, g = poisson(p[0] + p[1] * s + log_words)
            return loss, np.array([g.sum(), g @ s])

        p = minimize(calibrate, np.array([-3.0, 1.0]), jac=True, bounds=[(None, None), (0.0, None)]).x
        beta = np.concatenate(([p[0]], p[1] * direction))
    else:
        weight = 1.0 if objective == "poisson+pairs" else 0.0

        def joint(beta: np.ndarray) -> tuple[float, np.ndarray]:
            loss, g = poisson(beta[0] + z_ted @ beta[1:] + log_words)
            gradient = np.concatenate(([g.sum()], z_ted.T @ g))
            if weight:
                extra, extra_gradient = pairs(beta[1:])
                loss += weight * extra
                gradient[1:] += weight * extra_gradient
            return loss, gradient

        beta = minimize(joint, np.zeros(len(features) + 1), jac=True, bounds=[(None, None), *bounds]).x
    weights = beta[1:] / scale
    return QualityModel(
        intercept=float(beta[0] - weights @ mean),
        mean_log_words=0.0,
        features=tuple(Feature(f, float(w), 0.0) for f, w in zip(features, weights, strict=True)),
        provenance={"objective": objective, "fitted_on": sorted(train)},
    )


def segment_figures(frame: pd.DataFrame, metric: str) -> dict[str, float]:
    """The segment-level figures of the ``metric`` column: τ-b and acc* within items, and τ-b over all."""
    return {
        "item τ": grouped("kendall", frame[metric], frame.human, frame.item),
        "item acc*": pairwise_accuracy(frame[metric], frame.human, frame.item).accuracy,
        "τ": kendall_tau_b(frame[metric], frame.human),
    }


def figures(test: pd.DataFrame, model: QualityModel) -> dict[str, float]:
    """The held-out figures of ``model`` on ``test``."""
    scored = test.assign(expected=model.expected_errors(test), quality=model.predict(test))
    by_system = scored.groupby("system")
    human = by_system.human.mean()
    per_100 = -100 * by_system.expected.sum() / by_system.reference_words.sum()
    return {
        "errors/100w": system_accuracy(per_100, human),
        "mean quality": system_accuracy(by_system.quality.mean(), human),
        **segment_figures(scored, "quality"),
    }


def chrf_figures(test: pd.DataFrame) -> dict[str, float]:
    """The same figures for chrF: corpus chrF per system (sacrebleu), and mean sentence chrF."""
    by_system = test.groupby("system")
    human = by_system.human.mean()
    corpus = pd.Series(
        {s: ChrfScorer().corpus_score(list(g.reference), list(g.hypothesis)) for s, g in by_system},
        dtype=float,
    )
    return {
        "corpus chrF": system_accuracy(corpus, human),
        "mean chrF": system_accuracy(by_system.chrf.mean(), human),
        **segment_figures(test, "chrf"),
    }


def splits(frame: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """The training part and the held-out part of each dataset (only segments with a human score)."""
    judged = frame[frame.judged]
    train, test = {}, {}
    for name in DATASETS:
        d = judged[judged.dataset == name]
        train[name] = d[~d.held_out].reset_index(drop=True)
        test[name] = (d[d.held_out] if name == "ted" else d).reset_index(drop=True)
    return train, test


Sets = dict[str, pd.DataFrame]


def leave_one_out(
    train: Sets, test: Sets, make: Callable[[Sets], QualityModel]
) -> dict[str, tuple[QualityModel, dict[str, float]]]:
    """For each dataset: the model fitted without it (TED's fitting talks always in), and its figures on it."""
    results = {}
    for held in DATASETS:
        model = make({name: d for name, d in train.items() if name != held or name == "ted"})
        results[held] = (model, figures(test[held], model))
    return results


def learned_study() -> pd.DataFrame:
    """Leave one set out over ``JUDGED_SETS``: the learned head against chrF, corpus chrF and ``quality``."""
    from mtqa.embed.onnx import OnnxEmbedder
    from mtqa.scoring.learned import learned_scores
    from mtqa.scoring.quality import shipped_model
    from mtqa.scoring.segments import add_quality

    probe_vectors = OnnxEmbedder().encode(list(learned_head.PROBE_TEXTS))
    frame = judged()
    ref_vectors, hyp_vectors = judged_vectors(frame)
    base = learned_head.base_scores(frame, ref_vectors, hyp_vectors)
    inputs = learned_head.inputs_of(frame, base, ref_vectors, hyp_vectors)
    frame = pd.concat([frame, add_quality(base, shipped_model())], axis=1)
    held_out = frame.held_out.to_numpy()
    calibration_rows = np.flatnonzero((frame.dataset == "ted").to_numpy() & ~held_out)
    rows = []
    for held in JUDGED_SETS:
        in_set = (frame.dataset == held).to_numpy()
        train = np.flatnonzero(~in_set & ~held_out)
        test_rows = np.flatnonzero(in_set & held_out) if held == "ted" else np.flatnonzero(in_set)
        calib = frame.iloc[calibration_rows]
        fitted = learned_head.fit_head(inputs[train], frame.iloc[train], probe_vectors, {"trained_on": []})
        head = learned_head.calibrated(
            fitted, inputs[calibration_rows], calib.errors.to_numpy(float), calib.reference_words.to_numpy(float)
        )
        test = frame.iloc[test_rows].reset_index(drop=True)
        scored = learned_scores(head, inputs[test_rows], test.reference_words.to_numpy(float))  # as mtqa score
        score, errors = scored["head_score"], scored["learned_errors"]
        by_system = test.assign(errors=errors, expected=test.expected_errors).groupby("system")
        words = by_system.reference_words.sum()
        corpus = pd.Series(
            {s: ChrfScorer().corpus_score(list(g.reference), list(g.hypothesis)) for s, g in by_system}, dtype=float
        )
        human, items = test.human.to_numpy(float), test.item.to_numpy()
        measured = {
            "learned": learned_head.figures(test, scored["learned"], -100 * by_system.errors.sum() / words),
            "chrF": learned_head.figures(test, test.chrf.to_numpy(float), corpus),
            "quality": learned_head.figures(
                test, test.quality.to_numpy(float), -100 * by_system.expected.sum() / words
            ),
        }
        measured["learned"]["system acc (mean head)"] = learned_head.system_figure_accuracy(test, score)
        measured["chrF"]["system acc (mean head)"] = learned_head.system_figure_accuracy(
            test, test.chrf.to_numpy(float)
        )
        chrf_taus = learned_head.item_taus(test.chrf.to_numpy(float), human, items)
        low, high = learned_head.bootstrap_difference(learned_head.item_taus(score, human, items), chrf_taus)
        chrf_low, chrf_high = learned_head.bootstrap_difference(chrf_taus, chrf_taus * 0)
        for metric, values in measured.items():
            rows.append({"held out": held, "metric": metric, **values})
        rows[-3] |= {"Δ item τ vs chrF, 95% CI": f"[{low:+.4f}, {high:+.4f}]"}
        rows[-2] |= {"item τ, 95% CI": f"[{chrf_low:+.4f}, {chrf_high:+.4f}]"}
        weights = head.layers[0][0][:, 0] / head.scale
        rows[-3] |= {f"w_{name}": float(w) for name, w in zip(head.inputs, weights, strict=True)}
        print(pd.DataFrame(rows[-3:]).iloc[:, :8].round(4).to_string(index=False), flush=True)
    table = pd.DataFrame(rows)
    learned = table[table.metric == "learned"].set_index("held out")
    chrf = table[table.metric == "chrF"].set_index("held out")
    quality = table[table.metric == "quality"].set_index("held out")
    wins = int((learned["item τ"] > chrf["item τ"]).sum())
    print(f"learned item τ-b above chrF's on {wins} of {len(learned)} sets")
    print(
        f"mean system accuracy: learned {learned['system acc'].mean():.4f},"
        f" corpus chrF {chrf['system acc'].mean():.4f}, quality {quality['system acc'].mean():.4f}"
    )
    print(f"TED overall τ-b: learned {learned.loc['ted', 'τ']:.4f}, quality {quality.loc['ted', 'τ']:.4f}")
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tsv-dir", type=Path, help="write the held-out sets and the best candidate's fold parameters")
    parser.add_argument("--learned", action="store_true", help="the learned head's study over seven sets (issue 26)")
    args = parser.parse_args()
    if args.learned:
        table = learned_study()
        print(table.round(4).to_string(index=False))
        return
    train, test = splits(with_text_features(load()))
    baseline = {name: chrf_figures(d) for name, d in test.items()}
    print("chrF on the held-out sets:")
    for name, row in baseline.items():
        print(f"  {name:6s} " + "  ".join(f"{k} {v:.4f}" for k, v in row.items()))
    rows = []
    best: tuple[float, str, dict[str, tuple[QualityModel, dict[str, float]]]] | None = None
    for objective in ("poisson", "poisson+pairs", "pairs→poisson"):
        for label, features in FEATURE_SETS.items():
            results = leave_one_out(train, test, lambda t, f=features, o=objective: fit(t, f, o))
            row = {"objective": objective, "features": label}
            for name, (_, measured) in results.items():
                row[f"{name} sys"] = measured["errors/100w"]
                row[f"{name} sys (mean q)"] = measured["mean quality"]
            row |= {f"ted {k}": results["ted"][1][k] for k in ("item τ", "item acc*", "τ")}
            row["mean sys"] = float(np.mean([results[n][1]["errors/100w"] for n in DATASETS]))
            rows.append(row)
            print(
                f"{objective:14s} {label:38s} "
                + " ".join(f"{n}:{results[n][1]['errors/100w']:.3f}" for n in DATASETS)
                + f" | mean {row['mean sys']:.3f} | ted item τ {row['ted item τ']:.4f} τ {row['ted τ']:.3f}",
                flush=True,
            )
            key = row["mean sys"] + row["ted item τ"]
            if best is None or key > best[0]:
                best = (key, f"{objective} / {label}", results)
    table = pd.DataFrame(rows)
    print(table.round(4).to_string(index=False))
    assert best is not None
    print(f"best by mean held-out system accuracy plus TED item τ: {best[1]}")
    if args.tsv_dir is not None:
        args.tsv_dir.mkdir(parents=True, exist_ok=True)
        for name, (model, _) in best[2].items():
            columns = ["item", "system", "reference", "hypothesis", "human"]
            test[name][columns].to_csv(args.tsv_dir / f"{name}.tsv", sep="\t", index=False, quoting=3)
            params = model.to_dict()
            (args.tsv_dir / f"{name}.quality.json").write_text(json.dumps(params, indent=2) + "\n", encoding="utf-8")
        print(f"wrote the held-out sets and fold parameters to {args.tsv_dir}")


if __name__ == "__main__":
    main()
