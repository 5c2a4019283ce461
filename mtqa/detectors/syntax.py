"""Broken syntax: fragments and sentences a translation round trip left unfinished."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from itertools import pairwise
from typing import TYPE_CHECKING

from mtqa.detectors.base import AuditContext
from mtqa.nlp.clause import main_clause_after_opener, subject_and_predicate
from mtqa.nlp.grammar import (
    FINITE_TAGS,
    SUBJECTS,
    WH_TAGS,
    finite_main_verb,
    infinitive_with_subject,
    inverted_attribution,
    inverted_be,
    is_finite,
    is_verb,
    maybe_subject,
    name_particle_first,
    name_without_verb,
    outside_quotes,
    speaker_without_verb,
    strands,
    subject_without_verb,
    verbless_by_style,
)
from mtqa.nlp.plain import plain_form
from mtqa.plural import plural
from mtqa.segment.quotations import quotation_spans
from mtqa.types import Flag, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc

_FIRST_PERSON = {"I", "me", "my", "myself", "mine"}
# Words that make a sentence alone in speech ("Thanks.", "Exactly."): no piece of anything.
_REPLIES = frozenset(
    {"yes", "no", "yeah", "okay", "ok", "right", "sure", "thanks", "thank", "exactly", "indeed", "absolutely"}
    | {"hello", "goodbye", "bye", "cheers", "sorry", "please", "welcome", "congratulations", "true", "fine"}
)
_FINAL = (".", "?", "!", "…", "”", '"', "’", "'", ")")
_STRONG = (
    "dangling",
    "no finite verb",
    "no subject",
    "subordinate only",
    "glued",
    "subject lost",
    "verb lost",
    "stub",
    "attribution lost",
    "bare subject",
    "bare infinitive",
)
# Verdicts that rest on the parse alone (not on spelling, case or punctuation): a second parse must agree.
_PARSED = frozenset(
    {
        "dangling",
        "no finite verb",
        "no subject",
        "subordinate only",
        "subject lost",
        "verb lost",
        "bare subject",
        "bare infinitive",
    }
)
# Verdicts that a reading as subject and finite predicate undoes (``mtqa.nlp.clause``).
_VERB_VERDICTS = frozenset({"no finite verb", "verb lost", "attribution lost"})
_SUBJECT_VERDICTS = frozenset({"no subject", "subject lost"})
# Verdicts of the parse that a headline's own style explains: no finite verb, no subject, a bare clause,
# an infinitive for the future ("Council to close two libraries").
_HEADLINESE = frozenset({"no finite verb", "no subject", "subordinate only", "bare infinitive"})
# What a short line of its own has as a subhead: few words and no final stop.
_SUBHEAD = frozenset({"stub", "unfinished"})
_DOUBLED_STOP = re.compile(r"(?<!\.)\.\s*\.(?!\.)\s*$")  # "months.." or "rose. ." but not an ellipsis


def _copula(doc: Doc) -> bool:
    """Whether the main verb of ``doc`` is a form of "be" that links its subject to a phrase, with no
    clause of its own under it ("The problem is that the council refuses to act" has one): what a
    headline drops."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    clauses = ("ccomp", "csubj", "relcl", "advcl", "acl", "xcomp")
    return root is not None and root.lemma_ == "be" and not any(t.dep_ in clauses for t in doc)


