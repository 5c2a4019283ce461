"""English grammar read off spaCy's parse of one sentence: what a sentence needs (a subject, a finite
verb) and the constructions that look broken to a rule but are English (an inverted attribution, a
subject after "be", a stranded preposition). The syntax detector decides with these."""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from mtqa.nlp.name_spans import PARTICLES
from mtqa.nlp.parser import english
from mtqa.nlp.word_classes import known_non_verb
from mtqa.segment.quotations import quotation_spans

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
# Subject pronouns (the ones that are never objects), and the words that may follow one before its verb.
_SUBJECT_PRONOUNS = frozenset({"I", "we", "We", "he", "He", "she", "She", "they", "They"})
_AFTER_SUBJECT = frozenset({"all", "both", "each", "alone", "too", "either", "neither", "themselves", "ourselves"})
WH_TAGS = frozenset({"WDT", "WP", "WP$", "WRB"})
# Prepositions that open a phrase of time, never one of place or possession ("During the storm were ...").
_TIME_PREPOSITIONS = frozenset({"during", "after", "before", "since", "until", "till", "throughout"})
# Adverbs after which English puts "be" or an auxiliary before its subject ("Not only are ...").
INVERTING_ADVERBS = frozenset({"not", "never", "nor", "neither", "rarely", "seldom", "hardly", "scarcely", "only"})
# The most words of a subject that follows its reporting verb ("..., said the regional governor", "...,
# stated the press office of Dana Rivers, head of the regional council").
INVERTED_SUBJECT_WORDS = 12


def subject_without_verb(words: list[Token]) -> tuple[Token, Token] | None:
    """A subject pronoun followed straight by a noun phrase, a preposition or "to": "we encryption keys"
    (which the tagger calls a verb, and the lexicon a noun only), "I about the research", "he CNBC",
    "We to know", "There no contacts". "It" and "you", objects as often, count at the start of a
    clause only ("It the integrity of ...", "But it a step further"). English puts a verb (or an
    adverb) there."""
    for pronoun, after in _skipping_one_adverb(words):
        opener = pronoun.i == words[0].i and pronoun.text == "There"
        before = pronoun.doc[pronoun.i - 1] if pronoun.i > 0 else None
        clause_start = before is None or before.text == "," or (before.i == words[0].i and before.pos_ == "CCONJ")
        either = pronoun.lower_ in ("it", "you") and clause_start
        noun_like = after.pos_ in ("DET", "NOUN", "PROPN", "NUM") or (after.pos_ == "VERB" and not is_verb(after))
        to = after.lower_ == "to" and after.pos_ == "PART"
        if after.i == pronoun.i + 1:
            phrase = after.pos_ == "ADP" and not _verb_after_phrase(after)  # not "we in the cabinet want"
            fits = (after.pos_ == "DET") if either else (noun_like or phrase or to)  # not "You guys"
        else:  # after an adverb: "He then to return", not "He later in life became"
            fits = not either and (to or after.pos_ == "DET")
        if (
            (pronoun.text in _SUBJECT_PRONOUNS or opener or either)
            and _next_or_after_an_adverb(pronoun, after)
            and fits
            and after.lower_ not in _AFTER_SUBJECT
        ):
            return pronoun, after
    return None


def infinitive_with_subject(doc: Doc) -> tuple[Token, Token] | None:
    """A subject whose clause has only an infinitive where a finite verb belongs: "the husband to abuse
    alcohol, and after another argument ...", "After the husband to drink, ..." (a verb lost before
    "to"). The infinitive heads a main, coordinate or adverbial clause, or a complement clause before
    the verb it completes ("And that to be the general picture: X shows"). English puts a subject
    before "to" after "for" ("for the team to win"), as the object of a verb of wanting or expecting
    ("want him to go", a complement clause after its verb), after a gapped verb ("The bank wants to
    cut 200 jobs, and the insurer to cut 50": a coordinate infinitive beside another), in a question
    ("How were residents to know?") and in a quotation, which may quote a headline."""
    if doc.text.rstrip("”\"’' ").endswith("?"):
        return None
    quoted = quotation_spans(doc.text)
    for verb in doc:
        to = _to_of(verb)
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < verb.i), None)
        main = verb.dep_ in ("ROOT", "conj", "advcl") or (verb.dep_ == "ccomp" and verb.head.i > verb.i)
        if to is None or subject is None or not main or any(o <= subject.idx <= c for o, c in quoted):
            continue
        before = doc[subject.left_edge.i - 1] if subject.left_edge.i > 0 else None
        if any(c.dep_ == "mark" and c.lower_ == "for" for c in verb.children) or (
            before is not None and before.lower_ == "for"
        ):
            continue
        if any(_to_of(t) is not None for t in doc[: subject.left_edge.i]):
            continue  # a gapped verb after another infinitive: "wants to cut 200 jobs, and the insurer to cut 50"
        return subject, to
    return None


