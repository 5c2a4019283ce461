"""mtqa.score: exact sacrebleu agreement, batching, quality's contract, and agreement with audits."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest
from sacrebleu.metrics import BLEU, CHRF

from mtqa import audit, score
from mtqa.embed.torch import SentenceTransformerEmbedder
from mtqa.errors import MtqaError
from mtqa.scoring.quality import Feature, QualityModel, shipped_model, unmatched_rare_words
from mtqa.scoring.segments import SCORE_COLUMNS
from tests.conftest import FakeEmbedder, read_pair

PAIRS = [
    ("The council approved the budget on Tuesday.", "The council passed the budget on Tuesday."),
    ("Rescue teams pulled 12 people from the tunnel.", "Rescuers pulled twelve people out of the tunnel."),
    ("“We will rebuild,” the mayor said.", '"We shall rebuild," said the mayor.'),
    ("Prices rose 3.5% in March.", "Prices fell."),
    ("Yes.", "No."),
    ("Quds Force commander Qassem Soleimani was killed.", "The Kuds force commander Solei Mani was killed."),
]


def test_bleu_and_chrf_equal_sacrebleu_sentence_scores(real_embedder: SentenceTransformerEmbedder) -> None:
    refs, hyps = [r for r, _ in PAIRS], [h for _, h in PAIRS]
    scores = score(refs, hyps, embedder=real_embedder)
    bleu, chrf = BLEU(effective_order=True), CHRF()
    assert scores.bleu.tolist() == [bleu.sentence_score(h, [r]).score for r, h in PAIRS]
    assert scores.chrf.tolist() == [chrf.sentence_score(h, [r]).score for r, h in PAIRS]
    assert list(scores.columns) == [
        "cosine",
        "bleu",
        "chrf",
        "reference_words",
        "rare_words",
        "expected_errors",
        "quality",
    ]
    assert set(SCORE_COLUMNS) == set(scores.columns)


def test_cosine_is_the_models_cosine(real_embedder: SentenceTransformerEmbedder) -> None:
    refs, hyps = [r for r, _ in PAIRS], [h for _, h in PAIRS]
    scores = score(refs, hyps, embedder=real_embedder)
    vectors = real_embedder.encode(refs + hyps)
    expected = (vectors[: len(refs)] * vectors[len(refs) :]).sum(axis=1)
    assert scores.cosine.to_numpy() == pytest.approx(expected, abs=1e-5)
    assert scores.cosine[0] > scores.cosine[3]  # a paraphrase beats an inverted, cut fact


def test_identical_strings_are_embedded_once() -> None:
    embedder = FakeEmbedder()
    refs = ["One sentence.", "Another sentence.", "One sentence."] * 400
    hyps = ["One sentence."] * 1200
    scores = score(refs, hyps, embedder=embedder)
    assert sum(embedder.calls) == 2  # two distinct strings among 2,400
    assert len(scores) == 1200
    assert scores.cosine[0] == pytest.approx(1.0)


def test_distinct_strings_are_embedded_in_batches_with_progress() -> None:
    embedder = FakeEmbedder()
    seen: list[tuple[int, int]] = []
    refs = [f"Reference number {k}." for k in range(700)]
    score(refs, [f"Hypothesis {k}." for k in range(700)], embedder=embedder, progress=lambda *a: seen.append(a))
    assert sum(embedder.calls) == 1400
    assert max(embedder.calls) <= 512
    assert seen[-1] == (1400, 1400)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


@pytest.mark.parametrize(
    ("refs", "hyps", "message"),
    [
        (["a"], ["a", "b"], "1 references but 2 hypotheses"),
        ([], [], "no segments"),
        (["a", " "], ["a", "b"], "reference 2 is empty; there is nothing to score hypothesis 2 against"),
        (["a", ""], ["a", ""], "reference 2 is empty"),
    ],
)
@pytest.mark.parametrize("allow_empty", [True, False])
def test_bad_segments_are_refused(refs: list[str], hyps: list[str], message: str, allow_empty: bool) -> None:
    with pytest.raises(MtqaError, match=message):
        score(refs, hyps, embedder=FakeEmbedder(), allow_empty=allow_empty)


def test_an_empty_hypothesis_is_scored_by_default_as_sacrebleu_does() -> None:
    refs = ["The bridge reopened.", "The bridge reopened.", "The bridge reopened."]
    hyps = ["", "The bridge reopened.", " "]
    scores = score(refs, hyps, embedder=FakeEmbedder())
    bleu, chrf = BLEU(effective_order=True), CHRF()
    assert scores.bleu.tolist() == [bleu.sentence_score(h, [r]).score for r, h in zip(refs, hyps, strict=True)]
    assert scores.chrf.tolist() == [chrf.sentence_score(h, [r]).score for r, h in zip(refs, hyps, strict=True)]
    assert scores.cosine[0] == 0.0 and scores.cosine[2] == 0.0 and scores.chrf[0] == 0.0
    assert scores.quality[0] < scores.quality[1]


def test_an_empty_hypothesis_is_refused_on_request() -> None:
    with pytest.raises(MtqaError, match="hypothesis 2 is empty"):
        score(["a", "b"], ["a", ""], embedder=FakeEmbedder(), allow_empty=False)


def test_quality_is_a_probability_and_never_falls_when_cosine_or_chrf_rises() -> None:
    model = shipped_model()
    grid = pd.DataFrame(
        itertools.product(np.linspace(-0.2, 1.0, 25), np.linspace(0, 100, 21), [0, 1, 4], [1, 12, 60]),
        columns=["cosine", "chrf", "rare_words", "reference_words"],
    )
    grid["quality"] = model.predict(grid)
    assert grid.quality.between(0, 1).all()
    for fixed, varied in (
        (["chrf", "rare_words", "reference_words"], "cosine"),
        (["cosine", "rare_words", "reference_words"], "chrf"),
    ):
        for _, group in grid.groupby(fixed):
            steps = np.diff(group.sort_values(varied).quality.to_numpy())
            assert (steps >= 0).all(), f"quality fell as {varied} rose"
            assert (steps > 0).any()


def test_a_model_that_would_punish_a_higher_chrf_is_refused() -> None:
    with pytest.raises(ValueError, match="chrf must not raise expected errors"):
        QualityModel(-3.0, 2.6, (Feature("chrf", 0.01, 50.0),), {})


def test_contributions_add_up_to_the_expected_errors() -> None:
    model = shipped_model()
    frame = pd.DataFrame(
        {"cosine": [0.9, 0.5], "chrf": [70.0, 20.0], "rare_words": [0, 3], "reference_words": [10, 40]}
    )
    contributions = model.contributions(frame)
    assert list(contributions.columns) == ["length", "cosine", "chrf", "rare_words"]
    log_errors = model.base + contributions.sum(axis=1)
    assert np.exp(log_errors).to_numpy() == pytest.approx(model.expected_errors(frame))
    # The worse segment is worse on every count, and each feature says so.
    assert (contributions.iloc[1] > contributions.iloc[0]).all()


def test_the_shipped_parameters_record_a_split_by_document() -> None:
    origin = shipped_model().provenance
    assert origin["data"] == "mqm_ted_zhen.tsv"
    assert set(origin["fitted_on"]).isdisjoint(origin["held_out"])
    assert origin["held_out_kendall"]["quality"] >= 2.5 * origin["held_out_kendall"]["chrf"]
    assert json.loads(json.dumps(shipped_model().to_dict())) == shipped_model().to_dict()


@pytest.mark.parametrize(
    ("reference", "hypothesis", "rare"),
    [
        ("Soleimani was killed.", "Solei Mani was killed.", 1),  # "solei"; "mani" is a known word
        ("Soleimani was killed.", "Soleimani was killed.", 0),  # rare, but the reference uses it
        ("The vote was held.", "The vote was held in Xqzvil.", 1),
        ("Prices rose.", "Prices went up sharply.", 0),
    ],
)
def test_unmatched_rare_words(reference: str, hypothesis: str, rare: int) -> None:
    assert unmatched_rare_words(reference, hypothesis) == rare


def test_an_audit_gives_each_unit_the_quality_that_score_gives_its_texts(
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    original, copy = read_pair("seed")
    report = audit(original, copy, embedder=real_embedder)
    norms = report.sentences.set_index(["side", "id"]).norm
    linked = report.pairs[(report.pairs.reference_ids.map(len) > 0) & (report.pairs.copy_ids.map(len) > 0)]
    refs = [" ".join(norms["reference", i] for i in ids) for ids in linked.reference_ids]
    hyps = [" ".join(norms["copy", j] for j in ids) for ids in linked.copy_ids]
    scored = score(refs, hyps, embedder=real_embedder)
    assert linked.quality.to_numpy() == pytest.approx(scored.quality.to_numpy(), abs=1e-4)
    assert linked.chrf.to_numpy() == pytest.approx(scored.chrf.to_numpy())
    assert report.pairs[report.pairs.copy_ids.map(len) == 0].quality.isna().all()
    assert math.isclose(report.summary["mean_quality"], linked.quality.mean())
    assert "quality" in report.signature["scorers"]
