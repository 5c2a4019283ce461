"""End to end with the real packaged model: the seed pair, self-audit, unrelated texts, the report contract."""

from __future__ import annotations

import json
import math
import random

import pandas as pd
import pytest

from mtqa import Report, audit
from mtqa.embed.torch import SentenceTransformerEmbedder
from mtqa.errors import MtqaError
from tests.conftest import FakeEmbedder, read_pair


@pytest.fixture(scope="module")
def seed_report(seed_pair: tuple[str, str], real_embedder: SentenceTransformerEmbedder) -> Report:
    return audit(*seed_pair, embedder=real_embedder)


def unit_of(report: Report, side: str, startswith: str) -> pd.Series:
    sentences = report.sentences[(report.sentences.side == side) & report.sentences.text.str.startswith(startswith)]
    assert len(sentences) == 1, f"expected one {side} sentence starting {startswith!r}"
    sentence_id = int(sentences.id.iloc[0])
    column = "reference_ids" if side == "reference" else "copy_ids"
    rows = report.pairs[report.pairs[column].map(lambda ids: sentence_id in ids)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_seed_headlines_are_paired(seed_report: Report) -> None:
    unit = unit_of(seed_report, "copy", "Iraqi militia commander vows")
    assert unit.reference_text.startswith("Iraqi militia leader vows retaliation")


def test_seed_june_27_sentences_are_paired(seed_report: Report) -> None:
    unit = unit_of(seed_report, "copy", "Near the Iraqi-Syrian border, on June 27")
    assert unit.reference_text.startswith("The Pentagon announced on June 27")


def test_seed_altered_quote_is_paired(seed_report: Report) -> None:
    unit = unit_of(seed_report, "copy", "“It will be a qualitative operation (which may come)")
    assert "(that could come)" in unit.reference_text


def test_seed_added_sentence_is_left_unaligned(seed_report: Report) -> None:
    unit = unit_of(seed_report, "copy", "Alwarae, who rarely interviews foreign media")
    assert unit.reference_ids == [] and unit.label == "added"


def test_seed_flags_include_the_mangled_name_and_the_fragment(seed_report: Report) -> None:
    flags = seed_report.flags
    alwarae = flags[(flags.kind == "name") & (flags.text == "Alwarae")]
    assert len(alwarae) >= 1 and set(alwarae.suggestion) == {"al-Walae"}
    assert ((flags.kind == "syntax") & (flags.text == "Talk about")).any()
    solei = flags[flags.text == "Solei Mani"]
    assert list(solei.suggestion) == ["Soleimani"]


def test_seed_flags_and_sentences_point_at_exact_spans(seed_pair: tuple[str, str], seed_report: Report) -> None:
    original, copy = seed_pair
    for flag in seed_report.flags.itertuples():
        assert copy[flag.start : flag.end] == flag.text
        assert flag.severity in ("major", "minor") and flag.message
    for sentence in seed_report.sentences.itertuples():
        text = original if sentence.side == "reference" else copy
        assert text[sentence.start : sentence.end] == sentence.text


def test_seed_summary(seed_report: Report) -> None:
    summary = seed_report.summary
    assert summary["reference_sentences"] == 16 and summary["copy_sentences"] == 41
    assert 0.7 < summary["coverage"] <= 1.0
    assert summary["copy_coverage"] < 0.6  # most of the copy is material the original lacks
    assert summary["flags_by_kind"]["name"] >= 5
    assert 0 < summary["corpus_bleu"] < 40 and 0 < summary["corpus_chrf"] < 70
    assert "renders" in summary["verdict"]


def test_report_to_dict_has_exactly_the_contract_keys(seed_report: Report) -> None:
    data = json.loads(seed_report.to_json())
    assert list(data) == ["sentences", "pairs", "flags", "words", "summary", "signature"]
    assert set(data["pairs"][0]) >= {
        "reference_ids",
        "copy_ids",
        "reference_text",
        "copy_text",
        "cosine",
        "bleu",
        "chrf",
        "label",
    }
    assert set(data["flags"][0]) == {
        "kind",
        "severity",
        "copy_id",
        "reference_id",
        "start",
        "end",
        "text",
        "suggestion",
        "message",
    }
    assert all(isinstance(i, int) for row in data["pairs"] for i in row["reference_ids"] + row["copy_ids"])
    omitted = [row for row in data["pairs"] if row["label"] == "omitted"]
    assert omitted and all(row["copy_ids"] == [] and row["cosine"] is None for row in omitted)
    signature = data["signature"]
    assert signature["model"] == "all-MiniLM-L6-v2" and signature["mtqa"]
    assert "nrefs:1" in signature["scorers"]["bleu"] and "threshold" in signature["aligner"]


def test_report_to_csv_writes_the_same_content(seed_report: Report, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = seed_report.to_csv(tmp_path / "out")
    assert sorted(p.name for p in folder.iterdir()) == [
        ".mtqa-output",
        "flags.csv",
        "pairs.csv",
        "sentences.csv",
        "signature.json",
        "summary.json",
        "words.csv",
    ]
    pairs = pd.read_csv(folder / "pairs.csv")
    assert len(pairs) == len(seed_report.pairs)
    assert pairs.copy_ids.map(json.loads).tolist() == seed_report.pairs.copy_ids.tolist()
    assert json.loads((folder / "summary.json").read_text()) == seed_report.to_dict()["summary"]


def test_a_text_audited_against_itself(real_embedder: SentenceTransformerEmbedder) -> None:
    original, _ = read_pair("flood")
    report = audit(original, original, embedder=real_embedder)
    assert (report.pairs["shape"] == "1-1").all()
    assert (report.pairs.cosine > 0.99).all()
    assert report.pairs.bleu.tolist() == pytest.approx([100.0] * len(report.pairs))
    assert report.flags.empty
    assert report.summary["coverage"] == 1.0 and set(report.pairs.label) == {"faithful"}


def test_a_split_sentence_gives_a_one_two_unit(real_embedder: SentenceTransformerEmbedder) -> None:
    original = (
        "The regional council approved a new budget of 12 million euros on Thursday after a long debate. "
        "Opposition members walked out before the vote."
    )
    copy = (
        "The regional council approved a new budget of 12 million euros on Thursday. "
        "The approval came after a long debate. Opposition members walked out before the vote."
    )
    report = audit(original, copy, embedder=real_embedder)
    shapes = {(tuple(r), tuple(c)) for r, c in zip(report.pairs.reference_ids, report.pairs.copy_ids, strict=True)}
    assert ((0,), (0, 1)) in shapes and ((1,), (2,)) in shapes


def test_shuffled_paragraphs_give_the_same_units(real_embedder: SentenceTransformerEmbedder) -> None:
    original, copy = read_pair("flood")
    paragraphs = copy.strip().split("\n\n")
    shuffled = list(paragraphs)
    random.Random(3).shuffle(shuffled)
    assert shuffled != paragraphs

    def units(report: Report) -> set[tuple[str, str]]:
        return set(zip(report.pairs.reference_text, report.pairs.copy_text, strict=True))

    before = audit(original, copy, embedder=real_embedder, detectors=[])
    after = audit(original, "\n\n".join(shuffled), embedder=real_embedder, detectors=[])
    assert units(after) == units(before)


def test_unrelated_articles_give_almost_no_units(real_embedder: SentenceTransformerEmbedder) -> None:
    report = audit(*read_pair("unrelated"), embedder=real_embedder)
    assert report.summary["aligned_units"] <= 1
    assert report.summary["coverage"] < 0.1
    assert "Low coverage" in report.summary["verdict"]


def test_a_copy_in_another_language_is_an_honest_audit(real_embedder: SentenceTransformerEmbedder) -> None:
    report = audit(*read_pair("spanish"), embedder=real_embedder)
    assert report.summary["english_share"]["copy"] < 0.6
    assert "does not look like English" in report.summary["verdict"]


def test_the_garbled_fixture_pairs_align_like_their_gold(real_embedder: SentenceTransformerEmbedder) -> None:
    from mtqa.evaluation.gold import read_gold
    from tests.conftest import FIXTURES

    for name in ("flood", "election", "factory", "quake", "paraphrase"):
        report = audit(*read_pair(name), embedder=real_embedder, detectors=[])
        found = {
            (i, j) for r, c in zip(report.pairs.reference_ids, report.pairs.copy_ids, strict=True) for i in r for j in c
        }
        gold = read_gold(FIXTURES / name / "gold.txt").links()
        true = len(found & gold)
        assert true / len(found) >= 0.9 and true / len(gold) >= 0.9, name


def test_empty_text_is_an_error(real_embedder: SentenceTransformerEmbedder) -> None:
    with pytest.raises(MtqaError, match="empty"):
        audit("  \n", "Some copy.", embedder=real_embedder)


@pytest.mark.parametrize("side", ["original", "copy"])
def test_a_lone_surrogate_is_an_error_naming_the_side_and_offset(side: str, fake_embedder: FakeEmbedder) -> None:
    # A str from surrogateescape decoding, say: no character, so not text; the tokenizer raised TypeError.
    texts = {"original": "A quiet day.", "copy": "A quiet day."}
    texts[side] = "x\ud800 y."
    with pytest.raises(MtqaError, match=rf"^the {side} text .*lone surrogate U\+D800 at offset 1\b"):
        audit(texts["original"], texts["copy"], embedder=fake_embedder)


def test_a_text_that_is_not_a_str_is_an_error(fake_embedder: FakeEmbedder) -> None:
    with pytest.raises(MtqaError, match="the copy text must be a str, not bytes"):
        audit("A text.", b"A text.", embedder=fake_embedder)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("original", "copy"),
    [
        ("He said “we go” and left.", "He said “...” and left."),
        ("He said “...” and left.", "He said “we go” and left."),
    ],
)
def test_a_quotation_with_no_words_audits(original: str, copy: str, fake_embedder: FakeEmbedder) -> None:
    report = audit(original, copy, embedder=fake_embedder)
    assert list(report.sentences.side) == ["reference", "copy"]


def test_unknown_detector_is_an_error(real_embedder: SentenceTransformerEmbedder) -> None:
    with pytest.raises(MtqaError, match="unknown detector"):
        audit("A text.", "A text.", embedder=real_embedder, detectors=["grammar"])


def test_unaligned_units_have_no_scores(seed_report: Report) -> None:
    added = seed_report.pairs[seed_report.pairs.label == "added"]
    assert added.cosine.map(math.isnan).all() and added.bleu.map(math.isnan).all()


def test_bleu_and_chrf_equal_sacrebleu_sentence_scores(seed_report: Report) -> None:
    from sacrebleu.metrics.bleu import BLEU
    from sacrebleu.metrics.chrf import CHRF

    from mtqa.segment.normalize import normalize

    sentences = seed_report.sentences.set_index(["side", "id"]).norm
    linked = seed_report.pairs[
        seed_report.pairs.reference_ids.map(len).gt(0) & seed_report.pairs.copy_ids.map(len).gt(0)
    ]
    for unit in linked.itertuples():
        reference = " ".join(sentences["reference", i] for i in unit.reference_ids)
        hypothesis = " ".join(sentences["copy", j] for j in unit.copy_ids)
        assert normalize(reference) == reference
        assert unit.bleu == BLEU(effective_order=True).sentence_score(hypothesis, [reference]).score
        assert unit.chrf == CHRF().sentence_score(hypothesis, [reference]).score