def _to_of(verb: Token) -> Token | None:
    """The "to" that makes ``verb`` an infinitive, if one does."""
    return next((c for c in verb.children if c.dep_ == "aux" and c.lower_ == "to" and c.i < verb.i), None)


def _verb_after_phrase(preposition: Token) -> bool:
    """Whether a verb that carries tense follows the phrase ``preposition`` opens: "we in the cabinet
    want to pass ...", where the phrase sits between a subject and its verb."""
    doc = preposition.doc
    end = max(t.i for t in preposition.subtree) + 1
    if end + 1 < len(doc) and doc[end].pos_ == "ADV":
        end += 1  # "we in the cabinet still hope ..."
    return end < len(doc) and doc[end].tag_ in FINITE_TAGS


def name_without_verb(doc: Doc) -> tuple[Token, Token] | None:
    """A name that opens the clause, followed straight by a clause of its own: "Murashko that the
    vaccination would be voluntary", "Kamilla it is almost impossible" (a verb of saying lost between
    them). An opening phrase closed by a comma ("In response, Doha that ...") may come first; a name
    after a preposition ("In Paris they ...") is no subject."""
    words = [t for t in doc if not t.is_space]
    start = 0
    if words and words[0].pos_ in ("ADP", "ADV", "SCONJ"):
        comma = next((t for t in words if t.text == ","), None)
        start = comma.i + 1 if comma is not None else len(doc)
    end = start
    while end < len(doc) and doc[end].pos_ == "PROPN":
        end += 1
    if end == start or end + 1 >= len(doc):
        return None
    name, after, then = doc[end - 1], doc[end], doc[end + 1]
    # "that" before a subject, or a subject pronoun, after a person or a body; not after a day or a place
    # ("Paris that summer", "Monday it rained"), nor before a regnal numeral ("Peter I")
    person = name.ent_type_ not in ("DATE", "TIME", "GPE", "LOC", "FAC", "EVENT")
    that_clause = after.lower_ == "that" and then.pos_ in ("DET", "PRON", "NOUN", "PROPN", "ADJ", "NUM")
    clause = after.lower_ in ("it", "he", "she", "they", "we") and after.dep_ in SUBJECTS
    return (name, after) if person and (that_clause or clause) else None


def speaker_without_verb(doc: Doc, quoted: list[tuple[int, int]]) -> str | None:
    """The speaker named after a quotation with no verb of saying: "“... so beautiful,” Atli.", "“...,”
    Ann Berg, a student, who fishes here." The quotation closes with a comma, and the words after
    it, up to the end or the first comma, are a name or a noun phrase and hold no verb ("“...,” says
    Atli.", "“...,” Atli said." have theirs)."""
    if not quoted:
        return None
    end = quoted[-1][1]
    text = doc.text
    if "," not in (text[end - 1 : end], text[end + 1 : end + 2]):
        return None  # no quotation closed with a comma, as one before its speaker is
    if any(t.idx < end < t.idx + len(t.text) - 1 for t in doc):  # "beautiful,”Atli": one token across the mark
        doc = english()(doc.text[end + 1 :])
        end = -1
    tail = [t for t in doc if t.idx > end and not t.is_space]
    while tail and tail[0].is_punct:
        tail = tail[1:]
    comma = next((k for k, t in enumerate(tail) if t.text == ","), len(tail))
    head = [t for t in tail[:comma] if not t.is_punct]
    named = head and (head[0].pos_ in ("PROPN", "DET", "NOUN") or head[0].text[:1].isupper())
    if not named or any(is_verb(t) for t in head):
        return None
    if any(is_verb(t) for t in tail[comma:] if not _in_relative(t)):
        return None  # "“...,” Ann Berg, the coach, told reporters."
    return " ".join(t.text for t in head)


