"""Meaning inverted: a negation added or removed, or a predicate turned into its opposite, in a rendered sentence."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mtqa.detectors.base import AuditContext
from mtqa.detectors.quotes import find_quotes
from mtqa.nlp.antonyms import converse, opposites
from mtqa.types import Flag, Side, Unit

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# Words that negate the verb they attach to, and pronouns that negate the clause they fill.
_NEGATORS = frozenset({"not", "n't", "never", "no", "neither", "nor"})
_NEGATIVE_PRONOUNS = frozenset({"nobody", "nothing", "none", "noone", "no-one"})
# Verbs and adjectives that negate the clause they govern: "declined to confirm" is "did not confirm".
_NEGATIVE_GOVERNORS = frozenset(
    {"refuse", "decline", "fail", "deny", "reject", "avoid", "stop", "cease", "neglect", "unable", "forget", "without"}
)
# Verbs that mean "not" another verb: "overlooked the cyclist" is "did not see the cyclist".
_NEGATIVE_VERBS = frozenset({"overlook", "ignore", "miss", "omit", "lack"})
# More words that say "not" or "none": a sentence with one is not a plain assertion.
# Words that say "not" another way ("instead of having", "have trouble understanding").
_NEGATIVE_EXTRA = frozenset(
    {"nowhere", "hardly", "barely", "scarcely", "lack", "lacks", "lacked", "absent", "absence", "unless", "instead"}
    | {"rather", "except", "trouble", "difficult", "difficulty", "impossible", "unlikely", "little", "few"}
)
_NEGATIVE_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non")
# "undoubtedly" / "no doubt", "non-regulated" / "not regulated": a prefixed word derived from the other side's.
_DERIVED_ENDINGS = ("ly", "edly", "ed", "d", "able", "ably")
_ARGUMENTS = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "pobj"})
# "won't", "can't", "shan't", "ain't": the auxiliary the parser leaves before "n't".
_CONTRACTED = {"wo": "will", "ca": "can", "sha": "shall", "ai": "is"}
# Sentence vectors at least this close say the same thing, so that a negation on one side only is
# worth reading (all-MiniLM-L6-v2; faithful renderings of one sentence are above it, loose ones below).
SAME_STATEMENT = 0.6
_OWN_CLAUSE = frozenset({"nsubj", "nsubjpass", "aux", "auxpass"})  # a joined verb with these has its own clause


@dataclass(frozen=True)
class Predicate:
    """A verb (or a copula's complement) of one side, with whether it is negated, located in its document."""

    key: str  # the lemma that names it, lowercased
    negated: bool
    negator: tuple[int, int] | None  # offsets of the word that negates it, when one does
    start: int
    end: int
    clause: str  # the words of its clause, for a suggestion
    subject: str = ""  # the lemma of its subject, when it has one
    compound: bool = False  # part of a hyphenated word ("cutting-edge")
    asked: bool = False  # inside a yes-or-no question ("worried whether they will be paid"): it asserts nothing


def _word(token: Token) -> str:
    """A token's lowercase text with a typographic apostrophe made plain ("n’t" is "n't")."""
    return token.lower_.replace("’", "'")


def _negates(token: Token) -> bool:
    """Whether ``token`` is a negating word: "not", "n't", "never", "no"... but not the "not" of "not only"."""
    if _word(token) not in _NEGATORS:
        return False
    following = token.nbor(1) if token.i + 1 < len(token.doc) else None
    return not (following is not None and following.lower_ == "only")


def _negation(token: Token) -> Token | None:
    """The word that negates ``token``'s clause, if any (a "not", a "no one", a governing "declined to").

    A governing verb that is itself negated ("did not fail to") negates nothing, and a verb joined to
    another without a subject or auxiliary of its own ("not to heat the stove or use it") shares its
    negation.
    """
    for child in token.children:
        # the parser sometimes labels "either" a negation, and "n’t" an attribute: the word decides
        if _negates(child) and (child.dep_ in ("advmod", "neg", "preconj", "cc") or _word(child) == "n't"):
            return child
        if child.dep_ in _ARGUMENTS and child.lower_ in _NEGATIVE_PRONOUNS:
            return child
        if child.dep_ in _ARGUMENTS:
            no = next((g for g in child.children if g.dep_ == "det" and g.lower_ == "no"), None)
            if no is not None:
                return no
    head = token.head
    if token.dep_ in ("xcomp", "ccomp", "pcomp") and head.i != token.i and head.lemma_.lower() in _NEGATIVE_GOVERNORS:
        return head if _negation(head) is None else None
    own = {child.dep_ for child in token.children}
    alternatives = any(child.dep_ == "cc" and child.lower_ in ("or", "nor") for child in head.children)
    if token.dep_ == "conj" and token.tag_ == head.tag_ and alternatives and not own & _OWN_CLAUSE:
        return _negation(head)  # "not to heat the stove or use it", but not "can't help but ask"
    return None


def _predicates(
    context: AuditContext, side: Side, ids: tuple[int, ...], skip: list[tuple[int, int]]
) -> list[Predicate]:
    """The predicates of the sentences ``ids`` of ``side``, leaving out words inside the ``skip`` spans."""
    document = context.reference if side == "reference" else context.copy
    found = []
    for sentence_id in ids:
        sentence = document.sentences[sentence_id]
        inside = [(start, end) for start, end in skip if start < sentence.end and sentence.start < end]
        for token in context.parse(side, sentence_id):
            offset = sentence.start + token.idx
            if any(start <= offset < end for start, end in inside):
                continue
            head = token  # the word that carries the predicate's negation
            if token.pos_ == "VERB":
                key = token.lemma_.lower()
            elif token.pos_ in ("ADJ", "VERB") and token.dep_ == "acomp" and token.head.pos_ == "AUX":
                key, head = token.lemma_.lower(), token.head  # "was not legal": the copula carries the "not"
            else:
                continue
            negator = _negation(head)
            negator_span = None
            if negator is not None:
                start = sentence.start + negator.idx
                negator_span = (start, start + len(negator.text))
            words = head.doc[head.left_edge.i : head.right_edge.i + 1].text
            subject = next((c.lemma_.lower() for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), "")
            hyphens = [n for n in (token.i - 1, token.i + 1) if 0 <= n < len(token.doc)]
            found.append(
                Predicate(
                    key=key,
                    negated=negator is not None,
                    negator=negator_span,
                    start=offset,
                    end=offset + len(token.text),
                    clause=" ".join(words.split()),
                    subject=subject,
                    compound=any(
                        token.doc[n].text == "-" and not token.doc[min(n, token.i)].whitespace_ for n in hyphens
                    ),
                    asked=_asked(head),
                )
            )
    return found


class MeaningDetector:
    """Flags rendered sentences whose meaning is the opposite of their original's.

    Within each alignment unit with both sides, the predicates (verbs, and
    the complements of a copula) of the two sides are compared by lemma:

    - **negation added or removed**: a lemma that both sides use is negated
      on one side and not on the other ("did not confirm" / "confirmed").
      Negation is a "not", "never" or "no" on the predicate, a "nobody" or
      "nothing" in its place, or a governing verb that negates it ("declined
      to confirm", "failed to reach", "without telling"), so a paraphrase of a
      negation is no inversion;
    - **opposite predicate**: the copy uses a lemma whose opposite the
      original uses, and neither side uses the other's (rose / fell,
      approved / rejected; ``mtqa.nlp.antonyms``), with the same polarity.

    A lemma used on one side both negated and not is left alone (it cannot be
    told which is which), and so is a unit whose two sides negate as many
    predicates: the negation moved ("did not believe they existed" / "believed
    they did not exist"), it was not added or dropped, and so is a unit whose
    two sides write as many negating words ("never" / "Never before").
    Converses (sold / bought) are opposites only with the same subject, and
    a word the original itself pairs with its opposite is no swap. A main
    clause negated on one side only is read again by the audit's sentence
    encoder without its negating word (``_negation_matters``): another verb
    may carry the "not" ("will skip" / "will not play"). Words inside the
    copy's quotations are left to the quote detector. Every flag is major; its span is the negating word that
    was added, or the copy's predicate, and its suggestion is the original's
    clause.
    """

    name = "meaning"
    english_only = True  # reads an English parse

    def params(self) -> dict[str, object]:
        """See ``Detector.params``."""
        return {"antonym_pairs": "mtqa.nlp.antonyms.PAIRS"}

    def detect(self, context: AuditContext) -> list[Flag]:
        """See ``Detector.detect``."""
        quoted = [(q.start, q.end) for q in find_quotes(context.copy)]
        flags = []
        for unit in context.alignment.units:
            if unit.is_linked:
                flags += self._unit(context, unit, quoted)
        return flags

    def _unit(self, context: AuditContext, unit: Unit, quoted: list[tuple[int, int]]) -> list[Flag]:
        original_predicates = _predicates(context, "reference", unit.reference_ids, [])
        copied_predicates = _predicates(context, "copy", unit.copy_ids, quoted)
        original, copied = _by_key(original_predicates), _by_key(copied_predicates)
        # A negation that only moved ("did not believe they existed" / "believed they did not exist")
        # leaves the count of negated predicates as it was: only a changed count is an inversion.
        moved = sum(p.negated for p in original_predicates) == sum(p.negated for p in copied_predicates)
        # "had trouble reading" / "could not read": a side that says "not" another way inverts nothing.
        hedged = any(_hedged(context.parse("reference", i)) for i in unit.reference_ids) or any(
            _hedged(context.parse("copy", j)) for j in unit.copy_ids
        )
        # Whichever predicate the parse hangs it on, an added negation is an added word: the copy must
        # write more negating words than the original ("never" / "Never before" is no inversion).
        balance = sum(_negation_count(context.parse("copy", j)) for j in unit.copy_ids) - sum(
            _negation_count(context.parse("reference", i)) for i in unit.reference_ids
        )
        flags = []
        for key, mine in copied.items():
            theirs = original.get(key)
            if theirs is not None:
                asked = any(p.asked for p in mine + theirs)
                flag = None if moved or hedged or asked else self._polarity(context, unit, key, mine, theirs, balance)
            else:
                flag = self._opposite(context, unit, key, mine, original, copied)
            if flag is not None:
                flags.append(flag)
        if not flags and len(unit.reference_ids) == 1 and len(unit.copy_ids) == 1:
            flag = self._main_clause(context, unit, quoted)
            if flag is not None:
                flags.append(flag)
        return flags

    def _main_clause(self, context: AuditContext, unit: Unit, quoted: list[tuple[int, int]]) -> Flag | None:
        """A sentence whose main clause is negated on one side only, though its verb was reworded.

        MT rewords the verb ("anticipate" / "expect") as often as it keeps it,
        so the main verbs of a sentence and its one rendering are compared
        whatever their lemmas: one negated, the other not, and the other side
        without any negating word at all (no "not", "no one", "failed to",
        "without", nor the original's word with a negative prefix:
        "impossible" for "not possible").
        """
        reference_id, copy_id = unit.reference_ids[0], unit.copy_ids[0]
        theirs, mine = context.parse("reference", reference_id), context.parse("copy", copy_id)
        their_root, my_root = _root(theirs), _root(mine)
        if their_root is None or my_root is None or mine.text.rstrip("”\"’' ").endswith("?"):
            return None
        if {their_root.lemma_.lower(), my_root.lemma_.lower()} & _NEGATIVE_GOVERNORS:
            return None  # "did not fail to mention" / "mentioned": the governed verbs are compared instead
        if {their_root.lemma_.lower(), my_root.lemma_.lower()} & _NEGATIVE_VERBS:
            return None  # "overlooked the cyclist" / "did not see the cyclist"
        sentence = context.copy.sentences[copy_id]
        if any(start <= sentence.start + my_root.idx < end for start, end in quoted):
            return None
        their_negator, my_negator = _negation(their_root), _negation(my_root)
        if (their_negator is None) == (my_negator is None):
            return None
        plain, negated = (theirs, mine) if my_negator is not None else (mine, theirs)
        if _negative_words(plain) or _prefix_negated(plain, negated):
            return None
        if not self._negation_matters(context, plain, negated, my_negator or their_negator):
            return None
        source = Predicate(
            key=their_root.lemma_.lower(),
            negated=their_negator is not None,
            negator=None,
            start=context.reference.sentences[reference_id].start + their_root.idx,
            end=context.reference.sentences[reference_id].start + their_root.idx + len(their_root.text),
            clause=" ".join(theirs.text.split()),
        )
        if my_negator is not None:
            start = sentence.start + my_negator.idx
            end, what = start + len(my_negator.text), "negation added"
        else:
            start = sentence.start + my_root.idx
            end, what = start + len(my_root.text), "negation removed"
        return self._flag(
            context, unit, start, end, source, f"{what} on the main verb: the original says “{source.clause}”"
        )

    @staticmethod
    def _negation_matters(context: AuditContext, plain: Doc, negated: Doc, negator: Token | None) -> bool:
        """Whether the two sentences say one thing but for the negation, by the audit's sentence encoder.

        Another verb on the other side may carry the "not" itself ("will skip the season" / "will not
        play"; "overlooked" / "did not see"), which no word list exhausts. So the negated sentence is
        read again without its negating word: an inversion is when that brings it closer to the plain
        sentence, and the two were close to begin with. Without an encoder every candidate stands.
        """
        if context.encode is None or negator is None or negator.doc is not negated or not _negates(negator):
            return True
        vectors = context.encode([plain.text, negated.text, _without(negator)])
        vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True).clip(1e-12)
        as_written, unnegated = float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2])
        return as_written >= SAME_STATEMENT and unnegated > as_written

    def _polarity(
        self, context: AuditContext, unit: Unit, key: str, mine: list[Predicate], theirs: list[Predicate], balance: int
    ) -> Flag | None:
        copy_polarity, original_polarity = _polarity(mine), _polarity(theirs)
        if copy_polarity is None or original_polarity is None or copy_polarity == original_polarity:
            return None
        if (balance > 0) != copy_polarity or not balance:
            return None  # the negating words did not change in number: a negation reworded or moved
        source = theirs[0]
        if copy_polarity:  # the copy negates what the original asserts
            negated = next(p for p in mine if p.negated)
            start, end = negated.negator or (negated.start, negated.end)
            what = "negation added"
        else:
            start, end = mine[0].start, mine[0].end
            what = "negation removed"
        return self._flag(context, unit, start, end, source, f"{what}: the original says “{source.clause}”")

    def _opposite(
        self,
        context: AuditContext,
        unit: Unit,
        key: str,
        mine: list[Predicate],
        original: dict[str, list[Predicate]],
        copied: dict[str, list[Predicate]],
    ) -> Flag | None:
        if any(p.compound for p in mine):
            return None  # "cutting-edge" cuts nothing
        for other in sorted(opposites(key)):
            theirs = original.get(other)
            if theirs is None or other in copied or other in self._lemmas(context, unit):
                continue  # "this decrease is due to the increased demand" uses both words
            if converse(key, other) and {p.subject for p in mine} != {p.subject for p in theirs}:
                continue  # "sold by the staff" / "they bought from the staff": the other party
            if opposites(other) & original.keys():
                continue  # "July ends hot, August starts cool": the original says both, the copy's word renders one
            if _polarity(mine) is None or _polarity(mine) != _polarity(theirs):
                continue  # "did not rise" for "fell" says the same thing
            source = theirs[0]
            message = f"opposite meaning: the copy says “{key}” where the original says “{source.clause}”"
            return self._flag(context, unit, mine[0].start, mine[0].end, source, message)
        return None

    @staticmethod
    def _lemmas(context: AuditContext, unit: Unit) -> set[str]:
        """Every lemma of the copy's side of a unit, whatever its part of speech."""
        return {t.lemma_.lower() for j in unit.copy_ids for t in context.parse("copy", j)}

    def _flag(self, context: AuditContext, unit: Unit, start: int, end: int, source: Predicate, message: str) -> Flag:
        copy_id = next(
            j for j in unit.copy_ids if context.copy.sentences[j].start <= start < context.copy.sentences[j].end
        )
        reference_id = next(
            i
            for i in unit.reference_ids
            if context.reference.sentences[i].start <= source.start < context.reference.sentences[i].end
        )
        return Flag(
            kind=self.name,
            severity="major",
            copy_id=copy_id,
            reference_id=reference_id,
            start=start,
            end=end,
            text=context.copy.text[start:end],
            suggestion=source.clause,
            message=f"{message} (reference sentence {reference_id})",
        )


