"""How fast the learned head loads, and what it adds to scoring: issue 26's speed targets.

- **Load**: a fresh process reads and checks ``mtqa/data/learned.npz`` (the
  checksum and the arrays); the time of ``shipped_head()`` alone, and of the
  whole process start with ``import mtqa.scoring.learned`` beside it.
- **Scoring**: 10,000 segments (the first 10,000 rows of
  ``wmt21_da_segments.tsv``) scored with ``mtqa.score(..., learned=True)``,
  against the time of embedding their distinct texts alone with the same
  (ONNX) embedder. The target is at most 1.5 times the embedding time. The
  two alternate, and the best of each is kept.

Run: ``PYTHONPATH=. python benchmarks/learned_speed.py [--segments N]``. Each
part runs in its own process, so that no model, cache or import is warm.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

LOAD = """
import time
start = time.perf_counter()
import mtqa.scoring.learned as learned
imported = time.perf_counter()
learned.shipped_head()
done = time.perf_counter()
print(f"{imported - start} {done - imported}")
"""

SCORE = """
import csv, sys, time
import pandas as pd
from benchmarks.ranking_data import SEGMENTS
from mtqa.embed.onnx import OnnxEmbedder
from mtqa.scoring.segments import embed_unique, score
rows = pd.read_csv(SEGMENTS, sep="\\t", quoting=csv.QUOTE_NONE, dtype=str, keep_default_na=False).head({count})
refs, hyps = list(rows.reference), list(rows.hypothesis)
embedder = OnnxEmbedder()
embedder.load()
start = time.perf_counter()
if {embed_only}:
    embed_unique(embedder, refs + hyps)
else:
    score(refs, hyps, embedder=embedder, learned=True)
print(time.perf_counter() - start, len(set(refs + hyps)))
"""


def run(code: str) -> list[float]:
    """Run ``code`` in a fresh interpreter and return the numbers it prints."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return [float(v) for v in out.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    loads = [run(LOAD) for _ in range(args.repeats)]
    embedding, scoring = [], []
    for _ in range(args.repeats):  # interleaved, so that a busy moment of the machine hits both alike
        embedding.append(run(SCORE.format(count=args.segments, embed_only=True)))
        scoring.append(run(SCORE.format(count=args.segments, embed_only=False)))
    embed_s = min(e[0] for e in embedding)
    score_s = min(s[0] for s in scoring)
    result = {
        "import_s": min(load[0] for load in loads),
        "shipped_head_s": min(load[1] for load in loads),
        "segments": args.segments,
        "distinct_texts": int(embedding[0][1]),
        "embedding_s": embed_s,
        "scoring_with_learned_s": score_s,
        "ratio": score_s / embed_s,
        "runs": {"load": loads, "embedding": embedding, "scoring": scoring},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
