"""Train the shipped learned head on all seven judged sets and write ``mtqa/data/learned.npz``.

The fit is ``benchmarks/learned_head.py``'s, on every judged segment of the
seven sets except TED's held-out talks 7 and 9 (kept out so that ``mtqa
correlate`` on them stays a held-out check), calibrated on TED's fitting talks.
``benchmarks/rank_quality.py --learned`` measures the same fit leave one set
out; ``docs/quality.md`` has both.

Run: ``PYTHONPATH=. python benchmarks/train_learned.py [--output FILE]`` (the
vectors are cached in ``benchmarks/.cache``). The same data give the same file,
byte for byte. ``--leave-out SET --output FILE`` trains the head of one fold of
the study instead, for ``mtqa correlate --learned-head FILE`` on that set.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from benchmarks import learned_head
from benchmarks.ranking_data import DA, DOCS, JUDGED_SETS, MQM, SEGMENTS, judged, judged_vectors
from mtqa.embed.onnx import OnnxEmbedder
from mtqa.outputs import write_bytes_atomic
from mtqa.scoring.learned import HEAD_FILE, head_bytes, parse_head

SHIPPED = Path(__file__).resolve().parents[1] / "mtqa" / "data" / HEAD_FILE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=SHIPPED, help=f"where to write the head [default: {SHIPPED}]")
    parser.add_argument(
        "--leave-out",
        choices=JUDGED_SETS,
        help="train without this set, as a fold of rank_quality.py --learned (the scale still comes from TED)",
    )
    args = parser.parse_args()
    if args.leave_out is not None and args.output == SHIPPED:
        parser.error("a head with a set left out is not the shipped one: give --output")
    frame = judged()
    ref_vectors, hyp_vectors = judged_vectors(frame)
    base = learned_head.base_scores(frame, ref_vectors, hyp_vectors)
    inputs = learned_head.inputs_of(frame, base, ref_vectors, hyp_vectors)
    kept = frame.dataset.to_numpy() != args.leave_out
    train = np.flatnonzero(~frame.held_out.to_numpy() & kept)
    ted = np.flatnonzero((frame.dataset == "ted").to_numpy() & ~frame.held_out.to_numpy())
    provenance: dict[str, object] = {
        "trained_on": [name for name in JUDGED_SETS if name != args.leave_out],
        "rows": len(train),
        "held_out": "TED talk.7 and talk.9",
        "fit": f"linear, pairwise logistic over rival pairs apart by > {learned_head.MARGIN} sd, L2 {learned_head.L2}",
        "calibration": "Poisson on TED talks 2, 5, 6 error counts, exposure reference words",
        "embedder": "all-MiniLM-L6-v2, onnx int8",
        "data": learned_head.file_hashes([MQM, DA, DOCS, SEGMENTS]),
        "command": "PYTHONPATH=. python benchmarks/train_learned.py"
        + (f" --leave-out {args.leave_out} --output FILE" if args.leave_out else ""),
    }
    probe_vectors = OnnxEmbedder().encode(list(learned_head.PROBE_TEXTS))
    fitted = learned_head.calibrated(
        learned_head.fit_head(inputs[train], frame.iloc[train], probe_vectors, provenance),
        inputs[ted],
        frame.errors.to_numpy(float)[ted],
        base.reference_words.to_numpy(float)[ted],
    )
    data = head_bytes(fitted)
    parse_head(data, str(args.output))  # what is written reads back
    write_bytes_atomic(args.output, data)
    print(f"wrote {args.output} ({len(data)} bytes), sha256 {fitted.digest()[:12]}")
    weights = fitted.layers[0][0][:, 0]
    for name, w, s in zip(fitted.inputs, weights, fitted.scale, strict=True):
        print(f"  {name:14s} weight per unit {w / s:+.4f} (standardised {w:+.4f})")
    print(f"  calibration: intercept {fitted.intercept:.4f}, slope {fitted.slope:.4f}")


if __name__ == "__main__":
    main()
