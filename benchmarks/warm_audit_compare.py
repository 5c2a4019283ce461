"""The cost of a warm audit, this checkout against another (issue 22: word alignment may add at most 25%).

Each side runs in its own process (``PYTHONPATH`` set to its checkout, this project's virtual
environment for both): the ONNX model and spaCy are loaded and every fixture pair is audited once
to warm up, then all 20 fixture pairs are audited three times and the fastest round is kept. The
two sides alternate for ``--rounds`` rounds, and the ratio of the medians is printed.

Run: ``git worktree add /tmp/before <commit> && PYTHONPATH=. python benchmarks/warm_audit_compare.py /tmp/before``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ONE_SIDE = """
import time
from pathlib import Path
import mtqa
from mtqa.embed.onnx import OnnxEmbedder
root = Path({fixtures!r})
folders = sorted(p.parent for p in root.rglob("original.txt") if (p.parent / "copy.txt").is_file())
pairs = [((f / "original.txt").read_text(), (f / "copy.txt").read_text()) for f in folders]
embedder = OnnxEmbedder()
for original, copy in pairs:
    mtqa.audit(original, copy, embedder=embedder)
rounds = []
for _ in range(3):
    start = time.perf_counter()
    for original, copy in pairs:
        mtqa.audit(original, copy, embedder=embedder)
    rounds.append(time.perf_counter() - start)
print(min(rounds))
"""


def warm_seconds(checkout: Path) -> float:
    code = ONE_SIDE.format(fixtures=str(ROOT / "fixtures"))
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=checkout, check=True
    )
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="a checkout of the commit to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"before": [], "after": []}
    for _ in range(args.rounds):
        times["before"].append(warm_seconds(args.before.resolve()))
        times["after"].append(warm_seconds(ROOT))
    for side, values in times.items():
        print(f"{side}: {', '.join(f'{v:.2f}' for v in values)} s (median {statistics.median(values):.2f})")
    ratio = statistics.median(times["after"]) / statistics.median(times["before"])
    print(f"warm audit of the 20 fixture pairs, after / before: {ratio:.3f}")


if __name__ == "__main__":
    main()
