"""spaCy runs once per sentence per audit: every detector reads the one shared parse."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

import mtqa.nlp.parser as parser
from mtqa import audit
from mtqa.embed.base import Embedder
from tests.conftest import read_pair


@pytest.mark.parametrize("pair", ["seed", "flood"])
def test_each_sentence_is_parsed_exactly_once(
    monkeypatch: pytest.MonkeyPatch, onnx_embedder: Embedder, pair: str
) -> None:
    real = parser.english()
    parsed: list[str] = []

    class Counting:
        """The real pipeline, counting every text it is given, however it is called."""

        def pipe(self, texts: Iterable[str], **options: Any) -> Any:
            texts = list(texts)
            parsed.extend(texts)
            return real.pipe(texts, **options)

        def __call__(self, text: str) -> Any:
            parsed.append(text)
            return real(text)

    monkeypatch.setattr(parser, "english", Counting)
    report = audit(*read_pair(pair), embedder=onnx_embedder)
    assert sorted(parsed) == sorted(report.sentences.text)  # both sides, every sentence, once
    assert {"name", "syntax"} <= set(report.flags.kind)  # and the detectors that parse did run


def test_no_detector_loads_spacy_itself() -> None:
    from pathlib import Path

    detectors = Path(parser.__file__).resolve().parents[1] / "detectors"
    for module in detectors.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        assert "english(" not in text and "import spacy" not in text, module.name
