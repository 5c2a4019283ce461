"""Properties of ``mtqa.audit`` on any text: every span holds, and nothing but ``MtqaError`` escapes.

The examples are the fixture pairs, cut to a few paragraphs and then mutated
the way scraped and machine-translated copies are damaged: character ranges
deleted, characters of every Unicode category inserted (other scripts,
combining marks, emoji, zero-width and bidi controls, C0 controls, line and
paragraph separators, no-break spaces), whitespace doubled or broken, words
(names mostly) misspelt, sentences shuffled and duplicated, quotations
emptied, left open or mismatched. Each example runs the real audit
with the packaged model (ONNX backend).

Two hypothesis profiles: ``ci`` (the default; bounded and derandomised, so a
run is reproducible) and ``long`` (at least 10,000 examples per property, for
``benchmarks/fuzz_audit.py``), chosen by the environment variable
``MTQA_HYPOTHESIS_PROFILE``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtqa import Report, audit
from mtqa.embed.base import Embedder
from mtqa.errors import MtqaError
from tests.conftest import FIXTURES, read_pair

PROFILE_ENV = "MTQA_HYPOTHESIS_PROFILE"
LONG_EXAMPLES = 10_000
# No example database: the ci profile is derandomised anyway, and a failing example of the
# long run is printed (with a blob to reproduce it) rather than left in the working tree.
_COMMON = {
    "deadline": None,  # an audit runs the model and spaCy: its time varies with the machine's load
    "database": None,
    "print_blob": True,
    # Drawing positions in a 2-5 kB text is cheap, but a slow example must never fail the run.
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
# 60 examples per property: about 30 s for the module on 2 cores.
settings.register_profile("ci", max_examples=60, derandomize=True, **_COMMON)  # type: ignore[arg-type]
# benchmarks/fuzz_audit.py --examples N sets MTQA_HYPOTHESIS_EXAMPLES for a shorter long run.
long_examples = int(os.environ.get("MTQA_HYPOTHESIS_EXAMPLES", LONG_EXAMPLES))
settings.register_profile("long", max_examples=long_examples, **_COMMON)  # type: ignore[arg-type]
settings.load_profile(os.environ.get(PROFILE_ENV, "ci"))

PAIR_NAMES = sorted(
    str(path.parent.relative_to(FIXTURES))
    for path in FIXTURES.glob("**/original.txt")
    if (path.parent / "copy.txt").exists()
)
PAIRS = [read_pair(name) for name in PAIR_NAMES]

# Characters that break naive text handling, by family.
ZERO_WIDTH_AND_BIDI = [chr(c) for c in [*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
CONTROLS = [chr(c) for c in [*range(0x00, 0x20), 0x7F, 0x85]]
SEPARATORS = ["\u2028", "\u2029", "\u00a0", "\u202f", "\u2009", "\u3000", "\ufeff", "\r", "\r\n", "\n\n"]
COMBINING = ["\u0301", "\u0308", "\u0327", "\u0336", "\u20dd", "e\u0301"]
EMOJI = ["😀", "👍🏽", "👨‍👩‍👧", "🇫🇷", "\ufe0f", "\U000e0041"]
SCRIPTS = ["Жанна", "中文", "العربية", "עברית", "ไทย", "देवनागरी", "Ǆ", "ﬁ", "Ⅻ", "²", "½", "١٢", "\ufffd"]
PUNCTUATION = [*"“”„‟«»‹›\"'‘’…—–-.!?()[]", "...", " . ", "U.S.", "Dr.", "a.m."]
SPECIAL = ZERO_WIDTH_AND_BIDI + CONTROLS + SEPARATORS + COMBINING + EMOJI + SCRIPTS + PUNCTUATION
WHITESPACE = [" ", "  ", "   ", "\t", "\n", " \n ", "\n\n", "\n \n", "\r\n", "\u00a0", " \u00a0", "\u2009", "\u3000"]
# Empty, unclosed and mismatched quotations, and stray quote marks.
QUOTE_DAMAGE = ["“”", "“ ”", '""', '"..."', "“...”", "“…”", "« »", "«»", "„“", "“", "”", '"', "«", "»", "“”“", '" "']

# Any character but a surrogate (a lone surrogate is not text: see the last test), special pieces often.
# Some special pieces are clusters (an emoji sequence, a word of another script), so join a list.
any_piece = st.one_of(st.sampled_from(SPECIAL), st.characters(exclude_categories=["Cs"]))
inserted_text = st.lists(any_piece, min_size=1, max_size=6).map("".join)
# Sentence pieces: a full stop, question or exclamation mark, or a closing quote, then whitespace.
_SENTENCE_GAP = re.compile(r"(?<=[.!?”\"])(\s+)")


def _delete(draw: st.DrawFn, text: str) -> str:
    """Cut up to 60 characters anywhere (also inside a word, a quote or a line break)."""
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, min(len(text), start + 60)))
    return text[:start] + text[end:]


def _insert(draw: st.DrawFn, text: str) -> str:
    """Insert a few characters of any kind anywhere."""
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(inserted_text) + text[at:]


def _damage_quote(draw: st.DrawFn, text: str) -> str:
    """Put an empty, open or stray quotation at a word boundary (or anywhere)."""
    boundaries = [m.start() for m in re.finditer(r"\s", text)] or [len(text)]
    at = draw(st.one_of(st.sampled_from(boundaries), st.integers(0, len(text))))
    return text[:at] + draw(st.sampled_from(QUOTE_DAMAGE)) + text[at:]


def _drop_closer(draw: st.DrawFn, text: str) -> str:
    """Remove one closing quote mark, so a quotation runs on."""
    closers = [m.start() for m in re.finditer(r"[”»]|(?<=\S)\"", text)]
    if not closers:
        return text
    at = draw(st.sampled_from(closers))
    return text[:at] + text[at + 1 :]


def _respace(draw: st.DrawFn, text: str) -> str:
    """Replace one run of whitespace with another (scraped text doubles spaces and breaks lines)."""
    runs = [m.span() for m in re.finditer(r"\s+", text)]
    if not runs:
        return text
    start, end = draw(st.sampled_from(runs))
    return text[:start] + draw(st.sampled_from(WHITESPACE)) + text[end:]


def _typo(draw: st.DrawFn, text: str) -> str:
    """Mangle one word, a name more often than not: two letters swapped, one doubled, dropped or changed."""
    words = [m.span() for m in re.finditer(r"[A-Z]\w{3,}", text)] or [m.span() for m in re.finditer(r"\w{2,}", text)]
    if not words:
        return text
    start, end = draw(st.sampled_from(words))
    at = draw(st.integers(start, end - 2))
    letter = draw(st.sampled_from("aeiouyknrstz"))
    edits = [
        text[at + 1] + text[at],  # swapped
        text[at] * 2 + text[at + 1],  # doubled
        text[at + 1],  # dropped
        letter + text[at + 1],  # changed
        text[at] + " " + text[at + 1],  # split in two
    ]
    return text[:at] + draw(st.sampled_from(edits)) + text[at + 2 :]


def _split(text: str) -> tuple[list[str], list[str]]:
    """Sentence pieces and the whitespace between them (one fewer)."""
    parts = _SENTENCE_GAP.split(text)
    return parts[0::2], parts[1::2]


def _shuffle(draw: st.DrawFn, text: str) -> str:
    """Reorder the sentences, keeping the gaps (and so the paragraph breaks) where they were."""
    pieces, gaps = _split(text)
    pieces = draw(st.permutations(pieces))
    return pieces[0] + "".join(gap + piece for gap, piece in zip(gaps, pieces[1:], strict=True))


def _duplicate(draw: st.DrawFn, text: str) -> str:
    """Repeat one sentence somewhere else (a scraper's double paste)."""
    pieces, gaps = _split(text)
    piece = draw(st.sampled_from(pieces))
    at = draw(st.integers(0, len(pieces)))
    pieces, gaps = [*pieces[:at], piece, *pieces[at:]], [*gaps[:at], " ", *gaps[at:]]
    return pieces[0] + "".join(gap + piece for gap, piece in zip(gaps, pieces[1:], strict=True))


MUTATIONS: list[Callable[[st.DrawFn, str], str]] = [
    _delete,
    _respace,
    _typo,
    _typo,
    _insert,
    _insert,
    _damage_quote,
    _damage_quote,
    _drop_closer,
    _shuffle,
    _duplicate,
]


@st.composite
def mutated(draw: st.DrawFn, text: str, most: int) -> str:
    """``text`` after up to ``most`` random mutations."""
    for _ in range(draw(st.integers(0, most))):
        text = draw(st.sampled_from(MUTATIONS))(draw, text)
    return text


@st.composite
def cut(draw: st.DrawFn, pair: tuple[str, str]) -> tuple[str, str]:
    """The same stretch of paragraphs of both texts (roughly), or the whole pair: short examples run faster."""
    if draw(st.integers(0, 3)) == 0:
        return pair
    first = draw(st.floats(0.0, 0.9))
    width = draw(st.floats(0.1, 0.5))
    cuts = []
    for text in pair:
        paragraphs = text.split("\n\n")
        begin = int(first * len(paragraphs))
        end = max(begin + 1, round((first + width) * len(paragraphs)))
        cuts.append("\n\n".join(paragraphs[begin:end]))
    return cuts[0], cuts[1]


@st.composite
def damaged_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """A fixture pair, cut, with the copy mutated (up to 8 times) and the original a little (up to 3)."""
    original, copy = draw(cut(draw(st.sampled_from(PAIRS))))
    return draw(mutated(original, 3)), draw(mutated(copy, 8))


def check_report(report: Report, original: str, copy: str) -> None:
    """Assert every span invariant of ``report`` on its two texts."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for side, text in (("reference", original), ("copy", copy)):
        rows = report.sentences[report.sentences.side == side].to_dict(orient="records")
        assert [row["id"] for row in rows] == list(range(len(rows))), f"{side} ids are not 0..n-1 in order"
        spans[side] = [(int(row["start"]), int(row["end"])) for row in rows]
        previous_end = 0
        for row, (start, end) in zip(rows, spans[side], strict=True):
            assert text[start:end] == row["text"], f"{side} sentence {row['id']} does not match its span"
            assert previous_end <= start < end <= len(text), f"{side} sentence {row['id']} overlaps or is empty"
            previous_end = end

    # Alignment.check_covers, read off the pairs table.
    units = [(list(row["reference_ids"]), list(row["copy_ids"])) for row in report.pairs.to_dict(orient="records")]
    for side, position in (("reference", 0), ("copy", 1)):
        seen = sorted(i for unit in units for i in unit[position])
        assert seen == list(range(len(spans[side]))), f"the units do not cover each {side} sentence once"
    unit_of_copy = {j: copy_ids for _, copy_ids in units for j in copy_ids}

    for flag in report.flags.to_dict(orient="records"):
        kind, start, end = flag["kind"], int(flag["start"]), int(flag["end"])
        assert flag["severity"] in ("major", "minor"), f"{kind} flag severity {flag['severity']!r}"
        assert 0 <= start <= end <= len(copy), f"{kind} flag span [{start}, {end}) out of the copy"
        assert copy[start:end] == flag["text"], f"{kind} flag text does not match its span"
        if not pd.isna(flag["reference_id"]):
            assert 0 <= int(flag["reference_id"]) < len(spans["reference"]), f"{kind} flag reference_id"
        if pd.isna(flag["copy_id"]):
            continue
        copy_id = int(flag["copy_id"])
        assert copy_id in unit_of_copy, f"{kind} flag copy_id {copy_id} is no copy sentence"
        if start == end:
            continue  # an insertion point: only the offset bound above
        unit = [spans["copy"][j] for j in unit_of_copy[copy_id]]
        # Inside the unit's copy sentences; only whitespace between two of them may be spanned too.
        outside = [k for k in range(start, end) if not copy[k].isspace() and not any(a <= k < b for a, b in unit)]
        assert min(a for a, _ in unit) <= start and end <= max(b for _, b in unit) and not outside, (
            f"{kind} flag [{start}, {end}) {flag['text']!r} runs outside the copy sentences "
            f"{unit_of_copy[copy_id]} of the unit of its copy_id {copy_id}"
        )


def audit_and_check(original: str, copy: str, embedder: Embedder) -> None:
    """Audit the pair: a report whose spans hold, or an ``MtqaError`` for an empty text."""
    if not original.strip() or not copy.strip():
        with pytest.raises(MtqaError):
            audit(original, copy, embedder=embedder)
        return
    check_report(audit(original, copy, embedder=embedder), original, copy)


@given(pair=damaged_pairs())
def test_damaged_fixture_pairs_keep_every_span(pair: tuple[str, str], onnx_embedder: Embedder) -> None:
    audit_and_check(*pair, onnx_embedder)


short_text = st.lists(any_piece, max_size=40).map("".join)


@given(original=short_text, copy=short_text)
def test_any_short_texts_keep_every_span(original: str, copy: str, onnx_embedder: Embedder) -> None:
    audit_and_check(original, copy, onnx_embedder)


@given(
    side=st.sampled_from(["original", "copy"]),
    surrogate=st.characters(categories=["Cs"]),
    where=st.floats(0.0, 1.0),
    pair=st.sampled_from(PAIRS),
)
def test_a_lone_surrogate_is_an_mtqa_error(
    side: str, surrogate: str, where: float, pair: tuple[str, str], onnx_embedder: Embedder
) -> None:
    original, copy = pair
    text = original if side == "original" else copy
    at = int(where * len(text))
    damaged = text[:at] + surrogate + text[at:]
    texts = (damaged, copy) if side == "original" else (original, damaged)
    with pytest.raises(MtqaError, match=rf"the {side} text .*offset {at}\b") as error:
        audit(*texts, embedder=onnx_embedder)
    assert "\n" not in str(error.value)
