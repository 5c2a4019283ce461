"""False alarms on faithful text: flags per 100 copy sentences on clean controls, by kind.

Every flag on these controls is a false alarm (for ``name``, every major one; ``quote`` is
expected where two translators word a quotation differently and is shown, not judged):

- ``two-refs``: reference B audited against reference A of ``../shared/data/wmt21_two_refs.tsv``
  (two professional translations of the same Czech, German and Russian news), in windows of
  20 consecutive segments of one set joined by blank lines; per language and overall;
- ``ted-refB``: the TED talks' second human translation audited against the reference
  (``../shared/data/mqm_ted_zhen.tsv``), one talk at a time, segments as paragraphs;
- ``rewrites``: the project's own faithful rewrites (``fixtures/paraphrase``);
- ``blind-rewrites``: eight faithful rewrites written blind by a helper (``fixtures/faithful_blind``).

Prints, per control: copy sentences, then flags per 100 copy sentences for each kind, all and
(in brackets) major, and a few examples of each kind's major flags.

Run: ``PYTHONPATH=. python benchmarks/clean_controls.py [--controls two-refs,ted-refB,rewrites,blind-rewrites]
[--kinds name,omission] [--examples 3] [--workers 2]`` (about 5 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
WINDOW = 20


def two_refs() -> list[tuple[str, str, str]]:
    """(group, reference A, reference B) documents: 20 segments of one set each."""
    with (DATA / "wmt21_two_refs.tsv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE))
    by_set: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_set[row["set"]].append(row)
    documents = []
    for name, segments in sorted(by_set.items()):
        segments.sort(key=lambda r: int(r["seg"]))
        for start in range(0, len(segments), WINDOW):
            window = segments[start : start + WINDOW]
            documents.append(
                (
                    name,
                    "\n\n".join(" ".join(r["ref_a"].split()) for r in window),
                    "\n\n".join(" ".join(r["ref_b"].split()) for r in window),
                )
            )
    return documents


def ted_ref_b() -> list[tuple[str, str, str]]:
    with (DATA / "mqm_ted_zhen.tsv").open(encoding="utf-8") as stream:
        rows = [r for r in csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE) if r["system"] == "refB"]
    talks: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        talks[row["doc"]].append(row)
    documents = []
    for talk in sorted(talks):
        segments = sorted(talks[talk], key=lambda r: int(r["seg_id"]))
        documents.append(
            (
                "ted",
                "\n\n".join(" ".join(r["reference"].split()) for r in segments),
                "\n\n".join(" ".join(r["hypothesis"].split()) for r in segments),
            )
        )
    return documents


def rewrites() -> list[tuple[str, str, str]]:
    folders = sorted(p.parent for p in (ROOT / "fixtures" / "paraphrase").rglob("original.txt"))
    return [
        ("rewrites", (f / "original.txt").read_text(encoding="utf-8"), (f / "copy.txt").read_text(encoding="utf-8"))
        for f in folders
        if (f / "copy.txt").is_file()
    ]


def blind_rewrites() -> list[tuple[str, str, str]]:
    folders = sorted(p.parent for p in (ROOT / "fixtures" / "faithful_blind").rglob("original.txt"))
    texts = [(f / "original.txt", f / "copy.txt") for f in folders]
    return [("blind-rewrites", o.read_text(encoding="utf-8"), c.read_text(encoding="utf-8")) for o, c in texts]


CONTROLS = {"two-refs": two_refs, "ted-refB": ted_ref_b, "rewrites": rewrites, "blind-rewrites": blind_rewrites}


def audit_one(document: tuple[str, str, str]) -> tuple[str, int, list[dict[str, Any]]]:
    import mtqa

    group, original, copy = document
    report = mtqa.audit(original, copy)
    sentences = int((report.sentences.side == "copy").sum())
    return group, sentences, report.flags[["kind", "severity", "text", "suggestion", "message"]].to_dict("records")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--controls", default=",".join(CONTROLS))
    parser.add_argument("--kinds", default="", help="comma-separated flag kinds to show (default all)")
    parser.add_argument("--examples", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    for control in args.controls.split(","):
        documents = CONTROLS[control]()
        sentences: Counter[str] = Counter()
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        examples: dict[str, list[dict[str, Any]]] = defaultdict(list)
        with ProcessPoolExecutor(args.workers) as pool:
            for group, n, flags in pool.map(audit_one, documents):
                for key in (group, "all"):
                    sentences[key] += n
                for flag in flags:
                    for key in (group, "all"):
                        counts[key][flag["kind"]] += 1
                        counts[key][flag["kind"] + ":major"] += flag["severity"] == "major"
                    if flag["severity"] == "major" and len(examples[flag["kind"]]) < args.examples:
                        examples[flag["kind"]].append(flag)
        shown = kinds or sorted({k for c in counts.values() for k in c if ":" not in k})
        groups = sorted(k for k in sentences if k != "all") + (["all"] if len(sentences) > 2 else [])
        print(f"\n## {control}: {len(documents)} documents\n")
        print("| group | copy sentences | " + " | ".join(shown) + " |")
        print("|---|---|" + "---|" * len(shown))
        for group in groups or ["all"]:
            per = 100 / max(sentences[group], 1)
            cells = [f"{counts[group][k] * per:.2f} ({counts[group][k + ':major'] * per:.2f})" for k in shown]
            print(f"| {group} | {sentences[group]} | " + " | ".join(cells) + " |")
        for kind in shown:
            for flag in examples.get(kind, []):
                print(f"- {kind}: {flag['text']!r} -> {flag['suggestion']!r}: {flag['message']}")


if __name__ == "__main__":
    main()
