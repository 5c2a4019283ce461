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


class SacrebleuScorer:
    """A sacrebleu metric behind the ``Scorer`` protocol, with one reference per segment."""

    name = "sacrebleu"

    def __init__(self, sentence_metric: BLEU | CHRF, corpus_metric: BLEU | CHRF) -> None:
        self._sentence = sentence_metric
        self._corpus = corpus_metric

    def sentence_scores(self, references: list[str], hypotheses: list[str]) -> list[float]:
        """See ``Scorer.sentence_scores``."""
        return [self._sentence.sentence_score(h, [r]).score for r, h in zip(references, hypotheses, strict=True)]

    def corpus_score(self, references: list[str], hypotheses: list[str]) -> float:
        """See ``Scorer.corpus_score``; nan for no segments."""
        return float(self._corpus.corpus_score(hypotheses, [references]).score) if references else float("nan")

    def signature(self) -> str:
        """See ``Scorer.signature``; the corpus metric's."""
        return _signature(self._corpus)

    def sentence_signature(self) -> str:
        """The sentence metric's signature, which differs from the corpus one for BLEU (``eff:yes``)."""
        return _signature(self._sentence)


class BleuScorer(SacrebleuScorer):
    """BLEU; sentence scores use effective order, so short sentences are not scored 0."""

    name = "bleu"

    def __init__(self) -> None:
        super().__init__(BLEU(effective_order=True), BLEU())


class ChrfScorer(SacrebleuScorer):
    """chrF with sacrebleu's defaults (character 6-grams, beta 2)."""

    name = "chrf"

    def __init__(self) -> None:
        metric = CHRF()
        super().__init__(metric, metric)


def _signature(metric: BLEU | CHRF) -> str:
    # sacrebleu learns the number of references from the first call; mtqa always uses one.
    metric.corpus_score(["signature"], [["signature"]])
    return str(metric.get_signature().format())


SCORERS: dict[str, type[SacrebleuScorer]] = {"bleu": BleuScorer, "chrf": ChrfScorer}
