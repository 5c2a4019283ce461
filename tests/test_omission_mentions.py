"""A name the original writes more often than the copy sentence rendering it: one mention dropped.

Every text here is made up.
"""

from __future__ import annotations

from mtqa import audit
from mtqa.embed.torch import SentenceTransformerEmbedder

LEAD = "The harvest started late this year after a wet spring. "
TAIL = " Prices are expected to rise in the autumn."


def omissions(original: str, copy: str, embedder: SentenceTransformerEmbedder) -> list[tuple[str, str]]:
    flags = audit(original, copy, embedder=embedder).flags
    return [(f.severity, f.suggestion) for f in flags.itertuples() if f.kind == "omission"]


def test_a_second_mention_dropped_from_its_sentence_is_a_minor_omission(
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    original = LEAD + "Farmers sold Moravian wine to dealers, and Moravian growers kept the rest for export." + TAIL
    copy = LEAD + "Farmers sold Moravian wine to dealers, and growers kept the rest for export." + TAIL
    assert omissions(original, copy, real_embedder) == [("minor", "Moravian")]
    # both mentions kept: nothing dropped
    assert omissions(original, original, real_embedder) == []


def test_a_copy_that_merges_two_sentences_may_name_once_what_they_named_twice(
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    original = LEAD + "The cooperative hired a new manager, Tomas Vrana. Vrana starts work on Monday." + TAIL
    copy = LEAD + "The cooperative hired Tomas Vrana as its new manager, who starts work on Monday." + TAIL
    assert omissions(original, copy, real_embedder) == []


def test_a_name_given_once_in_full_and_once_by_its_initials_is_no_omission(
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    original = LEAD + "The European Union said the European Union would respond to the tariffs." + TAIL
    copy = LEAD + "The European Union said the EU would respond to the tariffs." + TAIL
    assert omissions(original, copy, real_embedder) == []


def test_link_text_pasted_into_an_original_sentence_is_demanded_of_no_copy(
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    """Segmentation marks the pasted links as debris; the copy leaving them out drops no name."""
    original = (
        LEAD + "The minister met growers from Moravia in Brno with Governor NovakJan NovakHow Vienna Cafes Fight "
        "Rising Rents Photos of the Week: Lisbon Festival, Oslo Marathon MORE before the harvest began." + TAIL
    )
    copy = LEAD + "The minister met growers from Moravia in Brno with Governor Novak before the harvest began." + TAIL
    assert omissions(original, copy, real_embedder) == []
    # the same names in the story text are demanded
    story = LEAD + "The minister met growers from Moravia in Brno with Governor Novak and Jan Vienna of Lisbon." + TAIL
    shorter = LEAD + "The minister met growers from Moravia in Brno with Governor Novak." + TAIL
    assert omissions(story, shorter, real_embedder) != []
