"""``mtqa.find``: which stories of an index a copy renders, best first, each verified by alignment."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mtqa.archive.index import ArchiveIndex, story_sentences
from mtqa.archive.verify import Evidence, verify
from mtqa.embed.base import Embedder
from mtqa.errors import MtqaError

# A candidate is the copy's source when at least MIN_SHARE of the copy's sentences
# render its sentences, in a run of at least MIN_RUN in order; a short copy (up to
# SHORT sentences) needs SHORT_SHARE and a run of 2. Set on data with
# benchmarks/find_source.py: real MT outputs of 244 WMT21 stories against an archive
# of their professional translations, independent reports of the same events and
# distractors (no independent report or unrelated story ever rendered 2 sentences in
# a run; true copies render runs of 7 in the median).
MIN_SHARE = 0.3
MIN_RUN = 3
# A copy that shuffles short paragraphs breaks the runs but still renders most sentences.
SHARE_ALONE = 0.6
SHORT = 7
SHORT_SHARE = 0.5
CANDIDATES = 5
COLUMNS = [
    "id",
    "score",
    "match",
    "matched_sentences",
    "copy_sentences",
    "longest_run",
    "in_order",
    "mean_similarity",
    "title",
    "date",
    "examples",
]


def find(
    copy_text: str, index: ArchiveIndex | str | Path, *, embedder: Embedder | None = None, candidates: int = CANDIDATES
) -> pd.DataFrame:
    """The stories of ``index`` that ``copy_text`` may copy, best first.

    Retrieval proposes up to ``candidates`` stories by sentence vectors and as
    many by shared names, numbers and rare words (MinHash-LSH); each is then
    aligned with the copy (``mtqa.archive.verify``).

    Args:
        copy_text: The copy.
        index: An ``ArchiveIndex`` or the path of an index folder.
        embedder: The embedder; default the index's model and backend.
        candidates: How many stories each retrieval signal proposes.

    Returns:
        One row per candidate, best first, with the columns of ``COLUMNS``:
        ``score`` is the share of copy sentences that render the story, and
        ``match`` is true when the story is verified as the copy's source
        (``is_source``: enough of its sentences, in order or not). No
        source means no row with ``match`` true. Where several versions of a
        story match, the one the copy renders best comes first.

    Raises:
        MtqaError: If the text is empty, or the index cannot be read or was
            built with another model.
    """
    from mtqa.embed.factory import default_embedder
    from mtqa.pipeline import check_text

    check_text("copy", copy_text)
    loaded = index if isinstance(index, ArchiveIndex) else ArchiveIndex.load(Path(index))
    if embedder is None:
        embedder = default_embedder(*loaded.built_with())
    loaded.check_embedder(embedder)
    sentences = story_sentences(copy_text)
    if not sentences:
        raise MtqaError("the copy has no sentence")
    vectors = embedder.encode(sentences)
    rows = []
    for row in loaded.candidates(vectors, copy_text, candidates):
        story = loaded.stories.iloc[row]
        evidence = verify(sentences, vectors, story_sentences(story.text), loaded.sentence_vectors(row))
        rows.append(
            {
                "id": story.id,
                "score": round(evidence.share, 4),
                "match": is_source(evidence, len(sentences)),
                "matched_sentences": evidence.matched,
                "copy_sentences": len(sentences),
                "longest_run": evidence.run,
                "in_order": round(evidence.in_order, 4),
                "mean_similarity": round(evidence.mean_similarity, 4),
                "title": story.title,
                "date": story.date,
                "examples": evidence.examples,
            }
        )
    found = pd.DataFrame(rows, columns=COLUMNS)
    return found.sort_values(
        ["match", "score", "mean_similarity", "id"], ascending=[False, False, False, True], kind="stable"
    ).reset_index(drop=True)


def is_source(evidence: Evidence, copy_sentences: int) -> bool:
    """The no-source decision: whether a candidate rendered as ``evidence`` says is the copy's source.

    Enough sentences in a run (``MIN_SHARE``, ``MIN_RUN``); or most sentences
    (``SHARE_ALONE``, at least 3), whatever their order; or, for a copy of at
    most ``SHORT`` sentences, ``SHORT_SHARE`` of them with two in a run.
    """
    share, run = evidence.share, evidence.run
    if (share >= MIN_SHARE and run >= MIN_RUN) or (share >= SHARE_ALONE and evidence.matched >= 3):
        return True
    return copy_sentences <= SHORT and share >= SHORT_SHARE and run >= 2
