"""Omissions: runs of original sentences with key facts that the copy does not render."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING

from mtqa.detectors.base import LOW_COVERAGE, AuditContext
from mtqa.detectors.name_flags import named_before
from mtqa.detectors.name_renderings import rendered_by_words
from mtqa.nlp.entities import core, filler, initials, is_name, renders, text_words
from mtqa.nlp.facts import KeyFacts, key_facts
from mtqa.plural import noun
from mtqa.segment.quotations import quotation_spans
from mtqa.types import Flag, Sentence, Unit

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span


class OmissionDetector:
    """Flags what the copy leaves out: whole sentences, and names inside the sentences it renders.

    - **Sentences.** Each run of consecutive unrendered body sentences of the
      original that carries a key fact (a name, a number or a quotation). The
      flag is document-level: an empty span at the copy position where the
      material would stand (after the copy sentence rendering the nearest
      earlier original sentence), ``reference_id`` the run's first sentence,
      the omitted text as ``suggestion``, and the missing facts in the
      message. A run with a number or a quotation is major; one with names
      only is minor.
    - **A name dropped from a rendered sentence.** A name (a person, place,
      organisation, group or event in spaCy's parse) of an original sentence
      that its rendering leaves without a trace: no word of it, no near miss
      and no initials ("said the spokesman" for "said Ali Hassan, the
      spokesman"), no word the word aligner links to it, and no word the world
      takes for the same entity (a demonym, a capital, another name) in the
      rendering or the copy sentences beside it. A name inside a quotation is the quote detector's, and a
      name the name detector already found replaced is not dropped. The span
      is the role the copy kept in the name's place ("the spokesman") when
      the original gives one, else the rendering sentence; the suggestion is
      the original's phrase. A person dropped from a body sentence is major,
      any other name, any name a headline drops, and any name the copy gave
      earlier (however far back: the reader still knows who), minor. A name whose slot
      the copy fills with a common-noun description ("the former president"
      for "Richard Roe") is described, not dropped: minor, on the description.
      A name the original sentence writes more often than the copy sentences
      rendering it ("Russian" twice, once in the copy), or only in a copy
      sentence beside them, has a mention dropped: minor, since the reader
      still meets the name.
    """

    name = "omission"
    english_only = True  # rests on the English model's alignment

    def params(self) -> dict[str, object]:
        """See ``Detector.params``."""
        return {}

    def detect(self, context: AuditContext) -> list[Flag]:
        """See ``Detector.detect``; nothing when the copy is not a copy of the original at all."""
        if context.coverage() < LOW_COVERAGE:
            return []
        rendered: dict[int, set[int]] = defaultdict(set)  # copy sentence -> the original sentences its words render
        for link in context.words.links:
            if link.copy is not None and link.reference is not None:
                rendered[link.copy.sentence_id].add(link.reference.sentence_id)
        dropped = [
            f
            for unit in context.alignment.units
            if unit.is_linked
            for f in self._dropped_names(context, unit, rendered)
        ]
        return sorted(self._sentences(context) + dropped, key=lambda f: (f.start, f.end))

    def _sentences(self, context: AuditContext) -> list[Flag]:
        """Runs of original sentences with a key fact that no copy sentence renders."""
        rendered = {i for unit in context.alignment.units if unit.copy_ids for i in unit.reference_ids}
        runs: list[list[Sentence]] = []
        for sentence in context.reference.sentences:
            if sentence.id in rendered or sentence.kind != "body":
                continue
            if runs and runs[-1][-1].id == sentence.id - 1:
                runs[-1].append(sentence)
            else:
                runs.append([sentence])
        flags = []
        for run in runs:
            facts = [key_facts(s.norm) for s in run]
            merged = KeyFacts(
                tuple(n for f in facts for n in f.names),
                tuple(n for f in facts for n in f.numbers),
                tuple(q for f in facts for q in f.quotes),
            )
            if not merged:
                continue
            anchor = self._anchor(context, run[0].id, rendered)
            at = context.copy.sentences[anchor].end if anchor is not None else 0
            ids = f"{run[0].id}" if len(run) == 1 else f"{run[0].id}-{run[-1].id}"
            flags.append(
                Flag(
                    kind=self.name,
                    severity="major" if merged.numbers or merged.quotes else "minor",
                    copy_id=anchor,
                    reference_id=run[0].id,
                    start=at,
                    end=at,
                    text="",
                    suggestion=" ".join(s.text for s in run),
                    message=f"not rendered: original {noun(len(run), 'sentence')} {ids}, with {merged.describe()}",
                )
            )
        return flags

    def _dropped_names(self, context: AuditContext, unit: Unit, rendered: dict[int, set[int]]) -> list[Flag]:
        """Names of the unit's original sentences that its copy sentences leave out (``rendered``: the original
        sentences each copy sentence's words render)."""
        copy_text = " ".join(context.copy.sentences[j].text for j in unit.copy_ids)
        words = text_words(copy_text)
        replaced = {
            f.suggestion for f in context.prior if f.kind == "name" and f.copy_id in unit.copy_ids and f.suggestion
        }
        flags = []
        for i in unit.reference_ids:
            sentence = context.reference.sentences[i]
            if sentence.kind not in ("body", "headline"):
                continue
            quoted = quotation_spans(sentence.text)
            candidates = [
                entity
                for entity in context.parse("reference", i).ents
                if is_name(entity)
                and not any(o <= entity.start_char < c for o, c in quoted)
                and not any(core(entity) in r or r in core(entity) for r in replaced)
            ]
            # a name the sentence writes more often than the copy sentences rendering it do ("Russian" twice,
            # once in the copy), or only beside them in the unit: the mention no copy word renders is dropped,
            # but the reader still meets the name, so it is minor. A name the copy writes in another form only
            # ("Associated Press" for "AP") is for ``renders``.
            rendering = self._rendering(context, unit, i, rendered)
            written = Counter(core(entity) for entity in candidates)  # the sentence's mentions, quotations apart
            fewer = {
                entity.start
                for entity in candidates
                if rendering is not None
                and _mentions(core(entity), rendering) < written[core(entity)]
                and _mentions(core(entity), copy_text) > 0
            }
            unwritten = {entity.start for entity in candidates if not renders(core(entity), words)}
            dropped = [
                entity
                for entity in candidates
                if (entity.start in fewer or entity.start in unwritten)
                and not rendered_by_words(
                    context, unit, sentence.start + entity.start_char, sentence.start + entity.end_char
                )
                and not self._referred_back(context, unit, entity)
            ]
            found = self._sentence_flags(context, unit, sentence, [e for e in dropped if e.start in unwritten])
            thinned = [e for e in dropped if e.start not in unwritten]
            if thinned and rendering is not None:
                found.append(self._fewer(context, unit, sentence, thinned, written, rendering))
            if sentence.kind == "headline":  # a headline is shortened as a matter of course: at most minor
                found = [replace(f, severity="minor") for f in found]
            flags += found
        return flags

    def _sentence_flags(self, context: AuditContext, unit: Unit, sentence: Sentence, dropped: list[Span]) -> list[Flag]:
        """The flags of the names of ``sentence`` that its rendering drops: on a role or a description kept
        in a name's place, else one on the rendering for the rest."""
        found, unplaced = [], []
        for entity in dropped:
            flag = self._role_kept(context, unit, sentence, entity)
            flag = flag or self._described(context, unit, sentence, entity)
            if flag is not None:
                found.append(_given_earlier(flag) if self._named_earlier(context, unit, [entity]) else flag)
            else:
                unplaced.append(entity)
        if unplaced:
            flag = self._no_trace(context, unit, sentence, unplaced)
            found.append(_given_earlier(flag) if self._named_earlier(context, unit, unplaced) else flag)
        return found

    @staticmethod
    def _rendering(context: AuditContext, unit: Unit, reference_id: int, rendered: dict[int, set[int]]) -> str | None:
        """The text of the unit's copy sentences whose words render original sentence ``reference_id``, or None."""
        copy_ids = [j for j in unit.copy_ids if reference_id in rendered.get(j, set())]
        return " ".join(context.copy.sentences[j].text for j in copy_ids) if copy_ids else None

    @staticmethod
    def _referred_back(context: AuditContext, unit: Unit, entity: Span) -> bool:
        """Whether the copy refers back to a name it just gave, instead of repeating it.

        A personal pronoun as a subject ("he said"), or a description in the
        name's slot ("the company said" for "TransKol said"), when the copy's
        last few sentences name it.
        """
        for j in unit.copy_ids:
            doc = context.parse("copy", j)
            pronoun = entity.label_ in ("PERSON", "ORG", "NORP") and any(
                t.dep_ in ("nsubj", "nsubjpass") and t.lower_ in _PERSONAL for t in doc
            )
            found = filler(entity, doc)
            described = found is not None and found[0].lower_ in ("the", "this", "that")
            if (pronoun or described) and named_before(context, j, entity):
                return True
        return False

    @staticmethod
    def _named_earlier(context: AuditContext, unit: Unit, entities: list[Span]) -> bool:
        """Whether the copy gave every one of these names before this unit, however far back."""
        first = min(unit.copy_ids)
        return all(named_before(context, first, entity, sentences=first) for entity in entities)

    def _role_kept(self, context: AuditContext, unit: Unit, sentence: Sentence, entity: Span) -> Flag | None:
        """A flag on the role the copy kept in a dropped name's place ("the spokesman"), when it kept one."""
        role = _role(entity)
        if role is None:
            return None
        for j in unit.copy_ids:
            kept = _find_role(context.parse("copy", j), role)
            if kept is not None:
                start, end = context.copy.sentences[j].start + kept[0], context.copy.sentences[j].start + kept[1]
                phrase = entity.doc[min(entity.start, role.start) : max(entity.end, role.end)]
                text = context.copy.text[start:end]
                message = f"original sentence {sentence.id} names “{entity.text}”; the copy keeps only “{text}”"
                return self._dropped_flag(j, sentence.id, (start, end), [entity], phrase.text, message, context)
        return None

    def _described(self, context: AuditContext, unit: Unit, sentence: Sentence, entity: Span) -> Flag | None:
        """A minor flag on a common-noun description the copy put in a dropped name's slot ("the former
        president" for "Richard Nixon"): the entity is still there, only its name is gone."""
        for j in unit.copy_ids:
            found = filler(entity, context.parse("copy", j))
            if found is None or found.root.pos_ != "NOUN" or found[0].lower_ not in _DESCRIBING:
                continue
            start = context.copy.sentences[j].start + found.start_char
            end = context.copy.sentences[j].start + found.end_char
            message = f"original sentence {sentence.id} names “{entity.text}”; the copy describes it as “{found.text}”"
            return self._dropped_flag(
                j, sentence.id, (start, end), [entity], entity.text, message, context, described=True
            )
        return None

    def _no_trace(self, context: AuditContext, unit: Unit, sentence: Sentence, entities: list[Span]) -> Flag:
        """One flag on the rendering sentence for the names of ``sentence`` it leaves without a trace."""
        copy_id = max(unit.copy_ids, key=lambda j: _shared_words(sentence.text, context.copy.sentences[j].text))
        target = context.copy.sentences[copy_id]
        names = ", ".join(f"“{e.text}”" for e in entities)
        pronoun = "it" if len(entities) == 1 else "them"
        message = f"original sentence {sentence.id} names {names}; its rendering has no trace of {pronoun}"
        suggestion = "; ".join(e.text for e in entities)
        return self._dropped_flag(
            copy_id, sentence.id, (target.start, target.end), entities, suggestion, message, context
        )

    def _fewer(
        self,
        context: AuditContext,
        unit: Unit,
        sentence: Sentence,
        entities: list[Span],
        written: Counter[str],
        rendering: str,
    ) -> Flag:
        """One minor flag on the rendering sentence for mentions of names it writes fewer times than ``sentence``
        (``written``: the sentence's mentions of each name)."""
        counts = ", ".join(
            f"“{core(e)}” {written[core(e)]} times, its rendering {_mentions(core(e), rendering)}" for e in entities
        )
        flag = self._no_trace(context, unit, sentence, entities)
        return replace(flag, severity="minor", message=f"name dropped: original sentence {sentence.id} names {counts}")

    def _dropped_flag(
        self,
        copy_id: int,
        reference_id: int,
        span: tuple[int, int],
        entities: list[Span],
        suggestion: str,
        message: str,
        context: AuditContext,
        described: bool = False,
    ) -> Flag:
        """A flag on a name the copy drops (major for a person), or only describes (``described``: minor)."""
        person = any(e.label_ == "PERSON" for e in entities)
        return Flag(
            kind=self.name,
            severity="major" if person and not described else "minor",
            copy_id=copy_id,
            reference_id=reference_id,
            start=span[0],
            end=span[1],
            text=context.copy.text[span[0] : span[1]],
            suggestion=suggestion,
            message=f"name {'described' if described else 'dropped'}: {message}",
        )

    @staticmethod
    def _anchor(context: AuditContext, reference_id: int, rendered: set[int]) -> int | None:
        """The last copy sentence rendering the nearest earlier rendered original sentence."""
        for earlier in range(reference_id - 1, -1, -1):
            if earlier in rendered:
                for unit in context.alignment.units:
                    if earlier in unit.reference_ids and unit.copy_ids:
                        return unit.copy_ids[-1]
        return None


_PERSONAL = frozenset({"he", "she", "they", "it", "we"})
# Determiners that open a description of something named ("the former president", "a local newspaper").
_DESCRIBING = frozenset({"the", "this", "that", "a", "an", "its", "his", "her", "their"})


def _mentions(name: str, text: str) -> int:
    """How often ``name``, or its initials ("EU" for "European Union"), stands in ``text`` as whole words."""
    short = initials(name).upper()
    return sum(len(re.findall(rf"(?<!\w){re.escape(form)}(?!\w)", text)) for form in {name, short} if form)


def _given_earlier(flag: Flag) -> Flag:
    """A dropped name the copy gave earlier: the reader still knows who, so the flag is minor."""
    return replace(flag, severity="minor", message=f"{flag.message} (the copy names it earlier)")


def _shared_words(a: str, b: str) -> int:
    return len({w.lower() for w in a.split()} & {w.lower() for w in b.split()})


def _role(entity: Span) -> Span | None:
    """The noun phrase that says who or what a name is ("the spokesman" of "Ali Hassan, the spokesman")."""
    root = entity.root
    for token in root.children:
        if token.dep_ == "appos":
            return token.doc[token.left_edge.i : token.i + 1]
    if root.dep_ == "appos" and root.head.i < entity.start:
        head = root.head
        return head.doc[head.left_edge.i : head.i + 1]
    if root.dep_ == "compound" and root.head.pos_ == "NOUN":
        head = root.head  # "spokesman Ali Hassan" is parsed both ways
        return head.doc[head.i : head.i + 1]
    return None


def _find_role(doc: Doc, role: Span) -> tuple[int, int] | None:
    """The copy's noun phrase headed by the role's noun (same lemma), as character offsets in ``doc``."""
    lemma = role.root.lemma_.lower()
    for token in doc:
        if token.lemma_.lower() == lemma and token.pos_ in ("NOUN", "PROPN"):
            left = token.left_edge
            return left.idx, token.idx + len(token.text)
    return None
