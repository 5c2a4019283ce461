"""Word alignment inside linked units: the pure linker, form anchors, and the real model's links."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from mtqa import audit
from mtqa.align.words import WordParams, align_unit_words, fold_word, link_words, sentence_words
from mtqa.embed.base import Embedder
from mtqa.report.report import WORD_COLUMNS
from mtqa.types import Document, Sentence, Unit
from tests.conftest import FakeEmbedder, read_pair


def one_sentence(text: str) -> Document:
    return Document(text, (Sentence(0, 0, len(text), text, text, 0),))


@pytest.mark.parametrize(
    ("similarity", "anchors", "expected"),
    [
        # each word's best match is the other's: a mutual argmax links them
        ([[0.9, 0.1], [0.2, 0.8]], [[0, 0], [0, 0]], [(0, 0), (1, 1)]),
        # below min_score, no link, however mutual
        ([[0.3, 0.1], [0.2, 0.8]], [[0, 0], [0, 0]], [(1, 1)]),
        # an anchor beats any similarity
        ([[0.9, 0.1], [0.95, 0.2]], [[0, 0], [1, 0]], [(0, 0), (1, 0)][1:]),
        # two words wanting the same word: only the mutual one links
        ([[0.9, 0.2], [0.8, 0.3]], [[0, 0], [0, 0]], [(0, 0)]),
    ],
)
def test_link_words_takes_mutual_best_matches(
    similarity: list[list[float]], anchors: list[list[int]], expected: list[tuple[int, int]]
) -> None:
    params = WordParams(distortion=0.0)
    assert link_words(np.array(similarity), np.array(anchors, dtype=bool), params) == expected


def test_distortion_links_a_repeated_word_to_its_own_occurrence() -> None:
    # "the" twice on each side: every pair is an exact anchor, so only position can tell them apart
    anchors = np.ones((2, 2), dtype=bool)
    assert link_words(np.zeros((2, 2)), anchors, WordParams(distortion=0.1)) == [(0, 0), (1, 1)]


def test_itermax_lets_a_second_word_link_to_a_word_already_linked() -> None:
    similarity = np.array([[0.9], [0.8]])  # "half" "back" against "halfback"
    none = np.zeros((2, 1), dtype=bool)
    assert link_words(similarity, none, WordParams(distortion=0.0, iterations=0)) == [(0, 0)]
    assert link_words(similarity, none, WordParams(distortion=0.0, iterations=1)) == [(0, 0), (1, 0)]


def test_fold_word_transliterates_and_drops_case_and_punctuation() -> None:
    assert fold_word("Đuričić") == fold_word("Duricic") == "duricic"
    assert fold_word("Al-Rashid") == fold_word("al-Rashid")
    assert fold_word("Müller") != fold_word("Miller")


def test_without_token_states_words_align_by_form_and_keep_the_rest_unaligned() -> None:
    reference = one_sentence("Coach Đuričić praised the Al-Rashid players.")
    copy = one_sentence("The al-Rashid players were praised by Duricic.")
    links = align_unit_words(0, Unit((0,), (0,)), reference, copy, None, None, WordParams())
    pairs = {(lk.reference.text, lk.copy.text, lk.match) for lk in links if lk.reference and lk.copy}
    assert pairs == {
        ("Đuričić", "Duricic", "folded"),
        ("the", "The", "folded"),
        ("Al-Rashid", "al-Rashid", "folded"),
        ("players", "players", "exact"),
        ("praised", "praised", "exact"),
    }
    alone = {lk.reference.text for lk in links if lk.copy is None and lk.reference} | {
        lk.copy.text for lk in links if lk.reference is None and lk.copy
    }
    assert alone == {"Coach", "were", "by"}
    # every word of both sentences is in exactly one row
    assert sorted(w.text for lk in links for w in (lk.reference,) if w) == sorted(
        w.text for w in sentence_words(reference, 0)
    )


def test_a_lemma_match_anchors_two_forms_of_a_word() -> None:
    reference, copy = one_sentence("Rebels seized the town."), one_sentence("The town was seizing rebels.")
    lemmas = {("reference", 7): "seize", ("copy", 13): "seize"}
    links = align_unit_words(0, Unit((0,), (0,)), reference, copy, None, lemmas, WordParams())
    assert ("seized", "seizing", "lemma") in {
        (lk.reference.text, lk.copy.text, lk.match) for lk in links if lk.reference and lk.copy
    }


@pytest.fixture(scope="module")
def seed_words(onnx_embedder: Embedder) -> tuple[str, str, pd.DataFrame, dict[str, object]]:
    original, copy = read_pair("seed")
    report = audit(original, copy, embedder=onnx_embedder)
    return original, copy, report.words, report.to_dict()


def test_the_model_links_a_mangled_name_to_the_name_it_renders(
    seed_words: tuple[str, str, pd.DataFrame, dict[str, object]],
) -> None:
    _, _, words, _ = seed_words
    row = words[words.copy_word == "Alwarae"].iloc[0]
    assert row.reference_word == "al-Walae" and row.match == "embedding" and row.score > 0.5


def test_word_rows_point_at_their_words_inside_their_units(
    seed_words: tuple[str, str, pd.DataFrame, dict[str, object]],
) -> None:
    original, copy, words, data = seed_words
    assert list(words.columns) == WORD_COLUMNS
    pairs = data["pairs"]
    assert isinstance(pairs, list)
    linked = words.dropna(subset=["reference_start", "copy_start"])
    assert len(linked) >= 150
    for row in words.itertuples():
        unit = pairs[row.unit]
        if not pd.isna(row.reference_start):
            assert original[row.reference_start : row.reference_end] == row.reference_word
            assert row.reference_id in unit["reference_ids"]
        if not pd.isna(row.copy_start):
            assert copy[row.copy_start : row.copy_end] == row.copy_word
            assert row.copy_id in unit["copy_ids"]
    # each word of a linked unit is in the table once per link, or once unaligned
    assert not words.dropna(subset=["copy_start"]).duplicated(["copy_start"]).any()


def test_words_are_in_the_json_and_the_csv(
    seed_words: tuple[str, str, pd.DataFrame, dict[str, object]], onnx_embedder: Embedder, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    _, _, words, data = seed_words
    assert json.loads(json.dumps(data["words"]))[0].keys() == set(WORD_COLUMNS)
    assert len(data["words"]) == len(words)  # type: ignore[arg-type]
    original, copy = read_pair("seed")
    folder = audit(original, copy, embedder=onnx_embedder).to_csv(tmp_path / "out")
    assert len(pd.read_csv(folder / "words.csv")) == len(words)


def test_an_embedder_without_token_states_still_gives_form_links() -> None:
    original, copy = read_pair("seed")
    words = audit(original, copy, embedder=FakeEmbedder(), detectors=[]).words
    assert set(words.match) <= {"exact", "folded", "lemma", ""}
    assert (words.match == "exact").sum() >= 50


def test_both_backends_link_nearly_the_same_words(onnx_embedder: Embedder, real_embedder: Embedder) -> None:
    original, copy = read_pair("seed")
    links = []
    for embedder in (onnx_embedder, real_embedder):
        words = audit(original, copy, embedder=embedder, detectors=[]).words.dropna(
            subset=["reference_start", "copy_start"]
        )
        links.append(set(zip(words.reference_start, words.copy_start, strict=True)))
    assert len(links[0] & links[1]) >= 0.95 * max(len(links[0]), len(links[1]))
