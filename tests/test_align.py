"""The aligner as a pure function of similarity matrices, and with a fake embedder."""

from __future__ import annotations

import numpy as np
import pytest

from mtqa.align.aligner import AlignParams, align
from mtqa.align.similarity import Similarities, UnitVectors, cosine_similarities, lexical_similarities
from mtqa.pipeline import audit
from tests.conftest import FakeEmbedder


def matrices(
    one_one: list[list[float]],
    one_two: dict[tuple[int, int], float] | None = None,
    two_one: dict[tuple[int, int], float] | None = None,
) -> Similarities:
    """Build matrices from a 1-1 table; merged cells default to the mean of their parts minus 0.1."""
    base = np.array(one_one, dtype=float)
    n_ref, n_copy = base.shape
    split = np.array([[(base[i, j] + base[i, j + 1]) / 2 - 0.1 for j in range(n_copy - 1)] for i in range(n_ref)])
    merge = np.array([[(base[i, j] + base[i + 1, j]) / 2 - 0.1 for j in range(n_copy)] for i in range(n_ref - 1)])
    for (i, j), value in (one_two or {}).items():
        split[i, j] = value
    for (i, j), value in (two_one or {}).items():
        merge[i, j] = value
    return Similarities(base, split.reshape(n_ref, max(n_copy - 1, 0)), merge.reshape(max(n_ref - 1, 0), n_copy))


def units(
    similarities: Similarities, params: AlignParams | None = None
) -> set[tuple[tuple[int, ...], tuple[int, ...]]]:
    return {(u.reference_ids, u.copy_ids) for u in align(similarities, params).units}


def test_crossing_alignment_follows_a_moved_sentence() -> None:
    sims = matrices([[0.1, 0.1, 0.9], [0.9, 0.1, 0.1], [0.1, 0.9, 0.1]])
    assert units(sims) == {((0,), (2,)), ((1,), (0,)), ((2,), (1,))}


def test_split_gives_a_one_two_unit() -> None:
    sims = matrices([[0.6, 0.5, 0.1], [0.1, 0.1, 0.9]], one_two={(0, 0): 0.85})
    assert ((0,), (0, 1)) in units(sims)


def test_merge_gives_a_two_one_unit() -> None:
    sims = matrices([[0.55, 0.1], [0.5, 0.1], [0.1, 0.9]], two_one={(0, 0): 0.8})
    assert ((0, 1), (0,)) in units(sims)


def test_merge_needs_each_part_to_contribute() -> None:
    # the joined text scores well, but the second copy sentence alone has nothing to do with it
    sims = matrices([[0.8, 0.05]], one_two={(0, 0): 0.9})
    assert units(sims) == {((0,), (0,)), ((), (1,))}


def test_unrelated_sentences_stay_unaligned_on_both_sides() -> None:
    sims = matrices([[0.9, 0.1], [0.1, 0.2]])
    assert units(sims) == {((0,), (0,)), ((1,), ()), ((), (1,))}


def test_each_sentence_is_used_once() -> None:
    # two copy sentences both resemble one reference sentence: the better one wins
    sims = matrices([[0.8, 0.7]])
    assert units(sims) == {((0,), (0,)), ((), (1,))}


def test_every_sentence_is_covered_exactly_once() -> None:
    rng = np.random.default_rng(0)
    for _ in range(20):
        n_ref, n_copy = rng.integers(1, 12, size=2)
        sims = Similarities(
            rng.random((n_ref, n_copy)), rng.random((n_ref, n_copy - 1)), rng.random((n_ref - 1, n_copy))
        )
        align(sims).check_covers(int(n_ref), int(n_copy))


def test_threshold_is_honoured() -> None:
    sims = matrices([[0.5]])
    assert units(sims, AlignParams(threshold=0.6, neighbour_weight=0.0)) == {((0,), ()), ((), (0,))}
    assert units(sims, AlignParams(threshold=0.4, neighbour_weight=0.0)) == {((0,), (0,))}


def test_empty_sides() -> None:
    assert units(Similarities(np.zeros((0, 2)), np.zeros((0, 1)), np.zeros((0, 2)))) == {((), (0,)), ((), (1,))}
    assert units(Similarities(np.zeros((2, 0)), np.zeros((2, 0)), np.zeros((1, 0)))) == {((0,), ()), ((1,), ())}


