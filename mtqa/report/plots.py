"""Plots of one audit for notebooks: the similarity map with the units outlined, unit scores, flag counts.

Needs matplotlib (``pip install 'mtqa[plots]'``). Each function draws on the
axes it is given, or on a new figure, and returns the axes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from mtqa.errors import MtqaError
from mtqa.report.summary import linked_pairs
from mtqa.scoring.labels import NEUTRAL_LABELS

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from mtqa.report.report import Report

OMITTED, ADDED = "#c62828", "#b26a00"
# Page debris and repeats are no finding: grey, like the HTML report's badge.
NEUTRAL = "#9e9e9e"
SEVERITY_COLOURS = {"major": "#c62828", "minor": "#f0a030"}


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise MtqaError("plots need matplotlib: pip install 'mtqa[plots]'") from None
    if ax is not None:
        return ax
    _, new = plt.subplots(figsize=size)
    return new


def linked_units(report: Report) -> list[tuple[list[int], list[int]]]:
    """The ``(original ids, copy ids)`` of each unit that has both sides."""
    linked = linked_pairs(report.pairs)
    return [(list(r), list(c)) for r, c in zip(linked.reference_ids, linked.copy_ids, strict=True)]


def unit_outlines(report: Report) -> list[tuple[int, int, int, int]]:
    """Each aligned unit as a cell block ``(first copy id, first original id, width, height)``."""
    return [(min(c), min(r), len(c), len(r)) for r, c in linked_units(report)]


def unaligned_colours(report: Report) -> dict[tuple[str, int], str]:
    """The label colour of each unaligned sentence, keyed ``(side, id)``: omitted red, added amber,
    boilerplate and repeat grey."""
    colours = {"omitted": OMITTED, "added": ADDED} | dict.fromkeys(NEUTRAL_LABELS, NEUTRAL)
    found: dict[tuple[str, int], str] = {}
    for refs, copies, label in zip(report.pairs.reference_ids, report.pairs.copy_ids, report.pairs.label, strict=True):
        if not len(refs) or not len(copies):
            side, ids = ("reference", refs) if len(refs) else ("copy", copies)
            for i in ids:
                found[side, int(i)] = colours.get(label, OMITTED if side == "reference" else ADDED)
    return found


def similarity_heatmap(report: Report, ax: Axes | None = None, matrix: str = "similarity") -> Axes:
    """Original sentences (rows) against copy sentences (columns), with the chosen units outlined.

    Args:
        report: An audit report from ``mtqa.audit``.
        ax: Axes to draw on; default a new figure.
        matrix: ``"similarity"`` (the blended score the aligner used) or ``"cosine"`` (embedding only).

    Returns:
        The axes. Omitted original sentences have red row labels; added copy sentences, amber column labels;
        page debris and repeats (no finding), grey ones.
    """
    values = getattr(report, matrix, None) if matrix in ("similarity", "cosine") else None
    if values is None:
        raise MtqaError(f"no {matrix!r} matrix in this report; choose 'similarity' or 'cosine' from mtqa.audit")
    n_ref, n_copy = values.shape
    ax = _axes(ax, (max(6.0, n_copy * 0.28 + 2), max(3.0, n_ref * 0.28 + 1.5)))
    from matplotlib.patches import Rectangle  # after _axes, which says how to install matplotlib

    image = ax.imshow(np.clip(values.to_numpy(), 0, 1), cmap="Blues", vmin=0, vmax=1, aspect="auto")
    ax.figure.colorbar(image, ax=ax, fraction=0.03, label=matrix)
    for left, top, width, height in unit_outlines(report):
        ax.add_patch(Rectangle((left - 0.5, top - 0.5), width, height, fill=False, edgecolor="#d81b60", linewidth=2))
    ax.set_xticks(range(n_copy), [f"c{j}" for j in range(n_copy)], rotation=90, fontsize=7)
    ax.set_yticks(range(n_ref), [f"r{i}" for i in range(n_ref)], fontsize=7)
    colours = unaligned_colours(report)
    for side, ticks in (("reference", ax.get_yticklabels()), ("copy", ax.get_xticklabels())):
        for sentence_id, tick in enumerate(ticks):
            if (side, sentence_id) in colours:
                tick.set_color(colours[side, sentence_id])
    ax.set_xlabel("copy sentence")
    ax.set_ylabel("original sentence")
    ax.set_title(
        f"{matrix}; units outlined (red rows: omitted, amber columns: added, grey: boilerplate or repeat)", fontsize=9
    )
    return ax


def unit_scores(report: Report, ax: Axes | None = None) -> Axes:
    """Cosine, chrF (as a share of 100) and quality of every aligned unit, in original order."""
    linked = linked_pairs(report.pairs)
    linked = linked.assign(first=linked.reference_ids.map(min)).sort_values("first")
    ax = _axes(ax, (max(6.0, len(linked) * 0.5), 3.5))
    x = np.arange(len(linked))
    bars: list[tuple[str, Any]] = [
        ("cosine", linked.cosine),
        ("chrF / 100", linked.chrf / 100),
        ("quality", linked.quality),
    ]
    for k, (name, values) in enumerate(bars):
        ax.bar(x + (k - 1) * 0.27, values, width=0.27, label=name)
    labels = [
        f"{','.join(f'r{i}' for i in r)}\n{','.join(f'c{j}' for j in c)}"
        for r, c in zip(linked.reference_ids, linked.copy_ids, strict=True)
    ]
    ax.set_xticks(x, labels, fontsize=7)
    ax.set_ylim(0, 1)
    ax.set_ylabel("score")
    ax.legend(fontsize=8, ncols=3, loc="upper right")
    ax.set_title("aligned units (original → copy)", fontsize=9)
    return ax


def flag_counts(report: Report, ax: Axes | None = None) -> Axes:
    """Flags by kind, stacked by severity."""
    counts = report.flags.groupby(["kind", "severity"]).size().unstack(fill_value=0)
    ax = _axes(ax, (6.0, 3.0))
    if counts.empty:
        ax.text(0.5, 0.5, "no flags", ha="center", va="center", transform=ax.transAxes)
        return ax
    counts = counts.reindex(columns=[s for s in ("major", "minor") if s in counts.columns])
    counts = counts.loc[counts.sum(axis=1).sort_values().index]
    left = np.zeros(len(counts))
    for severity in counts.columns:
        ax.barh(counts.index, counts[severity], left=left, label=severity, color=SEVERITY_COLOURS[severity])
        left += counts[severity].to_numpy()
    ax.set_xlabel("flags")
    ax.legend(fontsize=8)
    ax.set_title("flags by kind", fontsize=9)
    return ax
