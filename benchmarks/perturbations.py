"""How well the flags catch single, controlled errors put into real MT output.

Method. The data are the WMT21 news documents of ``../shared/data/wmt21_news_docs.jsonl``
(sets ja-en, ru-en, is-en): each segment has a professional English reference and
the English outputs of 10 to 16 MT systems, aligned one to one. For a segment,
the *clean* side is the system output with the highest chrF against the
reference; only segments whose best output reaches chrF 50 are used, so the
control is a faithful translation. One error is then put into the clean output,
with spaCy (``mtqa.nlp.parser.english``):

- ``entity_replaced``: a named entity (PERSON, GPE, ORG, NORP, LOC, FAC, EVENT)
  that the reference also has is replaced by an entity of the same label found
  in two other documents or more (a leading "the" is kept out of the swap, and
  the new name comes from an entity that had one too, or had none; a name of as
  many words is preferred). en_core_web_sm's labels are noisy on this news
  ("Fukushima Prefecture" as PERSON), so same-label swaps often cross kinds of
  name; every swap is still a wrong name;
- ``entity_removed``: such an entity is removed where the rest stays a sentence:
  with its preposition ("in Tokyo"), before an appositive ("said Ali Hassan, the
  spokesman" -> "said the spokesman"), after a title ("Prime Minister Suga"), or
  as a modifier ("the Japanese government", "Tokyo police");
- ``subject_removed``: the subject subtree (nsubj/nsubjpass) of a sentence's
  root, when contiguous; the rest starts with a capital letter;
- ``verb_removed``: a sentence's root verb with its auxiliaries, negation and
  particle;
- ``negation_inverted``: a "not", "n't" or "never" is removed when the segment
  has one (and the reference is negated too); else "not" goes after the main
  verb's first auxiliary (or after a copula), or a simple past or present verb
  becomes "did/does/do not" + lemma (when the reference has no negation);
- ``misspelled``: a common content word (a lowercase word of at least five
  letters, zipf >= 3 in wordfreq) gets a letter deleted, two adjacent letters
  swapped or a letter doubled, whichever first gives a non-word (zipf 0);
- ``number_changed``: one digit of a number that the reference also has.

A perturbation is kept only when it applies cleanly (the rules above, and the
result still has at least three words). At most ``--per-doc`` examples of a kind
come from one document, and candidates are visited in an order drawn from the
seed, so a run is deterministic.

Audit. By default each example is audited in its document (``--mode doc``):
the reference document against the clean document (every segment's best system
output) with the one segment replaced by its perturbed version, both written as
their paragraphs joined by blank lines. Only flags in the perturbed segment
count: a flag whose copy span overlaps the segment (an empty span at it or
inside it), or an omission flag whose reference sentence overlaps the
segment's reference. The control is the clean document, audited once per
document, read the same way for that segment. ``--mode pair`` audits
the reference segment against the perturbed segment and against the clean one
instead. One embedder (``default_embedder()``) serves every audit.

The right flag kind per perturbation: entity_replaced -> ``name``; entity_removed
-> ``omission`` (a name dropped from a rendered sentence; the issue asks for an
omission with a span, and the name flags that MT output has of its own would
make every control with a name a false alarm); subject_removed and
verb_removed -> ``syntax``; negation_inverted -> ``meaning``; misspelled ->
``spelling``; number_changed -> ``number``. For the word-level errors
(entity_replaced, misspelled, number_changed) a right-kind flag catches the
error only when its span meets the edited word: an MT segment often has a name
or number flag of its own elsewhere; for the other kinds, only a flag that the
control does not have (same kind, text and suggestion) catches it. The table
gives, per perturbation: n, the share caught by the right kind (``right%``), the
share with a right-kind flag
anywhere in the segment (``r-seg%``), the share with any flag (``any%``), and for
the controls the share flagged by the right kind anywhere in the segment (the
false alarm rate) and by any flag. The target: each kind caught by its right
kind in at least 60% of the examples, with at most 10% of the controls flagged
by that kind. The last column lists the flag kinds on the perturbed segments,
so what catches a negation or a misspelling today (quote, syntax, name) shows.

Run (about 10 minutes on 2 busy cores for 60 a kind: some 600 document audits
at 0.6 to 1 s each, plus a minute to score and parse the data)::

    PYTHONPATH=. python benchmarks/perturbations.py --per-kind 60 --out results.csv --examples 3

``--kinds negation_inverted,misspelled`` runs some kinds only; each kind draws
from its own generator, so its examples are the same as in a full run. To
measure the committed code while the checkout holds other work, run the script
with ``PYTHONPATH`` set to an export of the commit (``git archive HEAD | tar -x -C DIR``).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from sacrebleu.metrics.chrf import CHRF
from wordfreq import zipf_frequency

import mtqa
from mtqa.embed.factory import default_embedder
from mtqa.nlp.parser import english

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from mtqa.embed.base import Embedder
    from mtqa.report.report import Report

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "wmt21_news_docs.jsonl"
SETS = ("ja-en", "ru-en", "is-en")
DEFAULT_SEED = 20210
MIN_CHRF = 50.0
MIN_WORDS = 3
ENTITY_LABELS = ("PERSON", "GPE", "ORG", "NORP", "LOC", "FAC", "EVENT")
RIGHT_KINDS: dict[str, tuple[str, ...]] = {
    "entity_replaced": ("name",),
    "entity_removed": ("omission",),
    "subject_removed": ("syntax",),
    "verb_removed": ("syntax",),
    "negation_inverted": ("meaning",),
    "misspelled": ("spelling",),
    "number_changed": ("number",),
}
KINDS = tuple(RIGHT_KINDS)
# Word-level errors: a flag of the right kind counts only when its span meets the edited word(s).
LOCATED = ("entity_replaced", "misspelled", "number_changed")
# Besides the right kind, record whether these caught the error too.
ALSO_RECORDED: dict[str, tuple[str, ...]] = {
    "entity_removed": ("name",),
    "misspelled": ("name",),
    "negation_inverted": ("quote", "syntax"),
}
TITLES = {
    "president", "minister", "chancellor", "governor", "mayor", "secretary", "spokesman", "spokeswoman",
    "spokesperson", "chairman", "chairwoman", "director", "leader", "senator", "coach", "manager", "professor",
    "judge", "prosecutor", "general", "king", "queen", "prince", "princess", "premier", "ambassador", "head",
}  # fmt: skip
NEGATIONS = re.compile(r"\b(?:not|never|no|cannot|nobody|nothing|none|neither|nor|without)\b|n't|n’t", re.IGNORECASE)
NAME_TEXT = re.compile(r"[^\W\d_]+(?:[ .&-]+[^\W\d_]+)*\.?")  # words, no brackets, quotes or digits
NUMBER = re.compile(r"\d(?:[\d,.]*\d)?")
SENTENCE_END = (".", "!", "?", '."', ".”", "…")
CLOSING = ".,;:!?)]}%"


# ---------------------------------------------------------------- data


@dataclass(frozen=True)
class NewsDoc:
    """One WMT21 document: its reference and, per segment, the best system output and its chrF."""

    set: str
    doc: str
    paragraphs: tuple[int, ...]
    reference: tuple[str, ...]
    clean: tuple[str, ...]
    systems: tuple[str, ...]
    chrf: tuple[float, ...]


@dataclass(frozen=True)
class Perturbation:
    """One error put into a clean segment: what changed, how, and the result."""

    kind: str
    detail: str
    original: str
    replacement: str
    text: str
    start: int  # the edit in ``text``: the new characters, or an empty span where characters were cut
    end: int


@dataclass(frozen=True)
class FlagHit:
    """A flag of an audit that falls in the segment under test."""

    kind: str
    severity: str
    text: str
    suggestion: str
    start: int  # offsets in the segment (an omission placed by its reference sentence may lie outside)
    end: int

    def __str__(self) -> str:
        shown = f"{self.text!r}" if self.text else "(empty span)"
        return f"{self.kind}/{self.severity} {shown}" + (f" -> {self.suggestion[:60]!r}" if self.suggestion else "")


@dataclass
class Example:
    """A perturbed segment with the flags its audit and its control's audit put on it."""

    news: NewsDoc
    index: int
    perturbation: Perturbation
    perturbed_flags: list[FlagHit] = field(default_factory=list)
    control_flags: list[FlagHit] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.perturbation.kind

    def kinds(self, control: bool = False) -> set[str]:
        return {hit.kind for hit in (self.control_flags if control else self.perturbed_flags)}

    def caught_in_segment(self, control: bool = False) -> bool:
        """Whether the right kind flagged the segment anywhere (on the control: a false alarm)."""
        return bool(self.kinds(control) & set(RIGHT_KINDS[self.kind]))

    def new_flags(self) -> list[FlagHit]:
        """The perturbed segment's flags that its control does not have (same kind, text and suggestion)."""
        control = {(h.kind, h.text, h.suggestion) for h in self.control_flags}
        return [h for h in self.perturbed_flags if (h.kind, h.text, h.suggestion) not in control]

    def caught(self) -> bool:
        """Whether the right kind caught the error: a flag on the edit for a word-level error
        (``LOCATED``); for the others, a flag in the segment that the control does not have."""
        if self.kind not in LOCATED:
            return any(hit.kind in RIGHT_KINDS[self.kind] for hit in self.new_flags())
        edit = (self.perturbation.start - 1, self.perturbation.end + 1)
        return any(
            hit.kind in RIGHT_KINDS[self.kind] and overlaps(hit.start, hit.end, edit) for hit in self.perturbed_flags
        )


