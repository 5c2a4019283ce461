"""A name's word mangled once is flagged wherever the copy repeats it for the same original word.

Every text here is made up.
"""

from __future__ import annotations

from mtqa.embed.torch import SentenceTransformerEmbedder
from tests.conftest import audited_names

ORIGINAL = (
    "The singer Dana Rivers thanked her fans after the show in Harlow. "
    "Rivers said the tour would go on. The band played for two hours. "
    "Fans cheered when Rivers returned for an encore. Tickets sold out within a day."
)


def test_every_mention_of_a_mangled_surname_is_flagged(real_embedder: SentenceTransformerEmbedder) -> None:
    copy = ORIGINAL.replace("Rivers", "Streams").replace("returned", "came back")
    flags = audited_names(ORIGINAL, copy, real_embedder)
    assert [(text, suggestion) for text, suggestion, _ in flags] == [("Streams", "Rivers")] * 3
    assert flags[1][2] == "major"  # the bare surname of the second sentence: the mangling of the first


def test_a_word_the_original_also_writes_is_not_repeated(real_embedder: SentenceTransformerEmbedder) -> None:
    # "Harlow" is a name of the original: where the copy writes it, it may be right
    original = ORIGINAL.replace("Rivers said", "Harlow said")
    copy = original.replace("Dana Rivers", "Dana Harlow")
    assert [text for text, _, _ in audited_names(original, copy, real_embedder)].count("Harlow") <= 1


def test_a_sentence_that_writes_the_original_name_repeats_nothing(
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    original = (
        "The lawyer Tom Carter defended the bus company in court. "
        "The crash was caused by the driver's error, Carter said. The case resumes in May."
    )
    copy = (
        "The lawyer Tom Driver defended the bus company in court. "
        "Driver error caused the crash, Carter said. The case resumes in May."
    )
    assert [text for text, _, _ in audited_names(original, copy, real_embedder)] == ["Driver"]


def test_a_copy_word_beside_the_right_name_is_not_taken_for_it(real_embedder: SentenceTransformerEmbedder) -> None:
    original = (
        "The striker Leo Banks scored twice on Sunday. Banks thanked the fans after the match. "
        "The club plays again next week."
    )
    copy = (
        "The striker Leo Shores scored twice on Sunday. Banks thanked the fans at Shores Park after the match. "
        "The club plays again next week."
    )
    assert [text for text, _, _ in audited_names(original, copy, real_embedder)] == ["Shores"]
