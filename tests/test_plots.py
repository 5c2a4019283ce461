"""The report's matrices and the notebook plots drawn from them (matplotlib, no screen)."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.patches import Rectangle

from mtqa import audit
from mtqa.embed.base import Embedder
from mtqa.errors import MtqaError
from mtqa.report.plots import ADDED, NEUTRAL, OMITTED, flag_counts, similarity_heatmap, unit_scores
from mtqa.report.report import Report
from tests.conftest import FakeEmbedder, read_pair

matplotlib.use("Agg")  # no screen


@pytest.fixture(scope="module")
def seed(onnx_embedder: Embedder) -> Report:
    return audit(*read_pair("seed"), embedder=onnx_embedder)


@pytest.fixture(autouse=True)
def _close_figures() -> None:
    plt.close("all")


def test_the_report_carries_both_matrices_and_they_agree_with_the_units(seed: Report) -> None:
    n_ref = int((seed.sentences.side == "reference").sum())
    n_copy = int((seed.sentences.side == "copy").sum())
    assert seed.cosine is not None and seed.similarity is not None
    assert seed.cosine.shape == seed.similarity.shape == (n_ref, n_copy)
    one_one = seed.pairs[seed.pairs["shape"] == "1-1"]
    assert len(one_one) >= 5
    for r, c, cosine in zip(one_one.reference_ids, one_one.copy_ids, one_one.cosine, strict=True):
        assert seed.cosine.loc[r[0], c[0]] == pytest.approx(cosine, abs=1e-6)
    debris = seed.sentences[(seed.sentences.side == "reference") & (seed.sentences.kind == "boilerplate")].id
    assert len(debris) and (seed.similarity.loc[list(debris)] == -1).all().all()


def test_the_heatmap_outlines_each_unit_and_colours_unaligned_labels(seed: Report) -> None:
    ax = similarity_heatmap(seed)
    assert ax.images[0].get_array().shape == seed.similarity.shape
    boxes = sorted((p.get_x() + 0.5, p.get_y() + 0.5, p.get_width(), p.get_height()) for p in ax.patches)
    assert all(isinstance(p, Rectangle) for p in ax.patches)
    expected = sorted(
        (min(c), min(r), len(c), len(r))
        for r, c in zip(seed.pairs.reference_ids, seed.pairs.copy_ids, strict=True)
        if r and c
    )
    assert boxes == expected
    units = list(zip(seed.pairs.reference_ids, seed.pairs.copy_ids, seed.pairs.label, strict=True))
    omitted = {i for r, c, label in units if not c and label == "omitted" for i in r}
    added = {j for r, c, label in units if not r and label == "added" for j in c}
    assert omitted and added
    assert {i for i, t in enumerate(ax.get_yticklabels()) if to_hex(t.get_color()) == OMITTED} == omitted
    assert {j for j, t in enumerate(ax.get_xticklabels()) if to_hex(t.get_color()) == ADDED} == added
    assert similarity_heatmap(seed, matrix="cosine").images[0].get_array().shape == seed.cosine.shape


def test_the_heatmap_draws_page_debris_and_a_repeated_headline_in_grey_not_as_findings(seed: Report) -> None:
    ax = similarity_heatmap(seed)
    sentences = seed.sentences.set_index(["side", "id"])
    # Found by their text, not by the labels: the original's credit line and its headline given a second
    # time, and the copy's "Posted on".
    reference = sentences.loc["reference"]
    headline = reference.text[0]
    grey_rows = {int(i) for i, text in reference.text.items() if i > 0 and (text == headline or text.startswith("©"))}
    grey_columns = {int(j) for j, text in sentences.loc["copy"].text.items() if text.startswith("Posted on")}
    assert len(grey_rows) == 2 and len(grey_columns) == 1
    rows = {i: to_hex(t.get_color()) for i, t in enumerate(ax.get_yticklabels())}
    columns = {j: to_hex(t.get_color()) for j, t in enumerate(ax.get_xticklabels())}
    assert {i for i, colour in rows.items() if colour == NEUTRAL} == grey_rows
    assert {j for j, colour in columns.items() if colour == NEUTRAL} == grey_columns
    assert NEUTRAL not in (OMITTED, ADDED)
    assert "grey: boilerplate or repeat" in ax.get_title()


def test_unit_bars_show_three_scores_per_aligned_unit(seed: Report) -> None:
    ax = unit_scores(seed)
    linked = seed.pairs[seed.pairs.reference_ids.map(len).gt(0) & seed.pairs.copy_ids.map(len).gt(0)]
    heights = [bar.get_height() for bar in ax.patches]
    assert len(heights) == 3 * len(linked)
    chrf = heights[len(linked) : 2 * len(linked)]
    assert sorted(chrf) == pytest.approx(sorted(linked.chrf / 100))


def test_flag_bars_add_up_to_the_flags_by_kind(seed: Report) -> None:
    ax = flag_counts(seed)
    totals: dict[str, float] = {}
    for bar in ax.patches:
        kind = ax.get_yticklabels()[round(bar.get_y() + bar.get_height() / 2)].get_text()
        totals[kind] = totals.get(kind, 0) + bar.get_width()
    assert totals == seed.summary["flags_by_kind"]


def test_an_audit_without_units_or_flags_still_plots() -> None:
    report = audit("The river rose.", "Der Fluss stieg.", embedder=FakeEmbedder(), detectors=[])
    assert report.flags.empty
    assert flag_counts(report).texts[0].get_text() == "no flags"
    ax = similarity_heatmap(report)
    assert np.asarray(ax.images[0].get_array()).shape == (1, 1)


def test_a_report_without_matrices_is_refused_with_a_message(seed: Report) -> None:
    bare = Report(seed.sentences, seed.pairs, seed.flags, seed.summary, seed.signature)
    with pytest.raises(MtqaError, match="no 'similarity' matrix"):
        similarity_heatmap(bare)
    with pytest.raises(MtqaError, match="no 'blended' matrix"):
        similarity_heatmap(seed, matrix="blended")


def test_without_matplotlib_every_plot_says_how_to_install_it(seed: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_matplotlib(name: str, *args: object, **kwargs: object) -> object:
        if name.split(".")[0] == "matplotlib":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    for plot in (similarity_heatmap, unit_scores, flag_counts):
        with pytest.raises(MtqaError, match=r"pip install 'mtqa\[plots\]'"):
            plot(seed)