def _in_relative(token: Token) -> bool:
    """Whether ``token`` stands in a relative clause: "..., who has been fishing here"."""
    return any(a.dep_ == "relcl" for a in [token, *token.ancestors])


def _skipping_one_adverb(words: list[Token]) -> list[tuple[Token, Token]]:
    """Each word with the next one, and with the one after an adverb that follows it ("He then to
    return to ...")."""
    pairs = list(pairwise(words))
    pairs += [(a, c) for a, b, c in zip(words, words[1:], words[2:], strict=False) if b.pos_ == "ADV"]
    return pairs


def _next_or_after_an_adverb(word: Token, after: Token) -> bool:
    """Whether ``after`` follows ``word`` with nothing but a space between, or one adverb ("He then to")."""
    doc = word.doc
    if after.i == word.i + 1:
        return after.idx == word.idx + len(word.text) + 1
    return after.i == word.i + 2 and doc[word.i + 1].pos_ == "ADV" and not doc[word.i + 1].is_punct


def is_verb(token: Token) -> bool:
    """Whether ``token`` is a verb: tagged one, and not a word the lexicon knows only as another part of
    speech (the tagger tags whatever follows a subject a verb: "we encryption keys")."""
    return token.pos_ == "AUX" or (token.pos_ == "VERB" and not known_non_verb(token.text))


def is_finite(token: Token) -> bool:
    """Whether ``token`` is a verb that carries tense (see ``is_verb``)."""
    return token.tag_ in FINITE_TAGS and is_verb(token)


def strands(preposition: Token) -> bool:
    """Whether English leaves ``preposition`` at the end of its clause: straight after a passive verb ("when
    it is trodden upon", "are cared for", "being looked down upon") or a verb of a relative clause
    ("things my son would approve of", "a position to begin with", "a sale it hoped to raise $1bn
    from"), or after the number of a vote whose verb is gapped ("and two against"), unless a relative
    word is that verb's subject ("the money that was paid into.", where the preposition has lost its
    object). A preposition after a noun ("an air strike at.") is never stranded."""
    verb = preposition.head
    if (
        verb.pos_ == "NUM"
        and verb.dep_ == "conj"
        and verb.i == preposition.i - 1
        and preposition.lower_ in ("for", "against")
    ):
        return True  # a vote counted with its verb gapped: "Five voted in favour and two against."
    if verb.pos_ not in ("VERB", "AUX"):
        return False
    # an infinitive of a relative clause strands it too, after its own object: "a sale it expected to
    # raise $1bn from"
    infinitive = (
        verb.dep_ == "xcomp"
        and verb.head.dep_ == "relcl"
        and verb.head.i < verb.i
        and any(c.dep_ == "dobj" and c.i < preposition.i for c in verb.children)
    )
    clause = verb.head if infinitive else verb
    between = preposition.doc[verb.i + 1 : preposition.i]
    if not infinitive and any(t.pos_ not in ("ADV", "PART", "ADP") for t in between):
        return False  # "were dedicated to the incident in.": the verb has its phrases, and this one lost its object
    passive = any(c.dep_ == "auxpass" or (c.dep_ == "aux" and c.lemma_ == "be") for c in verb.children)
    passive = passive and verb.tag_ == "VBN"
    if not passive and clause.dep_ != "relcl":
        return False
    subjects = [c for c in clause.children if c.dep_ in SUBJECTS]
    return not any(s.tag_ in WH_TAGS or s.lower_ == "that" for s in subjects)


def name_particle_first(text: str) -> bool:
    """Whether a sentence opens with a name's lowercase particle: "de Havilland was ...", "van Gogh painted ..."."""
    first, _, rest = text.partition(" ")
    return first.lower() in PARTICLES and rest[:1].isupper()