class SyntaxDetector:
    """Flags copy sentences that are not well-formed sentences.

    Evidence, from spaCy's tagger and parser plus rules (strong signals first):

    - ``dangling``: it ends with a preposition that has no object, a
      conjunction or a determiner ("... an air strike at.");
    - ``no finite verb``: no verb carries tense ("East for the next four
      years.", "Sending residents into the streets.");
    - ``no subject``: it opens with a verb or modal and its main verb has no
      subject ("Said that he denied.");
    - ``subordinate only``: it is a bare subordinate clause ("Because the
      cells can ignite again.");
    - ``glued``: it starts in lowercase right after a full stop, a fragment
      that machine translation glued onto the sentence before ("... on
      Friday. was reported."; the segmenter makes it a sentence of its own);
    - ``stub``: one or two words that are no interjection or question
      ("Has.", "Quiet day."), unless the original has such a sentence too;
    - weak: at most ``SHORT_WORDS`` words and no final punctuation; a
      lowercase start; a doubled full stop ("months.."); first person ("I",
      "my") outside quotation marks, when the original never speaks in the
      first person.
    - ``subject lost`` and ``verb lost``, against the one original sentence a
      copy sentence renders: the original's main verb has a subject and the
      copy's has none, or the original has a finite verb and the copy no verb;
    - supporting only: a short sentence (at most ``SPLIT_WORDS`` words) that
      renders its original only together with a neighbour (a split tail). A
      complete short sentence in a split is a fair split, so this signal is
      added to others and never flags alone.

    Imperatives ("Let's say ...", "Thank you.") and prepositions stranded by a
    wh-word ("what we talked about") are English, not fragments.

    The small parser often loses a verb or a subject that is there. A verdict
    of the parse stands only if a second parse of a plainer form of the
    sentence gives it too, and if the sentence does not read as a subject and
    a finite predicate once its subject is a pronoun (``mtqa.nlp.clause``);
    a word the lexicon knows only as a noun ("we encryption keys") is no verb
    (``mtqa.nlp.word_classes``).

    A signal is dropped when an aligned original sentence shows it too: the
    copy only kept the source's style (a transcript's "I", a quoted fragment,
    a sentence or a part of one before or after a colon with no verb).
    Headlines and sentences wholly inside quotation marks are skipped. One flag
    per sentence, spanning it, lists the evidence; any strong signal or two
    weak ones make it major, one weak signal minor.
    """

    name = "syntax"
    english_only = True
    SHORT_WORDS = 4
    STUB_WORDS = 2  # "Has.", "Quiet day."
    SPLIT_WORDS = 5
    MIN_WORDS = 3  # "Yes." and "Thank you." are not fragments of anything

    def params(self) -> dict[str, object]:
        """See ``Detector.params``."""
        return {"short_words": self.SHORT_WORDS, "split_words": self.SPLIT_WORDS, "min_words": self.MIN_WORDS}

    def detect(self, context: AuditContext) -> list[Flag]:
        """See ``Detector.detect``."""
        copy_body = [s for s in context.copy.sentences if s.kind == "body"]
        reference_body = [s for s in context.reference.sentences if s.kind == "body"]
        copy_signals = {s.id: self._signals(s, context.parse("copy", s.id)) for s in copy_body}
        reference_signals = {s.id: self._reference_signals(s, context.parse("reference", s.id)) for s in reference_body}
        # A text that speaks in the first person (a talk, a column) makes "I" in its copy no intrusion.
        first_person_source = any("first person" in signals for signals in reference_signals.values())
        alone = Counter(s.paragraph for s in context.copy.sentences)  # sentences per paragraph
        reference_alone = Counter(s.paragraph for s in context.reference.sentences)
        # the original's subheads, and the sentences that open a section under one, where a copy may put
        # its own subhead
        subheads = {r.id for r in context.reference.sentences if self._subhead(r, reference_alone[r.paragraph])}
        under_subhead = {i + 1 for i in subheads}
        flags = []
        for sentence in copy_body:
            counterparts = context.counterparts(sentence.id)
            shared = set().union(*(reference_signals.get(i, set()) for i in counterparts))
            if "verbless part" in shared and len(context.unit_copy_ids(sentence.id)) > 1:
                shared.add("no finite verb")  # a copy sentence of a split may render that part alone
            if first_person_source:
                shared.add("first person")
            signals = {key: text for key, text in copy_signals[sentence.id].items() if key not in shared}
            unit = context.unit_copy_ids(sentence.id)
            # the one original sentence a copy sentence alone renders, if so: what its clause may have lost
            original = context.parse("reference", counterparts[0]) if len(counterparts) == 1 == len(unit) else None
            dateline = not sentence.text.startswith(sentence.norm[:20])
            if original is not None:
                signals.update(self._lost(original, context.parse("copy", sentence.id), dateline=dateline))
            glued = sentence.text[:1].islower() and not name_particle_first(sentence.text)
            # an original sentence that starts in lowercase too was split there by its own writer
            glued = glued and "lowercase" not in shared
            if glued and context.copy.text[: sentence.start].rstrip().endswith("."):
                signals.pop("lowercase", None)
                signals["glued"] = "it starts in lowercase right after a full stop: a fragment glued onto a sentence"
            rendered = [context.reference.sentences[i] for i in counterparts]
            from_headline = bool(rendered) and all(
                self._headline_style(r, reference_alone[r.paragraph]) for r in rendered
            )
            if self._headline_style(sentence, alone[sentence.paragraph]) or (
                from_headline and alone[sentence.paragraph] == 1
            ):
                # a line of its own with no final stop, or one that renders such a line: a headline or
                # a subhead, which English writes without a finite verb ("Warnings issued in Harlow over
                # new fraud"), whether or not the copy ends it with a full stop. One that ends on a word
                # that needs another ("... including") is still cut off. A clause that lost the subject
                # or verb of its original sentence is still broken, unless that sentence is a headline
                # too: then the two only word a headline two ways ("Man arrested" / "A man has been
                # arrested").
                style = _HEADLINESE | {"subject lost", "verb lost"} if from_headline else _HEADLINESE
                if original is not None and _copula(original):
                    style = style | {"verb lost"}  # headlines drop "is" and "are": "Tighter rules on the way"
                signals = {key: text for key, text in signals.items() if key not in style}
            following = sentence.id + 1 < len(context.copy.sentences)
            if (
                self._subhead(sentence, alone[sentence.paragraph])
                and set(counterparts) <= subheads
                and following
                and set(context.counterparts(sentence.id + 1)) & under_subhead
            ):
                # a subhead of its own where the original has one ("Responses" for "Reaction"): the
                # copy sentence after it renders the first sentence of the original's section
                signals = {
                    key: text
                    for key, text in signals.items()
                    if key not in (_HEADLINESE - {"subordinate only"}) | _SUBHEAD
                }
            if signals.keys() & _PARSED:
                signals = self._confirmed(sentence, signals, original, dateline, context)
            if signals.keys() & (_VERB_VERDICTS | _SUBJECT_VERDICTS | {"subordinate only", "bare subject"}):
                signals = self._has_clause(context.parse("copy", sentence.id), signals, context)
            if not signals:
                continue
            if len(unit) > 1 and len(counterparts) == 1 and len(sentence.text.split()) <= self.SPLIT_WORDS:
                others = [i for i in unit if i != sentence.id]
                signals["split"] = f"it renders the original only together with copy sentence {others[0]}"
            strong = any(key in _STRONG for key in signals)
            flags.append(
                Flag(
                    kind=self.name,
                    severity="major" if strong or len(signals) > 1 else "minor",
                    copy_id=sentence.id,
                    reference_id=counterparts[0] if counterparts else None,
                    start=sentence.start,
                    end=sentence.end,
                    text=sentence.text,
                    suggestion=None,
                    message="broken sentence: " + "; ".join(signals.values()),
                )
            )
        return flags

    def _reference_signals(self, sentence: Sentence, doc: Doc) -> set[str]:
        """The signals of an original sentence, against which a copy's are read: as a copy sentence's,
        "no finite verb" at any length ("National treasure." has none, as its rendering "Jewel of
        the nation." has none), and "verbless part" for a part before or after a colon with no finite
        verb ("His reason for the visit: chicken soup."), which a copy may render as a sentence of
        its own."""
        signals = set(self._signals(sentence, doc))
        words = [t for t in outside_quotes(doc) if not t.is_punct and not t.is_space]
        if words and not any(is_finite(t) for t in words):
            signals.add("no finite verb")
        colons = [t.i for t in doc if t.text == ":"]
        parts = [[t for t in words if a < t.i < b] for a, b in pairwise([-1, *colons, len(doc)])]
        if len(parts) > 1 and any(part and not any(is_finite(t) for t in part) for part in parts):
            signals.add("verbless part")
        return signals

    def _subhead(self, sentence: Sentence, in_paragraph: int) -> bool:
        """A line of its own of at most ``SHORT_WORDS`` words, capitalised, with no final punctuation."""
        words = sentence.text.split()
        short = 0 < len(words) <= self.SHORT_WORDS and all(w.isalpha() for w in words)
        return in_paragraph == 1 and short and words[0][:1].isupper()

    def _headline_style(self, sentence: Sentence, in_paragraph: int) -> bool:
        """A sentence alone in its paragraph, longer than a stub, with no final punctuation."""
        words = len(sentence.text.split())
        # a quotation closed with no stop inside it ends a headline's last words, not a sentence
        ending = sentence.text.rstrip().rstrip("”\"’'")
        return in_paragraph == 1 and words > self.SHORT_WORDS and not ending.endswith(_FINAL)

    def _confirmed(
        self, sentence: Sentence, signals: dict[str, str], original: Doc | None, dateline: bool, context: AuditContext
    ) -> dict[str, str]:
        """``signals`` without the parse's verdicts that a second parse of a plainer form of the sentence undoes.

        The small parser misreads sentences around names it does not know ("Moravská spořitelna
        mistakenly double-charged ..." has "no finite verb"): the sentence is parsed again with
        each name replaced by a plain English one and each hyphenated word by its last part. When
        that parse finds a main clause with a subject and a finite verb, a verdict of the first
        parse stands only if the second gives it too.
        """
        plain = plain_form(context.parse("copy", sentence.id))
        if plain == sentence.text:
            return signals
        doc = context.parse_text(plain)
        root = next((t for t in doc if t.dep_ == "ROOT"), None)
        if root is None or not finite_main_verb(doc, root) or not any(c.dep_ in SUBJECTS for c in root.children):
            return signals  # the second parse finds no sound main clause either: it undoes nothing
        again = self._signals(replace(sentence, text=plain, end=sentence.start + len(plain), debris=()), doc)
        if original is not None:
            again.update(self._lost(original, doc, dateline=dateline))
        return {key: text for key, text in signals.items() if key not in _PARSED or key in again}

    def _has_clause(self, doc: Doc, signals: dict[str, str], context: AuditContext) -> dict[str, str]:
        """``signals`` without the verdicts that a second reading of the sentence undoes (``mtqa.nlp.clause``).

        - A missing or lost verb goes when the sentence reads as a subject and a finite predicate once
          its subject is a pronoun ("Billions of pieces of clothing end up in landfills"); a subject
          with no verb straight after it, when that predicate comes after it ("There the Lions will
          face ...", not "..., he the radio").
        - A missing or lost subject goes only when the verb the parse found without one (or its first
          auxiliary) opens that predicate: "..., so showed him" keeps its verdict even when an earlier
          "he said" reads well. After a participle that opens the sentence ("Following that both
          officials resigned."), any verb may.
        - Any of these, and a bare subordinate clause, go when a main clause follows the comma of an
          opening subordinate clause ("As the entries are not final, the draw used placeholders").
        """
        verbs = signals.keys() & _VERB_VERDICTS
        reading = subject_and_predicate(doc, context.parse_text) if verbs or "bare subject" in signals else None
        if verbs and reading is not None:
            signals = {key: text for key, text in signals.items() if key not in verbs}
        if "bare subject" in signals and reading is not None:
            words = [t for t in doc if not t.is_punct and not t.is_space]
            bare = subject_without_verb(words) or name_without_verb(doc)
            if bare is not None and reading.i > bare[1].i:  # "There the Lions will face ...": its verb comes later
                signals.pop("bare subject")
        root = next((t for t in doc if t.dep_ == "ROOT"), None)
        subjects = signals.keys() & _SUBJECT_VERDICTS
        if subjects and root is not None:
            participle = root.i == 0 and root.tag_ in ("VBG", "VBN")
            first = min([root.i, *(c.i for c in root.children if c.dep_ in ("aux", "auxpass") and c.i < root.i)])
            if subject_and_predicate(doc, context.parse_text, None if participle else first) is not None:
                signals = {key: text for key, text in signals.items() if key not in subjects}
        opener = signals.keys() & (_VERB_VERDICTS | _SUBJECT_VERDICTS | {"subordinate only"})
        if opener and main_clause_after_opener(doc, context.parse_text):
            signals = {key: text for key, text in signals.items() if key not in opener}
        return signals

    def _lost(self, original: Doc, copy: Doc, dateline: bool = False) -> dict[str, str]:
        """What the copy's main clause lost against the one original sentence it renders (a 1-1 unit).

        - subject lost: the original's main verb has a subject and the copy's
          has none (an imperative, a bare verb with no auxiliary at the start,
          is English; so is a question);
        - verb lost: the original has a finite main verb, and the copy has no
          verb outside its quotations, or its root is a noun or another word
          that no verb governs, or its only verb stands in a clause opened by a
          subordinator ("The city that a man was infected."). A dateline
          ("LIMA, Peru (AP) —") confuses the parse of the main clause, so a
          sentence that opens with one is not judged by its root.
        """
        signals: dict[str, str] = {}
        their_root = next((t for t in original if t.dep_ == "ROOT"), None)
        my_root = next((t for t in copy if t.dep_ == "ROOT"), None)
        if their_root is None or my_root is None or their_root.pos_ not in ("VERB", "AUX"):
            return signals
        if copy.text.rstrip("”\"’' ").endswith("?"):
            return signals  # a question inverts its subject and verb; the parse of one is not to be trusted here
        their_subject = next((c for c in their_root.children if c.dep_ in SUBJECTS), None)
        imperative = my_root.tag_ == "VB" and not any(c.dep_ in ("aux", "auxpass") for c in my_root.children)
        if (
            their_subject is not None
            and my_root.pos_ in ("VERB", "AUX")
            and not imperative
            and not any(c.dep_ in SUBJECTS for c in my_root.children)
            and not maybe_subject(copy, my_root)
            and not inverted_attribution(copy, my_root, their_subject)
            and not inverted_be(copy, my_root, their_subject)
        ):
            signals["subject lost"] = (
                f"its main verb “{my_root.text}” has no subject, where the original's “{their_root.text}” "
                f"has “{their_subject.text}”"
            )
        finite = any(t.tag_ in FINITE_TAGS for t in outside_quotes(original))
        if not finite or their_subject is None:
            return signals
        lost = None
        if verbless_by_style(copy) and (_copula(original) or (copy[0].pos_ == "ADJ" and ":" not in copy.text)):
            return signals  # "Turnout: 61 percent.", "Full of praise for the players was the manager."
        outside = [t for t in outside_quotes(copy) if not t.is_punct and not t.is_space]
        quoted = len(outside) < len([t for t in copy if not t.is_punct and not t.is_space])
        if outside and not any(is_verb(t) for t in outside):
            lost = "it has no verb" + (" outside its quotations" if quoted else "")
        elif (
            not dateline
            and not imperative
            and not finite_main_verb(copy, my_root)
            and finite_main_verb(original, their_root)
        ):
            lost = f"it has no finite main verb (its main word is “{my_root.text}”)"
        elif any(c.dep_ == "mark" for c in my_root.children) and not any(c.dep_ == "mark" for c in their_root.children):
            mark = next(c for c in my_root.children if c.dep_ == "mark")
            lost = f"its only main verb “{my_root.text}” stands in a clause opened by “{mark.text}”"
        if lost is not None:
            signals["verb lost"] = f"{lost}, where the original says “{their_root.text}”"
        return signals

    def _signals(self, sentence: Sentence, doc: Doc) -> dict[str, str]:
        """Each defect found in one sentence, keyed by kind, with its evidence."""
        words = [t for t in doc if not t.is_punct and not t.is_space]
        quoted = quotation_spans(sentence.text)
        last_end = words[-1].idx + len(words[-1].text) if words else 0
        if not words or any(o <= words[0].idx and last_end <= c + 1 for o, c in quoted):
            return {}
        signals: dict[str, str] = {}
        last = words[-1]
        # "what we talked about" is English: the wh-word is the stranded object. "the money that
        # was paid into." is not: there the wh-word is the subject.
        stranded = any(t.tag_ in WH_TAGS and t.dep_ not in SUBJECTS for t in words[:-1])
        bare_preposition = last.dep_ in ("prep", "agent") and not list(last.children)
        left_by_english = bare_preposition and strands(last)  # "trodden upon": tagged a subordinator too
        dangling = (
            (bare_preposition and not stranded and not left_by_english)
            or (last.pos_ in ("CCONJ", "SCONJ") and not left_by_english)
            or (last.pos_ == "DET" and last.dep_ == "det")
        )
        if dangling:
            signals["dangling"] = f"it ends with “{last.text}”, which needs something after it"
        if len(words) >= self.MIN_WORDS:
            root = next((t for t in doc if t.dep_ == "ROOT"), None)
            # an imperative opens the sentence, or the part after a colon ("Its advice: stay alert.")
            imperative = (
                root is not None
                and root.tag_ == "VB"
                and (
                    root.i == words[0].i
                    or (
                        doc[root.i - 1].text == ":"
                        and any(t.pos_ in ("NOUN", "PROPN", "PRON") and t.dep_ != "pobj" for t in doc[: root.i - 1])
                    )
                )
            )
            if not any(is_finite(t) for t in words) and not imperative and not verbless_by_style(doc):
                signals["no finite verb"] = "it has no finite verb"
            # a leading conjunction or adverb ("And heard ...") does not supply a subject
            first = next((t for t in words if t.pos_ not in ("CCONJ", "ADV", "INTJ")), words[0])
            if (
                root is not None
                and first.pos_ in ("VERB", "AUX")
                and not any(child.dep_ in SUBJECTS for child in root.children)
                and first.tag_ != "VB"  # an imperative is a sentence
                and first.lemma_.lower() != "thank"  # "Thank you."
                and first.dep_ not in SUBJECTS  # a gerund that is the subject: "Airing didn't help."
                and not inverted_be(doc, root)
            ):
                signals["no subject"] = f"it opens with the verb “{first.text}” and has no subject"
            opener = words[0]
            subordinator = opener.dep_ == "mark" or (opener.tag_ == "WRB" and opener.dep_ == "advmod")
            question = sentence.text.rstrip("”\"’' ").endswith("?")
            if root is not None and subordinator and opener.head == root and not question:
                signals["subordinate only"] = f"it is only a subordinate clause opened by “{opener.text}”"
        if (
            len(words) <= self.STUB_WORDS
            and not sentence.text.rstrip("”\"’' ").endswith(("?", "!"))
            and not any(t.pos_ == "INTJ" or t.lower_ in _REPLIES for t in words)
        ):
            signals["stub"] = f"it has only {plural(len(words), 'word')}: a piece cut off a sentence"
        bare = subject_without_verb(words) or name_without_verb(doc)
        if bare is not None:
            signals["bare subject"] = f"no verb follows its subject “{bare[0].text}” (“{bare[0].text} {bare[1].text}”)"
        infinitive = infinitive_with_subject(doc)
        if infinitive is not None:
            subject, to = infinitive
            signals["bare infinitive"] = (
                f"its subject “{subject.text}” has only an infinitive (“{to.text} {to.head.text}”)"
            )
        speaker = speaker_without_verb(doc, quoted)
        if speaker is not None:
            signals["attribution lost"] = f"the quotation's speaker “{speaker}” has no verb (“says”, “said”)"
        if "stub" in signals and not sentence.text.rstrip().endswith(_FINAL):
            signals["unfinished"] = "it has no final punctuation"
        elif len(words) <= self.SHORT_WORDS and not sentence.text.rstrip().endswith(_FINAL):
            signals["unfinished"] = f"it has only {plural(len(words), 'word')} and no final punctuation"
        if sentence.text[:1].islower() and not name_particle_first(sentence.text):
            signals["lowercase"] = "it starts in lowercase, mid-phrase"
        if _DOUBLED_STOP.search(sentence.text):
            signals["doubled stop"] = "it ends with a doubled full stop"
        for token in words:
            if token.text in _FIRST_PERSON and not any(o < token.idx < c for o, c in quoted):
                signals["first person"] = f"first person “{token.text}” outside quotation marks in reported speech"
                break
        return signals
