"""Precision and recall of each detector on the gold fixture pairs (the method: ``mtqa.evaluation.flag_scores``).

Run: ``python benchmarks/evaluate_flags.py [--misses]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mtqa.evaluation.flag_scores import table

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OWN_PAIRS = ("flood", "election", "factory", "quake", "paraphrase", "unrelated", "spanish")
SEED = ("seed",)
# Written by a separate session that saw neither the detectors nor the other fixtures,
# after the detectors were built: an out-of-sample check, not for tuning.
HELD_OUT = tuple(sorted(f"heldout/{p.name}" for p in (FIXTURES / "heldout").iterdir() if p.is_dir()))
# Written blind for issue 13, in the style of real content-farm copies, by a session that saw no detector code.
BLIND = tuple(sorted(f"blind/{p.name}" for p in (FIXTURES / "blind").iterdir() if p.is_dir()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every missed and every false flag")
    args = parser.parse_args()
    for title, pairs in (
        ("own gold pairs: " + ", ".join(OWN_PAIRS), OWN_PAIRS),
        ("held-out pairs: " + ", ".join(HELD_OUT), HELD_OUT),
        ("blind pairs: " + ", ".join(BLIND), BLIND),
        ("seed pair", SEED),
    ):
        misses: list[str] = []
        frame = table([FIXTURES / name for name in pairs], misses)
        if args.misses:
            print("\n".join(misses))
        print(f"\n{title}\n{frame.round(3).to_string(index=False)}")


if __name__ == "__main__":
    main()
