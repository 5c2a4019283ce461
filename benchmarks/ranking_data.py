"""The human-judged datasets: four that ``quality`` is chosen on (issue 16), seven that the learned head is (issue 26).

- ``ted``: ``../shared/data/mqm_ted_zhen.tsv``, Chinese→English TED talks, 14
  systems, MQM by professional raters (``human`` is the MQM score, minus the
  weighted errors; ``errors`` the number of errors marked). Talks 7 and 9 are
  held out from every fit, as in the other calibrations.
- ``ja-en``, ``ru-en``, ``is-en``: the WMT21 crowd DA (``wmt21_da_toen.tsv``;
  ``human`` is the rater-standardised z score) of the news MT outputs in
  ``wmt21_news_docs.jsonl``. Every system segment is loaded, with ``judged``
  false where it has no DA score; the benchmarks keep only the judged ones, so
  a system's figures (human and metric alike) come from the same segments, as
  in ``mtqa correlate``.
- ``cs-en``, ``de-en``, ``ha-en``: the WMT21 crowd DA of ``wmt21_da_segments.tsv``,
  which carries its texts (one row per system and segment, ``z`` already the
  mean over raters). ``HUMAN`` rows are the second human translation, judged
  like a system.

Every row also keeps ``raw``, the mean raw DA (0-100), for WMT's DARR pairs;
for TED it is the MQM score.

An item is one source segment (its rival translations share it). Features are
computed once with the ONNX embedder and kept in ``benchmarks/.cache``, under a
name that holds a hash of the three data files, so changed data is scored anew.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from mtqa.embed.cache import CachedEmbedder
from mtqa.embed.onnx import OnnxEmbedder

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
MQM = SHARED / "mqm_ted_zhen.tsv"
DA = SHARED / "wmt21_da_toen.tsv"
DOCS = SHARED / "wmt21_news_docs.jsonl"
SEGMENTS = SHARED / "wmt21_da_segments.tsv"
CACHE = Path(__file__).resolve().parent / ".cache"
DATASETS = ("ted", "ja-en", "ru-en", "is-en")
JUDGED_SETS = (*DATASETS, "cs-en", "de-en", "ha-en")
TED_HELD_OUT = ("talk.7", "talk.9")


def error_count(errors: str) -> int:
    """Errors in the TSV's ``errors`` cell: ``category|severity|span`` items joined by ``||``."""
    return sum(1 for item in str(errors).split("||") if item.strip())


def ted() -> pd.DataFrame:
    """The TED MQM segments: dataset, item, system, reference, hypothesis, human, errors, held_out."""
    frame = pd.read_csv(MQM, sep="\t", quoting=csv.QUOTE_NONE, dtype=str, keep_default_na=False)
    return pd.DataFrame(
        {
            "dataset": "ted",
            "item": frame.doc + ":" + frame.seg_id,
            "doc": frame.doc,
            "system": frame.system,
            "reference": frame.reference,
            "hypothesis": frame.hypothesis,
            "human": frame.mqm.astype(float),
            "raw": frame.mqm.astype(float),
            "errors": frame.errors.map(error_count).astype(float),
            "held_out": frame.doc.isin(TED_HELD_OUT),
            "judged": True,
        }
    )


def news() -> pd.DataFrame:
    """Every system segment of the WMT21 ja/ru/is-en documents, with its DA z score where it has one."""
    rows = []
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        if doc["set"] == "en-ja":
            continue
        for system, outputs in doc["systems"].items():
            for k, (reference, hypothesis) in enumerate(zip(doc["reference"], outputs, strict=True)):
                seg = doc["first_seg"] + k
                rows.append((doc["set"], f"{doc['set']}:{seg}", doc["doc"], system, seg, reference, hypothesis))
    frame = pd.DataFrame(rows, columns=["dataset", "item", "doc", "system", "seg", "reference", "hypothesis"])
    scores = pd.read_csv(DA, sep="\t").rename(columns={"set": "dataset"})
    scores = scores.groupby(["dataset", "system", "seg"], as_index=False)[["z", "raw"]].mean()
    frame = frame.merge(scores, on=["dataset", "system", "seg"], how="left").rename(columns={"z": "human"})
    frame["judged"] = frame.human.notna()
    frame["errors"] = np.nan
    frame["held_out"] = False
    return frame.drop(columns="seg")


def da_segments() -> pd.DataFrame:
    """The cs/de/ha-en DA of ``wmt21_da_segments.tsv``, in the shape of ``news()``."""
    frame = pd.read_csv(SEGMENTS, sep="\t", quoting=csv.QUOTE_NONE, dtype=str, keep_default_na=False)
    return pd.DataFrame(
        {
            "dataset": frame.set,
            "item": frame.set + ":" + frame.seg,
            "doc": "",
            "system": frame.system,
            "reference": frame.reference,
            "hypothesis": frame.hypothesis,
            "human": frame.z.astype(float),
            "raw": frame.raw.astype(float),
            "judged": True,
            "errors": np.nan,
            "held_out": False,
        }
    )


def judged() -> pd.DataFrame:
    """The judged segments of all seven sets, with an empty reference dropped (nothing to score against)."""
    frame = pd.concat([ted(), news(), da_segments()], ignore_index=True)
    frame = frame[frame.judged & (frame.reference.str.strip() != "")]
    return frame.reset_index(drop=True)


def judged_vectors(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The ONNX vectors of ``frame``'s references and hypotheses, cached in ``benchmarks/.cache``."""
    from mtqa.scoring.segments import embed_unique

    CACHE.mkdir(exist_ok=True)
    embedder = CachedEmbedder(OnnxEmbedder(), CACHE / "ranking.sqlite")
    vectors = embed_unique(embedder, list(frame.reference) + list(frame.hypothesis))
    return vectors[: len(frame)], vectors[len(frame) :]


def load(features: bool = True) -> pd.DataFrame:
    """All four datasets in one frame, with mtqa's segment features (cached) when ``features``."""
    frame = pd.concat([ted(), news()], ignore_index=True)
    if not features:
        return frame
    CACHE.mkdir(exist_ok=True)
    digest = hashlib.sha256(b"".join(hashlib.sha256(f.read_bytes()).digest() for f in (MQM, DA, DOCS)))
    stored = CACHE / f"ranking_features-{digest.hexdigest()[:16]}.parquet"
    if stored.exists():
        cached = pd.read_parquet(stored)
        if len(cached) == len(frame) and (cached.hypothesis == frame.hypothesis).all():
            return cached
    from mtqa.scoring.segments import segment_features

    embedder = CachedEmbedder(OnnxEmbedder(), CACHE / "ranking.sqlite")
    scores = segment_features(list(frame.reference), list(frame.hypothesis), embedder)
    frame = pd.concat([frame, scores], axis=1)
    frame.to_parquet(stored, index=False)
    return frame
