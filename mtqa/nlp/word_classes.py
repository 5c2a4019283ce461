"""Which parts of speech an English word form can have, from the WordNet indexes that ship with spaCy's
English pipeline (its rule lemmatizer's ``lemma_index``, ``lemma_exc`` and ``lemma_rules`` tables).

The small tagger fills the slot after a subject with a verb whatever word stands there: in "Today, we
encryption keys from random numbers" it tags "encryption" VBP. The lexicon knows "encryption" only as
a noun, so the sentence has no verb. A word the lexicon does not know ("livestreamed") may be anything.
"""

from __future__ import annotations

from functools import lru_cache

from mtqa.nlp.parser import english

_CLASSES = ("noun", "verb", "adj", "adv")


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, frozenset[str]], dict[str, dict[str, list[str]]], dict[str, list[list[str]]]]:
    lookups = english().get_pipe("lemmatizer").lookups  # type: ignore[attr-defined]
    index, exceptions, rules = (lookups.get_table(name) for name in ("lemma_index", "lemma_exc", "lemma_rules"))
    return (
        {c: frozenset(index[c]) for c in _CLASSES if c in index},
        {c: dict(exceptions[c]) for c in _CLASSES if c in exceptions},
        {c: list(rules[c]) for c in _CLASSES if c in rules},
    )


@lru_cache(maxsize=1 << 16)
def word_classes(word: str) -> frozenset[str]:
    """The classes ("noun", "verb", "adj", "adv") of which ``word`` (any case) is a form: the word itself,
    an irregular form ("sold" of "sell") or a regular inflection ("charges" of "charge") of a lemma
    in that class's index. Empty for a word the lexicon does not know."""
    index, exceptions, rules = _tables()
    form = word.lower()
    found = set()
    for name, lemmas in index.items():
        candidates = {form, *exceptions.get(name, {}).get(form, [])}
        candidates |= {form[: -len(old)] + new for old, new in rules.get(name, []) if old and form.endswith(old)}
        if candidates & lemmas:
            found.add(name)
    return frozenset(found)


def known_non_verb(word: str) -> bool:
    """Whether ``word`` is never a verb: the lexicon knows it, not as a form of a verb, and it carries a
    suffix that makes nouns or adverbs ("encryption", "government", "quickly"). WordNet's verbs are
    those of 2006: a bare word it knows as a noun only may have become a verb since ("We text each
    other"), so no such word is ruled out."""
    if not word.lower().endswith(NON_VERB_SUFFIXES):
        return False
    classes = word_classes(word)
    return bool(classes) and "verb" not in classes


# Suffixes that derive nouns and adverbs, never verbs.
NON_VERB_SUFFIXES = ("tion", "sion", "ment", "ness", "ity", "ance", "ence", "ship", "hood", "ism", "ly")
