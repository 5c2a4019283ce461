"""Word alignment against hand-aligned gold (issue 22): precision, recall and AER.

The gold, ``benchmarks/word_alignment/gold.tsv``, holds 120 sentence pairs of
``../shared/data/wmt21_two_refs.tsv`` (40 each of cs-, de- and ru-en, reference A
against reference B), aligned by hand by a helper who had not seen the aligner:
"sure" and "possible" links between word tokens numbered as ``mtqa.align.words.WORD``
finds them. Pairs at even positions of the file are the dev half (the aligner's
settings and ``TOKEN_LAYER`` were chosen on it); odd positions are the test half.

AER = 1 - (|A∩S| + |A∩P|) / (|A| + |S|), with S ⊆ P (Och & Ney 2003);
precision is |A∩P| / |A| and recall |A∩S| / |S|.

Run: ``PYTHONPATH=. python benchmarks/word_alignment.py [--backend onnx|torch] [--layer K] [--half dev|test|all]``
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from mtqa.align.words import WordParams, align_unit_words, sentence_words
from mtqa.embed.factory import make_embedder
from mtqa.types import Document, Sentence, Unit

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "benchmarks" / "word_alignment" / "gold.tsv"
TWO_REFS = ROOT.parent / "shared" / "data" / "wmt21_two_refs.tsv"

Links = set[tuple[int, int]]


def read_gold() -> list[tuple[str, str, str, Links, Links]]:
    """(set, ref_a, ref_b, sure, possible ∪ sure) for each gold pair, in the file's order."""
    with TWO_REFS.open(encoding="utf-8") as stream:
        rows = {(r["set"], r["seg"]): r for r in csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE)}
    gold = []
    with GOLD.open(encoding="utf-8") as stream:
        for line in csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE):
            sure = {_link(x) for x in line["sure"].split()}
            possible = {_link(x) for x in (line["possible"] or "").split()} | sure
            row = rows[(line["set"], line["seg"])]
            gold.append((line["set"], row["ref_a"], row["ref_b"], sure, possible))
    return gold


def _link(text: str) -> tuple[int, int]:
    left, right = text.split("-")
    return int(left), int(right)


def one_sentence(text: str) -> Document:
    """``text`` as a one-sentence document (the segmenter might split a long pair differently on each side)."""
    return Document(text, (Sentence(0, 0, len(text), text, text, 0),))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="onnx", choices=("onnx", "torch"))
    parser.add_argument("--layer", type=int, default=None, help="torch only: the encoder layer to read")
    parser.add_argument("--half", default="test", choices=("dev", "test", "all"))
    parser.add_argument("--min-score", type=float, default=WordParams.min_score)
    parser.add_argument("--distortion", type=float, default=WordParams.distortion)
    parser.add_argument("--no-embedding", action="store_true", help="align by form alone")
    args = parser.parse_args()
    if args.layer is not None:
        import mtqa.embed.torch

        mtqa.embed.torch.TOKEN_LAYER = args.layer
    gold = read_gold()
    chosen = [g for k, g in enumerate(gold) if args.half == "all" or (k % 2 == 0) == (args.half == "dev")]
    embedder = make_embedder(None, args.backend)
    params = WordParams(min_score=args.min_score, distortion=args.distortion)
    states = embedder.encode_tokens([t for _, a, b, _, _ in chosen for t in (a, b)])  # type: ignore[attr-defined]
    totals: dict[str, list[int]] = {}
    for k, (language, a, b, sure, possible) in enumerate(chosen):
        reference, copy = one_sentence(a), one_sentence(b)
        pair = None if args.no_embedding else (states[2 * k], states[2 * k + 1])
        links = align_unit_words(0, Unit((0,), (0,)), reference, copy, pair, None, params)
        starts_a = {w.start: i for i, w in enumerate(sentence_words(reference, 0))}
        starts_b = {w.start: i for i, w in enumerate(sentence_words(copy, 0))}
        found = {
            (starts_a[link.reference.start], starts_b[link.copy.start])
            for link in links
            if link.reference is not None and link.copy is not None
        }
        for key in (language, "all"):
            t = totals.setdefault(key, [0, 0, 0, 0])
            t[0] += len(found)
            t[1] += len(sure)
            t[2] += len(found & sure)
            t[3] += len(found & possible)
    print(f"half {args.half}: {len(chosen)} pairs, backend {embedder.backend}, {params}")
    print("| set | links | sure | precision | recall | AER |")
    print("|---|---|---|---|---|---|")
    for key, (a_n, s_n, a_s, a_p) in sorted(totals.items(), key=lambda kv: kv[0] == "all"):
        aer = 1 - (a_s + a_p) / (a_n + s_n)
        print(f"| {key} | {a_n} | {s_n} | {a_p / a_n:.3f} | {a_s / s_n:.3f} | {aer:.3f} |")


if __name__ == "__main__":
    main()