def clean_segment(text: str) -> str:
    """A segment on one line, without outer whitespace (a line break would start a paragraph)."""
    return re.sub(r"\s*\n\s*", " ", text).strip()


def load_documents(sets: Sequence[str]) -> list[NewsDoc]:
    """Every document of ``sets`` with its best system output per segment (highest chrF, ties by name)."""
    chrf = CHRF()
    documents = []
    with DATA.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["set"] not in sets:
                continue
            reference = tuple(clean_segment(s) for s in record["reference"])
            systems = sorted(record["systems"])
            clean, chosen, scores = [], [], []
            for i, ref in enumerate(reference):
                best = (-1.0, "", "")
                for system in systems:
                    hypothesis = clean_segment(record["systems"][system][i])
                    score = chrf.sentence_score(hypothesis, [ref]).score if hypothesis and ref else 0.0
                    if score > best[0]:
                        best = (score, system, hypothesis)
                scores.append(best[0])
                chosen.append(best[1])
                clean.append(best[2])
            documents.append(
                NewsDoc(
                    record["set"],
                    record["doc"],
                    tuple(record["paragraphs"]),
                    reference,
                    tuple(clean),
                    tuple(chosen),
                    tuple(scores),
                )
            )
    return documents


def join_segments(segments: Sequence[str], paragraphs: Sequence[int]) -> tuple[str, list[tuple[int, int]]]:
    """The document text (segments joined by spaces, paragraphs by blank lines) and each segment's span."""
    if sum(paragraphs) != len(segments):
        paragraphs = [len(segments)]
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    position = 0
    index = 0
    for size in paragraphs:
        started = False
        for segment in segments[index : index + size]:
            if segment:
                separator = (" " if started else "\n\n") if parts else ""
                parts.append(separator)
                position += len(separator)
                started = True
            spans.append((position, position + len(segment)))
            parts.append(segment)
            position += len(segment)
        index += size
    return "".join(parts), spans


