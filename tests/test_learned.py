"""The learned head: deterministic scores, refused files and models, a wrong reference ranked below the right one."""

from __future__ import annotations

import dataclasses
import io
import json
import struct
import zipfile
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mtqa.embed.base import Embedder
from mtqa.embed.torch import SentenceTransformerEmbedder
from mtqa.errors import MtqaError
from mtqa.scoring.head_features import head_inputs, other_script_share, repeated_share
from mtqa.scoring.learned import (
    PROBE_MIN_COSINE,
    LearnedHead,
    check_embedder,
    head_bytes,
    parse_head,
    shipped_head,
)
from mtqa.scoring.segments import LEARNED_COLUMNS, score
from tests.conftest import FIXTURES, FakeEmbedder

RATINGS = FIXTURES / "judgements" / "ratings.tsv"


@pytest.fixture(scope="module")
def ratings() -> pd.DataFrame:
    return pd.read_csv(RATINGS, sep="\t")


def shipped_bytes() -> bytes:
    return resources.files("mtqa").joinpath("data", "learned.npz").read_bytes()


def unpack(data: bytes) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The arrays and the meta JSON of a head file, read without any check."""
    with np.load(io.BytesIO(data), allow_pickle=False) as stored:
        arrays = {name: np.array(stored[name]) for name in stored.files}
    return arrays, json.loads(str(arrays.pop("meta")))


def repack(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> bytes:
    """A head file of these arrays and this meta (checksum and all) as given, as numpy would save it."""
    buffer = io.BytesIO()
    members: dict[str, Any] = {"meta": np.array(json.dumps(meta, sort_keys=True)), **arrays}
    np.savez(buffer, **members)
    return buffer.getvalue()


def other_model_head() -> LearnedHead:
    """The shipped head with probe vectors no sentence model gives for its probes, under a valid checksum."""
    probes = np.random.default_rng(26).standard_normal(shipped_head().probe_vectors.shape)
    probes /= np.linalg.norm(probes, axis=1, keepdims=True)
    return parse_head(head_bytes(dataclasses.replace(shipped_head(), probe_vectors=probes)), "other-model.npz")


def flipped_in_stream(data: bytes, member: str) -> bytes:
    """``data`` with the first byte of ``member``'s compressed stream flipped: zlib, not the CRC, sees it first."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        offset = archive.getinfo(member).header_offset
    name_length, extra_length = struct.unpack("<HH", data[offset + 26 : offset + 30])
    damaged = bytearray(data)
    damaged[offset + 30 + name_length + extra_length] ^= 0xFF
    return bytes(damaged)


