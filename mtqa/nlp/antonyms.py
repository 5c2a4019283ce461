"""Opposites among common news verbs and predicates, by lemma: swapping one for the other inverts a fact.

The list is generic English (no names, no topic): movements (rise/fall),
decisions (approve/reject), outcomes (win/lose), states (open/closed), and
converses (buy/sell), which invert a fact only with the same subject. It is
read in both directions.
"""

from __future__ import annotations

from functools import lru_cache

PAIRS: tuple[tuple[str, str], ...] = (
    ("rise", "fall"),
    ("rise", "drop"),
    ("rise", "decline"),
    ("increase", "decrease"),
    ("increase", "reduce"),
    ("increase", "cut"),
    ("raise", "lower"),
    ("raise", "cut"),
    ("gain", "lose"),
    ("win", "lose"),
    ("approve", "reject"),
    ("accept", "reject"),
    ("accept", "refuse"),
    ("allow", "ban"),
    ("allow", "forbid"),
    ("allow", "prohibit"),
    ("permit", "prohibit"),
    ("permit", "ban"),
    ("open", "close"),
    ("confirm", "deny"),
    ("admit", "deny"),
    ("support", "oppose"),
    ("acquit", "convict"),
    ("expand", "shrink"),
    ("expand", "contract"),
    ("strengthen", "weaken"),
    ("improve", "worsen"),
    ("begin", "end"),
    ("start", "end"),
    ("start", "stop"),
    ("resume", "suspend"),
    ("lift", "impose"),
    ("ease", "tighten"),
    ("include", "exclude"),
    ("hire", "fire"),
    ("enter", "leave"),
    ("arrive", "depart"),
    ("agree", "disagree"),
    ("succeed", "fail"),
    ("pass", "fail"),
    ("appear", "disappear"),
    ("advance", "retreat"),
    ("remember", "forget"),
    ("welcome", "condemn"),
    ("praise", "criticize"),
    ("praise", "criticise"),
    ("release", "detain"),
    ("survive", "die"),
    ("high", "low"),
    ("more", "less"),
    ("most", "least"),
    ("legal", "illegal"),
    ("possible", "impossible"),
    ("likely", "unlikely"),
    ("guilty", "innocent"),
    ("alive", "dead"),
    ("true", "false"),
    ("safe", "unsafe"),
    ("stable", "unstable"),
    ("able", "unable"),
)

# Converses: one event told from its other party ("A sold it to B" is "B bought it from A"). Swapping one
# for the other inverts a fact only when the two have the same subject.
CONVERSES: tuple[tuple[str, str], ...] = (
    ("buy", "sell"),
    ("lend", "borrow"),
    ("give", "receive"),
    ("teach", "learn"),
)


@lru_cache(maxsize=1)
def _opposites() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for first, second in PAIRS + CONVERSES:
        table.setdefault(first, set()).add(second)
        table.setdefault(second, set()).add(first)
    return {lemma: frozenset(others) for lemma, others in table.items()}


def opposites(lemma: str) -> frozenset[str]:
    """The lemmas whose meaning is the opposite of ``lemma`` (lowercase), or an empty set."""
    return _opposites().get(lemma, frozenset())


def converse(first: str, second: str) -> bool:
    """Whether two lemmas tell one event from its two parties (buy / sell)."""
    return (first, second) in CONVERSES or (second, first) in CONVERSES