def test_bad_matrix_shapes_are_rejected() -> None:
    with pytest.raises(ValueError, match="one_two"):
        Similarities(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((1, 3)))


def test_lexical_similarity_sees_shared_names_and_numbers() -> None:
    lexical = lexical_similarities(
        ["Talukdar said 1,260 people were saved."], ["Talukdar said 1,260 were rescued.", "Rain fell."]
    )
    assert lexical.one_one[0, 0] > 0.5 > lexical.one_one[0, 1]


def test_cosine_similarities_of_unit_vectors() -> None:
    eye = np.eye(3, dtype=np.float32)
    sims = cosine_similarities(UnitVectors(eye[:2], eye[2:]), UnitVectors(eye[[1, 0]], eye[2:]))
    assert sims.one_one.tolist() == [[0.0, 1.0], [1.0, 0.0]]


STORY = [
    "Heavy storms flooded the northern valley on Tuesday.",
    "Mayor Ilse Brandt said two bridges had collapsed.",
    "Rescue teams evacuated four hundred families overnight.",
    "The weather service expects more rain until Friday.",
    "Schools across the district will remain closed.",
    "Farmers reported losing most of the wheat harvest.",
]


def test_shuffled_paragraphs_give_the_same_units(fake_embedder: FakeEmbedder) -> None:
    original = "\n\n".join(" ".join(STORY[k : k + 2]) for k in range(0, 6, 2))
    paragraphs = [" ".join(STORY[k : k + 2]) for k in range(0, 6, 2)]
    shuffled = "\n\n".join([paragraphs[2], paragraphs[0], paragraphs[1]])

    def by_text(report: object) -> set[tuple[str, str]]:
        pairs = report.pairs  # type: ignore[attr-defined]
        return set(zip(pairs.reference_text, pairs.copy_text, strict=True))

    straight = audit(original, original, embedder=fake_embedder, detectors=[])
    moved = audit(original, shuffled, embedder=fake_embedder, detectors=[])
    assert by_text(moved) == by_text(straight)
    assert len(moved.pairs) == 6


def test_sentences_are_embedded_in_one_call_and_no_join_the_aligner_cannot_take(fake_embedder: FakeEmbedder) -> None:
    audit(" ".join(STORY), " ".join(STORY[:4]), embedder=fake_embedder, detectors=[])
    # the sentences of both documents in one call; a verbatim copy has no split or merge to embed
    assert fake_embedder.calls == [6 + 4]


def test_a_split_sentence_gets_its_join_embedded(fake_embedder: FakeEmbedder) -> None:
    first, second = STORY[1].rstrip(".").split(" ", 3)[:3], STORY[1].rstrip(".").split(" ", 3)[3]
    copy = " ".join([STORY[0], " ".join(first).capitalize() + ".", second.capitalize() + ".", *STORY[2:4]])
    report = audit(" ".join(STORY), copy, embedder=fake_embedder, detectors=[])
    assert fake_embedder.calls[0] == 6 + 5
    assert sum(fake_embedder.calls[1:]) < 5 + 4  # far fewer joins than every adjacent pair
    pairs = set(zip(report.pairs.reference_ids.map(tuple), report.pairs.copy_ids.map(tuple), strict=True))
    assert ((1,), (1, 2)) in pairs


def test_scoring_block_by_block_gives_the_units_of_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    import mtqa.align.aligner as aligner

    rng = np.random.default_rng(11)
    for n_ref, n_copy in ((17, 23), (9, 5), (2, 2)):
        sims = Similarities(
            rng.uniform(-0.2, 1.0, (n_ref, n_copy)),
            rng.uniform(-0.2, 1.0, (n_ref, n_copy - 1)),
            rng.uniform(-0.2, 1.0, (n_ref - 1, n_copy)),
        )
        whole = align(sims)
        for rows in (1, 2, 3, 7):
            monkeypatch.setattr(aligner, "_BLOCK_ROWS", rows)
            assert align(sims) == whole
        monkeypatch.setattr(aligner, "_BLOCK_ROWS", 256)
