"""Precision and recall of each detector on the gold fixture pairs.

A predicted flag matches a gold flag of the same kind when their spans in the
copy overlap (and, for names and numbers, their suggestions agree); each is
matched at most once. Gold spans are found by their
exact text, repeated texts in order of appearance. Omission flags match when
the predicted reference sentence lies in the range the gold note names
("ref sentences 8-9"). Gold kinds no detector produces (``order``, ``fact``)
are listed but not scored. A minor flag on a "not errors" entry whose note
allows "at most minor" (a transliteration variant) is neither right nor wrong.

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every missed and every false flag")
    args = parser.parse_args()
    for title, pairs in (
        ("own gold pairs: " + ", ".join(OWN_PAIRS), OWN_PAIRS),
        ("held-out pairs: " + ", ".join(HELD_OUT), HELD_OUT),
        ("seed pair", SEED),
    ):
        misses: list[str] = []
        frame = table([FIXTURES / name for name in pairs], misses)
        if args.misses:
            print("\n".join(misses))
        print(f"\n{title}\n{frame.round(3).to_string(index=False)}")


if __name__ == "__main__":
    main()