def _without(negator: Token) -> str:
    """The negator's sentence without it: "won't go" becomes "will go", "did not see" "did see"."""
    doc = negator.doc
    words = [t.text_with_ws for t in doc]
    words[negator.i] = " " if negator.whitespace_ else ""
    before = doc[negator.i - 1] if negator.i > 0 else None
    if _word(negator) == "n't" and before is not None:
        whole = _CONTRACTED.get(before.lower_)
        if whole is not None:
            words[before.i] = (whole.capitalize() if before.text[:1].isupper() else whole) + negator.whitespace_
    return "".join(words).strip()


def _root(doc: Doc) -> Token | None:
    """The main verb (or copula) of a parsed sentence."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    return root if root is not None and root.pos_ in ("VERB", "AUX") else None


def _negative_words(doc: Doc) -> bool:
    """Whether a sentence has any word that negates something."""
    return _negation_count(doc) > 0 or _hedged(doc)


def _negation_count(doc: Doc) -> int:
    """How many words of a sentence negate something ("not", "nobody", "declined to", "without")."""
    return sum(_negates(t) or t.lower_ in _NEGATIVE_PRONOUNS or t.lemma_.lower() in _NEGATIVE_GOVERNORS for t in doc)


def _hedged(doc: Doc) -> bool:
    """Whether a sentence says "not" in other words ("instead of", "had trouble", "few")."""
    return any(t.lower_ in _NEGATIVE_EXTRA for t in doc)


def _prefix_negated(plain: Doc, negated: Doc) -> bool:
    """Whether ``plain`` has a word of ``negated`` behind a negative prefix ("impossible" / "not possible")."""
    words = {t.lemma_.lower() for t in negated if t.is_alpha and len(t) >= 3}
    forms = words | {word + ending for word in words for ending in _DERIVED_ENDINGS}
    return any(
        word.startswith(prefix) and word[len(prefix) :].lstrip("-") in forms
        for word in re.findall(r"[a-z]+(?:-[a-z]+)*", plain.text.lower())
        for prefix in _NEGATIVE_PREFIXES
    )


def _asked(token: Token) -> bool:
    """Whether ``token`` stands in an embedded yes-or-no question: a clause opened by "whether", or by
    "if" as the object of its verb ("asked if he would resign"; not the condition of "will leave if
    it rains"). Such a clause asserts nothing, so its polarity is no fact: "worried whether they will
    be paid" says what "worried that they will not be paid" says."""
    for clause in [token, *token.ancestors]:
        for mark in (c for c in clause.children if c.dep_ == "mark"):
            if mark.lower_ == "whether" or (mark.lower_ == "if" and clause.dep_ == "ccomp"):
                return True
    return False


def _by_key(predicates: list[Predicate]) -> dict[str, list[Predicate]]:
    grouped: dict[str, list[Predicate]] = defaultdict(list)
    for predicate in predicates:
        grouped[predicate.key].append(predicate)
    return dict(grouped)


def _polarity(predicates: list[Predicate]) -> bool | None:
    """True when every use is negated, False when none is, None when the uses disagree."""
    negated = {p.negated for p in predicates}
    return negated.pop() if len(negated) == 1 else None
