"""Alignment quality on the fixture pairs that carry a gold alignment.

Prints, for each pair, link precision, recall and F1 (a link is a reference
sentence and a copy sentence sharing a unit) and the share of gold units found
exactly, then the totals. Run: ``python benchmarks/evaluate_alignment.py``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mtqa.evaluation.gold import read_gold
from mtqa.pipeline import audit
from mtqa.segment.sentences import segment

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def main() -> None:
    rows = []
    for folder in sorted(p for p in FIXTURES.iterdir() if (p / "gold.txt").exists()):
        original, copy = (folder / "original.txt").read_text(), (folder / "copy.txt").read_text()
        gold = read_gold(folder / "gold.txt")
        n_ref, n_copy = len(segment(original)), len(segment(copy))
        report = audit(original, copy)
        predicted = {
            (tuple(r), tuple(c)) for r, c in zip(report.pairs.reference_ids, report.pairs.copy_ids, strict=True)
        }
        got = {(i, j) for r, c in predicted for i in r for j in c}
        want = gold.links()
        true = len(got & want)
        rows.append(
            {
                "pair": folder.name,
                "sentences": f"{n_ref}/{n_copy}",
                "gold_links": len(want),
                "found_links": len(got),
                "precision": true / len(got) if got else float(not want),
                "recall": true / len(want) if want else 1.0,
                "exact_units": len(predicted & set(gold.units)) / max(len(gold.units), 1),
                "coverage": report.summary["coverage"],
                "_tp": true,
            }
        )
    frame = pd.DataFrame(rows)
    frame["f1"] = 2 * frame.precision * frame.recall / (frame.precision + frame.recall).where(lambda s: s > 0, 1)
    tp, found, wanted = frame._tp.sum(), frame.found_links.sum(), frame.gold_links.sum()
    precision, recall = tp / found, tp / wanted
    print(frame.drop(columns="_tp").round(3).to_string(index=False))
    print(
        f"all pairs: link precision {precision:.3f} recall {recall:.3f} "
        f"F1 {2 * precision * recall / (precision + recall):.3f}"
    )


if __name__ == "__main__":
    main()
