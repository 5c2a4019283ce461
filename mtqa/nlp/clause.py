"""Whether a sentence reads as a subject and a finite verb, where the small parser found no such clause.

spaCy's small English model often loses a sentence's verb to a noun or participle reading after a
long or foreign subject: "Billions of pieces of clothing end up in landfills" gets "end" as a noun,
"The fire in the cathedral of Sts. Anna and Paul occurred on May 8" gets "fire" as its head. Split
such a sentence before a word that may be a verb, and put a pronoun in place of everything before
it: "They end up in landfills", "It occurred on May 8" parse as sound clauses. When the words before
the split form one plain noun phrase (no verb, no clause of their own, no two noun phrases side by
side) and the words from the split on make a finite clause with the pronoun as subject, the sentence
is a subject and its predicate, whatever the first parse said.

A fragment stays one: "The minister the plan for the city" has no word that may be a verb after a
noun phrase, and "East for the next four years" has none that takes anything after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from mtqa.nlp.grammar import FINITE_TAGS, SUBJECTS, WH_TAGS
from mtqa.nlp.parser import english
from mtqa.nlp.word_classes import known_non_verb
from mtqa.segment.quotations import quotation_spans

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# The least chance the tagger gives a word of being a verb, in its sentence, for it to be tried as one.
MIN_VERB_CHANCE = 0.01
# A word before the split at least this likely a finite verb makes the words before it a clause already.
FINITE_CHANCE = 0.5
# Below this chance of carrying tense, a word read as a participle is a verb only with an object.
PARTICIPLE_FINITE_CHANCE = 0.2
# What stands in for the subject: plural first, then singular, so that either agreement parses.
PRONOUNS = ("They", "It")
# Words after which a determiner opens a second noun phrase ("Officials the bridge", "There no contacts").
_NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS", "PRP", "EX"})
# Words that never open a predicate.
_NOT_VERBS = frozenset({"ADP", "DET", "CCONJ", "SCONJ", "PRON", "PART", "PUNCT", "NUM"})
_QUOTE_MARKS = frozenset('"“”‘«»„')  # not ’, an apostrophe as often as a closing mark
_SINGLE_QUOTED = re.compile(r"‘[^‘’]+’(?!\w)")


def verb_chances(doc: Doc) -> tuple[np.ndarray, np.ndarray]:
    """The tagger's chance, for each token of ``doc``, of a verb tag and of a finite verb tag.

    Returns:
        Two arrays of shape ``(len(doc),)``.
    """
    tagger = english().get_pipe("tagger")
    if doc.tensor is None or doc.tensor.size == 0:  # a parse that lost its token vectors (a cached copy)
        doc = english()(doc.text)
    scores = np.asarray(tagger.model.predict([doc])[0])  # type: ignore[attr-defined]
    chances = np.exp(scores - scores.max(axis=1, keepdims=True))
    chances /= chances.sum(axis=1, keepdims=True)
    labels = list(tagger.labels)  # type: ignore[attr-defined]
    verbs = [i for i, label in enumerate(labels) if label.startswith("VB") or label == "MD"]
    finite = [i for i, label in enumerate(labels) if label in FINITE_TAGS]
    return chances[:, verbs].sum(axis=1), chances[:, finite].sum(axis=1)


def _carries_tense(token: Token) -> bool:
    auxiliaries = (c for c in token.children if c.dep_ in ("aux", "auxpass"))
    return token.tag_ in FINITE_TAGS or any(c.tag_ in FINITE_TAGS for c in auxiliaries)


def _quoted(text: str) -> list[tuple[int, int]]:
    """The quotations of ``text`` with their closing marks, single-quoted titles too ("the ‘Save our
    coast’ initiative"), as ``(start, end)`` character spans."""
    spans = [(o, c + 1) for o, c in quotation_spans(text)]
    return spans + [m.span() for m in _SINGLE_QUOTED.finditer(text)]


def _noun_phrase(words: list[Token], finite_chance: np.ndarray, quoted: list[tuple[int, int]], split: int) -> bool:
    """Whether ``words`` (all before the split) may be a subject with its openers: no verb that carries
    tense, no clause of its own, no quotation left open, and no noun phrase straight after another
    ("Officials the bridge", but "by the end of the year a new plant": the first one a preposition's).
    A quoted title, a reported quotation and a relative clause (", who won on Saturday,", "a native
    who worked there") count as one word."""
    words = [w for w in words if not any(o <= w.idx < c for o, c in quoted)]
    words = [w for w in words if not _in_insertion(w, split) and not _in_relative_clause(w, split)]
    for word in words:
        if word.tag_ in FINITE_TAGS or finite_chance[word.i] >= FINITE_CHANCE:
            return False
        if word.dep_ == "mark" or (word.pos_ == "SCONJ" and word.dep_ != "prep") or word.tag_ in WH_TAGS:
            return False
        if (word.lower_ == "that" and word.tag_ != "DT") or word.text in _QUOTE_MARKS:
            return False  # a clause opened by "that"; a quotation mark outside any quotation, one left open
        following = word.doc[word.i + 1] if word.i + 1 < len(word.doc) else None
        if word.pos_ == "CCONJ" and following is not None and following.pos_ in ("PRON", "ADP"):
            return False  # "..., and it is", "and in the 82nd minute the players": a clause of its own
    if not _subject_word(words):
        return False  # "In the past | was a teacher": only a preposition's object before the verb
    for a, b in pairwise(words):
        adjacent = b.idx == a.idx + len(a.text) + 1
        side_by_side = a.tag_ in _NOUN_TAGS and b.pos_ == "DET" and adjacent
        if side_by_side and not any(w.pos_ == "ADP" for w in _chunk_before(words, a)):
            return False
        if a.text == ")" and b.pos_ in ("DET", "NOUN", "PROPN") and adjacent:
            return False  # "students of the school (Naka Ward) Bizen ware": a noun phrase after an aside
    return True


def _subject_word(words: list[Token]) -> bool:
    """Whether a noun or pronoun among ``words`` stands outside every prepositional phrase: "The fire in
    the cathedral", "By the end of the year a new plant" have one; "In the past", "To his credit" do
    not. A phrase runs from its preposition to a comma or to a determiner after a noun (the next
    noun phrase). A preposition that qualifies a number ("around 6,000 people") opens none."""
    inside = False
    previous = ""
    for word in words:
        if word.pos_ == "ADP" and word.dep_ != "prt" and not _number_modifier(word):
            inside = True
        elif word.text == "," or (word.pos_ == "DET" and previous in ("NOUN", "PROPN", "NUM")):
            inside = False
        if not inside and word.pos_ in ("NOUN", "PROPN", "PRON") and word.tag_ != "PRP$":
            return True
        previous = word.pos_
    return False


def _number_modifier(word: Token) -> bool:
    """Whether the preposition ``word`` qualifies the number after it ("around 6,000 people", "over 40
    cases") and opens no prepositional phrase."""
    number = word.head
    # not a span of time: "Over 40 years in the region built ..." has no subject
    return (
        word.dep_ in ("quantmod", "advmod")
        and number.pos_ == "NUM"
        and number.i == word.i + 1
        and number.ent_type_ not in ("DATE", "TIME")
    )


def _chunk_before(words: list[Token], word: Token) -> list[Token]:
    """The words before ``word`` back to the last comma."""
    before = [w for w in words if w.i < word.i]
    commas = [k for k, w in enumerate(before) if w.text == ","]
    return before[commas[-1] + 1 :] if commas else before


def _in_relative_clause(word: Token, split: int) -> bool:
    """Whether ``word`` stands in a relative clause that ends before the split: "A native of Rwanda who
    worked at the cathedral | has confessed". The clause is its verb's subtree (a ``relcl`` of a noun),
    opened by a relative word."""
    for head in [word, *word.ancestors]:
        if head.dep_ == "relcl" and head.head.pos_ in ("NOUN", "PROPN"):
            tokens = list(head.subtree)
            opens = tokens[0].tag_ in WH_TAGS or tokens[0].lower_ == "that"
            return opens and tokens[-1].idx < split
    return False


def _in_insertion(word: Token, split: int | None = None) -> bool:
    """Whether ``word`` stands in a relative clause set off by commas: ", who won on Saturday,", closed
    before the character ``split`` when one is given."""
    doc = word.doc
    opening = next((t for t in reversed(doc[: word.i + 1]) if t.text == ","), None)
    if opening is None or opening.i + 1 >= len(doc) or doc[opening.i + 1].tag_ not in WH_TAGS:
        return False
    return any(t.text == "," and (split is None or t.idx < split) for t in doc[word.i + 1 :])


def _predicate(again: Doc, reported: bool) -> bool:
    """Whether ``again`` (a pronoun and the words from the split on) is a finite clause whose subject is
    the pronoun and whose verb is the split word (or its auxiliary), taking something after it, or
    taking the quotation before it (``reported``: "“...,” the agency reports.")."""
    root = next((t for t in again if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ not in ("VERB", "AUX") or not _carries_tense(root):
        return False
    if not any(c.dep_ in SUBJECTS and c.i == 0 for c in root.children):
        return False
    first = again[1]
    if root.i != 1 and not (first.head.i == root.i and first.dep_ in ("aux", "auxpass", "neg", "advmod")):
        return False
    if root.i == 1 and not reported and not any(c.i > root.i and not c.is_punct for c in root.children):
        return False  # "They years.": nothing a verb would take
    # "surveyed by the company": a participle with its agent and no auxiliary is no finite verb
    return not (
        any(c.dep_ == "agent" for c in root.children) and not any(c.dep_ in ("aux", "auxpass") for c in root.children)
    )


def subject_and_predicate(doc: Doc, parse: Callable[[str], Doc], verb_at: int | None = None) -> Token | None:
    """The word of ``doc`` that opens its predicate, when ``doc`` reads as a subject and a finite
    predicate (see the module's docstring); None when it does not.

    Args:
        doc: spaCy's parse of the sentence.
        parse: Parses a text (the audit's parser, with its cache).
        verb_at: Only this token may open the predicate: the verb that the first parse found without
            a subject, when the question is whether it has one.
    """
    if verb_at == 0:
        return None  # nothing before the first word to be its subject
    verb_chance, finite_chance = verb_chances(doc)
    quoted = _quoted(doc.text)
    for word in doc[1:]:
        if verb_at is not None and word.i != verb_at:
            continue
        if not word.is_alpha or not word.text[:1].islower() or word.pos_ in _NOT_VERBS or known_non_verb(word.text):
            continue
        if any(o <= word.idx < c for o, c in quoted) or _in_insertion(word) or not _after_subject(doc, word):
            continue
        # a quotation before the verb, which ends the sentence: "“...,” a local paper reports."
        reported = any(c <= word.idx for _, c in quoted) and all(t.is_punct for t in doc[word.i + 1 :])
        if verb_chance[word.i] < MIN_VERB_CHANCE and not reported:
            continue
        if not _noun_phrase(list(doc[: word.i]), finite_chance, quoted, word.idx):
            continue
        # read as a participle here ("Warnings issued in Harlow about fraud"): a verb only with an object,
        # or where the tagger gives it a fair chance of carrying tense ("The checks ... finished at 1 a.m.")
        participle = word.tag_ in ("VBN", "JJ") and finite_chance[word.i] < PARTICIPLE_FINITE_CHANCE
        for predicate in _predicates(doc, word):
            for pronoun in PRONOUNS:
                again = parse(f"{pronoun} {predicate}")
                if _predicate(again, reported) and (not participle or _has_object(again[1])):
                    return word
    return None


def _predicates(doc: Doc, word: Token) -> list[str]:
    """The words from ``word`` on, and the same up to the next comma, when they run on after it: an
    absolute phrase there ("..., the striker having scored twice") derails the parse of the rest."""
    whole = doc[word.i :].text
    comma = next((t.i for t in doc[word.i + 2 :] if t.text == ","), None)
    return [whole] if comma is None else [whole, doc[word.i : comma].text + "."]


def _after_subject(doc: Doc, word: Token) -> bool:
    """Whether ``word`` follows what may end a subject: a noun or pronoun, or the comma that closes an
    insertion after a subject that opens the sentence ("The album, released in 1977, sold ..."; not
    "In May, the city, said ...", where no subject opens it)."""
    before = doc[word.i - 1]
    if before.pos_ in ("NOUN", "PROPN", "PRON") or before.dep_ in SUBJECTS:  # "This will ..."
        return True
    commas = [t.i for t in doc[1 : word.i - 1] if t.text == ","]
    return before.text == "," and bool(commas) and doc[0].pos_ in ("DET", "NOUN", "PROPN", "PRON", "ADJ", "NUM")


def main_clause_after_opener(doc: Doc, parse: Callable[[str], Doc]) -> bool:
    """Whether a sentence that opens with a subordinate clause has its main clause after the comma that
    closes it: "As the entries are not final, the draw used placeholders", where the small parser
    hangs "used" under "As". The words after its first comma (outside quotations) must parse as a
    clause of their own, with a subject and a finite verb and no subordinator; a clause joined by
    "and" or "but" does not count ("Because the cells can ignite, and the fire."), nor one further
    on ("Although the number fell, was 12 percent, and that of cars was 6 percent").
    """
    if not len(doc) or not (doc[0].dep_ == "mark" or doc[0].pos_ == "SCONJ" or doc[0].tag_ == "WRB"):
        return False
    quoted = _quoted(doc.text)
    commas = [t for t in doc[2:-3] if t.text == "," and not any(o <= t.idx < c for o, c in quoted)]
    for comma in commas[:1]:
        rest = doc[comma.i + 1 :]
        if rest[0].pos_ in ("CCONJ", "SCONJ") or len([t for t in rest if not t.is_punct]) < 3:
            continue
        again = parse(rest.text)
        root = next((t for t in again if t.dep_ == "ROOT"), None)
        if (
            root is not None
            and root.pos_ in ("VERB", "AUX")
            and _carries_tense(root)
            and any(c.dep_ in SUBJECTS for c in root.children)
            and not any(c.dep_ == "mark" for c in root.children)
        ):
            return True
        # the parse of the rest may misread it too; then it must open with its subject and predicate
        # (not "..., was about 12 percent, and that of motorcycles was 6 percent")
        verb = subject_and_predicate(again, parse)
        if verb is not None and not any(t.text == "," for t in again[: verb.i]):
            return True
    return False


def _has_object(verb: Token) -> bool:
    """Whether ``verb`` takes an object or a clause: "secured victory", "said that ..."."""
    return any(c.dep_ in ("dobj", "ccomp", "xcomp", "attr", "oprd", "dative") for c in verb.children)