# ---------------------------------------------------------------- text edits


def capitalise(text: str) -> str:
    """``text`` with its first letter upper-cased."""
    for i, char in enumerate(text):
        if char.isalpha():
            return text[:i] + char.upper() + text[i + 1 :]
    return text


def starts_sentence(before: str) -> bool:
    """Whether text following ``before`` opens a sentence."""
    stripped = before.rstrip()
    return not any(c.isalnum() for c in stripped) or stripped.endswith(SENTENCE_END)


def remove_span(text: str, start: int, end: int) -> tuple[str, int]:
    """``text`` without ``text[start:end]``, the junction tidied and a new sentence start capitalised,
    and the offset of the junction in the result."""
    left = text[:start].rstrip(" ")
    right = text[end:].lstrip(" ")
    if left.endswith((",", ";", ":")) and right[:1] in {",", ".", ";", ":"}:
        left = left[:-1]
    if starts_sentence(left):
        right = capitalise(right.lstrip(",;: "))
    if not left or not right or right[0] in CLOSING or left[-1] in '([{“‘"':
        return left + right, len(left)
    return left + " " + right, len(left)


def remove_spans(text: str, spans: Iterable[tuple[int, int]]) -> tuple[str, int]:
    """``text`` without each span, last first so earlier offsets stay valid, and the first junction."""
    junction = 0
    for start, end in sorted(spans, reverse=True):
        text, junction = remove_span(text, start, end)
    return text, junction


def token_span(tokens: Sequence[Token]) -> tuple[int, int]:
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def accept(
    kind: str, detail: str, clean: str, original: str, replacement: str, text: str, at: int
) -> Perturbation | None:
    """The perturbation (its edit ``replacement`` at ``at`` in ``text``) when it changed the text and
    left a sentence of a few words; else None."""
    if text == clean or word_count(text) < MIN_WORDS or "()" in text or "( )" in text:
        return None
    return Perturbation(kind, detail, original, replacement, text, at, at + len(replacement))


# ---------------------------------------------------------------- entities


def entity_core(ent: Span) -> tuple[Span, bool]:
    """The entity without a leading "the", and whether a "the" goes with it (inside or right before)."""
    if ent[0].lower_ == "the" and len(ent) > 1:
        return ent[1:], True
    before = ent.doc[ent.start - 1] if ent.start > 0 else None
    return ent, before is not None and before.lower_ == "the"


def usable_entity(ent: Span) -> bool:
    """A plain name: a label we test, capitalised, a few words, no digits or apostrophes, and not
    part of a longer run of proper nouns that the tagger cut short ("the Richard Nixon Presidential Library")."""
    core, _ = entity_core(ent)
    text = core.text
    doc = ent.doc
    outside = [doc[core.start - 1]] if core.start > 0 else []
    outside += [doc[ent.end]] if ent.end < len(doc) else []
    return (
        ent.label_ in ENTITY_LABELS
        and not any(t.pos_ == "PROPN" for t in outside)
        and len(core) <= 5
        and text[:1].isupper()
        and not any(c.isdigit() for c in text)
        and NAME_TEXT.fullmatch(text) is not None
    )


def entities_in_reference(doc: Doc, reference: str) -> list[Span]:
    """The usable entities of ``doc`` whose text the reference has too (so the reference is the gold)."""
    return [ent for ent in doc.ents if usable_entity(ent) and entity_core(ent)[0].text in reference]


EntityPool = dict[tuple[str, bool], list[tuple[str, frozenset[str]]]]


