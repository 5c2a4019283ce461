"""Lazy joins against embedding every join: alignment F1 and the share of joins embedded.

The audit embeds an adjacent pair of sentences joined only where the aligner
could take it as a split or a merge, judged with the joined cosine estimated
from the parts plus ``JOIN_MARGIN`` (``mtqa.align.joins``). This script
measures what that costs and saves, on the alignment calibration data
(synthetic garbled copies of real TED MT output, and the gold-aligned news
fixtures; see ``calibrate_alignment.py``), with the calibrated parameters:

- link F1 with every join embedded, and with the lazy joins, per margin;
- the share of joins embedded;
- how far a real joined cosine exceeds its estimate, over the joins the
  aligner admits when all are embedded.

Run: ``python benchmarks/lazy_joins.py`` (about 5 minutes on 2 cores the
first time; embeddings are cached under ``benchmarks/.cache``).
"""

from __future__ import annotations

import argparse

import numpy as np

from benchmarks.calibrate_alignment import (
    CALIBRATION_PAIRS,
    CHECK_PAIRS,
    CachedEmbedder,
    evaluate,
    fixture_cases,
    load_cases,
)
from mtqa.align.aligner import AlignParams, admissible_joins
from mtqa.align.joins import JOIN_MARGIN, estimated_cosines, joins_to_embed, with_joins
from mtqa.align.similarity import DEFAULT_LEXICAL_WEIGHT, blend, cosine_similarities, joined_texts, lexical_similarities


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    cases = load_cases(args.seed) + fixture_cases(CALIBRATION_PAIRS) + fixture_cases(CHECK_PAIRS)
    embedder = CachedEmbedder()
    embedder.warm([t for c in cases for side in (c.reference, c.copy) for t in side + joined_texts(side)])
    params, weight = AlignParams(), DEFAULT_LEXICAL_WEIGHT
    full, lexical, singles = [], [], []
    excess: list[float] = []
    for case in cases:
        ref, copy = embedder.single(case.reference), embedder.single(case.copy)
        cosine = cosine_similarities(embedder.vectors(case.reference), embedder.vectors(case.copy))
        words = lexical_similarities(case.reference, case.copy)
        full.append((cosine, words))
        lexical.append(words)
        singles.append((ref, copy))
        estimate = estimated_cosines(ref, copy)
        splits, merges = admissible_joins(blend(cosine, words, weight), params)
        excess += (cosine.one_two - estimate.one_two)[splits.starts].tolist()
        excess += (cosine.two_one - estimate.two_one)[merges.starts].tolist()
    total_joins = sum(len(c.reference) - 1 + len(c.copy) - 1 for c in cases)
    print(f"{len(cases)} cases, {total_joins} joins; {len(excess)} joins admissible with every join embedded")
    print(f"real joined cosine minus estimate, over those: max {max(excess):.3f}, mean {np.mean(excess):.3f}")
    baseline = evaluate(cases, full, weight, params)
    print(f"every join embedded: link F1 {baseline['link_f1']:.4f}, unit accuracy {baseline['unit_accuracy']:.4f}")
    for margin in sorted({0.0, 0.05, 0.1, JOIN_MARGIN, 0.2}):
        lazy, kept = [], 0
        for case, (ref, copy), words in zip(cases, singles, lexical, strict=True):
            ref_joins, copy_joins = joins_to_embed(ref, copy, words, weight, params, margin)
            kept += len(ref_joins) + len(copy_joins)
            reference = with_joins(ref, case.reference, ref_joins, embedder.vectors(case.reference).joined[ref_joins])
            copied = with_joins(copy, case.copy, copy_joins, embedder.vectors(case.copy).joined[copy_joins])
            lazy.append((cosine_similarities(reference, copied), words))
        scores = evaluate(cases, lazy, weight, params)
        print(
            f"margin {margin:.2f}{' (default)' if margin == JOIN_MARGIN else ''}: joins embedded "
            f"{kept / total_joins:.1%}, link F1 {scores['link_f1']:.4f} "
            f"({scores['link_f1'] - baseline['link_f1']:+.4f}), unit accuracy {scores['unit_accuracy']:.4f}"
        )


if __name__ == "__main__":
    main()