def bad_head_files() -> dict[str, tuple[bytes, str]]:
    """Head files to refuse, each with a piece of the one-line message that refuses it."""
    data = shipped_bytes()
    middle = bytearray(data)
    middle[len(data) // 2] ^= 0xFF
    arrays, meta = unpack(data)
    edited = {**arrays, "weight0": arrays["weight0"] + np.eye(*arrays["weight0"].shape) * 0.01}
    return {
        "flipped-in-stream": (flipped_in_stream(data, "weight0.npy"), "damaged or not a learned head"),
        "flipped-in-middle": (bytes(middle), "damaged or not a learned head"),
        "truncated": (data[: len(data) // 2], "damaged or not a learned head"),
        "empty": (b"", "damaged or not a learned head"),
        "edited-weight": (repack(edited, meta), "damaged or edited (its checksum does not match its contents)"),
        "other-format": (repack(arrays, {**meta, "format": "other/1"}), "not an mtqa learned head (format 'other/1'"),
        "other-model": (head_bytes(other_model_head()), "vectors; all-MiniLM-L6-v2 gives other vectors"),
    }


# Determinism


def test_scoring_twice_gives_identical_learned_scores(ratings: pd.DataFrame, onnx_embedder: Embedder) -> None:
    refs, hyps = list(ratings.reference), list(ratings.hypothesis)
    first = score(refs, hyps, embedder=onnx_embedder, learned=True)
    second = score(refs, hyps, embedder=onnx_embedder, learned=True)
    for column in LEARNED_COLUMNS:
        np.testing.assert_array_equal(first[column].to_numpy(), second[column].to_numpy())
    assert first["learned"].between(0, 1).all()


def test_a_segment_scores_alone_as_it_does_in_a_batch(ratings: pd.DataFrame, onnx_embedder: Embedder) -> None:
    refs, hyps = list(ratings.reference), list(ratings.hypothesis)
    batch = score(refs, hyps, embedder=onnx_embedder, learned=True)
    for k in range(len(refs)):
        alone = score([refs[k]], [hyps[k]], embedder=onnx_embedder, learned=True)
        assert alone["head_score"].iloc[0] == pytest.approx(batch["head_score"].iloc[k], abs=1e-6), k
        assert alone["learned"].iloc[0] == pytest.approx(batch["learned"].iloc[k], abs=1e-6), k


def test_head_bytes_are_the_same_each_time_and_those_of_the_shipped_file() -> None:
    head = shipped_head()
    assert head_bytes(head) == head_bytes(head)
    # the trainer writes the shipped file with head_bytes; no timestamp or order may creep in
    assert head_bytes(head) == shipped_bytes()


def test_a_head_round_trips_through_its_bytes() -> None:
    head = shipped_head()
    again = parse_head(head_bytes(head), "again.npz")
    assert again.digest() == head.digest() and again.signature().endswith("|again.npz")
    assert again.signature().rsplit("|", 1)[0] == head.signature().rsplit("|", 1)[0]
    assert again.meta() == head.meta()
    assert again.arrays().keys() == head.arrays().keys()
    for name, array in head.arrays().items():
        np.testing.assert_array_equal(again.arrays()[name], array)
        assert again.arrays()[name].dtype == array.dtype


# Refusals of damaged, edited and foreign files


def test_every_flipped_byte_is_refused_or_harmless() -> None:
    """A flip is refused with an MtqaError, or it touched nothing the head is made of (say a zip timestamp)."""
    data, digest = shipped_bytes(), shipped_head().digest()
    refused = harmless = 0
    for position in range(len(data)):
        damaged = bytearray(data)
        damaged[position] ^= 0xFF
        try:
            head = parse_head(bytes(damaged), "flipped.npz")
        except MtqaError as error:
            assert str(error).startswith("flipped.npz: ") and "\n" not in str(error)
            refused += 1
        else:
            assert head.digest() == digest, position
            harmless += 1
    assert refused > 10 * harmless


def test_a_flip_inside_a_compressed_array_is_refused_not_a_traceback() -> None:
    with pytest.raises(MtqaError, match=r"^flipped\.npz: damaged or not a learned head"):
        parse_head(flipped_in_stream(shipped_bytes(), "weight0.npy"), "flipped.npz")


@pytest.mark.parametrize("keep", [0, 1, 30, 0.5, -1])
def test_a_truncated_file_is_refused(keep: float) -> None:
    data = shipped_bytes()
    cut = data[: int(len(data) * keep)] if isinstance(keep, float) else data[:keep]
    with pytest.raises(MtqaError, match=r"^cut\.npz: damaged or not a learned head"):
        parse_head(cut, "cut.npz")


def test_an_edited_weight_under_the_old_checksum_is_refused() -> None:
    arrays, meta = unpack(shipped_bytes())
    assert parse_head(repack(arrays, meta), "resaved.npz").digest() == meta["sha256"]  # re-saving alone is fine
    arrays["weight0"] = arrays["weight0"].copy()
    arrays["weight0"][0, 0] += 0.01
    with pytest.raises(MtqaError, match=r"^edited\.npz: damaged or edited \(its checksum does not match"):
        parse_head(repack(arrays, meta), "edited.npz")


def test_an_edited_calibration_under_the_old_checksum_is_refused() -> None:
    arrays, meta = unpack(shipped_bytes())
    meta["intercept"] -= 1.0
    with pytest.raises(MtqaError, match="checksum does not match"):
        parse_head(repack(arrays, meta), "edited.npz")


def test_another_format_is_refused() -> None:
    arrays, meta = unpack(shipped_bytes())
    meta["format"] = "mtqa-learned-head/2"
    with pytest.raises(MtqaError, match=r"not an mtqa learned head \(format 'mtqa-learned-head/2'"):
        parse_head(repack(arrays, meta), "future.npz")


def test_a_head_of_another_models_vectors_is_refused_by_the_packaged_model(
    ratings: pd.DataFrame, onnx_embedder: Embedder
) -> None:
    head = other_model_head()  # a valid file: only the probe vectors give it away
    with pytest.raises(MtqaError, match=r"trained on all-MiniLM-L6-v2 vectors; .* gives other vectors \(probe cosine"):
        score(list(ratings.reference[:2]), list(ratings.hypothesis[:2]), embedder=onnx_embedder, learned=head)


def test_an_embedder_of_another_dimension_is_refused(ratings: pd.DataFrame) -> None:
    with pytest.raises(MtqaError, match=r"vectors of 384 dimensions; fake-bag-of-words gives 256"):
        score(list(ratings.reference[:2]), list(ratings.hypothesis[:2]), embedder=FakeEmbedder(), learned=True)


def test_the_shipped_head_is_accepted_by_the_packaged_model_on_both_backends(
    ratings: pd.DataFrame, onnx_embedder: Embedder, real_embedder: SentenceTransformerEmbedder
) -> None:
    head = shipped_head()
    for embedder in (onnx_embedder, real_embedder):
        check_embedder(head, embedder.encode, embedder.name)
        vectors = np.asarray(embedder.encode(list(head.probe_texts)), dtype=np.float64)
        assert np.min(np.sum(vectors * head.probe_vectors, axis=1)) >= PROBE_MIN_COSINE
        scores = score(list(ratings.reference), list(ratings.hypothesis), embedder=embedder, learned=True)
        assert scores["learned"].between(0, 1).all()


# A wrong reference


@pytest.mark.parametrize("column", ["learned", "head_score"])
def test_a_wrong_reference_ranks_below_the_right_one_for_every_row(
    ratings: pd.DataFrame, onnx_embedder: Embedder, column: str
) -> None:
    """Each hypothesis against its own reference and against the next item's (references rotated by one item)."""
    items = list(dict.fromkeys(ratings.doc))
    reference_of = dict(zip(ratings.doc, ratings.reference, strict=True))
    next_item = {item: items[(k + 1) % len(items)] for k, item in enumerate(items)}
    wrong = [reference_of[next_item[item]] for item in ratings.doc]
    assert all(w != r for w, r in zip(wrong, ratings.reference, strict=True))
    hyps = list(ratings.hypothesis)
    right_scores = score(list(ratings.reference), hyps, embedder=onnx_embedder, learned=True)[column].to_numpy()
    wrong_scores = score(wrong, hyps, embedder=onnx_embedder, learned=True)[column].to_numpy()
    assert len(right_scores) == 24
    assert (right_scores > wrong_scores).all(), np.flatnonzero(right_scores <= wrong_scores)


# Pure logic


def test_other_script_share_counts_the_letters_that_are_not_latin() -> None:
    assert other_script_share("Привет world") == pytest.approx(6 / 11)
    assert other_script_share("Привет") == 1.0
    assert other_script_share("café, naïve résumé") == 0.0  # accented Latin letters are Latin
    assert other_script_share("") == 0.0 and other_script_share("2024 — 42%") == 0.0


def test_repeated_share_counts_the_words_that_repeat_an_earlier_one() -> None:
    assert repeated_share("the cat the cat") == pytest.approx(0.5)
    assert repeated_share("The the THE") == pytest.approx(2 / 3)  # lowercased
    assert repeated_share("a b c d") == 0.0
    assert repeated_share("word") == 0.0 and repeated_share("") == 0.0


def test_head_inputs_lays_out_the_columns_in_the_order_named() -> None:
    base = pd.DataFrame({"cosine": [0.5, 0.9], "chrf": [40.0, 80.0], "bleu": [10.0, 20.0], "rare_words": [0, 1]})
    refs, hyps = ["a b c", "one two"], ["a b", "one two three"]
    ref_vectors, hyp_vectors = np.ones((2, 3)), np.full((2, 3), 0.5)
    inputs = head_inputs(["chrf", "product", "cosine"], base, refs, hyps, ref_vectors, hyp_vectors)
    assert inputs.shape == (2, 5)
    np.testing.assert_allclose(inputs[:, 0], [0.4, 0.8])
    np.testing.assert_allclose(inputs[:, 1:4], 0.5)
    np.testing.assert_allclose(inputs[:, 4], [0.5, 0.9])


def test_head_inputs_refuses_an_unknown_name_and_a_vector_block_without_vectors() -> None:
    base = pd.DataFrame({"cosine": [0.5]})
    with pytest.raises(KeyError, match="no head input named 'comet'"):
        head_inputs(["cosine", "comet"], base, ["a"], ["a"])
    with pytest.raises(KeyError, match="needs the sentence vectors"):
        head_inputs(["difference"], base, ["a"], ["a"])


def small_head(**changes: Any) -> LearnedHead:
    fields: dict[str, Any] = {
        "inputs": ("cosine", "chrf"),
        "mean": np.zeros(2),
        "scale": np.ones(2),
        "low": np.full(2, -5.0),
        "high": np.full(2, 5.0),
        "layers": ((np.ones((2, 1)), np.zeros(1)),),
        "intercept": -3.0,
        "slope": -1.0,
        "model": "m",
        "probe_texts": ("p",),
        "probe_vectors": np.ones((1, 2)) / np.sqrt(2),
    }
    return LearnedHead(**{**fields, **changes})


def test_a_learned_head_is_checked_when_built() -> None:
    small_head()  # the valid one
    with pytest.raises(ValueError, match="must lower the expected errors"):
        small_head(slope=0.5)
    with pytest.raises(ValueError, match="must lower the expected errors"):
        small_head(slope=0.0)  # a flat calibration would tie every rendering of a source
    with pytest.raises(ValueError, match=r"do not make 2 columns|do not match"):
        small_head(mean=np.zeros((2, 1)))
    with pytest.raises(ValueError, match="probe sentences but probe vectors"):
        small_head(probe_texts=())
    with pytest.raises(ValueError, match="probe sentences but probe vectors"):
        small_head(probe_texts=("p", "q"))
    with pytest.raises(ValueError, match="unit length"):
        small_head(probe_vectors=np.ones((1, 2)))
    with pytest.raises(ValueError, match=r"a layer of shape \(3, 1\) does not follow one of width 2"):
        small_head(layers=((np.ones((3, 1)), np.zeros(1)),))
    with pytest.raises(ValueError, match="does not follow"):
        small_head(layers=((np.ones((2, 4)), np.zeros(4)), (np.ones((3, 1)), np.zeros(1))))
    with pytest.raises(ValueError, match="does not follow"):
        small_head(layers=((np.ones((2, 1)), np.zeros(2)),))  # a bias of the wrong width
    with pytest.raises(ValueError, match="gives 3 outputs, not 1"):
        small_head(layers=((np.ones((2, 3)), np.zeros(3)),))
    with pytest.raises(ValueError, match="do not make 3 columns"):
        small_head(scale=np.ones(3), mean=np.zeros(3))
    with pytest.raises(ValueError, match="standardisation and the layers do not match"):
        small_head(scale=np.ones(3))
    with pytest.raises(ValueError, match="unknown inputs"):
        small_head(inputs=("cosine", "comet"))
    with pytest.raises(ValueError, match="not a finite number"):
        small_head(intercept=float("nan"))
    with pytest.raises(ValueError, match="not a finite number"):
        small_head(mean=np.array([0.0, np.inf]))
    with pytest.raises(ValueError, match="clipping range is empty"):
        small_head(low=np.array([1.0, 0.0]), high=np.array([0.0, 1.0]))


def test_an_input_beyond_the_training_range_counts_as_the_range_end() -> None:
    head = small_head(low=np.array([-1.0, -1.0]), high=np.array([1.0, 1.0]))
    scores = head.head(np.array([[0.5, 0.5], [50.0, 0.5], [1.0, 0.5]]))
    assert scores[0] == pytest.approx(1.0)
    assert scores[1] == pytest.approx(scores[2]) == pytest.approx(1.5)


def test_a_head_of_unknown_inputs_is_refused_when_read_not_after_the_embedding() -> None:
    arrays, meta = unpack(shipped_bytes())
    meta["inputs"] = ["comet", *meta["inputs"][1:]]
    with pytest.raises(MtqaError, match=r"not a learned head.*unknown inputs"):
        parse_head(repack(arrays, meta), "other-inputs.npz")


def test_a_file_that_unpacks_to_too_much_is_refused_before_unpacking() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("meta.npy", b"\0" * (65 * 2**20))
    with pytest.raises(MtqaError, match="unpacks to"):
        parse_head(buffer.getvalue(), "bomb.npz")


def test_score_takes_a_head_file_path_and_refuses_other_values(
    ratings: pd.DataFrame, onnx_embedder: Embedder, tmp_path: Any
) -> None:
    path = tmp_path / "head.npz"
    path.write_bytes(shipped_bytes())
    refs, hyps = list(ratings.reference)[:3], list(ratings.hypothesis)[:3]
    by_path = score(refs, hyps, embedder=onnx_embedder, learned=path)
    shipped = score(refs, hyps, embedder=onnx_embedder, learned=True)
    np.testing.assert_array_equal(by_path["learned"], shipped["learned"])
    with pytest.raises(TypeError, match="learned is True, False"):
        score(refs, hyps, embedder=onnx_embedder, learned=1.5)  # type: ignore[arg-type]


def test_a_small_head_scores_and_calibrates_as_documented() -> None:
    head = small_head(mean=np.array([0.5, 0.0]), scale=np.array([0.5, 1.0]))
    inputs = np.array([[1.0, 0.2], [0.5, 0.0]])
    scores = head.head(inputs)
    np.testing.assert_allclose(scores, [1.2, 0.0])
    errors = head.expected_errors(scores, np.array([10.0, 10.0]))
    np.testing.assert_allclose(errors, 10 * np.exp(-3.0 - np.array([1.2, 0.0])))


def test_explain_splits_the_head_score_into_one_share_per_input(ratings: pd.DataFrame, onnx_embedder: Embedder) -> None:
    scores = score(
        list(ratings.reference), list(ratings.hypothesis), embedder=onnx_embedder, learned=True, explain=True
    )
    head = shipped_head()
    shares = scores[[f"head_{name}" for name in head.inputs]]
    bias = float(head.layers[0][1][0])
    assert np.allclose(bias + shares.sum(axis=1), scores["head_score"], atol=1e-9)
    # the exact copy of a reference is above the average training segment on chrF
    assert (scores.loc[ratings.reference == ratings.hypothesis, "head_chrf"] > 0).all()
    plain = score(list(ratings.reference), list(ratings.hypothesis), embedder=onnx_embedder, learned=True)
    assert not any(column.startswith("head_") and column != "head_score" for column in plain.columns)


def test_correlate_leaves_the_shipped_head_out_for_another_model_but_not_a_head_given(
    ratings: pd.DataFrame,
) -> None:
    from mtqa.evaluation.judgements import agree_with_humans

    other = FakeEmbedder()
    result = agree_with_humans(ratings, ratings.mqm, "reference", "hypothesis", ["doc", "seg_id"], embedder=other)
    assert "learned" not in result.table.index and "quality" in result.table.index
    assert result.learned_left_out is not None and "trained on all-MiniLM-L6-v2" in result.learned_left_out
    assert "learned left out" in result.to_text()
    assert result.signature["learned"].startswith("left out")
    with pytest.raises(MtqaError, match="trained on all-MiniLM-L6-v2"):
        agree_with_humans(ratings, ratings.mqm, "reference", "hypothesis", embedder=other, learned_head=shipped_head())


def test_a_head_with_a_hidden_layer_scores_through_its_relu() -> None:
    hidden = (np.array([[1.0, -1.0], [0.0, 1.0]]), np.array([0.0, -0.5]))
    head = small_head(layers=(hidden, (np.array([[2.0], [1.0]]), np.array([0.1]))))
    inputs = np.array([[1.0, 0.2], [-1.0, 2.0]])
    # first row: hidden (1.0, -1.0 + 0.2 - 0.5 = -1.3 -> 0); second: (-1.0 -> 0, 1.0 + 2.0 - 0.5 = 2.5)
    np.testing.assert_allclose(head.head(inputs), [2.0 * 1.0 + 0.1, 2.5 + 0.1])
    with pytest.raises(MtqaError, match="only a linear head"):
        head.contributions(inputs, [1, 1])


def test_a_head_of_vector_blocks_scores_and_explains_through_score(
    ratings: pd.DataFrame, onnx_embedder: Embedder
) -> None:
    shipped = shipped_head()
    dim = shipped.probe_vectors.shape[1]
    weights = np.random.default_rng(3).standard_normal((1 + dim, 1)) / 10
    head = dataclasses.replace(
        shipped,
        inputs=("cosine", "product"),
        mean=np.zeros(1 + dim),
        scale=np.ones(1 + dim),
        low=np.full(1 + dim, -1e6),
        high=np.full(1 + dim, 1e6),
        layers=((weights, np.zeros(1)),),
    )
    refs, hyps = list(ratings.reference), list(ratings.hypothesis)
    scores = score(refs, hyps, embedder=onnx_embedder, learned=head, explain=True)
    vectors = onnx_embedder.encode(refs), onnx_embedder.encode(hyps)
    expected = scores["cosine"].to_numpy() * weights[0, 0] + (vectors[0] * vectors[1]) @ weights[1:, 0]
    np.testing.assert_allclose(scores["head_score"], expected, atol=1e-5)
    np.testing.assert_allclose(scores["head_cosine"] + scores["head_product"], scores["head_score"], atol=1e-9)
