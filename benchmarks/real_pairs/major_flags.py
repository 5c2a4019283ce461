"""Major flags of some kinds on the real pairs, which have gold for names only: a count to compare before
and after a syntax or meaning rule changes, and the flagged sentences to read (issue 23).

Run: ``PYTHONPATH=. python benchmarks/real_pairs/major_flags.py [--kinds syntax,meaning] [--out FLAGS.json]``.
To compare two
commits, run it with ``PYTHONPATH`` set to an export of each (``git archive C | tar -x -C DIR``) and
diff the two files.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from score import load_pairs, text_of  # the benchmark's own loader, beside this file


def main() -> None:
    import mtqa

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default="syntax", help="comma-separated detectors to run (default syntax)")
    parser.add_argument("--out", type=Path, help="write the flagged sentences here, as JSON")
    args = parser.parse_args()
    kinds = args.kinds.split(",")
    flagged = []
    for pair in load_pairs():
        original, copy = text_of(pair["original"]), text_of(pair["copy"])
        if original is None or copy is None:
            continue
        flags = mtqa.audit(original, copy, detectors=kinds).flags
        flagged += [[pair["id"], f.kind, f.text, f.message] for f in flags.itertuples() if f.severity == "major"]
    for kind in kinds:
        print(f"{sum(row[1] == kind for row in flagged)} major {kind} flags")
    if args.out is not None:
        args.out.write_text(json.dumps(flagged, ensure_ascii=False, indent=0), encoding="utf-8")


if __name__ == "__main__":
    main()
