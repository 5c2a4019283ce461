"""Which copy words render which original words, inside each linked unit.

The method is SimAlign's (Jalili Sabet et al., 2020) on the packaged model's
contextual token states (layer ``TOKEN_LAYER``): a word's vector is the mean of
its sub-word tokens' vectors, two words' similarity is their cosine, and links
are the pairs that are each other's best match (argmax both ways), extended by
"itermax" rounds among the words still unlinked. Matches of form anchor it: an
exact, case-folded, transliteration-folded (``anyascii``) or lemma match counts
as a perfect similarity. A small distortion penalty for distant positions
breaks ties between repeated words ("the" ... "the").

Everything here is a pure function of the documents, the alignment and the
token states; the model is run by the pipeline.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from anyascii import anyascii

from mtqa.embed.base import TOKEN_LAYER, TokenStates
from mtqa.nlp.parser import SentenceParses
from mtqa.types import Alignment, Document, Side, Unit, Word, WordAlignment, WordLink

# A word: letters and digits, with inner hyphens, apostrophes and dots ("el-Haziri", "Brazil's", "U.S").
WORD = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*")

Lemmas = Mapping[tuple[Side, int], str]  # (side, word start offset) -> lowercase lemma
# For the report's signature: what the similarities are made of.
TOKEN_LAYER_NOTE = f"layer {TOKEN_LAYER} token states, word = mean of sub-words, cosine; form anchors"


@dataclass(frozen=True)
class WordParams:
    """The word aligner's settings, fitted on the dev half of the hand-aligned gold.

    Attributes:
        min_score: Least similarity of a link made by the token states.
        distortion: Penalty per unit of relative-position distance.
        iterations: Itermax rounds after the first argmax.
        itermax_discount: Factor on the similarities of a word already linked on one side.
    """

    min_score: float = 0.45
    distortion: float = 0.1
    iterations: int = 0
    itermax_discount: float = 0.9

    def as_dict(self) -> dict[str, float]:
        """For the report's signature."""
        return {
            "min_score": self.min_score,
            "distortion": self.distortion,
            "iterations": self.iterations,
            "itermax_discount": self.itermax_discount,
        }


@lru_cache(maxsize=1 << 16)
def fold_word(text: str) -> str:
    """``text`` transliterated to ASCII, lowercased, letters and digits only: "Đuričić" -> "djuricic"."""
    return "".join(ch for ch in anyascii(text).lower() if ch.isalnum())


def sentence_words(document: Document, sentence_id: int) -> list[Word]:
    """The words of one sentence, with their offsets in the document."""
    sentence = document.sentences[sentence_id]
    return [
        Word(sentence_id, sentence.start + m.start(), sentence.start + m.end(), m.group())
        for m in WORD.finditer(sentence.text)
    ]


def unit_text(document: Document, ids: Sequence[int]) -> tuple[str, list[int]]:
    """The unit side's sentences joined by a space, and the offset of each in the joined text."""
    pieces, starts, position = [], [], 0
    for i in ids:
        starts.append(position)
        pieces.append(document.sentences[i].text)
        position += len(pieces[-1]) + 1
    return " ".join(pieces), starts


def word_vectors(words: list[Word], document: Document, ids: Sequence[int], states: TokenStates) -> np.ndarray:
    """Each word's vector: the normalised mean of its tokens' states (zero for a word past the model's limit).

    Returns:
        Array of shape ``(len(words), dim)``.
    """
    _, starts = unit_text(document, ids)
    where = {i: starts[k] - document.sentences[i].start for k, i in enumerate(ids)}
    vectors = np.zeros((len(words), states.vectors.shape[1] if states.vectors.ndim == 2 else 0), dtype=np.float32)
    if not len(states.offsets):
        return vectors
    token_starts, token_ends = states.offsets[:, 0], states.offsets[:, 1]
    for row, word in enumerate(words):
        start, end = word.start + where[word.sentence_id], word.end + where[word.sentence_id]
        inside = (token_starts < end) & (token_ends > start)
        if inside.any():
            mean = states.vectors[inside].mean(axis=0)
            vectors[row] = mean / max(float(np.linalg.norm(mean)), 1e-9)
    return vectors


