"""spaCy runs once per sentence per audit: every detector reads the one shared parse."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

import mtqa.nlp.parser as parser
from mtqa import audit
from mtqa.embed.base import Embedder
from tests.conftest import read_pair


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Put the real pipeline behind a counter of every text it is given, however it is called."""
    real = parser.english()
    parsed: list[str] = []

    class Counting:
        def pipe(self, texts: Iterable[str], **options: Any) -> Any:
            texts = list(texts)
            parsed.extend(texts)
            return real.pipe(texts, **options)

        def __call__(self, text: str) -> Any:
            parsed.append(text)
            return real(text)

    monkeypatch.setattr(parser, "english", Counting)
    return parsed


@pytest.mark.parametrize("pair", ["seed", "flood"])
def test_each_sentence_is_parsed_exactly_once(
    monkeypatch: pytest.MonkeyPatch, onnx_embedder: Embedder, pair: str
) -> None:
    parsed = count_parses(monkeypatch)
    report = audit(*read_pair(pair), embedder=onnx_embedder)
    assert sorted(parsed) == sorted(report.sentences.text)  # both sides, every sentence, once
    assert {"name", "syntax"} <= set(report.flags.kind)  # and the detectors that parse did run


def test_no_detector_loads_spacy_itself() -> None:
    from pathlib import Path

    detectors = Path(parser.__file__).resolve().parents[1] / "detectors"
    for module in detectors.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        assert "english(" not in text and "import spacy" not in text, module.name


def test_a_parse_cache_parses_each_sentence_once_across_audits(
    monkeypatch: pytest.MonkeyPatch, onnx_embedder: Embedder
) -> None:
    original, copy = read_pair("flood")
    plain = audit(original, copy, embedder=onnx_embedder)
    parsed = count_parses(monkeypatch)
    cache = parser.ParseCache()
    first = audit(original, copy, embedder=onnx_embedder, parse_cache=cache)
    assert sorted(parsed) == sorted(set(first.sentences.text))  # a text twice in the audit: parsed once
    parsed.clear()
    second = audit(original, original, embedder=onnx_embedder, parse_cache=cache)
    assert parsed == []  # the original again, as a copy too: nothing new to parse
    assert first.flags.equals(plain.flags) and first.pairs.equals(plain.pairs)
    assert len(second.pairs) == len(second.sentences[second.sentences.side == "reference"])


def test_a_parse_cache_keeps_at_most_its_size() -> None:
    cache = parser.ParseCache(size=2)
    first = cache.parse(["One.", "Two."], batch_size=8)
    assert cache.parse(["One."], batch_size=8)[0] is first[0]  # kept, and now the most recent
    cache.parse(["Three."], batch_size=8)
    assert cache.parse(["One."], batch_size=8)[0] is first[0]
    assert cache.parse(["Two."], batch_size=8)[0] is not first[1]  # dropped as the least recent, parsed anew


def test_a_second_look_parses_only_the_plain_form_once(
    monkeypatch: pytest.MonkeyPatch, onnx_embedder: Embedder
) -> None:
    # the syntax detector parses a plainer form of a sentence the first parse calls broken, through the
    # audit's parses: every sentence once, and the plain form once
    original = "The bank said it would refund the money. Clients were told on Monday."
    copy = "The bank said it would refund the money. Moravská spořitelna mistakenly double-charged the cards."
    parsed = count_parses(monkeypatch)
    report = audit(original, copy, embedder=onnx_embedder)
    extra = sorted(set(parsed) - set(report.sentences.text))
    assert extra == ["Alex mistakenly charged the cards."]
    assert sorted(parsed) == sorted([*report.sentences.text, *extra])
    assert "syntax" not in set(report.flags.kind)
