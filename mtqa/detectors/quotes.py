"""Altered quotations: words in quotation marks in the copy that reword a quote of the original."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from mtqa.detectors.base import AuditContext
from mtqa.plural import noun, plural
from mtqa.segment.normalize import normalize
from mtqa.segment.quotations import scan_quotations
from mtqa.types import Document, Flag, Severity, Side

if TYPE_CHECKING:
    from spacy.tokens import Token

_CLAUSE_PUNCT = re.compile(r"[,.;:!?…—–-]")
_SENTENCE_PUNCT = re.compile(r"[.!?…]")
_CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "ADV", "NUM"})
_AUXILIARY_LEMMAS = frozenset({"be", "have", "do"})
_NEGATIONS = frozenset({"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without"})


@dataclass(frozen=True)
class Word:
    """One word of a quotation, located in its document.

    ``form`` is the word as written, lowercased, for identity; ``stem`` is its
    lemma, or for an auxiliary or a contraction the word spelled out ("n’t" is
    "not", "’s" is "is"), for matching quotes and telling a change of form
    (house/houses, "it’s"/"it is") from a new word.
    """

    form: str
    stem: str
    start: int
    end: int
    capital: bool
    content: bool
    number: bool
    name: bool
    negation: bool
    clause_end: bool  # a comma, a full stop or a dash follows the word
    sentence_end: bool  # a full stop, a question mark or an ellipsis follows it


@dataclass(frozen=True)
class Quote:
    """A quotation: ``start``/``end`` include its marks; ``inner_end`` is where the closing mark starts.

    A piece of a longer copy quotation (``split_at_units``) holds its opening
    end only when ``opening`` and its closing end only when ``closing``.
    """

    start: int
    end: int
    inner_start: int
    inner_end: int
    words: tuple[Word, ...] = ()
    opening: bool = True
    closing: bool = True


def find_quotes(document: Document) -> list[Quote]:
    """Return the double-quoted spans of each paragraph of ``document``, words not filled in.

    The quotations are found by ``mtqa.segment.quotations``; one that does not
    close ends where the next one opens or at the end of its paragraph.
    """
    paragraphs: dict[int, tuple[int, int]] = {}
    for s in document.sentences:
        first, last = paragraphs.get(s.paragraph, (s.start, s.end))
        paragraphs[s.paragraph] = (min(first, s.start), max(last, s.end))
    quotes = [
        Quote(marks.start, marks.end, *marks.inner)
        for first, last in paragraphs.values()
        for marks in scan_quotations(document.text, first, last)
    ]
    return [q for q in quotes if q.inner_end > q.inner_start]


def split_at_units(quote: Quote, context: AuditContext) -> list[Quote]:
    """Cut a copy quotation where the copy sentences it runs over change alignment unit.

    A quotation that does not close runs to the end of its paragraph, and one
    that closes in a later line of the paragraph spans several sentences; those
    sentences can render different parts of the original, or nothing. Each
    piece is compared, and flagged, on its own, so a flag stays within the
    sentences of the unit it names, and each part of a long quotation is held
    against the original it renders. Only the first piece keeps the opening
    mark and only the last the closing one.

    Args:
        quote: A quotation of the copy, from ``find_quotes``.
        context: The audit, for the copy's sentences and their units.

    Returns:
        ``[quote]`` when its sentences are all in one unit, else one piece per
        run of its sentences in one unit (pieces of whitespace only dropped).
    """
    ids = _sentences_in(context.copy, quote)
    groups: list[list[int]] = []
    for sentence_id in ids:
        if groups and sentence_id in context.unit_copy_ids(groups[-1][0]):
            groups[-1].append(sentence_id)
        else:
            groups.append([sentence_id])
    if len(groups) == 1:
        return [quote]
    sentences = context.copy.sentences
    pieces = []
    for position, group in enumerate(groups):
        first, last = position == 0, position == len(groups) - 1
        inner_start = quote.inner_start if first else max(quote.inner_start, sentences[group[0]].start)
        inner_end = quote.inner_end if last else min(quote.inner_end, sentences[group[-1]].end)
        if inner_end > inner_start:
            start, end = quote.start if first else inner_start, quote.end if last else inner_end
            pieces.append(Quote(start, end, inner_start, inner_end, opening=first, closing=last))
    return pieces


def tag_quotes(context: AuditContext, side: Side, quotes: list[Quote]) -> list[Quote]:
    """Fill in the words of ``quotes`` of ``side``, from the shared parse of the sentences they span."""
    document = context.reference if side == "reference" else context.copy
    return [replace(q, words=_words(context, side, document, q)) for q in quotes]


def _words(context: AuditContext, side: Side, document: Document, quote: Quote) -> tuple[Word, ...]:
    """The words of ``quote``: the tokens of its sentences' parses that start inside its marks."""
    tokens: list[tuple[int, Token]] = []  # (offset in the document, token)
    for sentence_id in _sentences_in(document, quote):
        start = document.sentences[sentence_id].start
        for token in context.parse(side, sentence_id):
            offset = start + token.idx
            if quote.inner_start <= offset < quote.inner_end and not token.is_punct and not token.is_space:
                tokens.append((offset, token))
    words = []
    # Indexed, not zipped with a shifted list: a quotation of punctuation only (“...”) has no token.
    for position, (offset, token) in enumerate(tokens):
        following = tokens[position + 1][0] if position + 1 < len(tokens) else quote.inner_end
        key, contracted = _key(token), token.text[0] in "'’"
        gap = document.text[offset + len(token.text) : max(following, offset + len(token.text))]
        words.append(
            Word(
                form=normalize(token.text).lower(),
                stem=key if token.pos_ == "AUX" or contracted else token.lemma_.lower(),
                start=offset,
                end=offset + len(token.text),
                capital=token.text[0].isupper(),
                content=token.pos_ in _CONTENT_POS and token.lemma_ not in _AUXILIARY_LEMMAS and not contracted,
                number=bool(token.like_num) or token.pos_ == "NUM",
                name=token.pos_ == "PROPN",
                negation=token.dep_ == "neg" or key in _NEGATIONS,
                clause_end=bool(_CLAUSE_PUNCT.search(gap)),
                sentence_end=bool(_SENTENCE_PUNCT.search(gap)),
            )
        )
    return tuple(words)


