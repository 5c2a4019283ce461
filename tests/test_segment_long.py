"""Segmenting reads back from each full stop only as far as its word: time linear in the text."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtqa import audit
from mtqa.align.similarity import MAX_SENTENCE_PAIRS, MAX_SENTENCES, check_pair_count
from mtqa.errors import MtqaError
from mtqa.segment.quotations import scan_quotations
from mtqa.segment.sentences import _letters_before, _word_before, segment
from tests.conftest import run_mtqa

# The anchored searches the scans replace, kept here as their specification.
_WORD_SPEC = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_LETTERS_SPEC = re.compile(r"(?:^|[^\w.])([A-Za-z]+)\.$")

_TEXTS = st.text(alphabet="aZq. é1_\n\"“”'", max_size=40)


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_the_word_before_a_stop_is_what_the_anchored_search_finds(text: str) -> None:
    block = text + "."
    stop = len(block) - 1
    spec = _WORD_SPEC.search(block)
    assert _word_before(block, stop) == (spec.group(1) if spec else None)
    spec = _LETTERS_SPEC.search(block)
    assert _letters_before(block, stop) == (spec.group(1) if spec else None)


def test_a_stop_reads_no_further_back_than_its_word() -> None:
    block = "Mr. Smith met Dr. Jones. He left."
    assert _word_before(block, block.index(". Smith")) == "Mr"
    assert _letters_before("x.vs. the", 4) is None  # a dot before the word: an abbreviation's part
    assert [s.text for s in segment(block).sentences] == ["Mr. Smith met Dr. Jones.", "He left."]


def test_a_reopened_quotation_ends_before_the_spaces() -> None:
    marks = scan_quotations("“one two   “three four”")
    assert (marks[0].start, marks[0].end, marks[0].closed) == (0, 8, False)


def test_fifty_thousand_one_word_sentences_segment_in_seconds() -> None:
    # 400 kB of one-word sentences, with quotations: the anchored searches took over ten minutes here.
    text = " ".join(f"Word{k % 97}." if k % 50 else f"“Quote{k}.”" for k in range(50_000))
    started = time.monotonic()
    document = segment(text)
    assert len(document.sentences) == 50_000
    assert time.monotonic() - started < 60


def test_texts_of_too_many_sentence_pairs_are_refused_before_the_model_loads(tmp_path: Path) -> None:
    # 500 kB a side of one-word sentences: 60,000 sentences each, 3.6 billion pairs to compare.
    text = " ".join(f"Word{k % 97}." for k in range(60_000))
    original, copy = tmp_path / "original.txt", tmp_path / "copy.txt"
    original.write_text(text, encoding="utf-8")
    copy.write_text(text, encoding="utf-8")
    result = run_mtqa("audit", str(original), str(copy), timeout=120)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "original has 60,000 sentences" in result.stderr and "audit the texts in parts" in result.stderr
    # The library refuses before it loads a model: a model that does not exist is never reached.
    with pytest.raises(MtqaError, match="more than the 25,000,000"):
        audit("One sentence. " * 5_001, text[:50_000], model=str(tmp_path / "no-model"))


def test_the_pair_limit_is_on_the_product_of_the_counts() -> None:
    check_pair_count(5_000, 5_000)
    with pytest.raises(MtqaError, match="25,005,000 pairs"):
        check_pair_count(5_001, 5_000)
    check_pair_count(MAX_SENTENCES, MAX_SENTENCE_PAIRS // MAX_SENTENCES)
    with pytest.raises(MtqaError, match="the copy has 20,001 sentences"):
        check_pair_count(1, MAX_SENTENCES + 1)
