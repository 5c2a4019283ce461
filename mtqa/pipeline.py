"""Connects the stages: segment, embed, align, score, detect, report."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from mtqa.align.aligner import AlignParams, align
from mtqa.align.joins import joins_to_embed, with_joins
from mtqa.align.similarity import (
    DEFAULT_LEXICAL_WEIGHT,
    Similarities,
    blend,
    check_pair_count,
    cosine_similarities,
    joined_texts,
    lexical_similarities,
)
from mtqa.align.words import TOKEN_LAYER_NOTE, WordParams, align_words, unit_texts, word_lemmas
from mtqa.detectors import DETECTORS, AuditContext
from mtqa.embed.base import DEFAULT_BACKEND, Embedder, tokens_of
from mtqa.embed.factory import default_embedder
from mtqa.errors import MtqaError
from mtqa.nlp.language import MIN_ENGLISH_SHARE, english_share
from mtqa.nlp.parser import ParseCache, SentenceParses
from mtqa.plural import noun
from mtqa.report.report import Report, build_report
from mtqa.scoring.units import score_units
from mtqa.segment.sentences import segment, standalone_lines
from mtqa.types import Alignment, Document, Flag, WordAlignment


def embed_documents(
    embedder: Embedder,
    reference: Document,
    copy: Document,
    lexical: Similarities,
    lexical_weight: float,
    params: AlignParams,
) -> Similarities:
    """Cosine similarities of both documents' sentences and of the joined pairs the aligner could take.

    Every sentence is embedded, in one call for both documents; then only the
    adjacent pairs that could form a split or a merge (``joins_to_embed``) and
    hold no headline or subhead (``standalone_lines``), in a second call. The
    scores of the other joins are ``nan``.
    """
    texts = {"reference": [s.norm for s in reference.sentences], "copy": [s.norm for s in copy.sentences]}
    single = embedder.encode(texts["reference"] + texts["copy"])
    vectors = {"reference": single[: len(reference)], "copy": single[len(reference) :]}
    reference_joins, copy_joins = joins_to_embed(vectors["reference"], vectors["copy"], lexical, lexical_weight, params)
    # A headline or subhead is a unit of its own: never half of a split or a merge.
    lines = {"reference": standalone_lines(reference), "copy": standalone_lines(copy)}
    embed = {
        side: [k for k in joins if k not in lines[side] and k + 1 not in lines[side]]
        for side, joins in (("reference", reference_joins), ("copy", copy_joins))
    }
    joined = {side: joined_texts(texts[side]) for side in texts}
    wanted = [joined[side][k] for side in texts for k in embed[side]]
    joined_vectors = embedder.encode(wanted) if wanted else np.zeros((0, single.shape[1]), dtype=single.dtype)
    split = len(embed["reference"])
    units = {
        side: with_joins(vectors[side], texts[side], embed[side], part)
        for side, part in (("reference", joined_vectors[:split]), ("copy", joined_vectors[split:]))
    }
    return cosine_similarities(units["reference"], units["copy"])


def word_alignment(
    embedder: Embedder,
    reference: Document,
    copy: Document,
    alignment: Alignment,
    parses: SentenceParses | None,
    params: WordParams,
) -> WordAlignment:
    """Align the words of every linked unit: one model call for all units' token states.

    An embedder without token states (a test's fake) aligns by form alone.
    ``parses``, when the copy is English, adds lemma matches.
    """
    texts = unit_texts(reference, copy, alignment)
    states = tokens_of(embedder, texts) if texts else None
    lemmas = word_lemmas(parses, reference, copy, alignment) if parses is not None else None
    return align_words(reference, copy, alignment, states, lemmas, params)


def audit(
    reference: str,
    copy: str,
    *,
    model: str | None = None,
    backend: str = DEFAULT_BACKEND,
    embedder: Embedder | None = None,
    align_params: AlignParams | None = None,
    lexical_weight: float = DEFAULT_LEXICAL_WEIGHT,
    detectors: Sequence[str] | None = None,
    parse_cache: ParseCache | None = None,
    stage: Callable[[str], None] | None = None,
) -> Report:
    """Audit ``copy`` against ``reference``, sentence by sentence.

    Args:
        reference: The original text.
        copy: The copy to audit.
        model: A local sentence-transformers model folder; default the packaged
            all-MiniLM-L6-v2. Ignored when ``embedder`` is given.
        backend: ``"onnx"`` (int8 export, default; no torch) or ``"torch"`` (fp32).
            Both give the same alignment units and flags on every fixture pair.
        embedder: Any ``Embedder``; mainly for tests and reuse across audits.
        align_params: Aligner thresholds; default the calibrated ones.
        lexical_weight: Share of the character-trigram score in the similarity.
        detectors: Flag kinds to run (keys of ``mtqa.detectors.DETECTORS``); default all.
        parse_cache: Keeps sentence parses across audits (``ParseCache``): pass one
            when auditing many copies of the same originals. The results are the same.
        stage: Called with each stage's name as it starts ("segmenting", "embedding 812
            sentences", "aligning", ...), for a progress line; nothing is done without it.

    Returns:
        The ``Report``.

    Raises:
        MtqaError: If a text is not a ``str``, is empty or holds a lone surrogate (see
            ``check_text``), a detector is unknown, the texts have more sentence pairs than
            ``MAX_SENTENCE_PAIRS`` (``check_pair_count``), or the model cannot be loaded.
    """
    for side, text in (("original", reference), ("copy", copy)):
        check_text(side, text)
    chosen = list(DETECTORS) if detectors is None else list(detectors)
    unknown = [name for name in chosen if name not in DETECTORS]
    if unknown:
        raise MtqaError(f"unknown {noun(len(unknown), 'detector')} {unknown}; choose from {sorted(DETECTORS)}")
    params = align_params or AlignParams()
    say = stage or _quiet
    say("segmenting")
    reference_doc, copy_doc = segment(reference), segment(copy)
    check_pair_count(len(reference_doc), len(copy_doc))  # before the model loads
    embedder = embedder or default_embedder(model, backend)

    english = {"reference": english_share(reference), "copy": english_share(copy)}
    say("comparing the words of every sentence pair")
    lexical = lexical_similarities([s.norm for s in reference_doc.sentences], [s.norm for s in copy_doc.sentences])
    say(f"embedding {len(reference_doc) + len(copy_doc):,} sentences")
    cosine = embed_documents(embedder, reference_doc, copy_doc, lexical, lexical_weight, params)
    blended = _without_debris(blend(cosine, lexical, lexical_weight), reference_doc, copy_doc)
    del lexical  # the largest matrices of a long audit; the blend holds what the aligner needs
    say("aligning")
    alignment = align(blended, params)
    instances = [DETECTORS[name]() for name in chosen]
    is_english = english["copy"] >= MIN_ENGLISH_SHARE
    skipped = [d.name for d in instances if d.english_only and not is_english]
    flags: list[Flag] = []
    parses = SentenceParses(reference_doc, copy_doc, parse_cache)  # one parse per sentence, for every detector
    word_params = WordParams()
    say(f"aligning the words of {len(alignment.units):,} units")
    words = word_alignment(embedder, reference_doc, copy_doc, alignment, parses if is_english else None, word_params)
    for detector in instances:
        if detector.name not in skipped:
            say(f"detecting: {detector.name}")
            context = AuditContext(reference_doc, copy_doc, alignment, tuple(flags), parses, words, embedder.encode)
            flags += detector.detect(context)
    flags.sort(key=lambda f: (f.start, f.end, f.kind))
    say("scoring")
    scores = score_units(reference_doc, copy_doc, alignment, cosine, flags)
    return build_report(
        reference_doc,
        copy_doc,
        alignment,
        scores,
        flags,
        model=embedder.name,
        backend=embedder.backend,
        align_params=params,
        lexical_weight=lexical_weight,
        detectors={d.name: d.params() for d in instances},
        english=english,
        skipped_detectors=skipped,
        matrices=(cosine.one_one, blended.one_one),
        words=words,
        word_aligner={**word_params.as_dict(), "token_states": TOKEN_LAYER_NOTE},
    )


def _quiet(stage: str) -> None:
    """No stage reporting: the default of ``audit``."""


def check_text(side: str, text: object) -> None:
    """Raise ``MtqaError`` unless ``text`` is a non-empty ``str`` that is text.

    A ``str`` can hold a lone surrogate (U+D800 to U+DFFF), e.g. from a file
    decoded with ``errors="surrogateescape"``. No character is encoded that
    way, so it is not text: UTF-8 cannot encode it and the tokenizers reject
    it. The error gives the offset of the first, in characters like every
    offset of a report.

    Args:
        side: ``"original"`` or ``"copy"``, for the message.
        text: The text passed in.

    Raises:
        MtqaError: One line naming the side and the fault.
    """
    if not isinstance(text, str):
        raise MtqaError(f"the {side} text must be a str, not {type(text).__name__}")
    if not text.strip():
        raise MtqaError(f"the {side} text is empty")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise MtqaError(
            f"the {side} text is not valid Unicode: a lone surrogate U+{ord(text[error.start]):04X} "
            f"at offset {error.start} (it cannot be encoded as UTF-8)"
        ) from None


def _without_debris(similarities: Similarities, reference: Document, copy: Document) -> Similarities:
    """Set every score of a boilerplate sentence to -1, in place, so debris is never aligned."""
    one_one, one_two, two_one = similarities.one_one, similarities.one_two, similarities.two_one
    for i in (s.id for s in reference.sentences if s.kind == "boilerplate"):
        one_one[i, :] = one_two[i, :] = -1.0
        two_one[max(i - 1, 0) : i + 1, :] = -1.0
    for j in (s.id for s in copy.sentences if s.kind == "boilerplate"):
        one_one[:, j] = two_one[:, j] = -1.0
        one_two[:, max(j - 1, 0) : j + 1] = -1.0
    return similarities
