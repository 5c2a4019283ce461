"""Connects the stages: segment, embed, align, score, detect, report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from mtqa.align import AlignParams, align
from mtqa.detectors import DETECTORS, AuditContext
from mtqa.embed import DEFAULT_BACKEND, Embedder, make_embedder
from mtqa.errors import MtqaError
from mtqa.labels import label_unit
from mtqa.language import MIN_ENGLISH_SHARE, english_share
from mtqa.quality import shipped_model
from mtqa.report import Report, build_report
from mtqa.scoring import add_quality, text_scores
from mtqa.segment import segment
from mtqa.similarity import (
    DEFAULT_LEXICAL_WEIGHT,
    Similarities,
    UnitVectors,
    blend,
    cosine_similarities,
    joined_texts,
    lexical_similarities,
)
from mtqa.types import Alignment, Document, Flag, Unit, UnitScores


@lru_cache(maxsize=4)
def default_embedder(model: str | None = None, backend: str = DEFAULT_BACKEND) -> Embedder:
    """One embedder per model and backend for the process, so repeated audits load it once."""
    return make_embedder(model, backend)


def embed_document(embedder: Embedder, document: Document) -> UnitVectors:
    """Embed every sentence and every adjacent pair of ``document`` in one batched call."""
    texts = [s.norm for s in document.sentences]
    vectors = embedder.encode(texts + joined_texts(texts))
    return UnitVectors(single=vectors[: len(texts)], joined=vectors[len(texts) :])


def audit(
    reference: str,
    copy: str,
    *,
    model: str | None = None,
    backend: str = DEFAULT_BACKEND,
    embedder: Embedder | None = None,
    align_params: AlignParams | None = None,
    lexical_weight: float = DEFAULT_LEXICAL_WEIGHT,
    detectors: Sequence[str] | None = None,
) -> Report:
    """Audit ``copy`` against ``reference``, sentence by sentence.

    Args:
        reference: The original text.
        copy: The copy to audit.
        model: A local sentence-transformers model folder; default the packaged
            all-MiniLM-L6-v2. Ignored when ``embedder`` is given.
        backend: ``"onnx"`` (int8 export, default; no torch) or ``"torch"`` (fp32).
            Both give the same alignment units and flags on every fixture pair.
        embedder: Any ``Embedder``; mainly for tests and reuse across audits.
        align_params: Aligner thresholds; default the calibrated ones.
        lexical_weight: Share of the character-trigram score in the similarity.
        detectors: Flag kinds to run (keys of ``mtqa.detectors.DETECTORS``); default all.

    Returns:
        The ``Report``.

    Raises:
        MtqaError: If a text is empty, a detector is unknown, or the model cannot be loaded.
    """
    for side, text in (("original", reference), ("copy", copy)):
        if not isinstance(text, str) or not text.strip():
            raise MtqaError(f"the {side} text is empty")
    chosen = list(DETECTORS) if detectors is None else list(detectors)
    unknown = [name for name in chosen if name not in DETECTORS]
    if unknown:
        raise MtqaError(f"unknown detector(s) {unknown}; choose from {sorted(DETECTORS)}")
    params = align_params or AlignParams()
    embedder = embedder or default_embedder(model, backend)

    reference_doc, copy_doc = segment(reference), segment(copy)
    english = {"reference": english_share(reference), "copy": english_share(copy)}
    cosine = cosine_similarities(embed_document(embedder, reference_doc), embed_document(embedder, copy_doc))
    lexical = lexical_similarities([s.norm for s in reference_doc.sentences], [s.norm for s in copy_doc.sentences])
    blended = _without_debris(blend(cosine, lexical, lexical_weight), reference_doc, copy_doc)
    alignment = align(blended, params)
    instances = [DETECTORS[name]() for name in chosen]
    skipped = [d.name for d in instances if d.english_only and english["copy"] < MIN_ENGLISH_SHARE]
    flags: list[Flag] = []
    for detector in instances:
        if detector.name not in skipped:
            flags += detector.detect(AuditContext(reference_doc, copy_doc, alignment, tuple(flags)))
    flags.sort(key=lambda f: (f.start, f.end, f.kind))
    scores = score_units(reference_doc, copy_doc, alignment, cosine, flags)
    return build_report(
        reference_doc,
        copy_doc,
        alignment,
        scores,
        flags,
        model=getattr(embedder, "name", type(embedder).__name__),
        backend=str(getattr(embedder, "backend", "")),
        align_params=params,
        lexical_weight=lexical_weight,
        detectors={d.name: d.params() for d in instances},
        english=english,
        skipped_detectors=skipped,
        matrices=(cosine.one_one, blended.one_one),
    )


def _without_debris(similarities: Similarities, reference: Document, copy: Document) -> Similarities:
    """Set every score of a boilerplate sentence to -1, so debris is never aligned."""
    ref_debris = [s.id for s in reference.sentences if s.kind == "boilerplate"]
    copy_debris = [s.id for s in copy.sentences if s.kind == "boilerplate"]
    if not ref_debris and not copy_debris:
        return similarities
    one_one, one_two, two_one = (m.copy() for m in (similarities.one_one, similarities.one_two, similarities.two_one))
    for i in ref_debris:
        one_one[i, :] = one_two[i, :] = -1.0
        two_one[max(i - 1, 0) : i + 1, :] = -1.0
    for j in copy_debris:
        one_one[:, j] = two_one[:, j] = -1.0
        one_two[:, max(j - 1, 0) : j + 1] = -1.0
    return Similarities(one_one, one_two, two_one)


def unit_cosine(unit: Unit, cosine: Similarities) -> float:
    """The embedding cosine of a 1-1, 1-2 or 2-1 unit, read off the matrices."""
    refs, copies = unit.reference_ids, unit.copy_ids
    if not refs or not copies:
        return float("nan")
    if len(refs) == 1 and len(copies) == 1:
        return float(cosine.one_one[refs[0], copies[0]])
    if len(refs) == 1 and len(copies) == 2:
        return float(cosine.one_two[refs[0], copies[0]])
    if len(refs) == 2 and len(copies) == 1:
        return float(cosine.two_one[refs[0], copies[0]])
    raise ValueError(f"unsupported unit shape {len(refs)}-{len(copies)}")


def unit_texts(unit: Unit, reference: Document, copy: Document) -> tuple[str, str]:
    """The normalised text of each side of ``unit``, sentences joined by a space."""
    return (
        " ".join(reference.sentences[i].norm for i in unit.reference_ids),
        " ".join(copy.sentences[j].norm for j in unit.copy_ids),
    )


def score_units(
    reference: Document, copy: Document, alignment: Alignment, cosine: Similarities, flags: Sequence[Flag] = ()
) -> list[UnitScores]:
    """Score every unit: cosine, sentence BLEU and chrF, quality, and its label (which counts major flags)."""
    major = Counter(flag.copy_id for flag in flags if flag.severity == "major")
    linked = [k for k, u in enumerate(alignment.units) if u.reference_ids and u.copy_ids]
    texts = [unit_texts(alignment.units[k], reference, copy) for k in linked]
    refs, hyps = [t[0] for t in texts], [t[1] for t in texts]
    unit_cosines = np.array([unit_cosine(alignment.units[k], cosine) for k in linked], dtype=float)
    features = text_scores(refs, hyps, unit_cosines)
    rows = dict(zip(linked, add_quality(features, shipped_model()).to_dict(orient="records"), strict=True))
    missing = dict.fromkeys(("bleu", "chrf", "rare_words", "quality"), float("nan"))
    scores = []
    for k, unit in enumerate(alignment.units):
        cos = unit_cosine(unit, cosine)
        row = rows.get(k, missing)
        scores.append(
            UnitScores(
                cosine=round(min(cos, 1.0), 6) if not np.isnan(cos) else cos,
                bleu=float(row["bleu"]),
                chrf=float(row["chrf"]),
                rare_words=float(row["rare_words"]),
                quality=float(row["quality"]),
                label="boilerplate"
                if _is_debris(unit, reference, copy)
                else label_unit(
                    cos,
                    float(row["chrf"]),
                    bool(unit.reference_ids),
                    bool(unit.copy_ids),
                    major_flags=sum(major[j] for j in unit.copy_ids),
                ),
            )
        )
    return scores


def _is_debris(unit: Unit, reference: Document, copy: Document) -> bool:
    kinds = [reference.sentences[i].kind for i in unit.reference_ids] + [copy.sentences[j].kind for j in unit.copy_ids]
    return all(kind == "boilerplate" for kind in kinds)
