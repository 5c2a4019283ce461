"""A plainer form of a sentence for a second parse: names the small parser may not know made plain.

spaCy's small English model misreads sentences around names it has not seen: "Moravská spořitelna
mistakenly double-charged some card payments" gets no finite verb, because it reads the foreign
name as the sentence's head. Parsed again as "Alex mistakenly charged some card payments", the
same sentence is plainly well formed. A verdict that only the first parse gives is the parser's
error, not the sentence's.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mtqa.nlp.entities import NAME_LABELS
from mtqa.nlp.lexicon import foreign_letters, zipf

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# A particle of a name ("van", "den", "bin") is rarer than this; "in", "met", "and" are not.
PARTICLE_ZIPF = 5.0
# What each name becomes: a short given name the model knows well, singular, of any role in a clause.
PLACEHOLDER = "Alex"
# The longest leading "According to ...," ("According to the regional governor's spokesman,") that a
# second parse leaves out, in tokens up to its comma.
OPENER_TOKENS = 12
# "double-charged" -> "charged", "well-known" -> "known": a lowercase compound, its last part.
_COMPOUND = re.compile(r"(?<![\w-])[A-Za-z]+-(?=[a-z]+\b)")  # not "20-year-old"


def _name_like(token: Token) -> bool:
    """A word of a name: in a name entity, a proper noun written capitalised, or a word with letters beyond ASCII."""
    if token.is_punct or token.is_space or token.lower_ in ("'s", "’s"):
        return False
    foreign = token.is_alpha and foreign_letters(token.text)
    # a sentence's first word is capitalised anyway, and a fragment's verb ("Said that ...") may be read as a name
    proper = token.pos_ == "PROPN" and token.text[:1].isupper() and token.i > 0
    following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    first_of_many = following is not None and following.ent_iob_ == "I"  # a name of two words or more opens it
    entity = token.ent_type_ in NAME_LABELS and (token.i > 0 or first_of_many)
    return entity or foreign or proper


def _opener_end(doc: Doc) -> int:
    """Where the main clause starts after a leading "According to ...," (which the small parser takes for
    the main verb): the token after its comma; 0 when the sentence opens otherwise. Other openers ("In
    September, ...") parse well as they are, and leaving them out lets a garbled clause pass."""
    first = doc[0] if len(doc) else None
    if first is None or first.lower_ != "according":
        return 0
    commas = [t.i for t in doc[1 : OPENER_TOKENS + 1] if t.text == ","]
    if not commas:
        return 0
    end = commas[0]
    for following in commas[1:]:  # "According to X, deputy governor for transport, the office ..."
        if any(t.pos_ in ("VERB", "AUX") for t in doc[end + 1 : following]):
            break
        end = following
    rest = [t for t in doc[end + 1 :] if not t.is_punct]
    return end + 1 if len(rest) >= 3 else 0


def plain_form(doc: Doc) -> str:
    """``doc``'s text without a leading "According to X," with each run of
    name words replaced by one plain name, and lowercase hyphenated compounds by their last part;
    punctuation and spacing kept."""
    pieces: list[str] = []
    pending = None  # the spacing after the run of name words being read, if any
    start = _opener_end(doc)
    for token in doc[start:]:
        following = doc[token.i + 1] if token.i + 1 < len(doc) else None
        # a particle between two words of a name ("Van den Bergh", "Abu al Walid") belongs to it
        particle = (
            pending is not None
            and token.is_lower
            and len(token) <= 3
            and token.pos_ not in ("VERB", "AUX")  # "Trump met Putin": a verb between names is no particle
            and zipf(token.lower_) < PARTICLE_ZIPF
        )
        if _name_like(token) or (particle and following is not None and _name_like(following)):
            if pending is None:
                pieces.append(PLACEHOLDER)
            pending = token.whitespace_
            continue
        if pending is not None:
            pieces.append(pending)
            pending = None
        pieces.append(token.text_with_ws)
    if pending is not None:
        pieces.append(pending)
    text = _COMPOUND.sub("", "".join(pieces))
    return text[:1].upper() + text[1:] if start else text