def _anchors(reference: list[Word], copy: list[Word], lemmas: Lemmas | None) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of words matched by form, and how: 3 exact, 2 folded, 1 lemma, 0 none; and that as a mask."""
    kind = np.zeros((len(reference), len(copy)), dtype=np.int8)
    for i, r in enumerate(reference):
        r_fold = fold_word(r.text)
        r_lemma = lemmas.get(("reference", r.start)) if lemmas else None
        for j, c in enumerate(copy):
            if r.text == c.text:
                kind[i, j] = 3
            elif r_fold and r_fold == fold_word(c.text):
                kind[i, j] = 2
            elif r_lemma and lemmas and r_lemma == lemmas.get(("copy", c.start)):
                kind[i, j] = 1
    return kind, kind > 0


def _mutual_argmax(scores: np.ndarray) -> list[tuple[int, int]]:
    if scores.size == 0:
        return []
    forward, backward = scores.argmax(axis=1), scores.argmax(axis=0)
    return [(i, int(j)) for i, j in enumerate(forward) if backward[j] == i and np.isfinite(scores[i, j])]


def link_words(similarity: np.ndarray, anchors: np.ndarray, params: WordParams) -> list[tuple[int, int]]:
    """SimAlign's argmax with itermax rounds on one unit's word similarities.

    Args:
        similarity: Shape ``(n_reference_words, n_copy_words)``: cosine of the words' vectors.
        anchors: Same shape, true where two words match by form.
        params: The thresholds.

    Returns:
        The linked (reference word, copy word) index pairs, sorted.
    """
    n, m = similarity.shape
    if n == 0 or m == 0:
        return []
    rows = np.arange(n)[:, None] / max(n - 1, 1)
    columns = np.arange(m)[None, :] / max(m - 1, 1)
    scores = np.where(anchors, 2.0, similarity) - params.distortion * np.abs(rows - columns)
    scores = np.where(anchors | (similarity >= params.min_score), scores, -np.inf)
    links = set(_mutual_argmax(scores))
    for _ in range(params.iterations):
        linked_rows = np.zeros(n, dtype=bool)
        linked_columns = np.zeros(m, dtype=bool)
        for i, j in links:
            linked_rows[i] = linked_columns[j] = True
        if linked_rows.all() and linked_columns.all():
            break
        both = linked_rows[:, None] & linked_columns[None, :]
        one = linked_rows[:, None] ^ linked_columns[None, :]
        masked = np.where(both, -np.inf, np.where(one, scores * params.itermax_discount, scores))
        new = {pair for pair in _mutual_argmax(masked) if pair not in links}
        if not new:
            break
        links |= new
    return sorted(links)


def align_unit_words(
    unit_index: int,
    unit: Unit,
    reference: Document,
    copy: Document,
    states: tuple[TokenStates, TokenStates] | None,
    lemmas: Lemmas | None = None,
    params: WordParams | None = None,
) -> list[WordLink]:
    """The word links of one linked unit, with every unlinked word of either side as a one-sided link."""
    params = params or WordParams()
    reference_words = [w for i in unit.reference_ids for w in sentence_words(reference, i)]
    copy_words = [w for j in unit.copy_ids for w in sentence_words(copy, j)]
    kind, anchors = _anchors(reference_words, copy_words, lemmas)
    if states is not None:
        left = word_vectors(reference_words, reference, unit.reference_ids, states[0])
        right = word_vectors(copy_words, copy, unit.copy_ids, states[1])
        similarity = left @ right.T if left.shape[1] == right.shape[1] else np.zeros(kind.shape)
    else:
        similarity = np.zeros(kind.shape, dtype=np.float32)
    pairs = link_words(similarity, anchors, params)
    how = {3: "exact", 2: "folded", 1: "lemma"}
    links = [
        WordLink(
            unit_index,
            reference_words[i],
            copy_words[j],
            1.0 if kind[i, j] else float(np.clip(similarity[i, j], 0.0, 1.0)),
            how.get(int(kind[i, j]), "embedding"),
        )
        for i, j in pairs
    ]
    linked_reference = {i for i, _ in pairs}
    linked_copy = {j for _, j in pairs}
    links += [
        WordLink(unit_index, w, None, float("nan"), "")
        for i, w in enumerate(reference_words)
        if i not in linked_reference
    ]
    links += [WordLink(unit_index, None, w, float("nan"), "") for j, w in enumerate(copy_words) if j not in linked_copy]
    return links


def linked_units(alignment: Alignment) -> list[int]:
    """Indices of the units that have both sides: the only ones whose words are aligned."""
    return [k for k, unit in enumerate(alignment.units) if unit.is_linked]


def unit_texts(reference: Document, copy: Document, alignment: Alignment) -> list[str]:
    """The texts to run through the model: each linked unit's original side, then its copy side."""
    texts = []
    for k in linked_units(alignment):
        unit = alignment.units[k]
        texts += [unit_text(reference, unit.reference_ids)[0], unit_text(copy, unit.copy_ids)[0]]
    return texts


