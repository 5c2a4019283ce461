"""False flags on clean text, and the syntax detector against human grammar annotations.

Clean text, syntax, name, meaning and spelling flags per 100 sentences of the audited side:

- the 529 professional TED references of ``../shared/data/mqm_ted_zhen.tsv``,
  one talk at a time, audited against themselves;
- the same references audited against ``refB``, a second professional
  translation (a faithful paraphrase);
- the seed original against itself.

Human annotations: every MT hypothesis is audited against its reference, one
talk and system at a time (each segment a paragraph, so flags map back to
segments). Reported: the share of segments with a Fluency/Grammar Major error
that the syntax detector flags, and the share of segments with no grammar
error at all that it flags.

Run: ``python benchmarks/clean_text_flags.py`` (about 10 minutes on 2 cores;
``--quick`` skips the per-system MQM part).
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import pandas as pd

from mtqa.pipeline import audit

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "mqm_ted_zhen.tsv"
SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "original.txt"
# The kinds whose false alarms are counted (issue 13: at most 2 syntax, 1 name, 1 meaning, 1 spelling per 100).
KINDS = ("syntax", "name", "meaning", "spelling")


def as_document(segments: list[str]) -> str:
    return "\n\n".join(" ".join(s.split()) for s in segments)


def rate(reference: str, copy: str) -> dict[str, float]:
    report = audit(reference, copy, detectors=["boilerplate", *KINDS])
    sentences = int((report.sentences.side == "copy").sum())
    return {"sentences": sentences, **{kind: int((report.flags.kind == kind).sum()) for kind in KINDS}}


def clean_rates(frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for talk, rows_of_talk in frame.groupby("doc", sort=True):
        refs = rows_of_talk.drop_duplicates("seg_id").sort_values("seg_id")
        reference = as_document(list(refs.reference.astype(str)))
        rows.append({"text": "TED references vs themselves", "talk": talk, **rate(reference, reference)})
        ref_b = rows_of_talk[rows_of_talk.system == "refB"].sort_values("seg_id")
        paraphrase = as_document(list(ref_b.hypothesis.astype(str)))
        original = as_document(list(refs[refs.seg_id.isin(ref_b.seg_id)].reference.astype(str)))
        rows.append({"text": "TED references vs refB", "talk": talk, **rate(original, paraphrase)})
    seed = SEED.read_text(encoding="utf-8")
    rows.append({"text": "seed original vs itself", "talk": "-", **rate(seed, seed)})
    per_talk = pd.DataFrame(rows)
    totals = per_talk.groupby("text", sort=False)[["sentences", *KINDS]].sum()
    for kind in KINDS:
        totals[f"{kind}_per_100"] = 100 * totals[kind] / totals.sentences
    return totals


def grammar_agreement(frame: pd.DataFrame) -> pd.DataFrame:
    """Syntax flags per MT segment against the MQM grammar annotations."""
    frame = frame.assign(
        grammar_major=frame.errors.astype(str).str.contains(r"Fluency/Grammar\|Major", regex=True),
        grammar_any=frame.errors.astype(str).str.contains("Fluency/Grammar", regex=False),
        flagged=False,
    )
    for _group, rows in frame.groupby(["doc", "system"], sort=True):
        rows = rows.sort_values("seg_id")
        report = audit(
            as_document(list(rows.reference.astype(str))),
            as_document(list(rows.hypothesis.astype(str))),
            detectors=["syntax"],
        )
        copy_sentences = report.sentences[report.sentences.side == "copy"].set_index("id")
        flagged_paragraphs = {int(copy_sentences.paragraph[i]) for i in report.flags.copy_id.dropna()}
        frame.loc[rows.index[sorted(flagged_paragraphs)], "flagged"] = True
    groups = {
        "segments with a Fluency/Grammar Major error": frame[frame.grammar_major],
        "segments with no grammar error": frame[~frame.grammar_any],
    }
    return pd.DataFrame(
        [
            {
                "segments": name,
                "count": len(part),
                "flagged": int(part.flagged.sum()),
                "share_flagged": part.flagged.mean(),
            }
            for name, part in groups.items()
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the per-system MQM grammar comparison")
    args = parser.parse_args()
    frame = pd.read_csv(DATA, sep="\t", quoting=csv.QUOTE_NONE)
    print("False flags on clean text (per 100 sentences)")
    print(clean_rates(frame).round(2).to_string())
    if not args.quick:
        print("\nSyntax detector vs MQM grammar annotations of MT output")
        print(grammar_agreement(frame).round(3).to_string(index=False))


if __name__ == "__main__":
    main()