def _key(token: Token) -> str:
    """The token lowercased, a contraction spelled out."""
    norm = normalize(token.norm_).lower()
    if norm == "'s" and token.pos_ != "PART":  # "it’s": a contracted verb, not a possessive
        following = token.nbor(1) if token.i + 1 < len(token.doc) else None
        return "has" if following is not None and following.tag_ == "VBN" else "is"
    return norm


def _plain(text: str) -> str:
    """The words of ``text``, lowercased, between single spaces: for a verbatim substring test."""
    return " " + " ".join(re.findall(r"\w+", normalize(text).lower())) + " "


class QuoteDetector:
    """Flags copy quotations whose wording differs from the original quote they render.

    A copy quote of at least ``MIN_WORDS`` words whose words stand in the
    original in that order is verbatim. Any other is compared with each window
    of each original quote by the Dice overlap of their lemmas; windows that
    start or end at a clause or sentence boundary gain ``CLAUSE_BONUS`` or
    ``SENTENCE_BONUS``, so a partial quote is matched to the right part of a
    longer one. Quotes in reference sentences aligned with the copy sentence
    gain ``ALIGNED_BONUS``. The best match must score ``MIN_SIMILARITY``; a
    quote with no match is new material, not flagged here.

    Words are compared case-insensitively, without punctuation. The flag
    spans the copy quote with its marks; the suggestion is the matching part
    of the original quote, in the original's marks.

    A copy quote that runs over copy sentences of several alignment units
    (one that never closes runs to the end of its paragraph) is cut at the
    units' boundaries and each piece is judged alone (``split_at_units``): an
    editor gets each flag on the sentences it concerns, and a closing mark the
    copy dropped does not turn the narration after it into one long altered
    quote.

    Severity is major when a number, a negation or a name (proper noun)
    differs, when more than ``MINOR_CONTENT_SHARE`` of the original's content
    words (nouns, verbs, adjectives, adverbs) change other than in form
    (singular/plural, tense), or when more than ``MINOR_FUNCTION_WORDS``
    function words change. Otherwise (a function word or two, a word form, a
    contraction spelled out) it is minor.
    """

    name = "quote"
    english_only = True  # compares English wording
    MIN_WORDS = 2
    MIN_SIMILARITY = 0.5
    ALIGNED_BONUS = 0.2
    SENTENCE_BONUS = 0.1
    CLAUSE_BONUS = 0.05
    MINOR_CONTENT_SHARE = 0.15
    MINOR_FUNCTION_WORDS = 2

    def params(self) -> dict[str, object]:
        """See ``Detector.params``: the class constants, in lowercase."""
        return {name.lower(): getattr(self, name) for name in dir(self) if name.isupper()}

    def detect(self, context: AuditContext) -> list[Flag]:
        """See ``Detector.detect``."""
        references = find_quotes(context.reference)
        # The words of the whole original, and of its quotes run together: a copy quote
        # found in either is verbatim, also when it joins two quotes of the original.
        joined = " ".join(context.reference.text[q.inner_start : q.inner_end] for q in references)
        reference_plain = _plain(context.reference.text) + "|" + _plain(joined)
        copies = [
            q
            for quote in find_quotes(context.copy)
            for q in split_at_units(quote, context)
            if _plain(context.copy.text[q.inner_start : q.inner_end]) not in reference_plain
        ]
        if not copies or not references:
            return []
        references = [q for q in tag_quotes(context, "reference", references) if q.words]
        stems = [Counter(w.stem for w in q.words) for q in references]
        flags = []
        for quote in tag_quotes(context, "copy", copies):
            flag = self._check(quote, references, stems, context) if len(quote.words) >= self.MIN_WORDS else None
            if flag is not None:
                flags.append(flag)
        return flags

    def _check(
        self, quote: Quote, references: list[Quote], stems: list[Counter[str]], context: AuditContext
    ) -> Flag | None:
        copy_id = _sentence_at(context.copy, quote.start)
        aligned = {i for j in _sentences_in(context.copy, quote) for i in context.counterparts(j)}
        target = Counter(w.stem for w in quote.words)
        best: tuple[float, Quote, int, int] | None = None  # similarity, quote, first and last word of the window
        for reference, theirs in zip(references, stems, strict=True):
            bonus = self.ALIGNED_BONUS if set(_sentences_in(context.reference, reference)) & aligned else 0.0
            shared = sum((target & theirs).values())
            # No window shares more than ``shared`` words, so its Dice is at most 2s/(n+s): a quote
            # that cannot reach MIN_SIMILARITY is not searched (the search costs words x words).
            if 2 * shared / (len(quote.words) + shared) + bonus < self.MIN_SIMILARITY:
                continue
            similarity, first, last = self._best_window(quote.words, reference.words)
            similarity += bonus
            if best is None or similarity > best[0]:
                best = (similarity, reference, first, last)
        if best is None or best[0] < self.MIN_SIMILARITY:
            return None
        _, reference, first, last = best
        original, copied = reference.words[first : last + 1], quote.words
        if [w.form for w in original] == [w.form for w in copied]:
            return None
        severity, evidence = self._assess(original, copied, context.reference.text, context.copy.text)
        suggestion = _suggestion(context.reference.text, reference, first, last, quote)
        reference_id = _sentence_at(context.reference, original[0].start)
        return Flag(
            kind=self.name,
            severity=severity,
            copy_id=copy_id,
            reference_id=reference_id,
            start=quote.start,
            end=quote.end,
            text=context.copy.text[quote.start : quote.end],
            suggestion=suggestion,
            message=f"quote altered: {evidence}; original {suggestion} (reference sentence {reference_id})",
        )

    def _best_window(self, copied: tuple[Word, ...], original: tuple[Word, ...]) -> tuple[float, int, int]:
        """Dice overlap of lemmas with the best window of ``original``, and the window's first and last word.

        A copy quote that opens with a capital renders a whole sentence, so
        windows opening a sentence gain ``SENTENCE_BONUS``; otherwise windows
        opening a clause gain ``CLAUSE_BONUS``, as do windows ending one.
        """
        target = Counter(w.stem for w in copied)
        capital = copied[0].capital
        best = (0.0, -1.0, 0, len(original) - 1)  # dice, dice with bonuses, first, last
        for first in range(len(original)):
            previous = original[first - 1] if first else None
            if previous is None or (capital and previous.sentence_end):
                opening = self.SENTENCE_BONUS if capital else self.CLAUSE_BONUS
            else:
                opening = self.CLAUSE_BONUS if previous.clause_end and not capital else 0.0
            window: Counter[str] = Counter()
            shared = 0
            for last in range(first, min(len(original), first + 2 * len(copied) + 2)):
                stem = original[last].stem
                shared += window[stem] < target[stem]
                window[stem] += 1
                dice = 2 * shared / (len(copied) + last - first + 1)
                closing = self.CLAUSE_BONUS if last == len(original) - 1 or original[last].clause_end else 0.0
                ranked = dice + opening + closing
                if ranked > best[1] or (ranked == best[1] and last - first > best[3] - best[2]):
                    best = (dice, ranked, first, last)
        return best[0], best[2], best[3]

    def _assess(
        self, original: tuple[Word, ...], copied: tuple[Word, ...], reference_text: str, copy_text: str
    ) -> tuple[Severity, str]:
        """Severity and evidence of the change from ``original`` to ``copied`` words (of the two texts)."""
        matcher = SequenceMatcher(None, [w.form for w in original], [w.form for w in copied], autojunk=False)
        changes = [(original[i1:i2], copied[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]
        total = max(len(original), len(copied))
        differ = total - sum(block.size for block in matcher.get_matching_blocks())
        removed = [w for old, _ in changes for w in old]
        added = [w for _, new in changes for w in new]
        removed_stems, added_stems = {w.stem for w in removed}, {w.stem for w in added}
        lost = [w for w in removed if w.stem not in added_stems]  # a change of form only is no loss
        gained = [w for w in added if w.stem not in removed_stems]
        reasons = []
        if any(w.number for w in lost + gained):
            reasons.append("a number differs")
        if sum(w.negation for w in original) != sum(w.negation for w in copied):
            reasons.append("a negation differs")
        if any(w.name for w in lost + gained):
            reasons.append("a name differs")
        content_changed = max(sum(w.content for w in lost), sum(w.content for w in gained))
        content_total = max(sum(w.content for w in original), 1)
        if content_changed / content_total > self.MINOR_CONTENT_SHARE:
            verb = noun(content_changed, "differs", "differ")
            if content_changed <= content_total:
                reasons.append(f"{content_changed} of {plural(content_total, 'content word')} {verb}")
            else:  # the copy's quote gained more content words than the original's holds: "6 of 1" reads false
                reasons.append(
                    f"{plural(content_changed, 'content word')} {verb}, where the original has {content_total}"
                )
        function_changed = max(sum(not w.content for w in lost), sum(not w.content for w in gained))
        if function_changed > self.MINOR_FUNCTION_WORDS:
            reasons.append(f"{plural(function_changed, 'function word')} {noun(function_changed, 'differs', 'differ')}")
        shown = "; ".join(
            f"{_words_text(reference_text, old)} → {_words_text(copy_text, new)}" for old, new in changes[:4]
        )
        more = "; …" if len(changes) > 4 else ""
        verdict = "major: " + ", ".join(reasons) if reasons else "minor: only a few function words or word forms differ"
        return (
            "major" if reasons else "minor"
        ), f"{differ} of {plural(total, 'word')} {noun(differ, 'differs', 'differ')} ({shown}{more}); {verdict}"


def _suggestion(text: str, quote: Quote, first: int, last: int, copied: Quote) -> str:
    """The original's words ``first``..``last`` of ``quote``, with attached punctuation, in its marks.

    A mark is left out where neither the ``copied`` piece holds that end of its
    quotation (it was cut at a unit boundary) nor the window reaches that end
    of the original's: the middle of a quotation has no marks.
    """
    start = quote.inner_start if first == 0 else quote.words[first].start
    while start > quote.inner_start and not text[start - 1].isspace():
        start -= 1
    end = quote.inner_end if last == len(quote.words) - 1 else quote.words[last].end
    while end < quote.inner_end and not text[end].isspace():
        end += 1
    wording = " ".join(text[start:end].split())  # one plain space where the original wraps a line
    opening = text[quote.start : quote.inner_start] if copied.opening or first == 0 else ""
    closing = text[quote.inner_end : quote.end] if copied.closing or last == len(quote.words) - 1 else ""
    return opening + wording + closing


def _words_text(text: str, words: tuple[Word, ...]) -> str:
    """The stretch of ``text`` from the first to the last of ``words``, or a dash for none."""
    return " ".join(text[words[0].start : words[-1].end].split()) if words else "—"


def _sentence_at(document: Document, offset: int) -> int:
    """Id of the sentence of ``document`` holding ``offset`` (or the one before it)."""
    return document.sentence_at(offset)


def _sentences_in(document: Document, quote: Quote) -> range:
    """Ids of the sentences ``quote`` overlaps."""
    return range(_sentence_at(document, quote.start), _sentence_at(document, quote.end - 1) + 1)