def align_words(
    reference: Document,
    copy: Document,
    alignment: Alignment,
    states: Sequence[TokenStates] | None,
    lemmas: Lemmas | None = None,
    params: WordParams | None = None,
) -> WordAlignment:
    """The word alignment of every linked unit.

    Args:
        reference: The original.
        copy: The copy.
        alignment: The sentence alignment.
        states: The token states of ``unit_texts(reference, copy, alignment)``, in that
            order; None to align by form alone (an embedder without token states).
        lemmas: Lowercase lemma of each word, keyed by side and start offset, if parsed.
        params: The thresholds.

    Returns:
        Every linked unit's links, units in order, and the unlinked words of each.
    """
    links: list[WordLink] = []
    for position, k in enumerate(linked_units(alignment)):
        pair = (states[2 * position], states[2 * position + 1]) if states is not None else None
        links += align_unit_words(k, alignment.units[k], reference, copy, pair, lemmas, params)
    return WordAlignment(tuple(links))


def word_lemmas(
    parses: SentenceParses, reference: Document, copy: Document, alignment: Alignment
) -> dict[tuple[Side, int], str]:
    """The lowercase lemma of each word of the linked units that spaCy parses as one token."""
    lemmas: dict[tuple[Side, int], str] = {}
    sides: tuple[tuple[Side, Document], ...] = (("reference", reference), ("copy", copy))
    for side, document in sides:
        ids = sorted({i for k in linked_units(alignment) for i in alignment.units[k].ids(side)})
        for i in ids:
            offset = document.sentences[i].start
            for token in parses.sentence(side, i):
                if WORD.fullmatch(token.text):
                    lemmas[(side, offset + token.idx)] = token.lemma_.lower()
    return lemmas


def unlinked_slot(alignment: WordAlignment, reference: Document, copy: Document, span: Sequence[Word]) -> list[Word]:
    """The copy words standing where ``span`` (consecutive words of one original sentence) stands, when
    no word of the span is linked: "Google" in "Google said on Monday" for "Microsoft" in "Microsoft
    said on Monday".

    The original words just before and just after the span anchor the slot (one unlinked word on
    either side may be skipped): their linked copy words, in one copy sentence and in order,
    enclose it. At a sentence's edge one anchor suffices, and the slot runs to the copy sentence's
    edge. Empty when there is no anchor, the anchors cross, or a copy word in the slot is linked.
    """
    words = sentence_words(reference, span[0].sentence_id)
    starts = [w.start for w in words]
    if span[0].start not in starts or span[-1].start not in starts:
        return []
    first, last = starts.index(span[0].start), starts.index(span[-1].start)

    def anchor(positions: range) -> Word | bool | None:
        # the copy word of the nearest linked word; None at the sentence's edge; False if none in reach
        for step, k in enumerate(positions):
            if step > 1:
                return False
            copies = [lk.copy for lk in alignment.rendering(words[k].start, words[k].end) if lk.copy]
            if copies:
                return min(copies, key=lambda w: w.start)
        return None if not positions else False

    left, right = anchor(range(first - 1, -1, -1)), anchor(range(last + 1, len(words)))
    if left is False or right is False:
        return []
    anchors = [w for w in (left, right) if isinstance(w, Word)]
    if not anchors or len({w.sentence_id for w in anchors}) > 1:
        return []
    low = left.end if isinstance(left, Word) else -1
    high = right.start if isinstance(right, Word) else len(copy.text) + 1
    between = [w for w in sentence_words(copy, anchors[0].sentence_id) if low <= w.start and w.end <= high]
    linked = alignment.linked_copy
    if not between or any(w.start in linked for w in between):
        return []
    return between