def inverted_attribution(doc: Doc, root: Token, subject: Token) -> bool:
    """Whether ``root`` reports the clause before it with its subject after it: "..., stated the
    minister." The reported clause (a ``ccomp`` of the root) comes first, a comma or quotation mark
    stands just before the verb, and a short noun phrase after it, ending the sentence, names
    someone (a proper name, or a noun of the original's subject ``subject``, which the parser
    reads as an object). After a closing quotation mark any noun names the speaker ("“...,” added
    the lawyer.", where the original's subject is "his attorney")."""
    after = [t for t in doc[root.i + 1 :] if not t.is_punct]
    theirs = {t.lower_ for t in subject.subtree if t.pos_ in ("PROPN", "NOUN")}
    quoted = doc[root.i - 1].text in ("”", '"', "’")
    return (
        root.i > 0
        and (quoted or doc[root.i - 1].text == ",")
        and any(c.dep_ == "ccomp" and c.i < root.i for c in root.children)
        and 0 < len(after) <= INVERTED_SUBJECT_WORDS
        and after[0].pos_ not in ("ADP", "ADV", "SCONJ", "PART")  # not "said during the address"
        and any(t.pos_ == "PROPN" or (t.pos_ == "NOUN" and (quoted or t.lower_ in theirs)) for t in after)
        and not any(t.tag_ in FINITE_TAGS for t in after)  # "acting governor" is no verb of its own
    )


def inverted_be(doc: Doc, root: Token, subject: Token | None = None) -> bool:
    """Whether ``root``, or an auxiliary of it after it, is a form of "be" with the subject after it,
    behind a fronted phrase: "Not only are small farms able ...", "Also taking part in the parade
    were the ships ...". The phrase runs straight into the verb from a word that is no verb (not
    "Recently, have been ...", which lost its subject), and a noun phrase follows it. English inverts
    after a negative or focusing adverb or a participle phrase, and after a fronted phrase when what
    follows "be" is new to the story, led by a number ("Among the injured were two children", "To
    his credit are five games"); after any other phrase ("In 2019 was the best year", a subject
    lost) only when a noun of the original's ``subject`` follows "be"."""
    first = next((t for t in doc if t.pos_ not in ("ADV", "PART", "CCONJ", "PUNCT")), None)
    trigger = doc[0].lower_ in INVERTING_ADVERBS or (first is not None and first.tag_ in ("VBG", "VBN"))
    trigger = trigger or _presents(doc, root)
    theirs = {t.lower_ for t in subject.subtree if t.pos_ in ("NOUN", "PROPN")} if subject is not None else set()
    if not trigger and not any(t.lower_ in theirs for t in doc[root.i + 1 :]):
        return False
    verbs = [root, *(c for c in root.children if c.dep_ in ("aux", "auxpass") and c.i > root.i)]
    for be in verbs:
        before = doc[be.i - 1] if be.i > 1 else None
        after = doc[be.i + 1] if be.i + 1 < len(doc) else None
        if (
            be.lemma_ == "be"
            and before is not None
            and not before.is_punct
            and before.pos_ not in ("VERB", "AUX")
            and after is not None
            and after.pos_ in ("DET", "NUM", "ADJ", "NOUN", "PROPN")
        ):
            return True
    return False


def _presents(doc: Doc, root: Token) -> bool:
    """Whether "be" at ``root`` presents something new behind a fronted prepositional phrase of place
    or possession: the sentence opens with a preposition whose phrase names no time ("In 2019 were 40
    cases" lost its subject), and a counted noun follows "be"."""
    after = doc[root.i + 1] if root.i + 1 < len(doc) else None
    if doc[0].pos_ != "ADP" or doc[0].lower_ in _TIME_PREPOSITIONS or root.lemma_ != "be":
        return False
    if after is None or after.pos_ != "NUM":
        return False
    if any(c.dep_ in ("acomp", "advmod", "npadvmod") for c in root.children):
        return False  # a measure, not a new subject: "Over the river is 300 metres long"
    noun = after.head if after.head.i > after.i else after
    following = doc[noun.i + 1] if noun.i + 1 < len(doc) else None
    if following is not None and following.pos_ in ("ADJ", "ADV"):
        return False  # "In Harlow were two officers short"
    fronted = doc[1 : root.i]
    return not any(t.ent_type_ in ("DATE", "TIME") or t.like_num for t in fronted)


