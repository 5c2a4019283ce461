"""``mtqa.find``: which stories of an index a copy renders, best first, each verified by alignment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mtqa.archive.index import ArchiveIndex, check_width, story_sentences
from mtqa.archive.verify import Evidence, verify
from mtqa.embed.base import Embedder
from mtqa.errors import MtqaError
from mtqa.plural import plural


@dataclass(frozen=True)
class SourceRule:
    """The no-source decision: when a candidate's evidence makes it the copy's source.

    A source renders at least ``min_share`` of the copy's sentences with a run
    of ``min_run`` in order; or ``share_alone`` of them (at least 3) in any
    order, as a copy that shuffles short paragraphs does; or, for a copy of at
    most ``short`` sentences, ``short_share`` of them with two in a run. The
    defaults were chosen on data and checked on held-out queries
    (``benchmarks/find_source.py``; BENCHMARKS.md gives the figures): no
    independent report of the same event and no unrelated story rendered two
    sentences in a run, while true copies render runs of 7 in the median.
    """

    min_share: float = 0.3
    min_run: int = 3
    share_alone: float = 0.6
    short: int = 7
    short_share: float = 0.5

    def accepts(self, share: float, run: int, matched: int, copy_sentences: int) -> bool:
        """Whether a candidate rendering ``matched`` sentences (``share``, longest ``run``) is the source."""
        if (share >= self.min_share and run >= self.min_run) or (share >= self.share_alone and matched >= 3):
            return True
        return copy_sentences <= self.short and share >= self.short_share and run >= 2


SOURCE_RULE = SourceRule()
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
        MtqaError: If the text is empty, or the index cannot be read, was
            built with another model, or a candidate's vectors do not match its sentences.
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
    check_width(loaded.vectors.d, vectors, embedder.name)
    rows = []
    for row in loaded.candidates(vectors, copy_text, candidates):
        story = loaded.stories.iloc[row]
        story_text, story_vectors = story_sentences(story.text), loaded.sentence_vectors(row)
        if len(story_vectors) != len(story_text):  # offsets edited to tile the vectors, but not the stories'
            raise MtqaError(
                f"the index is damaged (story {story.id!r} has {plural(len(story_vectors), 'sentence vector')} for its "
                f"{plural(len(story_text), 'sentence')}); rebuild it with mtqa index build"
            )
        evidence = verify(sentences, vectors, story_text, story_vectors)
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


def is_source(evidence: Evidence, copy_sentences: int, rule: SourceRule = SOURCE_RULE) -> bool:
    """Whether a candidate rendered as ``evidence`` says is the copy's source, by ``rule``."""
    return rule.accepts(evidence.share, evidence.run, evidence.matched, copy_sentences)
