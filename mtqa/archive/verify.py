"""Verify a candidate story by aligning the copy with it: a copy renders its original sentence by sentence.

Independent coverage of the same event shares names, numbers and facts, and
so comes back from retrieval; it does not render the story's sentences in
runs. The copy is aligned with the candidate by mtqa's own aligner (1-1, 1-2
and 2-1 units over the blended cosine and trigram scores; joins are not
embedded here, so only 1-1 units form) and judged by:

- ``matched``: how many copy sentences render a sentence of the candidate;
- ``share``: that count over the copy's body sentences;
- ``run``: the longest run of copy sentences rendering sentences of the
  candidate in order, each at most ``MAX_JUMP`` sentences on from the one
  before in both texts (a fragment or a cut sentence between them does not
  break the run);
- ``in_order``: the share of neighbouring rendered copy sentences whose
  originals keep their order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mtqa.align.aligner import AlignParams, align
from mtqa.align.similarity import DEFAULT_LEXICAL_WEIGHT, Similarities, blend, lexical_similarities

# Every unit the aligner links counts as a rendering: its threshold (0.43) is
# calibrated for that. What tells a copy from a report of the same event is how many
# sentences render and whether they run in order (the decision is in mtqa.archive.find).
RENDERING_SIMILARITY = AlignParams().threshold
# How far apart, in either text, two rendered sentences may stand and still continue a run.
MAX_JUMP = 3


@dataclass(frozen=True)
class Evidence:
    """How a copy renders one candidate story."""

    matched: int
    share: float
    run: int
    in_order: float
    mean_similarity: float
    examples: list[tuple[str, str, float]]  # (copy sentence, story sentence, similarity), best first


def verify(copy: list[str], copy_vectors: np.ndarray, story: list[str], story_vectors: np.ndarray) -> Evidence:
    """Align the copy's sentences with the story's and measure how much of the copy renders it."""
    one_one = story_vectors @ copy_vectors.T
    nan = np.full((len(story), max(len(copy) - 1, 0)), np.nan, dtype=one_one.dtype)
    cosine = Similarities(one_one, nan, np.full((max(len(story) - 1, 0), len(copy)), np.nan, dtype=one_one.dtype))
    blended = blend(cosine, lexical_similarities(story, copy), DEFAULT_LEXICAL_WEIGHT)
    links = {
        unit.copy_ids[0]: (unit.reference_ids[0], unit.similarity)
        for unit in align(blended, AlignParams()).units
        if unit.is_linked and unit.similarity >= RENDERING_SIMILARITY
    }
    best, ordered, neighbours = _longest_run(links), 0, 0
    for j in range(1, len(copy)):
        if j in links and j - 1 in links:
            neighbours += 1
            ordered += links[j][0] > links[j - 1][0]
    ranked = sorted(links.items(), key=lambda item: -item[1][1])
    return Evidence(
        matched=len(links),
        share=len(links) / max(len(copy), 1),
        run=best,
        in_order=ordered / neighbours if neighbours else 0.0,
        mean_similarity=float(np.mean([s for _, s in links.values()])) if links else 0.0,
        examples=[(copy[j], story[i], round(s, 3)) for j, (i, s) in ranked[:3]],
    )


def _longest_run(links: dict[int, tuple[int, float]]) -> int:
    """The longest chain of rendered copy sentences whose originals follow in order, allowing small gaps."""
    best = run = 0
    previous: tuple[int, int] | None = None
    for j in sorted(links):
        i = links[j][0]
        follows = previous is not None and 0 < j - previous[0] <= MAX_JUMP and 0 < i - previous[1] <= MAX_JUMP
        run = run + 1 if follows else 1
        best = max(best, run)
        previous = (j, i)
    return best