def maybe_subject(doc: Doc, root: Token) -> bool:
    """Whether a noun or pronoun before ``root`` could be its subject that the parser misread.

    Names the small model does not know ("Go Dong-wook, 34, said ...") get odd
    labels; only nouns inside a prepositional phrase, possessives, parts of
    compounds, and words of another clause (a quotation, a subordinate
    clause, under a verb other than ``root``) cannot be the subject.
    """
    quoted = quotation_spans(doc.text)
    return any(
        t.pos_ in ("PROPN", "PRON", "NOUN")
        and t.dep_ not in ("pobj", "poss", "compound")
        and not any(o <= t.idx < c for o, c in quoted)
        and not _in_subordinate_clause(t, root)
        for t in doc[: root.i]
    )


def finite_main_verb(doc: Doc, root: Token) -> bool:
    """Whether a verb of the main clause carries tense: the root, or a verb joined to a root that is a verb.

    A verb joined to a noun root ("Shoots an arch ... and goes around") makes
    no main clause: the parser has lost the sentence's verb.
    """
    if root.pos_ not in ("VERB", "AUX"):
        return False
    return any(
        t.pos_ in ("VERB", "AUX")
        and (t.i == root.i or (t.dep_ in ("conj", "parataxis") and t.head.i == root.i))
        and (t.tag_ in FINITE_TAGS or any(c.dep_ in ("aux", "auxpass") and c.tag_ in FINITE_TAGS for c in t.children))
        for t in doc
    )


def _in_subordinate_clause(token: Token, root: Token) -> bool:
    """Whether ``token`` stands in another clause than ``root``'s ("Although the number fell, ...").

    That is, a verb stands between it and the root; but a verb of an
    adverbial clause without a subordinator may be a name the parser took for
    a verb ("Go Dong-wook, 34, said ...").
    """
    head = token.head
    while head.i != root.i and head.i != head.head.i:
        if head.pos_ in ("VERB", "AUX") and head.dep_ not in ("aux", "auxpass"):
            if _reporting_insertion(head) and token.i < head.i and token.dep_ in SUBJECTS and not token.ent_type_:
                return False  # "Laboratory results, said Professor X, often fail": the insertion took it
            return head.dep_ != "advcl" or any(c.dep_ == "mark" for c in head.children)
        head = head.head
    return False


def verbless_by_style(doc: Doc) -> bool:
    """Whether a sentence whose main word is no verb is written so on purpose: a label and its value
    after a colon ("Turnout: 61 percent, the highest since 2006."), or an adjective phrase fronted
    before "be" and its subject ("Full of praise for the players was the manager, Rita Callow.")."""
    words = [t for t in doc if not t.is_space]
    colon = next((t.i for t in words if t.text == ":"), None)
    if colon is not None and 0 < colon <= 3 and words[0].text[:1].isupper():
        label = doc[:colon]
        if all(t.pos_ in ("NOUN", "PROPN", "ADJ", "DET") for t in label) and not any(is_finite(t) for t in doc):
            return True
    if not words or words[0].pos_ != "ADJ":
        return False
    be = next((t for t in doc[1:] if t.lemma_ == "be" and t.tag_ in FINITE_TAGS), None)
    if (
        be is None
        or be.dep_ == "ccomp"
        or any(
            c.dep_ in ("mark", "advmod") and c.lower_ not in ("after", "before", "since", "until") for c in be.children
        )
    ):
        return False
    rest = [t for t in doc[be.i + 1 :] if not t.is_punct]
    nominal = ("PROPN", "NOUN", "DET", "ADJ", "NUM", "CCONJ")
    return (
        bool(rest) and rest[-1].pos_ in ("PROPN", "NOUN") and all(t.pos_ in nominal or t.lower_ == "of" for t in rest)
    )


def _reporting_insertion(verb: Token) -> bool:
    """Whether ``verb`` reports between commas with its subject after it: ", said Professor X,"."""
    doc = verb.doc
    after_comma = verb.i > 0 and doc[verb.i - 1].text == ","
    return verb.dep_ == "parataxis" and after_comma and any(c.dep_ in SUBJECTS and c.i > verb.i for c in verb.children)


def outside_quotes(doc: Doc) -> list[Token]:
    """The words of ``doc`` outside its quotation marks."""
    quoted = quotation_spans(doc.text)
    return [t for t in doc if not any(o <= t.idx < c for o, c in quoted)]
