"""A headline or subhead is a unit of its own: the aligner never joins it with the sentence beside it (issue 23).

On two faithful translations, a subhead line was taken together with the next paragraph's first sentence
as one rendering of the original's body sentence, and the original's subhead was reported not rendered.
"""

from __future__ import annotations

import numpy as np
import pytest

import mtqa.pipeline
from mtqa.align.aligner import AlignParams
from mtqa.align.similarity import lexical_similarities
from mtqa.segment.sentences import segment, standalone_lines
from tests.conftest import _shared_onnx

ORIGINAL = (
    "The museum could open next year, officials said.\n\n"
    "Two quarries to make solar power\n\n"
    "The Harlow quarry will make solar power. The Marsh quarry will store it."
)
COPY = (
    "The museum might open next year, officials said.\n\n"
    "Two quarries will produce solar power\n\n"
    "The Harlow quarry will produce solar power. The Marsh quarry will store it."
)


def test_standalone_lines_are_paragraphs_of_one_sentence_without_a_final_stop() -> None:
    document = segment(ORIGINAL + "\n\nA one-sentence paragraph ends with a stop.")
    assert [document.sentences[i].text for i in sorted(standalone_lines(document))] == [
        "Two quarries to make solar power"
    ]


def test_a_stub_on_a_line_of_its_own_is_a_piece_of_a_sentence_not_a_headline() -> None:
    # a spinner cuts "The ferry" off the sentence it starts: the aligner may still join it back
    document = segment("The ferry\n\nleft the old harbour on Monday, the operator said.")
    assert standalone_lines(document) == set()


def test_no_join_holds_a_standalone_line(monkeypatch: pytest.MonkeyPatch) -> None:
    reference, copy = segment(ORIGINAL), segment(COPY)

    def every_join(*_: object, **__: object) -> tuple[list[int], list[int]]:
        return list(range(len(reference) - 1)), list(range(len(copy) - 1))  # as if the estimate admitted all

    monkeypatch.setattr(mtqa.pipeline, "joins_to_embed", every_join)
    lexical = lexical_similarities([s.norm for s in reference.sentences], [s.norm for s in copy.sentences])
    similarities = mtqa.pipeline.embed_documents(
        _shared_onnx(), reference, copy, lexical, mtqa.pipeline.DEFAULT_LEXICAL_WEIGHT, AlignParams()
    )
    # sentences: 0 the museum, 1 the headline, 2 and 3 the body; joins k are sentences k and k + 1
    assert np.isnan(similarities.two_one[:2]).all() and np.isnan(similarities.one_two[:, :2]).all()
    assert not np.isnan(similarities.two_one[2]).any() and not np.isnan(similarities.one_two[:, 2]).any()