def entity_pool(parses: dict[tuple[str, int], Doc]) -> EntityPool:
    """Usable entity texts by (label, has "the"), each with the documents it occurs in, in a fixed order."""
    found: dict[tuple[str, bool], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for (doc_id, _), doc in parses.items():
        for ent in doc.ents:
            if usable_entity(ent):
                core, has_the = entity_core(ent)
                found[(ent.label_, has_the)][core.text].add(doc_id)
    # a text tagged with the label in two documents or more, so a tagger's slip is rarely the new name
    return {
        key: sorted((text, frozenset(docs)) for text, docs in texts.items() if len(docs) >= 2)
        for key, texts in found.items()
    }


def replace_entity(doc: Doc, news: NewsDoc, index: int, rng: random.Random, pool: EntityPool) -> Perturbation | None:
    """Swap an entity for one of the same label from another document."""
    clean = doc.text
    candidates = entities_in_reference(doc, news.reference[index])
    rng.shuffle(candidates)
    reference_doc = " ".join(news.reference) + " " + " ".join(news.clean)
    for ent in candidates:
        core, has_the = entity_core(ent)
        words = {w.lower() for w in re.findall(r"\w+", core.text)}
        options = [
            text
            for text, docs in pool.get((ent.label_, has_the), [])
            if news.doc not in docs
            and text not in reference_doc
            and not words & {w.lower() for w in re.findall(r"\w+", text)}
        ]
        # a name of as many words when there is one ("Robinson" -> "Ivanov", not "Robinson" -> "Kate Bush")
        same_length = [text for text in options if len(text.split()) == len(core.text.split())]
        if not options:
            continue
        new = rng.choice(same_length or options)
        start, end = core.start_char, core.end_char
        text = clean[:start] + new + clean[end:]
        if found := accept("entity_replaced", ent.label_, clean, core.text, new, text, start):
            return found
    return None


def removal_span(ent: Span) -> tuple[int, int, str] | None:
    """Characters to cut to remove ``ent`` and leave a sentence, with the rule used; None if none fits."""
    doc = ent.doc
    core, _ = entity_core(ent)
    after = doc[ent.end] if ent.end < len(doc) else None
    if after is not None and after.tag_ == "POS":
        return None  # "Russia's president": nothing sensible is left
    root = ent.root
    first = ent[0]
    before = doc[first.i - 1] if first.i > 0 else None
    # "in Tokyo", "of the Kremlin": the whole prepositional phrase
    if root.dep_ == "pobj" and root.head.dep_ == "prep" and root.head.i < first.i:
        prep = root.head
        allowed = {prep.i, *range(ent.start, ent.end)}
        if before is not None and before.lower_ == "the":
            allowed.add(before.i)
        subtree = {t.i for t in prep.subtree}
        if (
            subtree == allowed
            and max(allowed) - min(allowed) + 1 == len(allowed)
            and prep.head.lower_ not in {"according", "due", "because", "instead", "ahead"}
            and prep.head.dep_ != "prep"
        ):
            return prep.idx, ent.end_char, "prepositional phrase"
    # "said Ali Hassan, the spokesman": the name and its comma
    appositives = [c for c in root.children if c.dep_ == "appos" and c.i > root.i]
    if appositives and after is not None and after.text == ",":
        appos = appositives[0]
        appos_tokens = sorted(appos.subtree, key=lambda t: t.i)
        if appos_tokens[0].i == ent.end + 1:
            end = after.idx + 1
            following = doc[appos_tokens[-1].i + 1] if appos_tokens[-1].i + 1 < len(doc) else None
            if following is not None and following.text == "," and root.head.i > following.i:
                # "Ali Hassan, the spokesman, said": the closing comma goes too
                return ent.start_char, end, "before appositive (and its comma)"
            return ent.start_char, end, "before appositive"
    # "Prime Minister Yoshihide Suga said": the title stays
    if (
        ent.label_ == "PERSON"
        and before is not None
        and before.lower_ in TITLES
        and before.head.i in range(ent.start, ent.end)
    ):
        return ent.start_char, ent.end_char, "after title"
    # "the Japanese government", "Tokyo police": a modifier of the next noun
    if (
        root.dep_ in {"compound", "amod", "nmod"}
        and after is not None
        and root.head.i == ent.end
        and after.pos_ in {"NOUN", "PROPN"}
        and ent.label_ != "PERSON"
        and (before is None or before.lower_ not in {"a", "an"})  # "an IoT world" -> "an world"
    ):
        return core.start_char, core.end_char, "modifier"
    return None


def remove_entity(doc: Doc, news: NewsDoc, index: int, rng: random.Random, pool: EntityPool) -> Perturbation | None:
    """Cut an entity where a rule of ``removal_span`` fits."""
    clean = doc.text
    candidates = entities_in_reference(doc, news.reference[index])
    rng.shuffle(candidates)
    for ent in candidates:
        cut = removal_span(ent)
        if cut is None:
            continue
        start, end, rule = cut
        text, at = remove_span(clean, start, end)
        if found := accept("entity_removed", f"{ent.label_}: {rule}", clean, clean[start:end], "", text, at):
            return found
    return None


# ---------------------------------------------------------------- syntax


def sentences(doc: Doc, rng: random.Random) -> list[Span]:
    """The segment's sentences of five tokens or more that are not questions, in a seeded order."""
    found = [s for s in doc.sents if len(s) >= 5 and not s.text.rstrip().endswith("?")]
    rng.shuffle(found)
    return found


def remove_subject(doc: Doc, news: NewsDoc, index: int, rng: random.Random, pool: EntityPool) -> Perturbation | None:
    """Cut the subject subtree of a sentence's root verb."""
    clean = doc.text
    for sent in sentences(doc, rng):
        root = sent.root
        if root.pos_ not in {"VERB", "AUX"}:
            continue
        subjects = [c for c in root.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if len(subjects) != 1:
            continue
        tokens = sorted(subjects[0].subtree, key=lambda t: t.i)
        if tokens[-1].i - tokens[0].i + 1 != len(tokens) or len(tokens) >= len(sent) - 2:
            continue
        following = sent.doc[tokens[-1].i + 1] if tokens[-1].i + 1 < len(sent.doc) else None
        if following is not None and following.text[:1] in {"'", "’"}:
            continue  # "we'll" would leave "'ll"
        start, end = token_span(tokens)
        text, at = remove_span(clean, start, end)
        detail = "before the verb" if tokens[-1].i < root.i else "after the verb"
        if found := accept("subject_removed", detail, clean, clean[start:end], "", text, at):
            return found
    return None


def remove_verb(doc: Doc, news: NewsDoc, index: int, rng: random.Random, pool: EntityPool) -> Perturbation | None:
    """Cut a sentence's root verb with its auxiliaries, negation and particle."""
    clean = doc.text
    for sent in sentences(doc, rng):
        root = sent.root
        if root.pos_ not in {"VERB", "AUX"}:
            continue
        tokens = [root] + [c for c in root.children if c.dep_ in {"aux", "auxpass", "neg", "prt"}]
        removed = " ".join(t.text for t in sorted(tokens, key=lambda t: t.i))
        text, at = remove_spans(clean, (token_span([t]) for t in tokens))
        if found := accept("verb_removed", root.pos_, clean, removed, "", text, at):
            return found
    return None


# ---------------------------------------------------------------- negation


CONTRACTED = {"ca": "can", "wo": "will", "sha": "shall"}


def drop_negation(doc: Doc, clean: str, rng: random.Random) -> Perturbation | None:
    """Remove a "not", "n't" or "never" ("ca n't" -> "can", "wo n't" -> "will")."""
    negations = [t for t in doc if t.lower_ in {"not", "n't", "n’t", "never"} and t.dep_ == "neg"]
    rng.shuffle(negations)
    for token in negations:
        if token.lower_ in {"n't", "n’t"}:
            host = doc[token.i - 1]
            restored = CONTRACTED.get(host.lower_, host.text)
            if host.lower_ in CONTRACTED and host.text[:1].isupper():
                restored = restored.capitalize()
            start, end = host.idx, token.idx + len(token.text)
            text = clean[:start] + restored + clean[end:]
            at = start
            detail = "removed n't"
        else:
            start, end = token_span([token])
            text, at = remove_span(clean, start, end)
            restored = ""
            detail = f"removed {token.lower_}"
        if found := accept("negation_inverted", detail, clean, clean[start:end], restored, text, at):
            return found
    return None


def insert_negation(doc: Doc, clean: str, rng: random.Random) -> Perturbation | None:
    """Negate a sentence's main verb: "not" after its first auxiliary or copula, or do-support."""
    for sent in sentences(doc, rng):
        root = sent.root
        if any(t.dep_ == "neg" for t in sent):
            continue
        auxiliaries = sorted(
            (c for c in root.children if c.dep_ in {"aux", "auxpass"} and c.tag_ != "TO" and c.i < root.i),
            key=lambda t: t.i,
        )
        subjects = [c.i for c in root.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if auxiliaries:
            host = auxiliaries[0]
            if any(i > host.i for i in subjects):
                continue  # a question or an inversion
            at = host.idx + len(host.text)
            text = clean[:at] + " not" + clean[at:]
            detail = "inserted not after auxiliary"
            if found := accept("negation_inverted", detail, clean, host.text, "not", text, at + 1):
                return found
        elif root.lemma_ == "be":
            at = root.idx + len(root.text)
            text = clean[:at] + " not" + clean[at:]
            detail = "inserted not after copula"
            if found := accept("negation_inverted", detail, clean, root.text, "not", text, at + 1):
                return found
        elif root.pos_ == "VERB" and root.tag_ in {"VBD", "VBZ", "VBP"} and root.text.isalpha() and root.text.islower():
            support = {"VBD": "did", "VBZ": "does", "VBP": "do"}[root.tag_]
            new = f"{support} not {root.lemma_.lower()}"
            start, end = token_span([root])
            text = clean[:start] + new + clean[end:]
            if found := accept("negation_inverted", f"{support} not + lemma", clean, root.text, new, text, start):
                return found
    return None


def invert_negation(doc: Doc, news: NewsDoc, index: int, rng: random.Random, pool: EntityPool) -> Perturbation | None:
    """Remove a negation the reference shares, else add one to an affirmative segment and reference."""
    reference = news.reference[index]
    clean = doc.text
    if NEGATIONS.search(reference) and (found := drop_negation(doc, clean, rng)):
        return found
    if NEGATIONS.search(reference) or NEGATIONS.search(clean):
        return None
    return insert_negation(doc, clean, rng)


# ---------------------------------------------------------------- words and numbers


def misspellings(word: str) -> list[tuple[str, str]]:
    """Every deletion, adjacent transposition and doubling that keeps the first letter."""
    found = []
    for i in range(1, len(word)):
        found.append((word[:i] + word[i + 1 :], "deletion"))
        found.append((word[:i] + word[i] + word[i:], "doubling"))
        if i < len(word) - 1 and word[i] != word[i + 1]:
            found.append((word[:i] + word[i + 1] + word[i] + word[i + 2 :], "transposition"))
    return found


def misspell(doc: Doc, news: NewsDoc, index: int, rng: random.Random, pool: EntityPool) -> Perturbation | None:
    """Turn a common content word into a non-word."""
    clean = doc.text
    words = [
        t
        for t in doc
        if t.pos_ in {"NOUN", "VERB", "ADJ", "ADV"}
        and t.text.isalpha()
        and t.text.islower()
        and len(t.text) >= 5
        and zipf_frequency(t.text, "en") >= 3.0
    ]
    rng.shuffle(words)
    for token in words:
        options = misspellings(token.text)
        rng.shuffle(options)
        for wrong, how in options:
            if zipf_frequency(wrong, "en") == 0:
                start, end = token_span([token])
                text = clean[:start] + wrong + clean[end:]
                if found := accept("misspelled", how, clean, token.text, wrong, text, start):
                    return found
    return None


def change_number(doc: Doc, news: NewsDoc, index: int, rng: random.Random, pool: EntityPool) -> Perturbation | None:
    """Change one digit of a number that the reference has too."""
    clean = doc.text
    reference = news.reference[index]
    numbers = [
        t
        for t in doc
        if NUMBER.fullmatch(t.text) and re.search(rf"(?<![\d.,]){re.escape(t.text)}(?![\d]|[.,]\d)", reference)
    ]
    rng.shuffle(numbers)
    for token in numbers:
        positions = [i for i, c in enumerate(token.text) if c.isdigit()]
        at = rng.choice(positions)
        lowest = 1 if at == 0 and len(positions) > 1 else 0
        digit = rng.choice([str(d) for d in range(lowest, 10) if str(d) != token.text[at]])
        new = token.text[:at] + digit + token.text[at + 1 :]
        start, end = token_span([token])
        text = clean[:start] + new + clean[end:]
        if found := accept("number_changed", "digit", clean, token.text, new, text, start):
            return found
    return None


Perturber = Callable[["Doc", NewsDoc, int, random.Random, EntityPool], Perturbation | None]
PERTURBERS: dict[str, Perturber] = {
    "entity_replaced": replace_entity,
    "entity_removed": remove_entity,
    "subject_removed": remove_subject,
    "verb_removed": remove_verb,
    "negation_inverted": invert_negation,
    "misspelled": misspell,
    "number_changed": change_number,
}


# ---------------------------------------------------------------- sampling


def parse_clean(documents: Sequence[NewsDoc]) -> dict[tuple[str, int], Doc]:
    """spaCy's parse of every clean segment good enough to use (chrF >= ``MIN_CHRF``)."""
    keys = [(d.doc, i) for d in documents for i, score in enumerate(d.chrf) if score >= MIN_CHRF and d.clean[i]]
    by_id = {d.doc: d for d in documents}
    texts = [by_id[doc].clean[i] for doc, i in keys]
    return dict(zip(keys, english().pipe(texts, batch_size=256), strict=True))


def sample(
    documents: Sequence[NewsDoc],
    parses: dict[tuple[str, int], Doc],
    per_kind: int,
    per_doc: int,
    seed: int,
    kinds: Sequence[str] = KINDS,
) -> list[Example]:
    """Up to ``per_kind`` examples of each of ``kinds``, at most ``per_doc`` of a kind from one document.

    Each kind draws from its own generator, so a kind's examples do not depend on which other kinds run.
    """
    by_id = {d.doc: d for d in documents}
    pool = entity_pool(parses)
    examples = []
    for kind in kinds:
        rng = random.Random(f"{seed}:{kind}")
        keys = sorted(parses)
        rng.shuffle(keys)
        taken: Counter[str] = Counter()
        for doc_id, index in keys:
            if sum(taken.values()) >= per_kind:
                break
            if taken[doc_id] >= per_doc:
                continue
            news = by_id[doc_id]
            found = PERTURBERS[kind](parses[(doc_id, index)], news, index, rng, pool)
            if found is not None:
                examples.append(Example(news, index, found))
                taken[doc_id] += 1
    return examples


# ---------------------------------------------------------------- audits


def overlaps(start: int, end: int, span: tuple[int, int]) -> bool:
    """Whether ``[start, end)`` meets ``span``; an empty flag span counts at either edge."""
    if start == end:
        return span[0] <= start <= span[1]
    return start < span[1] and end > span[0]


def hits(report: Report, copy_span: tuple[int, int] | None, reference_span: tuple[int, int] | None) -> list[FlagHit]:
    """The report's flags that fall in the segment (every flag when no span is given), offsets in the segment."""
    offset = copy_span[0] if copy_span is not None else 0
    reference_sentences: dict[int, tuple[int, int]] = {
        int(row["id"]): (int(row["start"]), int(row["end"]))
        for row in report.sentences.to_dict("records")
        if row["side"] == "reference"
    }
    found = []
    for flag in report.flags.to_dict("records"):
        start, end = int(flag["start"]), int(flag["end"])
        inside = copy_span is None or overlaps(start, end, copy_span)
        reference_id = flag["reference_id"]
        if not inside and flag["kind"] == "omission" and reference_span is not None and pd.notna(reference_id):
            sentence = reference_sentences.get(int(reference_id))
            inside = sentence is not None and overlaps(*sentence, reference_span)
        if inside:
            suggestion = str(flag["suggestion"]) if pd.notna(flag["suggestion"]) else ""
            hit = FlagHit(
                str(flag["kind"]), str(flag["severity"]), str(flag["text"]), suggestion, start - offset, end - offset
            )
            found.append(hit)
    return found


class Auditor:
    """Runs the audits of the examples, in documents or as sentence pairs, with one embedder."""

    def __init__(self, mode: str, embedder: Embedder) -> None:
        self.mode = mode
        self.embedder = embedder
        self.controls: dict[tuple[str, int] | str, Report] = {}
        self.audits = 0
        self.seconds = 0.0

    def _audit(self, reference: str, copy: str) -> Report:
        began = time.perf_counter()
        report = mtqa.audit(reference, copy, embedder=self.embedder)
        self.seconds += time.perf_counter() - began
        self.audits += 1
        return report

    def run(self, example: Example) -> None:
        """Fill in the flags that the example's perturbed segment and its control get."""
        news, index = example.news, example.index
        if self.mode == "pair":
            reference = news.reference[index]
            example.perturbed_flags = hits(self._audit(reference, example.perturbation.text), None, None)
            key: tuple[str, int] | str = (news.doc, index)
            if key not in self.controls:
                self.controls[key] = self._audit(reference, news.clean[index])
            example.control_flags = hits(self.controls[key], None, None)
            return
        reference_text, reference_spans = join_segments(news.reference, news.paragraphs)
        clean_text, clean_spans = join_segments(news.clean, news.paragraphs)
        segments = list(news.clean)
        segments[index] = example.perturbation.text
        perturbed_text, perturbed_spans = join_segments(segments, news.paragraphs)
        report = self._audit(reference_text, perturbed_text)
        example.perturbed_flags = hits(report, perturbed_spans[index], reference_spans[index])
        if news.doc not in self.controls:
            self.controls[news.doc] = self._audit(reference_text, clean_text)
        example.control_flags = hits(self.controls[news.doc], clean_spans[index], reference_spans[index])


# ---------------------------------------------------------------- output


def kinds_of(examples: Sequence[Example]) -> list[str]:
    """The perturbation kinds that have examples, in ``KINDS`` order."""
    present = {e.kind for e in examples}
    return [k for k in KINDS if k in present]


def percent(count: int, total: int) -> str:
    return f"{100 * count / total:5.1f}" if total else "    -"


def table(examples: Sequence[Example]) -> str:
    """Per kind: n, caught by the right kind (on the edit for word-level errors, and anywhere in the
    segment), by any flag, and the controls' rates: flagged in the segment by the right kind, by any."""
    lines = [
        f"{'perturbation':<18} {'right kind':<15} {'n':>4} {'right%':>7} {'r-seg%':>7} {'any%':>6} "
        f"{'ctrl right%':>12} {'ctrl any%':>10}  {'target':<6}  flag kinds on the perturbed segment",
    ]
    for kind in kinds_of(examples):
        group = [e for e in examples if e.kind == kind]
        n = len(group)
        right = sum(e.caught() for e in group)
        in_segment = sum(e.caught_in_segment() for e in group)
        anything = sum(bool(e.perturbed_flags) for e in group)
        control_right = sum(e.caught_in_segment(control=True) for e in group)
        control_any = sum(bool(e.control_flags) for e in group)
        met = n > 0 and right >= 0.6 * n and control_right <= 0.1 * n
        by_kind = Counter(k for e in group for k in e.kinds())
        also = ", ".join(f"{k} {percent(c, n).strip()}%" for k, c in sorted(by_kind.items(), key=lambda kv: -kv[1]))
        lines.append(
            f"{kind:<18} {'/'.join(RIGHT_KINDS[kind]):<15} {n:>4} {percent(right, n):>7} {percent(in_segment, n):>7} "
            f"{percent(anything, n):>6} "
            f"{percent(control_right, n):>12} {percent(control_any, n):>10}  {'yes' if met else 'no':<6}  {also}"
        )
    return "\n".join(lines)


def breakdowns(examples: Sequence[Example]) -> str:
    """Which of the right kinds caught entity removals, and how perturbations were made."""
    lines = []
    for kind, others in ALSO_RECORDED.items():
        group = [e for e in examples if e.kind == kind]
        for other in others if group else ():
            caught = sum(other in e.kinds() for e in group)
            lines.append(f"{kind} flagged by {other}: {caught}/{len(group)}")
    for kind in kinds_of(examples):
        group = [e for e in examples if e.kind == kind]
        details = Counter(e.perturbation.detail for e in group)
        shown = ", ".join(f"{d} {c}" for d, c in details.most_common())
        caught_by_detail = {d: sum(e.caught() for e in group if e.perturbation.detail == d) for d in details}
        rates = ", ".join(f"{d} {caught_by_detail[d]}/{c}" for d, c in details.most_common())
        lines.append(f"{kind} made by: {shown}\n    caught by the right kind: {rates}")
    return "\n".join(lines)


def show(example: Example) -> str:
    """One example, short: the change, the perturbed text and the flags."""
    p = example.perturbation
    marked = f"{p.text[: p.start]}«{p.text[p.start : p.end]}»{p.text[p.end :]}"
    flags = "; ".join(str(h) for h in example.perturbed_flags) or "no flag"
    control = "; ".join(str(h) for h in example.control_flags) or "no flag"
    return (
        f"  [{example.news.doc} #{example.index}, {p.detail}] {p.original!r} -> {p.replacement!r}\n"
        f"    ref:  {example.news.reference[example.index]}\n"
        f"    copy: {marked}\n"
        f"    flags: {flags}\n"
        f"    control flags: {control}"
    )


def print_examples(examples: Sequence[Example], count: int, seed: int) -> None:
    rng = random.Random(seed)
    for kind in kinds_of(examples):
        group = [e for e in examples if e.kind == kind]
        for caught, title in ((True, "caught"), (False, "missed")):
            chosen = [e for e in group if e.caught() == caught]
            rng.shuffle(chosen)
            print(f"\n{kind}: {title} ({len(chosen)})")
            for example in chosen[:count]:
                print(show(example))


def write_rows(path: Path, examples: Sequence[Example]) -> None:
    """One row per example, with the flags of both audits as ``kind/severity 'text'`` joined by " | "."""
    columns = [
        "set", "doc", "segment", "kind", "detail", "system", "clean_chrf", "reference", "clean", "perturbed",
        "original", "replacement", "edit_start", "edit_end", "caught_right", "caught_right_in_segment",
        "caught_any", "control_right", "control_any",
        "flags_perturbed", "flags_control",
    ]  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for e in examples:
            p = e.perturbation
            writer.writerow(
                [
                    e.news.set,
                    e.news.doc,
                    e.index,
                    p.kind,
                    p.detail,
                    e.news.systems[e.index],
                    round(e.news.chrf[e.index], 1),
                    e.news.reference[e.index],
                    e.news.clean[e.index],
                    p.text,
                    p.original,
                    p.replacement,
                    p.start,
                    p.end,
                    int(e.caught()),
                    int(e.caught_in_segment()),
                    int(bool(e.perturbed_flags)),
                    int(e.caught_in_segment(control=True)),
                    int(bool(e.control_flags)),
                    " | ".join(str(h) for h in e.perturbed_flags),
                    " | ".join(str(h) for h in e.control_flags),
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=100, help="examples per perturbation kind")
    parser.add_argument("--per-doc", type=int, default=2, help="at most this many examples of a kind per document")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated WMT21 sets")
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated perturbation kinds")
    parser.add_argument("--mode", choices=("doc", "pair"), default="doc", help="audit whole documents or pairs")
    parser.add_argument("--out", type=Path, help="write one CSV row per example here")
    parser.add_argument("--examples", type=int, default=0, help="print this many caught and missed examples per kind")
    args = parser.parse_args()
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = [s for s in sets if s not in SETS]
    if unknown:
        parser.error(f"unknown set(s) {unknown}; choose from {', '.join(SETS)}")
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    if not kinds or any(k not in KINDS for k in kinds):
        parser.error(f"--kinds: choose from {', '.join(KINDS)}")

    began = time.perf_counter()
    documents = load_documents(sets)
    parses = parse_clean(documents)
    examples = sample(documents, parses, args.per_kind, args.per_doc, args.seed, kinds)
    counts = Counter(e.kind for e in examples)
    print(
        f"{len(documents)} documents ({', '.join(sets)}), {len(parses)} segments with a clean output "
        f"(chrF >= {MIN_CHRF:g}); examples: " + ", ".join(f"{k} {counts[k]}" for k in kinds),
        file=sys.stderr,
    )
    auditor = Auditor(args.mode, default_embedder())
    for done, example in enumerate(examples, 1):
        auditor.run(example)
        if done % 25 == 0 or done == len(examples):
            print(
                f"  {done}/{len(examples)} examples, {auditor.audits} audits, "
                f"{auditor.seconds / max(auditor.audits, 1):.2f} s per audit",
                file=sys.stderr,
            )
    if args.examples:
        print_examples(examples, args.examples, args.seed)
    print(
        f"\nmode {args.mode}, seed {args.seed}, sets {','.join(sets)}, {len(examples)} examples, "
        f"{auditor.audits} audits in {auditor.seconds:.0f} s, total {time.perf_counter() - began:.0f} s\n"
    )
    print(breakdowns(examples))
    print()
    print(table(examples))
    if args.out:
        write_rows(args.out, examples)
        print(f"\nrows: {args.out}")


if __name__ == "__main__":
    main()
