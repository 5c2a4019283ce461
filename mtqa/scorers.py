"""Sentence and corpus scorers: sacrebleu BLEU and chrF behind one small protocol."""

from __future__ import annotations

from typing import Protocol

from sacrebleu.metrics.bleu import BLEU
from sacrebleu.metrics.chrf import CHRF


class Scorer(Protocol):
    """Scores hypotheses against references, per segment and for the corpus."""

    name: str

    def sentence_scores(self, references: list[str], hypotheses: list[str]) -> list[float]:
        """Score each ``hypotheses[k]`` against ``references[k]``, on a 0-100 scale."""
        ...

    def corpus_score(self, references: list[str], hypotheses: list[str]) -> float:
        """Score all segments together, on a 0-100 scale."""
        ...

    def signature(self) -> str:
        """The scorer's parameters, in sacrebleu's signature format."""
        ...


class BleuScorer:
    """Sentence BLEU with effective order, so short sentences are not scored 0."""

    name = "bleu"

    def __init__(self) -> None:
        self._sentence = BLEU(effective_order=True)
        self._corpus = BLEU()

    def sentence_scores(self, references: list[str], hypotheses: list[str]) -> list[float]:
        """See ``Scorer.sentence_scores``."""
        return [self._sentence.sentence_score(h, [r]).score for r, h in zip(references, hypotheses, strict=True)]

    def corpus_score(self, references: list[str], hypotheses: list[str]) -> float:
        """See ``Scorer.corpus_score``."""
        return float(self._corpus.corpus_score(hypotheses, [references]).score) if references else float("nan")

    def signature(self) -> str:
        """See ``Scorer.signature``; sentence scores add effective order."""
        return _signature(self._corpus)


class ChrfScorer:
    """chrF with sacrebleu's defaults (character 6-grams, beta 2)."""

    name = "chrf"

    def __init__(self) -> None:
        self._metric = CHRF()

    def sentence_scores(self, references: list[str], hypotheses: list[str]) -> list[float]:
        """See ``Scorer.sentence_scores``."""
        return [self._metric.sentence_score(h, [r]).score for r, h in zip(references, hypotheses, strict=True)]

    def corpus_score(self, references: list[str], hypotheses: list[str]) -> float:
        """See ``Scorer.corpus_score``."""
        return float(self._metric.corpus_score(hypotheses, [references]).score) if references else float("nan")

    def signature(self) -> str:
        """See ``Scorer.signature``."""
        return _signature(self._metric)


def _signature(metric: BLEU | CHRF) -> str:
    # sacrebleu learns the number of references from the first call; mtqa always uses one.
    metric.corpus_score(["signature"], [["signature"]])
    return str(metric.get_signature().format())


SCORERS: dict[str, type[BleuScorer] | type[ChrfScorer]] = {"bleu": BleuScorer, "chrf": ChrfScorer}
