"""Named entities of a parsed sentence: which are names, whether a text renders one, and the slot each fills."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA

from mtqa.nlp.name_spans import fold

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# spaCy's labels for names of people, places, organisations, groups and events.
NAME_LABELS = frozenset({"PERSON", "GPE", "ORG", "NORP", "LOC", "FAC", "EVENT", "WORK_OF_ART", "LAW"})
# Two spellings at least this alike (normalised, transpositions as one edit) are one name mangled.
NEAR_MISS = 0.75
# Words that head a slot without telling one slot from another.
_LIGHT_HEADS = frozenset({"'s", "’s", "of", "and", "or", ",", "the"})
# Words too common beside a name to place it.
_LIGHT_NEIGHBOURS = _LIGHT_HEADS | {"be", "is", "was", "are", "were", "has", "have", "had"}


def is_name(entity: Span) -> bool:
    """An entity of ``NAME_LABELS`` written as a name: capitalised, with at least two letters."""
    text = core(entity)
    return entity.label_ in NAME_LABELS and text[:1].isupper() and len(fold(text)) >= 2


def core(entity: Span) -> str:
    """The entity's text without a leading "the" and a trailing possessive."""
    words = entity.text.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    text = " ".join(words)
    for tail in ("'s", "’s", "'", "’"):
        if text.endswith(tail):
            return text[: -len(tail)]
    return text


def initials(text: str) -> str:
    """The capital initials of a multi-word name ("United States" -> "us"), or "" for one word."""
    words = [w for w in text.replace("-", " ").split() if w[:1].isupper()]
    return "".join(w[0] for w in words).lower() if len(words) > 1 else ""


def near(a: str, b: str) -> bool:
    """Whether two folded words are one name, one spelled a little differently, or one starting the other
    ("Japan"/"Japanese", "Tokyo"/"Tokyo's")."""
    if not a or not b:
        return False
    if a == b or OSA.normalized_similarity(a, b) >= NEAR_MISS:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) >= 4 and long.startswith(short[: max(4, len(short) - 1)]):
        return True
    stem = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(short))
    # "Supervisory"/"Supervision": one stem, another ending
    return stem >= 6 and stem >= 0.7 * len(short)


def renders(name: str, words: set[str]) -> bool:
    """Whether ``words`` (``text_words`` of a text) render the name ``name``.

    A word of the name, a near miss of one, or the name's initials ("US" for
    "United States", and the reverse) is enough: a name shortened or
    respelled is still there, only a name with no trace is not.
    """
    parts = [fold(w) for w in name.replace("-", " ").split()]
    parts = [p for p in parts if len(p) >= 2]
    if any(p in words or (len(p) >= 3 and any(near(p, w) for w in words)) for p in parts):
        return True
    whole = fold(name)
    if len(whole) >= 5 and any(len(w) >= 5 and near(whole, w) for w in words):
        return True  # "Alrashid" for "al-Rashid": the words of a name joined and respelled
    short = initials(name)
    if short and any(_same_initials(short, w) for w in words):
        return True
    return whole in words or (name.isupper() and any(_same_initials(whole, w) for w in words))


def _same_initials(a: str, b: str) -> bool:
    """Initials alike but for one letter at the end: "USA" and "US", "UKR" and "UK"."""
    short, long = sorted((a, b), key=len)
    return len(short) >= 2 and long.startswith(short) and len(long) - len(short) <= 1


def text_words(text: str) -> set[str]:
    """The folded words of ``text``, with the initials of its runs of capitalised words."""
    tokens = text.replace("-", " ").split()
    words = {fold(t) for t in tokens if fold(t)}
    run: list[str] = []
    for token in [*tokens, ""]:
        if token[:1].isupper() and token.lower() not in ("the", "a", "an"):
            run.append(token)
            continue
        if len(run) > 1:
            for i in range(len(run)):
                for j in range(i + 2, len(run) + 1):
                    words.add("".join(w[0] for w in run[i:j]).lower())
        run = []
    return words


def slot(entity: Span) -> tuple[str, str]:
    """The role an entity fills, as (relation, the word it hangs on).

    "in Tokyo" -> ("pobj", "in <lemma of the word 'in' hangs on>"): a name
    after a preposition is placed by the preposition and its head, a subject
    or object by its verb, a modifier by its noun.
    """
    root: Token = entity.root
    head = root.head
    if root.dep_ == "pobj" and head.i != root.i:
        return ("pobj", f"{head.lower_} {head.head.lemma_.lower()}")
    if head.i == root.i:
        return ("ROOT", "")
    return (root.dep_, head.lemma_.lower())


def filler(entity: Span, doc: Doc) -> Span | None:
    """The phrase of ``doc`` (a rendering of ``entity``'s sentence) that fills ``entity``'s slot.

    A noun or pronoun with the same relation to a word of the same lemma
    (for a name after a preposition: the same preposition under a word of
    the same lemma), as the phrase from its leftmost word to it.
    """
    relation, word = slot(entity)
    if relation == "ROOT" or word in _LIGHT_HEADS:
        return None
    for token in doc:
        if token.pos_ not in ("NOUN", "PROPN", "PRON") or token.dep_ != relation:
            continue
        head = token.head
        theirs = f"{head.lower_} {head.head.lemma_.lower()}" if relation == "pobj" else head.lemma_.lower()
        if theirs == word:
            return doc[token.left_edge.i : token.i + 1]
    return None
